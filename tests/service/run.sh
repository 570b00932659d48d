#!/bin/bash
# tests/service/run.sh [ARCH]: the directory-service stand-in (tools/ntdssvc/), a
# Windows service named NTDS, under Wine in a throwaway prefix with a generated
# database.  Needs build/ARCH/ntdssvc.exe and build/ARCH/svcprobe.exe (make
# check-service); ARCH is x86_64 (the default) or i686, whose programs run through
# the emulated 32-bit Wine (tests/wine32/wine32).
# Prints "ok - <check>" or "not ok - <check> (got ..., expected ...)" (TAP) per check and
# exits non-zero if any failed.
#
# What Wine 8 offers, and what this relies on:
#   wine net start NTDS / net stop NTDS   start and stop; StartServiceW returns once the
#       service has left START_PENDING, so the state is final when net start returns.
#       But net start prints "was started successfully" and exits 0 even when the
#       service stopped at once with an error (Windows' net start reports the error),
#       so a refused start is judged by the state, never by net start's status.
#   wine sc query NTDS                    STATE, WIN32_EXIT_CODE, SERVICE_EXIT_CODE;
#       exits 1, silently, if there is no such service.  (sc qc does not exist in
#       Wine 8: the configuration is read from the registry instead.)
#   A service process is a Wine "system" process: when the last ordinary process of
#   the prefix ends, the wineserver shuts down a few seconds later and takes the
#   service with it.  So the wineserver is made persistent (wineserver -p) here.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh
arch=${1:-x86_64}
wine_use_arch "$arch" || { echo "not ok - service $arch: no Wine for $arch"; exit 1; }

BUILD=${BUILD:-build}
SVC_EXE=$BUILD/$arch/ntdssvc.exe
PROBE_EXE=$BUILD/$arch/svcprobe.exe
for f in "$SVC_EXE" "$PROBE_EXE"; do
    [ -f "$f" ] || { echo "not ok - $f is not built (make check-service builds it)"; exit 1; }
done
command -v wine >/dev/null || { echo "not ok - wine is not installed"; exit 1; }

failures=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1 (got $2, expected $3)"; failures=$((failures + 1)); }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "$2" "$3"; fi; }
# check_match NAME GOT REGEX (extended)
check_match() { if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "'$2'" "a match for /$3/"; fi; }

# Output of wine is always captured through a file, never a pipe: a process that wine
# starts on the side (services.exe, and the service itself) inherits its stdout and
# stderr and lives on, and a $(...) reading a pipe would wait for it forever.
cap() { "$@" >"$WINEPREFIX/cap.out" 2>&1; local rc=$?; tr -d '\r' <"$WINEPREFIX/cap.out"; return $rc; }

# run PROGRAM ARGS...: sets OUT (stdout and stderr, no CRs, lines joined by " | ") and RC.
run() {
    OUT=$(cap timeout 60 wine "$@")
    RC=$?
    OUT=$(printf '%s' "$OUT" | sed '/^$/d' | paste -sd'|' | sed 's/|/ | /g')
}

# probe OPERATIONS...: one line of results per operation, joined by spaces.
probe() { cap wine 'C:\ntds\probe.exe' "$@" | paste -sd' '; }

trap wine_prefix_destroy EXIT
trap 'exit 130' INT TERM
t0=$SECONDS

wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
# shellcheck disable=SC2119 # (the default database: no arguments)
sample_db_create
# From here on the wineserver stays up: without it the service would be shut down
# with the prefix whenever no ordinary process runs (and sample_db_register /
# sample_db_unregister, which wait for the wineserver to exit, must not be used).
wineserver -p
# Start the prefix's system processes now, with their output in a file of their own.
wine sc query NTDS >"$WINEPREFIX/services.log" 2>&1
t_prefix=$((SECONDS - t0))

