#!/bin/bash
# run.sh ARCH [--builtin]: runs the conformance tests of build/ARCH/ntdsbcli.dll under
# Wine, in a throwaway prefix with a generated directory database: each unit of
# conformance.exe (tests/conformance/*.c) in the state of the prefix it needs,
# and the checks of what the DLL prints and leaves behind.
# --builtin: of the ntdsbcli.dll (and ntdssvc.exe) Wine has in the new prefix's
# system folder, copied from its own folders as a builtin: those of WINEDLLPATH, where
# tests/deb/run.sh unpacked the packages.  Nothing is put beside the program then,
# and Wine must say it loaded a builtin.
#
# NTDSBCLI_TEST_DLLS=DIR tests DIR/ARCH/ntdsbcli.dll instead, and
# NTDSBCLI_TEST_WINE_FORM=1 says that it is the DLL in Wine's own form (make
# check-wine-form), which has neither the restore journal nor the share warning of
# the standalone build: their checks are left out.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
arch=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/wine.sh"
. "$here/tests/lib/tap.sh"
dlls=${NTDSBCLI_TEST_DLLS:-$here/build}
standalone=1; [ "${NTDSBCLI_TEST_WINE_FORM:-0}" = 1 ] && standalone=0
wine_use_arch "$arch" || exit 1
trap wine_prefix_destroy EXIT
wine_prefix_create || exit 1

status=0
check() {   # check NAME COMMAND...: one TAP line for a shell-level check
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; status=1; fi
}
bin="$WINEPREFIX/drive_c/tests"
mkdir -p "$bin"
if [ "${2:-}" = --builtin ]; then
    # The program alone; the DLL and the service are the prefix's.  A 32-bit
    # process in a 64-bit prefix sees syswow64 as system32.
    system=system32
    [ "$arch" = i686 ] && [ -d "$WINEPREFIX/drive_c/windows/syswow64" ] && system=syswow64
    cp "$here/build/$arch/conformance.exe" "$bin/"
    service_exe="C:\\windows\\$system\\ntdssvc.exe"
    WINEDEBUG=+loaddll wine "C:\\tests\\conformance.exe" not_a_dc > "$bin/loaddll.txt" 2>&1
    check "ntdsbcli.dll is the system folder's, loaded as a builtin ($arch)" \
        grep -qE 'Loaded L"C:\\\\windows\\\\system32\\\\ntdsbcli\.dll" at [0-9A-Fa-f]+: builtin' "$bin/loaddll.txt"
else
    # The test program and the DLL side by side, as an application ships them.
    cp "$here/build/$arch/conformance.exe" "$dlls/$arch/ntdsbcli.dll" "$here/build/$arch/ntdssvc.exe" "$bin/"
    service_exe='C:\tests\ntdssvc.exe'
fi
cd "$bin" || exit 1
# As in Wine's own test runs: what broken() allows Windows is a failure here, and
# todo_wine applies.
export WINETEST_PLATFORM=wine
# unit NAME COMMAND...: runs a unit of conformance.exe (COMMAND) and passes its
# TAP through.  Its prefix is prepared for it, so a check it skipped, or one
# marked todo, is a failure here.
unit() {
    local name=$1 out
    shift
    out=$(mktemp "${TMPDIR:-/tmp}/conformance-unit.XXXXXX")
    tap_program "conformance.exe $name ($arch)" "$@" > "$out" || status=1
    cat "$out"
    if grep -Eq '^ok [0-9]+ .*# SKIP|^not ok [0-9]+ .*# TODO' "$out"; then
        echo "not ok - conformance.exe $name ($arch) skipped checks in a prefix made for them"
        status=1
    fi
    rm -f "$out"
}

sample_db_create
wine_server_keep
# Backup without any NTDS service: a configured database that exists is online.
unit backup wine conformance.exe backup
unit privileges wine conformance.exe privileges
unit standalone_offline wine conformance.exe standalone_offline
unit one_backup wine conformance.exe one_backup

# One backup at a time across bitnesses too (in the i686 run, whose "wine" runs
# both): a holder of each architecture, and a second backup of the other.
if [ "$arch" = i686 ] && [ -f "$here/build/x86_64/conformance.exe" ]; then
    mkdir -p "$WINEPREFIX/drive_c/tests64"
    cp "$here/build/x86_64/conformance.exe" "$dlls/x86_64/ntdsbcli.dll" "$WINEPREFIX/drive_c/tests64/"
    exe32='C:\tests\conformance.exe'
    exe64='C:\tests64\conformance.exe'
    one_backup_across() {   # one_backup_across HOLDER SECOND: the second refused, then not
        local holder refused=1
        rm -f holding.flag
        wine "$1" one_backup hold-backup 'C:\tests\holding.flag' > /dev/null 2>&1 &
        holder=$!
        for _ in $(seq 1200); do
            { [ -e holding.flag ] || ! kill -0 "$holder" 2> /dev/null; } && break
            sleep 0.1
        done
        [ -e holding.flag ] && wine "$2" standalone_tool expect-backup 0xC80001F9 && refused=0
        rm -f holding.flag
        wait "$holder"
        [ "$refused" = 0 ] && wine "$2" standalone_tool expect-backup 0
    }
    check "an i686 backup is refused while an x86-64 one runs, and starts after it" \
        one_backup_across "$exe64" "$exe32"
    check "an x86-64 backup is refused while an i686 one runs, and starts after it" \
        one_backup_across "$exe32" "$exe64"
