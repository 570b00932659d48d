#!/bin/bash
# run.sh SUITE [ARCH]: runs one part of the reliability tests of
# build/ARCH/ntdsbcli.dll under Wine, in a throwaway prefix with a generated
# directory database (tests/lib/wine.sh).  SUITE is one of
#   faults      fault injection along the backup, truncation and restore sequences
#   changes     files changing underneath a backup; an unreadable log folder
#   handles     handle torture: bad values, races, 30,000 contexts, stale handles
#   durability  the restore registration with its disk full, and when Wine itself dies
# Output: TAP lines ("ok - ...", "not ok - ...", "... # SKIP") and FIGURE: lines
# (tests/reliability/report.py writes docs/reliability.md from them).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
suite=$1
arch=${2:-x86_64}
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/wine.sh"
. "$here/tests/lib/tap.sh"
wine_use_arch "$arch" || { echo "not ok - reliability $suite $arch: no Wine for $arch (make wine32)"; exit 1; }

# Fault injection needs the test build of the DLL; every other part tests the
# DLL that ships.
dll=build/$arch/ntdsbcli.dll
[ "$suite" = faults ] && dll=build/$arch/test/ntdsbcli.dll
for f in build/$arch/reliability.exe $dll build/$arch/ntdssvc.exe; do
    if [ ! -e "$here/$f" ]; then
        echo "not ok - reliability $suite: $f was not built (see the build errors above)"
        exit 1
    fi
done
mounted=
cleanup() {
    if [ -n "$mounted" ]; then umount "$mounted" 2> /dev/null; fi
    wine_prefix_destroy
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# wineboot fails now and then on a busy machine: one more try in a new prefix.
wine_prefix_create || { wine_prefix_destroy; wine_prefix_create; } \
    || { echo "not ok - reliability $suite: no Wine prefix"; exit 1; }
bin="$WINEPREFIX/drive_c/tests"
mkdir -p "$bin"
cp "$here/build/$arch/reliability.exe" "$here/$dll" "$here/build/$arch/ntdssvc.exe" "$bin/"
cd "$bin" || exit 1
status=0
check() {   # check NAME COMMAND...: one TAP line for a shell-level check
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; status=1; fi
}
quiet() { "$@" > /dev/null 2>&1; }
# Kills this prefix's wineserver with SIGKILL, as in a power cut, and says whether
# it did.  (The server is wineserver64 on this machine: matched by name, then by
# the WINEPREFIX in its environment, so that no other prefix is touched.)
crash_wine() {
    killed=0
    for pid in $(pgrep wineserver); do
        if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -qx "WINEPREFIX=$WINEPREFIX"; then
            kill -9 "$pid" 2> /dev/null && killed=$((killed + 1))
        fi
    done
    sleep 1
    [ "$killed" -gt 0 ]
}
reliability() { tap_program "reliability.exe $* ($arch)" wine reliability.exe "$@" || status=1; }
# As in Wine's own test runs (tests/lib/wine/test.h).
export WINETEST_PLATFORM=wine
started=$(date +%s)

sample_db_create
# One wineserver for the whole suite: a program started while the server of the
# previous one exits can fail ("recvmsg").  The first program starts the system
# processes, which keep the stdout they inherit: /dev/null, not the suite's pipe.
keep_server() {
    if declare -F wine_server_keep > /dev/null; then wine_server_keep; else wineserver -p; fi
    wine sc query NTDS < /dev/null > /dev/null 2>&1
}
keep_server
case $suite in
faults)
    # No NTDS service yet: a configured database that exists counts as online.
    reliability faults backup --persistent-every-n
    reliability faults truncate --persistent-every-n
    # The restore needs the service stand-in, installed and stopped.
    check "ntdssvc install" quiet wine 'C:\tests\ntdssvc.exe' install
    reliability faults restore --persistent-every-n
    ;;