DB='C:\Windows\NTDS\ntds.dit'
DB_COPY='C:\Windows\NTDS\ntds.dit.copy'
LOG='C:\Windows\NTDS\edb.log'
LOG_COPY='C:\Windows\NTDS\edb.log.copy'
ntds=$(sample_db_dir)
c_ntds="$WINEPREFIX/drive_c/ntds"
mkdir -p "$c_ntds" "$WINEPREFIX/drive_c/other"
cp "$SVC_EXE" "$c_ntds/ntdssvc.exe"
cp "$PROBE_EXE" "$c_ntds/probe.exe"
cp "$SVC_EXE" "$WINEPREFIX/drive_c/other/ntdssvc.exe"
# Pristine copies on the Unix side: the checks below compare with them and put the
# files back if a check removed them.
save="$WINEPREFIX/saved"
mkdir -p "$save"
cp -p "$ntds/ntds.dit" "$ntds/edb.log" "$save/"
fingerprint() { echo "$(md5sum < "$1" | cut -d' ' -f1) $(stat -c %Y "$1")"; }
db_print=$(fingerprint "$ntds/ntds.dit")
log_print=$(fingerprint "$ntds/edb.log")

# --- the command line --------------------------------------------------------------
run 'C:\ntds\ntdssvc.exe' --help
check "ntdssvc --help exits 0" "$RC" 0
check_match "ntdssvc --help prints the usage" "$OUT" 'usage: ntdssvc install'
run 'C:\ntds\ntdssvc.exe' bogus
check "ntdssvc with an unknown command exits 2" "$RC" 2
run 'C:\ntds\ntdssvc.exe' install extra
check "ntdssvc install with an extra argument exits 2" "$RC" 2
run 'C:\ntds\ntdssvc.exe'
check "ntdssvc run from a console, not by the SCM, exits 1" "$RC" 1
check_match "ntdssvc run from a console says it is a service" "$OUT" 'net start NTDS'
run 'C:\ntds\ntdssvc.exe' uninstall
check "uninstall when not installed exits 0" "$RC" 0
check_match "uninstall when not installed says so" "$OUT" 'not installed'

# --- install -----------------------------------------------------------------------
check "no service NTDS before install" "$(ntds_service_state)" "ABSENT"
run 'C:\ntds\ntdssvc.exe' install
check "install exits 0" "$RC" 0
check_match "install prints what it did" "$OUT" '^installed service NTDS'
check "installed service is stopped" "$(ntds_service_state)" "STOPPED 1077 0x0"
cfg=$(cap wine reg query "$NTDS_SERVICE_KEY")
regval() { printf '%s\n' "$cfg" | sed -n "s/^ *$1 *REG_[A-Z_]* *//p"; }
check "registered binary path is the quoted full path" "$(regval ImagePath)" '"C:\ntds\ntdssvc.exe"'
check "registered as SERVICE_WIN32_OWN_PROCESS" "$(regval Type)" 0x10
check "registered as SERVICE_DEMAND_START" "$(regval Start)" 0x3
check "registered display name" "$(regval DisplayName)" "Active Directory Domain Services (ntdsbcli stand-in)"
run 'C:\ntds\ntdssvc.exe' install
check "install again, same binary, exits 0" "$RC" 0
check_match "install again says nothing to do" "$OUT" 'already installed.*nothing to do'
run 'C:\other\ntdssvc.exe' install
check "install from another path, service exists, exits 1" "$RC" 1
run 'C:\other\ntdssvc.exe' uninstall
check "uninstall by another copy exits 1" "$RC" 1
check "uninstall by another copy leaves the service" "$(ntds_service_state)" "STOPPED 1077 0x0"

# --- running: the database is held ----------------------------------------------------
run net start NTDS
check "net start NTDS exits 0" "$RC" 0
check "service runs after net start" "$(ntds_service_wait_state RUNNING)" "RUNNING 0 0x0"
cp -p "$save/ntds.dit" "$ntds/ntds.dit.copy"
cp -p "$save/edb.log" "$ntds/edb.log.copy"
read -r del rep ren rd ldel lrep lren lrd <<<"$(probe delete "$DB" + replace "$DB" "$DB_COPY" \
    + rename "$DB" 'C:\Windows\NTDS\moved.dit' + read "$DB" + delete "$LOG" + replace "$LOG" "$LOG_COPY" \
    + rename "$LOG" 'C:\Windows\NTDS\moved.log' + read "$LOG")"
