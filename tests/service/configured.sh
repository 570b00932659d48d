#!/bin/bash
# tests/service/configured.sh [ARCH]: the DLL, the NTDS stand-in and dsbackup
# status agree on whether the directory database is configured, and where it
# is, for each kind of value "DSA Database file" may hold: they apply one rule
# (common/config_path.h; docs/behaviour.md, "The directory database").  For
# each value, in a throwaway prefix with a generated database:
#   the DLL       conformance.exe standalone_tool database-location
#                 (DsRestorePrepareW without a token, DsRestoreGetDatabaseLocationsW),
#                 its UNC path taken back to the local one;
#   dsbackup      the "DSA Database file:" line of dsbackup status;
#   the stand-in  net start NTDS, and what its log (ntdssvc.log) says: that it
#                 holds the database, that the database is not configured, or
#                 that it cannot open the database it names;
# and where the stand-in runs, a backup is prepared (DsBackupPrepareW) before it
# is stopped again.  ARCH is x86_64 (the default) or i686, whose programs run
# through the emulated 32-bit Wine (tests/wine32/).
# Prints "ok - <check>" or "not ok - <check> (got ..., expected ...)" (TAP) per
# check and exits non-zero if any failed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh
arch=${1:-x86_64}
wine_use_arch "$arch" || { echo "not ok - configured $arch: no Wine for $arch"; exit 1; }
BUILD=${BUILD:-build}
for f in ntdssvc.exe dsbackup.exe ntdsbcli.dll conformance.exe; do
    [ -f "$BUILD/$arch/$f" ] || { echo "not ok - $BUILD/$arch/$f is not built (make check-service builds it)"; exit 1; }
done

failures=0
# check NAME GOT EXPECTED
check() {
    if [ "$2" = "$3" ]; then echo "ok - $1"
    else echo "not ok - $1 (got '$2', expected '$3')"; failures=$((failures + 1)); fi
}

# Output of wine always goes through a file, never a pipe: the service started
# on the side inherits it and lives on (tests/service/run.sh).
cap() { "$@" > "$WINEPREFIX/cap.out" 2>&1 < /dev/null; local rc=$?; tr -d '\r' < "$WINEPREFIX/cap.out"; return $rc; }

trap wine_prefix_destroy EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
# shellcheck disable=SC2119 # (the default database: no arguments)
sample_db_create
# The stand-in is a service: it lives only while the wineserver does.
wine_server_keep
bin="$WINEPREFIX/drive_c/ntds"
mkdir -p "$bin"
for f in ntdssvc.exe dsbackup.exe ntdsbcli.dll conformance.exe; do cp "$BUILD/$arch/$f" "$bin/"; done
cap wine 'C:\ntds\ntdssvc.exe' install > /dev/null || { echo "not ok - cannot install the stand-in"; exit 1; }
touch "$bin/ntdssvc.log"
VALUE=$(ntds_layout NTDS_VALUE_DATABASE_FILE)

# set_value TYPE DATA: "DSA Database file" as an administrator sets it; TYPE
# "unset" deletes it.
set_value() {
    if [ "$1" = unset ]; then cap wine reg delete "$NTDS_KEY" /v "$VALUE" /f > /dev/null
    else cap wine reg add "$NTDS_KEY" /v "$VALUE" /t "$1" /d "$2" /f > /dev/null; fi
}

# Each view prints "configured PATH" (PATH local, as X:\...) or "not configured",
# or what it did not understand.
dll_view() {
    local out
    out=$(cap wine 'C:\ntds\conformance.exe' standalone_tool database-location) || { echo "failed: $out"; return; }
    # "\\COMPUTER\C$\rest" is the DLL's name for "C:\rest".
    printf '%s\n' "$out" | sed 's/^configured \\\\[^\\]*\\\([A-Za-z]\)\$/configured \1:/'
}
dsbackup_view() {
    local out line
    out=$(cap wine 'C:\ntds\dsbackup.exe' status) || { echo "failed: $out"; return; }
    line=$(printf '%s\n' "$out" | sed -n "s/^$VALUE: *//p")
    case $line in
        '(not set)'|*': not configured)') echo "not configured" ;;
        '') echo "no line for $VALUE: $out" ;;
        *) echo "configured $line" ;;
    esac
}
# Sets SVC to the stand-in's view, and RUNNING to 1 if it started.
stand_in_view() {
    local before lines
    RUNNING=0
    before=$(wc -l < "$bin/ntdssvc.log")
    cap wine net start NTDS > /dev/null
    # Wine's net start may return before a slow start (the emulated 32-bit Wine)
    # is over: wait up to 30 s for the stand-in to say how it went.
    for _ in $(seq 150); do
        lines=$(tail -n "+$((before + 1))" "$bin/ntdssvc.log" | tr -d '\r')
        printf '%s\n' "$lines" | grep -q 'NTDS \(Information: started\|Error \)' && break
        sleep 0.2
    done
    if printf '%s\n' "$lines" | grep -q 'NTDS Information: started; holding '; then
        RUNNING=1
        SVC=$(printf '%s\n' "$lines" | sed -n 's/.*NTDS Information: started; holding \(.*\) and .*/configured \1/p')
    elif printf '%s\n' "$lines" | grep -q 'hrCouldNotConnect: the directory database is not configured'; then
        SVC="not configured"
    elif printf '%s\n' "$lines" | grep -q 'hrFileNotFound: cannot open the database '; then
        SVC=$(printf '%s\n' "$lines" | sed -n 's/.*hrFileNotFound: cannot open the database \(.*\) (error .*/configured \1/p')
    else
        SVC="no verdict in its log: $(printf '%s' "$lines" | paste -sd'|')"
    fi
}

