#!/bin/bash
# tests/service/sessions.sh [ARCH]: the directory stays online, or offline, as an
# administrator left it, across Wine sessions of the prefix (docs/behaviour.md,
# "Online and offline").  Unlike run.sh, no wineserver is kept up: every command
# below is a session of its own, as a user's commands and scripts are, and Wine
# ends the stand-in with the last program of each.
#
# The tool of each step is conformance.exe's standalone_tool unit
# (tests/conformance/standalone_tool.c): "expect-online" and "expect-backup" make
# DsIsNTDSOnlineW and DsBackupPrepareW the first call of a new process, as a
# legacy tool started in the next command.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh
arch=${1:-x86_64}
wine_use_arch "$arch" || { echo "not ok - sessions $arch: no Wine for $arch"; exit 1; }
BUILD=${BUILD:-build}
for f in ntdssvc.exe dsbackup.exe ntdsbcli.dll conformance.exe; do
    [ -f "$BUILD/$arch/$f" ] || { echo "not ok - $BUILD/$arch/$f is not built"; exit 1; }
done

failures=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1${2:+ ($2)}"; failures=$((failures + 1)); }
# check NAME COMMAND...: the command's status decides; its output is shown on failure.
check() {
    local name=$1 out rc
    shift
    out=$("$@" 2>&1 < /dev/null)
    rc=$?
    if [ "$rc" = 0 ]; then ok "$name"
    else not_ok "$name" "exit $rc: $(printf '%s' "$out" | tr -d '\r' | tail -3 | paste -sd'|')"; fi
}
tool() { wine 'C:\ntds\conformance.exe' standalone_tool "$@" > "$WINEPREFIX/tool.out" 2>&1 < /dev/null; local rc=$?; tr -d '\r' < "$WINEPREFIX/tool.out"; return $rc; }
dsbackup() { wine 'C:\ntds\dsbackup.exe' "$@" > "$WINEPREFIX/dsbackup.out" 2>&1 < /dev/null; local rc=$?; tr -d '\r' < "$WINEPREFIX/dsbackup.out"; return $rc; }
# The session ends: every program of the prefix, the stand-in included, is gone.
end_session() { wineserver -w; }
start_type() { wine reg query "$NTDS_SERVICE_KEY" /v Start 2> /dev/null | tr -d '\r' | sed -n 's/^ *Start *REG_DWORD *//p'; }
HR_COULD_NOT_CONNECT=0xC7FF0007
HR_RESTORE_IN_PROGRESS=0xC7FF0004

trap wine_prefix_destroy EXIT
trap 'exit 130' INT TERM
wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
sample_db_create
bin="$WINEPREFIX/drive_c/ntds"
mkdir -p "$bin"
for f in ntdssvc.exe dsbackup.exe ntdsbcli.dll conformance.exe; do cp "$BUILD/$arch/$f" "$bin/"; done
wine 'C:\ntds\ntdssvc.exe' install > /dev/null 2>&1
end_session

check "registered and never started: offline in a new session" tool expect-online 0
end_session
check "dsbackup online" dsbackup online
check "... records automatic start (the administrator's state)" test "$(start_type)" = 0x2
end_session
check "a tool started in the next session finds the directory online" tool expect-online 1
end_session
check "... and its first DsBackupPrepare succeeds" tool expect-backup 0
end_session
# The issue's own steps: online, a pause, then status in a new session.
dsbackup online > /dev/null
sleep 3
check "dsbackup online; sleep 3; dsbackup status says online" sh -c "wine 'C:\\ntds\\dsbackup.exe' status 2>&1 | tr -d '\\r' | grep -q '^directory service: *online'"
# A script: command after command, with and without pauses, the session ending in
# between or not: never a moment offline.
for pause in 0 1 2 3 4 5; do
    sleep "$pause"
    check "a script's backup $pause s after the previous command: prepared" tool expect-backup 0
done
wine_server_crash
check "after Wine was killed outright, still online in the next session" tool expect-online 1
end_session

check "dsbackup offline" dsbackup offline
check "... records demand start" test "$(start_type)" = 0x3
end_session
check "taken offline: offline in the next session" tool expect-online 0
end_session
check "... and a backup is refused with hrCouldNotConnect" tool expect-backup "$HR_COULD_NOT_CONNECT"
end_session

# net start / net stop, as the README also allows, are kept the same way.
check "net start NTDS" sh -c "wine net start NTDS > /dev/null 2>&1"
end_session
check "after net start NTDS, online in the next session" tool expect-online 1
end_session
check "net stop NTDS" sh -c "wine net stop NTDS > /dev/null 2>&1"
end_session
check "after net stop NTDS, offline in the next session" tool expect-online 0
end_session

# Online, then a restore registered: the stand-in refuses to start in the next
# session, and the tool learns it at once, without waiting for a start.
dsbackup online > /dev/null
end_session
wine reg add "$RESTORE_KEY" /f > /dev/null 2>&1
end_session
t0=$(date +%s)
check "online, then a restore registered: offline in the next session" tool expect-online 0
check "... answered within 10 s" test $(($(date +%s) - t0)) -le 10
check "... and a backup is refused with hrRestoreInProgress" tool expect-backup "$HR_RESTORE_IN_PROGRESS"
wine reg delete "$RESTORE_KEY" /f > /dev/null 2>&1
end_session
check "the restore completed: online again in the next session" tool expect-online 1
end_session

# A stand-in that is still starting is waited for: its event exists, not yet
# signalled, for 5 s (stand-in-starting plays it; the real stand-in is stopped).
# The start type is made automatic only once that session has begun, so that
# Wine's service manager does not start the real one too.
dsbackup offline > /dev/null
end_session
wine 'C:\ntds\conformance.exe' standalone_tool stand-in-starting 5000 10000 > /dev/null 2>&1 &
starter=$!
wine reg add "$NTDS_SERVICE_KEY" /v Start /t REG_DWORD /d 2 /f > /dev/null 2>&1
t0=$(date +%s%N)
check "a stand-in still starting is waited for, then online" tool expect-online 1
waited=$((($(date +%s%N) - t0) / 1000000))
check "... once it runs, not before (after ${waited} ms)" test "$waited" -ge 1500
wait "$starter"
dsbackup offline > /dev/null
end_session

echo "sessions suite ($arch): $failures failed"
[ "$failures" -eq 0 ]