fi

# The debug trace, Wine's ntdsbcli channel: one line per call and one per result,
# on stderr.  NTDSBCLI_DEBUG, the variable of 0.4, is the standalone build's alias.
WINEDEBUG=-all,+ntdsbcli wine conformance.exe privileges > /dev/null 2> trace.txt
check "WINEDEBUG=+ntdsbcli traces calls" grep -qF 'trace:ntdsbcli:DsBackupPrepareW ((null), 0, 0x1,' trace.txt
check "WINEDEBUG=+ntdsbcli traces results" grep -qF 'trace:ntdsbcli:DsBackupPrepareW -> ERROR_ACCESS_DENIED' trace.txt
if [ $standalone = 1 ]; then
    NTDSBCLI_DEBUG=1 wine conformance.exe privileges > /dev/null 2> trace.txt
    check "NTDSBCLI_DEBUG traces calls" grep -qF 'DsBackupPrepareW ((null), 0, 0x1,' trace.txt
    check "NTDSBCLI_DEBUG traces results" grep -qF 'DsBackupPrepareW -> ERROR_ACCESS_DENIED' trace.txt
fi

# Restore, with the NTDS service stand-in registered (and stopped).
quiet() { "$@" > /dev/null 2>&1; }
check "ntdssvc install" quiet wine "$service_exe" install
unit restore wine conformance.exe restore
unit standalone_restore wine conformance.exe standalone_restore
WINEDEBUG=-all,+ntdsbcli wine conformance.exe standalone_tool set-identity > identity-trace.txt 2>&1
check "DsSetAuthIdentity is traced" grep -qF 'DsSetAuthIdentityW (L"Administrator", L"EXAMPLE", <password>)' identity-trace.txt
check "a password is never traced" bash -c '! grep -q s3cret identity-trace.txt'

# A crash between Register and Complete leaves the directory offline and the
# registration visible, even after Wine itself dies without a clean shutdown (the
# standalone build's journal: Wine 8 writes its registry lazily).
if [ $standalone = 1 ]; then
    wine conformance.exe standalone_restore register-and-crash
    check "the crashed process had registered" quiet wine reg query "$RESTORE_KEY"
    journal="$WINEPREFIX/drive_c/ProgramData/ntdsbcli/Restore In Progress.txt"
    check "the registration's journal is on disk" test -s "$journal"
    wine_server_crash
    unit "standalone_restore check-registration-survived" wine conformance.exe standalone_restore check-registration-survived
    wine reg delete "$RESTORE_KEY" /f > /dev/null 2>&1
    rm -f "$journal"

    # The DLL changes nothing in the prefix: without the link that makes
    # \\COMPUTER\C$ resolve, it says so once, in the err class of its channel (on
    # unless WINEDEBUG turns it off, as Wine's), and makes none.
    link="$WINEPREFIX/dosdevices/unc/$(wine_computer_name | tr 'A-Z' 'a-z')/c\$"
    rm -f "$link"
    WINEDEBUG=-all,err+ntdsbcli unit standalone_share sh -c 'wine conformance.exe standalone_share 2> share-warning.txt'
    check "without the share's link, the DLL warns once" test "$(grep -c ':err:ntdsbcli:' share-warning.txt)" = 1
    check "... naming the command that fixes it" grep -qF "Run 'dsbackup link-share' once" share-warning.txt
    check "... and makes no link itself" test ! -e "$link" -a ! -L "$link"
    WINEDEBUG=-all,err+ntdsbcli NTDSBCLI_DEBUG=-warn unit "standalone_share, quiet" sh -c 'wine conformance.exe standalone_share 2> share-quiet.txt'
    check "NTDSBCLI_DEBUG=-warn silences the warning" bash -c "! grep -q ':ntdsbcli:' share-quiet.txt"
    WINEDEBUG=err-ntdsbcli unit "standalone_share, err-ntdsbcli" sh -c 'wine conformance.exe standalone_share 2> share-quiet.txt'
    check "WINEDEBUG=err-ntdsbcli silences the warning" bash -c "! grep -q ':ntdsbcli:' share-quiet.txt"
    ln -s ../../c: "$link"
fi

sample_db_unregister
unit not_a_dc wine conformance.exe not_a_dc
exit $status
