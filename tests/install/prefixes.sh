#!/bin/bash
# tests/install/prefixes.sh: make install-wine into the prefixes users have.
#
#   1. An ordinary 64-bit prefix made by a 64-bit Wine alone (what a Debian user
#      without wine32:i386 has in ~/.wine): its syswow64 is empty and no 32-bit
#      program starts.  make install-wine gives it its 32-bit side with the
#      emulated 32-bit Wine, and an unmodified 32-bit program then loads the i686
#      DLL from syswow64, through tests/wine32/wine32 and through "wine" with
#      tests/wine32/wine32 --bindir first in PATH.  tests/wine32/wine32 alone does the same for
#      a prefix of its own.  Without the emulated Wine, make install-wine says
#      exactly what to run.
#   2. make install-wine again keeps the state it found: online stays online, and
#      offline offline, in the next Wine session.
#   3. With the prefix's wineserver kept running (wineserver -p), make install-wine
#      ends within its bound and says what to do.
# Prints TAP ("ok - ...", "not ok - ...") and exits non-zero if a check failed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh
BUILD=${BUILD:-build}

failures=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1${2:+ ($2)}"; failures=$((failures + 1)); }
oneline() { printf '%s' "$1" | tr -d '\r' | sed '/^$/d' | paste -sd'|' | sed 's/|/ | /g'; }
# check NAME COMMAND...: the command's status decides.
check() {
    local name=$1 out rc
    shift
    out=$("$@" 2>&1 < /dev/null)
    rc=$?
    if [ "$rc" = 0 ]; then ok "$name"; else not_ok "$name" "exit $rc: $(oneline "$out" | tail -c 300)"; fi
}
contains() { printf '%s' "$1" | tr -d '\r' | grep -Fq -- "$2"; }
BUILT=
for a in x86_64 i686; do
    for f in ntdsbcli.dll libntdsbcli.a ntdsbcli.lib dsbackup.exe ntdssvc.exe; do BUILT="$BUILT -o $BUILD/$a/$f"; done
done
# install_wine ARGS...: make install-wine into $WINEPREFIX; OUT and RC.
install_wine() {
    OUT=$(make --no-print-directory BUILD="$BUILD" $BUILT install-wine WINEPREFIX="$WINEPREFIX" "$@" 2>&1 < /dev/null)
    RC=$?
}
has_32bit_side() { [ -f "$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll" ]; }
lower() { tr 'A-Z' 'a-z'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-prefixes-test.XXXXXX")
trap 'wine_prefix_destroy; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
i686-w64-mingw32-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$tmp/probe32.exe" tests/install/probe.c -static \
    || { echo "not ok - tests/install/probe.c does not build for i686"; exit 1; }

# probe32 RUNNER...: the unmodified 32-bit program in C:\apps, by name of the DLL.
probe32() {
    "$@" 'C:\apps\probe32.exe' DsBackupPrepareW DsIsNTDSOnlineW > "$tmp/probe.out" 2>&1 < /dev/null
    tr -d '\r' < "$tmp/probe.out"
}
loads_ours() {
    local out
    out=$(probe32 "$@")
    printf '%s\n' "$out" | lower | grep -Fq 'module: c:\windows\system32\ntdsbcli.dll' \
        && [ "$(printf '%s\n' "$out" | grep -c ': found$')" = 2 ] || { printf '%s\n' "$out"; return 1; }
}

# ===== 1. a 64-bit prefix made by a 64-bit Wine alone ====================================
echo "--- make install-wine into a 64-bit prefix with an empty syswow64"
wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
mkdir -p "$WINEPREFIX/drive_c/apps" && cp "$tmp/probe32.exe" "$WINEPREFIX/drive_c/apps/"
check "the new 64-bit prefix has no 32-bit side (syswow64 without kernel32.dll)" sh -c "! test -f '$WINEPREFIX/drive_c/windows/syswow64/kernel32.dll'"
install_wine
check "make install-wine exits 0" test "$RC" = 0
check "... saying it installs Wine's 32-bit files" contains "$OUT" "installing Wine's 32-bit files with the emulated 32-bit Wine"
check "... which are there afterwards (syswow64/kernel32.dll)" has_32bit_side
check "... with the i686 DLL in syswow64" cmp "$WINEPREFIX/drive_c/windows/syswow64/ntdsbcli.dll" "$BUILD/i686/builtin/ntdsbcli.dll"
check "... and no note that it is missing" sh -c "! printf '%s' \"\$1\" | grep -q 'no 32-bit program starts in it yet'" - "$OUT"
check "an unmodified 32-bit program loads it, through tests/wine32/wine32" loads_ours tests/wine32/wine32
check "... and through wine with tests/wine32/wine32 --bindir first in PATH" \
    loads_ours env PATH="$(tests/wine32/wine32 --bindir):$PATH" wine

# ===== 2. make install-wine again keeps the state it found ===============================
echo "--- make install-wine again, online and offline"
sample_db_create
status_line() { wine dsbackup status 2>&1 < /dev/null | tr -d '\r' | sed -n 's/^directory service: *//p'; }
check "dsbackup online" sh -c "wine dsbackup online > /dev/null 2>&1 < /dev/null"
wineserver -w
install_wine
check "make install-wine, online, exits 0" test "$RC" = 0
wineserver -w
check "... and the directory is online in the next session" test "$(status_line)" = online
check "dsbackup offline" sh -c "wine dsbackup offline > /dev/null 2>&1 < /dev/null"
wineserver -w
install_wine
check "make install-wine, offline, exits 0" test "$RC" = 0
wineserver -w
check "... and the directory is offline in the next session" test "$(status_line)" = offline

# ===== 3. a wineserver kept running =======================================================
echo "--- make install-wine while wineserver -p runs"
wineserver -p
started=$SECONDS
NTDSBCLI_WINESERVER_WAIT=5 install_wine
check "make install-wine ends although the wineserver stays up" test "$RC" = 0 -a $((SECONDS - started)) -lt 120
check "... and says what to do" contains "$OUT" "wineserver -k' ends it now"
wineserver -k
wine_prefix_destroy

# ===== tests/wine32/wine32 alone, and without the emulated Wine ================================
echo "--- tests/wine32/wine32 in a 64-bit prefix with an empty syswow64"
wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
mkdir -p "$WINEPREFIX/drive_c/apps" && cp "$tmp/probe32.exe" "$WINEPREFIX/drive_c/apps/"
NTDSBCLI_WINE32_CACHE=$tmp/no-emulated-wine install_wine
check "make install-wine without the emulated 32-bit Wine exits 0" test "$RC" = 0
check "... saying the prefix has no 32-bit side" contains "$OUT" "has no 32-bit side"
check "... and what to run: make wine32 and tests/wine32/wine32 --setup-prefix" \
    contains "$OUT" "make wine32 && WINEPREFIX=$WINEPREFIX tests/wine32/wine32 --setup-prefix"
check "... or, with Debian's wine32:i386, wineboot -u" contains "$OUT" "rm $WINEPREFIX/.update-timestamp && WINEPREFIX=$WINEPREFIX wineboot -u"
check "tests/wine32/wine32 gives the prefix its 32-bit side and runs the program" loads_ours tests/wine32/wine32
check "... once: syswow64/kernel32.dll is there" has_32bit_side

echo "prefixes: $((SECONDS - t0)) s, $failures failed"
[ "$failures" -eq 0 ]
