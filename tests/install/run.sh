#!/bin/bash
# tests/install/run.sh: make install / uninstall and make install-wine /
# uninstall-wine (install.mk, tools/install.sh, tools/ntdsbcli-setup), as a user of
# each would meet them.
#
#   1. make install into an empty staging folder (DESTDIR, PREFIX=/usr/local): the
#      files where mingw-w64 looks, the manifests; a client (client.c) built for
#      both triplets with pkg-config against the installed files only, importing
#      ntdsbcli.dll, run under Wine with the installed DLL beside it; a second
#      install changes nothing; make uninstall leaves the folder as it was.
#      Then PREFIX=/usr into a staging folder laid out like Debian's mingw-w64
#      (its own ntdsbcli.h, ntdsbmsg.h as a link, libntdsbcli.a): those are kept,
#      byte-identical, unrecorded, and survive make uninstall, which leaves exactly
#      the files that were there.  Also: the compilers search /usr/<triplet>/include
#      and lib by default; a file that stopped being ours is kept by uninstall; a
#      relative PREFIX is refused.
#   2. make install-wine into a throwaway Wine prefix (without the UNC link):
#      the files are the copies make marked as Wine builtins; an unmodified program
#      in C:\apps (probe.c: LoadLibraryA by name), which Wine shows loading a builtin,
#      and the client of (1) alone in C:\apps load C:\windows\system32\ntdsbcli.dll; the
#      service NTDS is registered; dsbackup status runs; the link exists; a second
#      install-wine is idempotent; make uninstall-wine removes exactly what was
#      installed (listings of system32, syswow64 and dosdevices as before).  A
#      foreign ntdsbcli.dll is refused and left byte-identical; FORCE=1 replaces it
#      and uninstall-wine puts it back.  The layout of a 32-bit prefix (SERVICE=0,
#      files only: 32-bit Wine cannot run here).  Refusals without a usable
#      WINEPREFIX.
# Prints "ok - <check>" or "not ok - <check> (got ..., expected ...)" (TAP) per check and
# exits non-zero if any failed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh
. tests/lib/checks.sh

BUILD=${BUILD:-build}
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
TRIPLETS="x86_64-w64-mingw32 i686-w64-mingw32"

# mk ARGS...: make with the Makefile, which includes install.mk.  Sets OUT (oneline)
# and RC.
# What make all built is installed as it is (-o: not rebuilt half-way through if a
# source changes meanwhile).
BUILT=
for a in x86_64 i686; do
    for f in ntdsbcli.dll libntdsbcli.a ntdsbcli.lib dsbackup.exe ntdssvc.exe; do BUILT="$BUILT -o $BUILD/$a/$f"; done
done
mk() {
    OUT=$(make --no-print-directory BUILD="$BUILD" $BUILT "$@" 2>&1)
    RC=$?
    RAW=$OUT
    OUT=$(oneline "$OUT")
}
# run_wine PROGRAM ARGS...: sets OUT (oneline) and RC.
run_wine() {
    OUT=$(timeout 60 wine "$@" 2>&1)
    RC=$?
    OUT=$(oneline "$OUT")
}

# tree_state DIR: every entry with its type, size, link target and, for files,
# contents; enough to tell that nothing was added, removed or changed.
tree_state() {
    (cd "$1" && { find . -printf '%P %y %s %l\n'; find . -type f -exec md5sum {} +; } | LC_ALL=C sort)
}
lower() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }

# --- what the checks need ------------------------------------------------------------
for f in include/ntdsbcli.h include/ntdsbmsg.h ntdsbcli.pc.in tools/install.sh \
         $BUILD/x86_64/ntdsbcli.dll $BUILD/i686/ntdsbcli.dll $BUILD/x86_64/libntdsbcli.a \
         $BUILD/i686/libntdsbcli.a $BUILD/x86_64/ntdsbcli.lib $BUILD/i686/ntdsbcli.lib \
         $BUILD/x86_64/dsbackup.exe $BUILD/i686/dsbackup.exe \
         $BUILD/x86_64/ntdssvc.exe $BUILD/i686/ntdssvc.exe; do
    [ -f "$f" ] || { echo "not ok - $f is missing (make all builds it)"; exit 1; }