check "while running, DeleteFileW(database) fails" "$del" ERROR_SHARING_VIOLATION
# Replacing a file that is open fails with ERROR_ACCESS_DENIED on Windows (NTFS) and
# on Wine 8; either refusal is what matters.
check_match "while running, MoveFileExW(copy, database, MOVEFILE_REPLACE_EXISTING) fails ($rep)" \
    "$rep" '^ERROR_(ACCESS_DENIED|SHARING_VIOLATION)$'
check "while running, MoveFileExW(database, other name) fails" "$ren" ERROR_SHARING_VIOLATION
check "while running, a backup reader can open and read the database" "$rd" OK
check "while running, DeleteFileW(edb.log) fails" "$ldel" ERROR_SHARING_VIOLATION
check_match "while running, MoveFileExW(copy, edb.log, MOVEFILE_REPLACE_EXISTING) fails ($lrep)" \
    "$lrep" '^ERROR_(ACCESS_DENIED|SHARING_VIOLATION)$'
check "while running, MoveFileExW(edb.log, other name) fails" "$lren" ERROR_SHARING_VIOLATION
check "while running, a backup reader can open and read edb.log" "$lrd" OK
# If a refusal above failed, the files may be gone or moved: put them back.
for f in ntds.dit edb.log; do
    cmp -s "$save/$f" "$ntds/$f" || cp -p "$save/$f" "$ntds/$f"
done
rm -f "$ntds/moved.dit" "$ntds/moved.log"
check_match "journal records the start" "$(tr -d '\r' < "$c_ntds/ntdssvc.log" 2>/dev/null)" \
    'NTDS Information: started; holding C:\\Windows\\NTDS\\ntds.dit and C:\\Windows\\NTDS\\edb.log'

# --- stopped: the database is free ------------------------------------------------------
run net stop NTDS
check "net stop NTDS exits 0" "$RC" 0
check "service is stopped after net stop" "$(ntds_service_wait_state STOPPED)" "STOPPED 0 0x0"
check "the service left the database as it was (contents, write time)" \
    "$(fingerprint "$ntds/ntds.dit")" "$db_print"
check "the service left edb.log as it was (contents, write time)" "$(fingerprint "$ntds/edb.log")" "$log_print"
# Replace each file with an identical copy, then delete it and put it back.
[ -e "$ntds/ntds.dit.copy" ] || cp -p "$save/ntds.dit" "$ntds/ntds.dit.copy"
[ -e "$ntds/edb.log.copy" ] || cp -p "$save/edb.log" "$ntds/edb.log.copy"
read -r rep del lrep ldel <<<"$(probe replace "$DB" "$DB_COPY" + delete "$DB" + replace "$LOG" "$LOG_COPY" \
    + delete "$LOG")"
check "after stop, MoveFileExW(copy, database, MOVEFILE_REPLACE_EXISTING) succeeds" "$rep" OK
check "after stop, DeleteFileW(database) succeeds" "$del" OK
check "after stop, MoveFileExW(copy, edb.log, MOVEFILE_REPLACE_EXISTING) succeeds" "$lrep" OK
check "after stop, DeleteFileW(edb.log) succeeds" "$ldel" OK
cp -p "$save/ntds.dit" "$save/edb.log" "$ntds/"
rm -f "$ntds/ntds.dit.copy" "$ntds/edb.log.copy"

# --- refusals ------------------------------------------------------------------------------
regadd() { wine reg add "$@" /f >/dev/null 2>&1; }
regadd "$RESTORE_KEY"
run net start NTDS
echo "note: with a restore registered, Wine's net start NTDS exited $RC: $OUT"
check "with Restore In Progress, the start is refused with hrRestoreInProgress" \
    "$(ntds_service_wait_state STOPPED)" "STOPPED 1066 0xC7FF0004"
sleep 1
check "with Restore In Progress, the service stays stopped" "$(ntds_service_state)" "STOPPED 1066 0xC7FF0004"
check "with Restore In Progress, the database is not held" "$(probe rename "$DB" 'C:\Windows\NTDS\moved.dit' \
    + rename 'C:\Windows\NTDS\moved.dit' "$DB")" "OK OK"