changes)
    reliability changes
    # An unreadable log folder, for real: the logs in a folder of their own (the
    # database stays readable), made unreadable on the Unix side.  Root ignores
    # file permissions, so Wine is restarted without CAP_DAC_OVERRIDE and
    # CAP_DAC_READ_SEARCH when it runs as root.
    logs="$WINEPREFIX/drive_c/ntdslogs"
    mkdir -p "$logs"
    cp "$(sample_db_dir)"/edb0000?.log "$(sample_db_dir)"/edb.log "$logs/"
    sample_db_register 'C:\Windows\NTDS\ntds.dit' 'C:\ntdslogs' 'C:\Windows\NTDS'
    as_unprivileged=()
    if [ "$(id -u)" = 0 ]; then
        if command -v setpriv > /dev/null 2>&1 \
                && setpriv --bounding-set=-dac_override,-dac_read_search -- true 2> /dev/null; then
            as_unprivileged=(setpriv --bounding-set=-dac_override,-dac_read_search --)
        fi
    fi
    for mode in 000 100 400; do
        # This prefix's wineserver only, restarted with the reduced rights.
        wineserver -k 2> /dev/null; wineserver -w 2> /dev/null
        chmod "$mode" "$logs"
        "${as_unprivileged[@]}" wineserver -p
        "${as_unprivileged[@]}" wine sc query NTDS < /dev/null > /dev/null 2>&1
        "${as_unprivileged[@]}" wine reliability.exe changes unreadable-log-folder "$mode" || status=1
        wineserver -k 2> /dev/null; wineserver -w 2> /dev/null
        chmod 755 "$logs"
    done
    keep_server
    if [ "$(id -u)" = 0 ] && [ ${#as_unprivileged[@]} -eq 0 ]; then
        echo "ok - unreadable log folder for real # SKIP running as root and setpriv cannot drop CAP_DAC_OVERRIDE"
    fi
    sample_db_register 'C:\Windows\NTDS\ntds.dit' 'C:\Windows\NTDS' 'C:\Windows\NTDS'
    ;;
handles)
    reliability handles 1000000 30000 300
    ;;
durability)
    check "ntdssvc install" quiet wine 'C:\tests\ntdssvc.exe' install
    # A full disk while a restore is registered: the DLL's only file is the
    # registration's journal, in %ProgramData%\ntdsbcli; a small tmpfs there,
    # filled up, is a full disk for it and nothing else.
    journal_dir="$WINEPREFIX/drive_c/ProgramData/ntdsbcli"
    mkdir -p "$journal_dir"
    if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k ntdsbcli-full "$journal_dir" 2> /dev/null; then
        mounted=$journal_dir
        reliability durability disk-full
        umount "$journal_dir" && mounted=
    else
        echo "ok - a real full disk during DsRestoreRegister/Complete # SKIP cannot mount a small tmpfs here (needs root); covered by write and registry fault injection (reliability-faults)"
    fi
    out="$bin/durability-register.out"
    wine reliability.exe durability register > "$out" 2>&1 &
    registering=$!
    registered=0
    for _ in $(seq 1 600); do
        if grep -q REGISTERED "$out" 2> /dev/null; then registered=1; break; fi
        if ! kill -0 "$registering" 2> /dev/null; then break; fi
        sleep 0.1
    done
    tr -d '\r' < "$out" | grep -v REGISTERED
    if [ "$registered" = 1 ]; then
        echo "ok - durability: DsRestoreRegister returned S_OK in a process that keeps running"
        # Seconds after the call returned, not a race with the return itself.
        sleep 2
        journal="$WINEPREFIX/drive_c/ProgramData/ntdsbcli/Restore In Progress.txt"
        check "durability: the journal is on disk when Wine dies (docs/behaviour.md, Durability)" test -s "$journal"
        check "durability: this prefix's wineserver was killed" crash_wine
        kill -9 "$registering" 2> /dev/null
        wait 2> /dev/null
        keep_server
        if grep -q 'Restore In Progress' "$WINEPREFIX/system.reg"; then
            echo "  the key had reached system.reg too"
        else
            echo "  the key had not reached system.reg (Wine writes the registry lazily): the journal must bring it back"
        fi
        reliability durability check
    else
        echo "not ok - durability: the registering process did not register"
        status=1
        kill -9 "$registering" 2> /dev/null
        wait 2> /dev/null
    fi
    ;;
*)
    echo "not ok - reliability: unknown suite $suite"
    status=1
    ;;
esac
echo "FIGURE: suite name=$suite arch=$arch seconds=$(( $(date +%s) - started ))"
exit $status