done
for c in pkg-config wine wineserver strings x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc \
         x86_64-w64-mingw32-objdump i686-w64-mingw32-objdump; do
    command -v "$c" >/dev/null || { echo "not ok - $c is not installed"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-install-test.XXXXXX")
cleanup() {
    wine_prefix_destroy
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$SECONDS

# pkgconf TRIPLET STAGE PREFIX ARGS...: pkg-config on the .pc installed in STAGE only
pkgconf() {
    local t=$1 stage=$2 prefix=$3
    shift 3
    PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$stage$prefix/$t/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage" \
        pkg-config "$@" ntdsbcli
}
# build_client TRIPLET STAGE PREFIX OUT: sets OUT_BUILD and RC
build_client() {
    local flags
    flags=$(pkgconf "$1" "$2" "$3" --cflags --libs) || { RC=1; OUT_BUILD="pkg-config failed"; return; }
    OUT_BUILD=$($1-gcc -std=gnu11 -Wall -Wextra -Werror -o "$4" tests/install/client.c $flags 2>&1)
    RC=$?
    OUT_BUILD=$(oneline "$OUT_BUILD")
}
dll_imports() { "${1%%-*}-w64-mingw32-objdump" -p "$2" | sed -n 's/^[[:space:]]*DLL Name: //p' | paste -sd' '; }

# ===== 1. make install / make uninstall ==============================================
echo "--- make install, PREFIX=/usr/local, into an empty staging folder"
stage=$tmp/stage-local
mkdir -p "$stage"
tree_state "$stage" > "$tmp/stage-local.before"
mk install DESTDIR="$stage" PREFIX=/usr/local
check "make install DESTDIR=... PREFIX=/usr/local exits 0" "$RC" 0
[ "$RC" = 0 ] || echo "  output: $OUT"
for t in $TRIPLETS; do
    a=${t%%-*}
    r=$stage/usr/local/$t
    check_same_file "$t: include/ntdsbcli.h installed" "$r/include/ntdsbcli.h" include/ntdsbcli.h
    check_same_file "$t: include/ntdsbmsg.h installed" "$r/include/ntdsbmsg.h" include/ntdsbmsg.h
    check_same_file "$t: lib/libntdsbcli.a is the $a import library" "$r/lib/libntdsbcli.a" "$BUILD/$a/libntdsbcli.a"
    check_same_file "$t: lib/ntdsbcli.lib is the $a MSVC-style import library" "$r/lib/ntdsbcli.lib" "$BUILD/$a/ntdsbcli.lib"
    check_same_file "$t: bin/ntdsbcli.dll is the $a DLL" "$r/bin/ntdsbcli.dll" "$BUILD/$a/ntdsbcli.dll"
    man=$r/lib/ntdsbcli/installed-files
    expected=$(printf '%s\n' include/ntdsbcli.h include/ntdsbmsg.h lib/libntdsbcli.a lib/ntdsbcli.lib \
               bin/ntdsbcli.dll lib/pkgconfig/ntdsbcli.pc lib/ntdsbcli/installed-files | sed "s|^|/usr/local/$t/|" | sort | paste -sd' ')
    got=$(grep -v '/$' "$man" 2>/dev/null | sort | paste -sd' ')
    check "$t: the manifest lists every installed file, itself included, and nothing else" "$got" "$expected"
    got=$(cd "$stage" && find "usr/local/$t" -type f | sed 's|^|/|' | sort | paste -sd' ')
    check "$t: the files in the staging folder are the manifest's" "$got" "$expected"
    check "$t: pkg-config --modversion is the Makefile's VERSION" "$(pkgconf "$t" "$stage" /usr/local --modversion)" "$VERSION"
    check "$t: pkg-config --cflags --libs" "$(pkgconf "$t" "$stage" /usr/local --cflags --libs | sed 's/ *$//')" \
        "-I$r/include -L$r/lib -lntdsbcli"
    build_client "$t" "$stage" /usr/local "$tmp/client-$a.exe"
    check "$t: client.c builds and links with pkg-config's flags against the installed files" "$RC ($OUT_BUILD)" "0 ()"
    check "$t: the client imports ntdsbcli.dll" \
        "$(dll_imports "$t" "$tmp/client-$a.exe" 2>/dev/null | grep -o 'ntdsbcli.dll')" ntdsbcli.dll
done

mk install DESTDIR="$stage" PREFIX=/usr/local
check "a second make install exits 0" "$RC" 0
tree_state "$stage" > "$tmp/stage-local.again"
mk install DESTDIR="$stage" PREFIX=/usr/local
tree_state "$stage" > "$tmp/stage-local.third"
check_same_listing "a repeated make install changes nothing (files, contents, manifests)" \
    "$tmp/stage-local.again" "$tmp/stage-local.third"

echo "--- the client under Wine, with the installed DLL beside it"
export NTDSBCLI_TEST_NO_UNC_LINK=1
# The prefix runs i686 programs too, through the emulated 32-bit Wine.
wine_use_arch i686 || { echo "not ok - no Wine for i686 programs (make wine32)"; exit 1; }
if ! wine_prefix_create; then
    echo "not ok - cannot create a Wine prefix"
    exit 1
fi
host=$(wine_computer_name | tr 'A-Z' 'a-z')
mkdir -p "$WINEPREFIX/drive_c/client1"
cp "$tmp/client-x86_64.exe" "$WINEPREFIX/drive_c/client1/client.exe"
cp "$stage/usr/local/x86_64-w64-mingw32/bin/ntdsbcli.dll" "$WINEPREFIX/drive_c/client1/"
run_wine 'C:\client1\client.exe'
check "x86_64 client runs: DsIsNTDSOnlineW returns S_OK, offline" "$RC $(printf '%s' "$OUT" | grep -o 'DsIsNTDSOnlineW: [^|]*' | sed 's/ *$//')" \
    "0 DsIsNTDSOnlineW: 0x00000000 online 0"
check "x86_64 client uses the DLL beside it" "$(lower "$(printf '%s' "$OUT" | sed -n 's/.*module: \([^|]*\).*/\1/p' | sed 's/ *$//')")" \
    'c:\client1\ntdsbcli.dll'
mkdir -p "$WINEPREFIX/drive_c/client2"
cp "$tmp/client-i686.exe" "$WINEPREFIX/drive_c/client2/client.exe"
cp "$stage/usr/local/i686-w64-mingw32/bin/ntdsbcli.dll" "$WINEPREFIX/drive_c/client2/"
run_wine 'C:\client2\client.exe'
check "i686 client runs: DsIsNTDSOnlineW returns S_OK, offline" "$RC $(printf '%s' "$OUT" | grep -o 'DsIsNTDSOnlineW: [^|]*' | sed 's/ *$//')" \
    "0 DsIsNTDSOnlineW: 0x00000000 online 0"
check "i686 client uses the DLL beside it" "$(lower "$(printf '%s' "$OUT" | sed -n 's/.*module: \([^|]*\).*/\1/p' | sed 's/ *$//')")" \
    'c:\client2\ntdsbcli.dll'

mk uninstall DESTDIR="$stage" PREFIX=/usr/local
check "make uninstall exits 0" "$RC" 0
tree_state "$stage" > "$tmp/stage-local.after"
check_same_listing "make uninstall leaves the staging folder as it was (empty)" \
    "$tmp/stage-local.before" "$tmp/stage-local.after"
mk uninstall DESTDIR="$stage" PREFIX=/usr/local
check "make uninstall with nothing installed exits 0" "$RC" 0
check_match "make uninstall with nothing installed says so" "$OUT" 'nothing to uninstall'

echo "--- make install, PREFIX=/usr, over a Debian-like mingw-w64 that has its own files"
stage=$tmp/stage-usr
u=$stage/usr
mkdir -p "$u/x86_64-w64-mingw32/include" "$u/x86_64-w64-mingw32/lib" "$u/i686-w64-mingw32/include" \
         "$u/i686-w64-mingw32/lib" "$u/share/mingw-w64/include"
# mingw-w64's own files where it has them (ABI-identical with ours); else stand-ins.
foreign_copy() {        # SYSTEM_FILE OUR_FILE DEST
    if [ -f "$1" ] && ! grep -q 'The ntdsbcli project authors' "$1"; then cp "$1" "$3"
    else sed 's/The ntdsbcli project authors/Someone else/' "$2" > "$3"; fi
}
foreign_copy /usr/x86_64-w64-mingw32/include/ntdsbcli.h include/ntdsbcli.h "$u/x86_64-w64-mingw32/include/ntdsbcli.h"
foreign_copy /usr/share/mingw-w64/include/ntdsbmsg.h include/ntdsbmsg.h "$u/share/mingw-w64/include/ntdsbmsg.h"
ln -s ../../share/mingw-w64/include/ntdsbmsg.h "$u/i686-w64-mingw32/include/ntdsbmsg.h"
if [ -f /usr/x86_64-w64-mingw32/lib/libntdsbcli.a ]; then
    cp /usr/x86_64-w64-mingw32/lib/libntdsbcli.a "$u/x86_64-w64-mingw32/lib/"
else
    cp "$BUILD/x86_64/libntdsbcli.a" "$u/x86_64-w64-mingw32/lib/"
fi
echo "not ours" > "$u/x86_64-w64-mingw32/lib/libother.a"
tree_state "$stage" > "$tmp/stage-usr.before"
cp -a "$stage" "$tmp/stage-usr.orig"

mk install DESTDIR="$stage" PREFIX=/usr
check "make install DESTDIR=... PREFIX=/usr exits 0" "$RC" 0
kept_msg='it belongs to another package; it is ABI-identical with ours (tests/abi)'
for f in x86_64-w64-mingw32/include/ntdsbcli.h x86_64-w64-mingw32/lib/libntdsbcli.a \
         i686-w64-mingw32/include/ntdsbmsg.h; do
    check "PREFIX=/usr: the foreign $f is reported kept" \
        "$(printf '%s\n' "$RAW" | grep -Fx "kept $u/$f: $kept_msg" | wc -l)" 1
    if [ -L "$tmp/stage-usr.orig/usr/$f" ]; then
        check "PREFIX=/usr: the foreign link $f is still the same link" \
            "$(readlink "$u/$f")" "$(readlink "$tmp/stage-usr.orig/usr/$f")"
    else
        check_same_file "PREFIX=/usr: the foreign $f is byte-identical" "$u/$f" "$tmp/stage-usr.orig/usr/$f"
    fi
    check "PREFIX=/usr: the foreign $f is not in the manifest" \
        "$(grep -Fxc "/usr/$f" "$u/${f%%/*}/lib/ntdsbcli/installed-files")" 0
done
check_same_file "PREFIX=/usr: mingw-w64's ntdsbmsg.h behind the link is byte-identical" \
    "$u/share/mingw-w64/include/ntdsbmsg.h" "$tmp/stage-usr.orig/usr/share/mingw-w64/include/ntdsbmsg.h"
check_same_file "PREFIX=/usr: ours installed beside it: x86_64 ntdsbmsg.h" \
    "$u/x86_64-w64-mingw32/include/ntdsbmsg.h" include/ntdsbmsg.h
check_same_file "PREFIX=/usr: ours installed beside it: i686 ntdsbcli.h" \
    "$u/i686-w64-mingw32/include/ntdsbcli.h" include/ntdsbcli.h
check_same_file "PREFIX=/usr: ours installed beside it: i686 libntdsbcli.a" \
    "$u/i686-w64-mingw32/lib/libntdsbcli.a" "$BUILD/i686/libntdsbcli.a"
for t in $TRIPLETS; do
    a=${t%%-*}
    check_same_file "PREFIX=/usr: $t bin/ntdsbcli.dll installed" "$u/$t/bin/ntdsbcli.dll" "$BUILD/$a/ntdsbcli.dll"
    build_client "$t" "$stage" /usr "$tmp/client-usr-$a.exe"
    check "PREFIX=/usr: $t client.c builds and links with pkg-config's flags (the kept files included)" \
        "$RC ($OUT_BUILD)" "0 ()"
    # PREFIX=/usr puts the files in the compiler's own search path: plain -lntdsbcli.
    libdirs=$($t-gcc -print-search-dirs | sed -n 's/^libraries: =//p' | tr ':' '\n' | xargs -r realpath -m)
    check "PREFIX=/usr: $t-gcc searches /usr/$t/lib by default" \
        "$(printf '%s\n' "$libdirs" | sort -u | grep -Fxc "/usr/$t/lib")" 1
    incdirs=$(echo | $t-gcc -E -v - 2>&1 | sed -n '/^#include <...> search starts here:/,/^End of search list/p' \
              | sed -n 's/^ //p' | xargs -r realpath -m)
    check "PREFIX=/usr: $t-gcc searches /usr/$t/include by default" \
        "$(printf '%s\n' "$incdirs" | sort -u | grep -Fxc "/usr/$t/include")" 1
done
for t in $TRIPLETS; do
    check "PREFIX=/usr: the $t .pc has prefix=/usr/$t" \
        "$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$u/$t/lib/pkgconfig" pkg-config --variable=prefix ntdsbcli)" "/usr/$t"
done

mk uninstall DESTDIR="$stage" PREFIX=/usr
check "make uninstall DESTDIR=... PREFIX=/usr exits 0" "$RC" 0
tree_state "$stage" > "$tmp/stage-usr.after"
check_same_listing "PREFIX=/usr: make uninstall leaves exactly the files that were there, unchanged" \
    "$tmp/stage-usr.before" "$tmp/stage-usr.after"

echo "--- make uninstall keeps a listed file that is no longer ours; relative PREFIX"
stage=$tmp/stage-opt
mk install DESTDIR="$stage" PREFIX=/opt/ntdsbcli
echo '/* some other package'"'"'s ntdsbcli.h */' > "$stage/opt/ntdsbcli/x86_64-w64-mingw32/include/ntdsbcli.h"
mk uninstall DESTDIR="$stage" PREFIX=/opt/ntdsbcli
check "make uninstall exits 0 when a listed file was replaced" "$RC" 0
check_match "make uninstall reports the replaced header kept" "$OUT" \
    "kept $stage/opt/ntdsbcli/x86_64-w64-mingw32/include/ntdsbcli.h: it is no longer ours"
check "make uninstall leaves only the replaced header (and its folders)" \
    "$(cd "$stage" && find . -type f | paste -sd' ')" "./opt/ntdsbcli/x86_64-w64-mingw32/include/ntdsbcli.h"
mk install DESTDIR="$tmp/stage-rel" PREFIX=usr/local
check "make install refuses a relative PREFIX" "$([ "$RC" != 0 ] && echo refused || echo "accepted")" refused
check_match "make install says why" "$OUT" 'PREFIX must be an absolute path'
check_absent "a refused make install creates nothing" "$tmp/stage-rel"

# ===== 2. make install-wine / uninstall-wine =============================================
echo "--- make install-wine"
link=$WINEPREFIX/dosdevices/unc/$host/c\$
record=$WINEPREFIX/drive_c/windows/ntdsbcli-installed-files
sys32=$WINEPREFIX/drive_c/windows/system32
wow64=$WINEPREFIX/drive_c/windows/syswow64
check_absent "the new prefix has no UNC link (NTDSBCLI_TEST_NO_UNC_LINK=1)" "$link"
check "the new prefix has no service NTDS" "$(ntds_service_image)" ""
wine_prefix_state > "$tmp/prefix.before"

OUT=$(env -u WINEPREFIX make --no-print-directory BUILD="$BUILD" $BUILT install-wine 2>&1); RC=$?
check "install-wine without WINEPREFIX is refused" "$([ "$RC" != 0 ] && echo refused || echo accepted)" refused
check_match "install-wine without WINEPREFIX says it needs one" "$(oneline "$OUT")" 'needs the Wine prefix'
OUT=$(env -u WINEPREFIX make --no-print-directory BUILD="$BUILD" $BUILT uninstall-wine 2>&1); RC=$?
check "uninstall-wine without WINEPREFIX is refused" "$([ "$RC" != 0 ] && echo refused || echo accepted)" refused
mk install-wine WINEPREFIX="$tmp/no-such-prefix"
check "install-wine into a folder that does not exist is refused" "$([ "$RC" != 0 ] && echo refused || echo accepted)" refused
check_match "... saying so" "$OUT" 'does not exist'
check_absent "... without creating it" "$tmp/no-such-prefix"
mkdir -p "$tmp/not-a-prefix/drive_c/windows/system32"
mk install-wine WINEPREFIX="$tmp/not-a-prefix"
check "install-wine into a folder without system.reg is refused" "$([ "$RC" != 0 ] && echo refused || echo accepted)" refused
check_match "... saying so" "$OUT" 'no system.reg'
check "... leaving it untouched" "$(find "$tmp/not-a-prefix" -type f | wc -l)" 0

mk install-wine WINEPREFIX="$WINEPREFIX"
check "make install-wine exits 0" "$RC" 0
[ "$RC" = 0 ] || echo "  output: $OUT"
check_same_file "the x86_64 DLL is in C:\\windows\\system32" "$sys32/ntdsbcli.dll" "$BUILD/x86_64/builtin/ntdsbcli.dll"
check_same_file "the i686 DLL is in C:\\windows\\syswow64" "$wow64/ntdsbcli.dll" "$BUILD/i686/builtin/ntdsbcli.dll"
check_same_file "dsbackup.exe (x86_64) is in system32" "$sys32/dsbackup.exe" "$BUILD/x86_64/builtin/dsbackup.exe"
check_same_file "ntdssvc.exe (x86_64) is in system32" "$sys32/ntdssvc.exe" "$BUILD/x86_64/builtin/ntdssvc.exe"
for f in "$sys32/ntdsbcli.dll" "$wow64/ntdsbcli.dll" "$sys32/dsbackup.exe" "$sys32/ntdssvc.exe"; do
    check "${f#"$WINEPREFIX"/} carries Wine's builtin marker" "$(grep -c 'Wine builtin DLL' "$f")" 1
done
check "the UNC link dosdevices/unc/$host/c\$ -> ../../c: exists" "$(readlink "$link")" "../../c:"
expected_record=$(printf '%s\n' drive_c/windows/system32/ntdsbcli.dll drive_c/windows/syswow64/ntdsbcli.dll \
    drive_c/windows/system32/dsbackup.exe drive_c/windows/system32/ntdssvc.exe '@service NTDS' \
    dosdevices/unc/ "dosdevices/unc/$host/" "dosdevices/unc/$host/c\$" | LC_ALL=C sort | paste -sd' ')
check "the record lists what was installed, the service and the link" \
    "$(LC_ALL=C sort "$record" 2>/dev/null | paste -sd' ')" "$expected_record"
check "the service NTDS is registered to run C:\\windows\\system32\\ntdssvc.exe" \
    "$(ntds_service_image)" '"C:\windows\system32\ntdssvc.exe"'
state=$(wine sc query NTDS 2>/dev/null | tr -d '\r' | sed -n 's/^ *STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p')
check "wine sc query NTDS shows it, stopped" "$state" STOPPED

mkdir -p "$WINEPREFIX/drive_c/apps"
x86_64-w64-mingw32-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$WINEPREFIX/drive_c/apps/probe.exe" \
    tests/install/probe.c -static 2>&1
check "probe.c builds" "$?" 0
run_wine 'C:\apps\probe.exe' DsBackupPrepareW DsIsNTDSOnlineW DsRestoreRegisterComplete DsBackupFree
check "an unmodified program in C:\\apps loads ntdsbcli.dll by name from system32" \
    "$(lower "$(printf '%s' "$OUT" | sed -n 's/.*module: \([^|]*\).*/\1/p' | sed 's/ *$//')")" 'c:\windows\system32\ntdsbcli.dll'
check "... and finds its exports" "$(printf '%s' "$OUT" | grep -o 'export [A-Za-z]*: found' | wc -l)" 4
check "... and the service NTDS through the service control manager" \
    "$(lower "$(printf '%s' "$OUT" | sed -n 's/.*service NTDS: \([^|]*\).*/\1/p' | sed 's/ *$//')")" \
    '"c:\windows\system32\ntdssvc.exe"'
OUT=$(WINEDEBUG=+loaddll timeout 60 wine 'C:\apps\probe.exe' DsBackupFree 2>&1)
check_match "... and Wine loads it as a builtin (WINEDEBUG=+loaddll)" "$(oneline "$OUT")" \
    'Loaded L"C:\\\\windows\\\\system32\\\\ntdsbcli.dll" at [0-9A-Fa-f]*: builtin'
cp "$tmp/client-x86_64.exe" "$WINEPREFIX/drive_c/apps/client.exe"
run_wine 'C:\apps\client.exe'
check "the import-library client alone in C:\\apps runs" "$RC" 0
check "... with the DLL of system32" \
    "$(lower "$(printf '%s' "$OUT" | sed -n 's/.*module: \([^|]*\).*/\1/p' | sed 's/ *$//')")" 'c:\windows\system32\ntdsbcli.dll'
OUT=$(cd "$WINEPREFIX/drive_c/apps" && timeout 60 wine dsbackup status 2>&1); RC=$?
check "wine dsbackup status runs from another folder" "$RC" 0
check_match "... and reports the directory" "$(oneline "$OUT")" 'directory service: *offline'
OUT=$(timeout 60 wine cmd /c "if exist \\\\$(wine_computer_name)\\C\$\\windows\\system32\\ntdsbcli.dll echo reachable" 2>&1)
check_match "\\\\$(wine_computer_name)\\C\$ resolves through the link" "$(oneline "$OUT")" 'reachable'

wine_prefix_state --no-times > "$tmp/prefix.installed"
cp "$record" "$tmp/record.first"
mk install-wine WINEPREFIX="$WINEPREFIX"
check "a second make install-wine exits 0" "$RC" 0
check_match "... finds the service registered already" "$OUT" 'service NTDS is registered already'
check_match "... and the link there already" "$OUT" 'exists already: kept'
wine_prefix_state --no-times > "$tmp/prefix.installed2"
check_same_listing "... and leaves the same files" "$tmp/prefix.installed" "$tmp/prefix.installed2"
check_same_listing "... and the same record" "$tmp/record.first" "$record"

wineserver -w
mk uninstall-wine WINEPREFIX="$WINEPREFIX"
check "make uninstall-wine exits 0" "$RC" 0
[ "$RC" = 0 ] || echo "  output: $OUT"
check_absent "the record is removed" "$record"
check_absent "the UNC link is removed" "$link"
check "the service NTDS is unregistered" "$(ntds_service_image)" ""
wine sc query NTDS >/dev/null 2>&1
check "wine sc query NTDS finds no service" "$?" 1
wine_prefix_state > "$tmp/prefix.after"
check_same_listing "system32, syswow64 and dosdevices are as before install-wine" \
    "$tmp/prefix.before" "$tmp/prefix.after"
run_wine 'C:\apps\probe.exe' DsBackupFree
check_match "the program in C:\\apps no longer finds ntdsbcli.dll" "$OUT" 'module: not found'
mk uninstall-wine WINEPREFIX="$WINEPREFIX"
check "make uninstall-wine with nothing installed exits 0" "$RC" 0
check_match "... and says so" "$OUT" 'nothing to uninstall'

echo "--- a foreign ntdsbcli.dll in the prefix"
cp "$sys32/ntdsapi.dll" "$tmp/foreign.dll"
cp -p "$tmp/foreign.dll" "$sys32/ntdsbcli.dll"
wine_prefix_state > "$tmp/prefix.foreign"
mk install-wine WINEPREFIX="$WINEPREFIX"
check "make install-wine refuses to overwrite it" "$([ "$RC" != 0 ] && echo refused || echo accepted)" refused
check_match "... saying why" "$OUT" "refusing to overwrite $sys32/ntdsbcli.dll: it is not ours"
check_same_file "... leaving it byte-identical" "$sys32/ntdsbcli.dll" "$tmp/foreign.dll"
wine_prefix_state > "$tmp/prefix.refused"
check_same_listing "... and changing nothing else" "$tmp/prefix.foreign" "$tmp/prefix.refused"
check_absent "... recording nothing" "$record"
check "... registering no service" "$(ntds_service_image)" ""

mk install-wine WINEPREFIX="$WINEPREFIX" FORCE=1 SERVICE=0
check "make install-wine FORCE=1 SERVICE=0 exits 0" "$RC" 0
check_same_file "FORCE=1 replaces it with ours" "$sys32/ntdsbcli.dll" "$BUILD/x86_64/builtin/ntdsbcli.dll"
check_same_file "... keeping it in C:\\windows\\ntdsbcli-replaced" \
    "$WINEPREFIX/drive_c/windows/ntdsbcli-replaced/system32/ntdsbcli.dll" "$tmp/foreign.dll"
check_absent "SERVICE=0 installs no ntdssvc.exe" "$sys32/ntdssvc.exe"
check "SERVICE=0 registers no service" "$(ntds_service_image)" ""
mk uninstall-wine WINEPREFIX="$WINEPREFIX"
check "make uninstall-wine exits 0" "$RC" 0
check_same_file "uninstall-wine puts the replaced DLL back, byte-identical" "$sys32/ntdsbcli.dll" "$tmp/foreign.dll"
check_absent "... and removes C:\\windows\\ntdsbcli-replaced" "$WINEPREFIX/drive_c/windows/ntdsbcli-replaced"
wine_prefix_state > "$tmp/prefix.restored"
check_same_listing "... leaving the prefix as it was with the foreign DLL" "$tmp/prefix.foreign" "$tmp/prefix.restored"
rm -f "$sys32/ntdsbcli.dll"

echo "--- the layout of a 32-bit prefix (files only, SERVICE=0: no 32-bit Wine here)"
p32=$tmp/prefix32
mkdir -p "$p32/drive_c/windows/system32" "$p32/dosdevices"
ln -s ../drive_c "$p32/dosdevices/c:"
touch "$p32/system.reg"
tree_state "$p32" > "$tmp/p32.before"
mk install-wine WINEPREFIX="$p32" SERVICE=0
check "install-wine into a 32-bit prefix exits 0" "$RC" 0
check_match "... and calls it 32-bit" "$OUT" 'installing into the 32-bit Wine prefix'
check_same_file "the i686 DLL is in its system32" "$p32/drive_c/windows/system32/ntdsbcli.dll" "$BUILD/i686/builtin/ntdsbcli.dll"
check_same_file "the i686 dsbackup.exe is in its system32" "$p32/drive_c/windows/system32/dsbackup.exe" "$BUILD/i686/builtin/dsbackup.exe"
check_absent "no syswow64 is made" "$p32/drive_c/windows/syswow64"
check "the UNC link is made" "$(readlink "$p32/dosdevices/unc/$host/c\$")" "../../c:"
mk uninstall-wine WINEPREFIX="$p32"
check "uninstall-wine from the 32-bit prefix exits 0" "$RC" 0
tree_state "$p32" > "$tmp/p32.after"
check_same_listing "... leaves it as it was" "$tmp/p32.before" "$tmp/p32.after"

echo
echo "install: $((SECONDS - t0)) s"
[ "$failures" -eq 0 ]