# case NAME TYPE DATA EXPECTED: with the value set so, the three views agree, and
# say EXPECTED ("not configured", or "configured PATH"; paths compare without
# regard to case, as Windows compares them).
case_() {
    local name=$1 dll dsb
    set_value "$2" "$3"
    dll=$(dll_view)
    dsb=$(dsbackup_view)
    stand_in_view
    lower() { printf '%s' "$1" | tr 'A-Z' 'a-z'; }
    check "$name: the DLL says $4" "$(lower "$dll")" "$(lower "$4")"
    check "$name: dsbackup status says $4" "$(lower "$dsb")" "$(lower "$4")"
    check "$name: the stand-in says $4" "$(lower "$SVC")" "$(lower "$4")"
    if [ "$RUNNING" = 1 ]; then
        check "$name: with the stand-in running, DsBackupPrepareW succeeds" \
            "$(cap wine 'C:\ntds\conformance.exe' standalone_tool expect-backup 0 > /dev/null; echo $?)" 0
        cap wine net stop NTDS > /dev/null
        check "$name: the stand-in stops again" "$(ntds_service_wait_state STOPPED | cut -d' ' -f1)" STOPPED
    fi
}

DB='C:\Windows\NTDS\ntds.dit'
NOT='not configured'
# More than 1024 characters, which once was all the stand-in read.
long='C:'
for i in 1 2 3 4 5; do long="$long\\$(printf "%0250d" "$i")\\.."; done
long="$long\\Windows\\NTDS\\ntds.dit"

case_ "as init-sample records it" REG_SZ "$DB" "configured $DB"
case_ "unset" unset "" "$NOT"
case_ "empty" REG_SZ "" "$NOT"
case_ "relative" REG_SZ 'Windows\NTDS\ntds.dit' "$NOT"
case_ "%SystemRoot% in a REG_EXPAND_SZ value" REG_EXPAND_SZ '%SystemRoot%\NTDS\ntds.dit' "configured $DB"
case_ "%SystemRoot% in a REG_SZ value (not expanded)" REG_SZ '%SystemRoot%\NTDS\ntds.dit' "$NOT"
case_ "an unknown variable in a REG_EXPAND_SZ value" REG_EXPAND_SZ '%NTDSBCLI_NO_SUCH_VARIABLE%\ntds.dit' "$NOT"
case_ ".. and mixed slashes" REG_SZ 'C:\Windows\System32\..\NTDS/./ntds.dit' "configured $DB"
case_ "forward slashes only" REG_SZ 'C:/Windows/NTDS/ntds.dit' "configured $DB"
case_ "trailing dot and space" REG_SZ 'C:\Windows\NTDS\ntds.dit. ' "configured $DB"
case_ "a path of ${#long} characters" REG_SZ "$long" "configured $DB"
case_ "a server without a share" REG_SZ '\\server' "$NOT"
case_ "garbage characters" REG_SZ '::*?<>|garbage' "$NOT"
case_ "garbage bytes (REG_BINARY)" REG_BINARY 'deadbeef00' "$NOT"
case_ "a number (REG_DWORD)" REG_DWORD 1 "$NOT"
case_ "a database that does not exist" REG_SZ 'C:\Windows\NTDS\missing.dit' 'configured C:\Windows\NTDS\missing.dit'

echo "configured suite ($arch): $((SECONDS - t0)) s, $failures failed"
[ "$failures" -eq 0 ]