check_match "journal records the refusal" "$(tr -d '\r' < "$c_ntds/ntdssvc.log" 2>/dev/null)" \
    'NTDS Error 0xC7FF0004 hrRestoreInProgress: the key .*Restore In Progress exists'
run sc start NTDS
check "with Restore In Progress, sc start NTDS is refused too" "$(ntds_service_wait_state STOPPED)" "STOPPED 1066 0xC7FF0004"
wine reg delete "$RESTORE_KEY" /f >/dev/null 2>&1

regadd "$NTDS_KEY" /v 'DSA Database file' /t REG_SZ /d 'C:\Windows\NTDS\missing.dit'
run net start NTDS
check "with the database missing, the start is refused with hrFileNotFound" \
    "$(ntds_service_wait_state STOPPED)" "STOPPED 1066 0xC8000713"
wine reg delete "$NTDS_KEY" /v 'DSA Database file' /f >/dev/null 2>&1
run net start NTDS
check "with the database not configured, the start is refused with hrCouldNotConnect" \
    "$(ntds_service_wait_state STOPPED)" "STOPPED 1066 0xC7FF0007"
regadd "$NTDS_KEY" /v 'DSA Database file' /t REG_SZ /d 'Windows\NTDS\ntds.dit'
run net start NTDS
check "with a relative database path, the start is refused with hrCouldNotConnect" \
    "$(ntds_service_wait_state STOPPED)" "STOPPED 1066 0xC7FF0007"
regadd "$NTDS_KEY" /v 'DSA Database file' /t REG_EXPAND_SZ /d '%SystemRoot%\NTDS\ntds.dit'

# --- restarted, then uninstalled while running -------------------------------------------
run net start NTDS
check "after the key is deleted (REG_EXPAND_SZ path), the service starts again" \
    "$(ntds_service_wait_state RUNNING)" "RUNNING 0 0x0"
check "running again, the database is held" "$(probe delete "$DB")" ERROR_SHARING_VIOLATION
regadd "$RESTORE_KEY"
run 'C:\ntds\ntdssvc.exe' uninstall
check "uninstall with a restore registered exits 1" "$RC" 1
check_match "uninstall with a restore registered says why" "$OUT" 'restore is registered'
check "uninstall with a restore registered keeps the service and the registration" \
    "$(ntds_service_wait_state STOPPED | cut -d' ' -f1)+$(wine reg query "$RESTORE_KEY" >/dev/null 2>&1 && echo kept)" "STOPPED+kept"
wine reg delete "$RESTORE_KEY" /f >/dev/null 2>&1
run net start NTDS
check "started again after the refused uninstall" "$(ntds_service_wait_state RUNNING)" "RUNNING 0 0x0"
run 'C:\ntds\ntdssvc.exe' uninstall
check "uninstall of the running service exits 0" "$RC" 0
check_match "uninstall stops, then removes it" "$OUT" 'stopped service NTDS.*removed service NTDS'
check "after uninstall there is no service NTDS" "$(ntds_service_wait_state ABSENT)" "ABSENT"
check "after uninstall the database is free" "$(probe rename "$DB" 'C:\Windows\NTDS\moved.dit' \
    + rename 'C:\Windows\NTDS\moved.dit' "$DB")" "OK OK"
run 'C:\ntds\ntdssvc.exe' uninstall
check "uninstall again exits 0" "$RC" 0
check "the database was never modified" "$(fingerprint "$ntds/ntds.dit")" "$db_print"
check_match "uninstall keeps the database configuration (...\\NTDS\\Parameters)" \
    "$(wine reg query "$NTDS_KEY" /v 'DSA Database file' 2>/dev/null | tr -d '\r')" 'NTDS.ntds.dit'
check "uninstall leaves no copy of the configuration behind" \
    "$(wine reg query 'HKLM\SOFTWARE\ntdsbcli' >/dev/null 2>&1 && echo left || echo none)" none

echo "service suite: $((SECONDS - t0)) s (prefix and database $t_prefix s), $failures failed"
[ "$failures" -eq 0 ]
