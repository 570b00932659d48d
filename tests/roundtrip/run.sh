#!/bin/bash
# tests/roundtrip/run.sh [ARCH]: backup and restore round trips with dsbackup.exe
# through ntdsbcli.dll, with the NTDS service stand-in (tools/ntdssvc/) installed,
# under Wine in a throwaway prefix.  Needs build/ARCH/{dsbackup.exe,ntdsbcli.dll,
# ntdssvc.exe} (make all); ARCH is x86_64 (the default) or i686, through the
# emulated 32-bit Wine (tests/wine32/wine32).
#
#   1. ntdssvc install; dsbackup init-sample; net start NTDS; dsbackup backup;
#      a backup onto a full disk fails and leaves no manifest (as root);
#   2. restore refused while the service runs: exit 1, nothing changed;
#   3. net stop NTDS; restore refused, nothing changed, no registration left, for
#      a damaged token (hrUnknownExpiryTokenFormat), an expired one
#      (hrContentsExpired), a token that no longer matches the manifest and a
#      manifest without its 'end' line (the folder is verified before anything);
#   4. the database damaged, a log and edb.chk deleted: dsbackup restore; the
#      service starts; every file is byte-identical to the backup (sha256sum on
#      the Unix side); only transaction logs and the checkpoint were deleted;
#   5. a restore that crashes right after DsRestoreRegister (a test build of
#      dsbackup, dsbackup-crash.exe, that ends its process there): the registration stays and the
#      service refuses to start; dsbackup status shows it as never completed;
#      the same restore run again replaces it, restores and completes;
#   6. a restore that fails after DsRestoreRegister: the failure is recorded,
#      the service stays down; the restore run again once the cause is gone
#      (here with --resume, kept as a synonym) finishes it;
#   7. a restore after the whole database folder was lost recreates it;
#   8. no NTDS service at all (ntdsbcli.dll beside a tool, as the README allows):
#      dsbackup offline marks the directory offline, the full restore runs,
#      dsbackup online brings it back and a backup works again.
#
# Prints "ok - <check>" or "not ok - <check> (got ..., expected ...)" (TAP) per check and
# exits non-zero if any failed.  The prefix is always destroyed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/wine.sh

BUILD=${BUILD:-build}
arch=${1:-x86_64}
wine_use_arch "$arch" || { echo "not ok - roundtrip $arch: no Wine for $arch"; exit 1; }
for f in dsbackup.exe ntdsbcli.dll ntdssvc.exe; do
    [ -f "$BUILD/$arch/$f" ] || { echo "not ok - $BUILD/$arch/$f is not built (run make all)"; exit 1; }
done
command -v wine >/dev/null || { echo "not ok - wine is not installed"; exit 1; }
command -v python3 >/dev/null || { echo "not ok - python3 is not installed"; exit 1; }

passed=0
failures=0
pass() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "not ok - $1 (got $2, expected $3)"; failures=$((failures + 1)); }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "'$2'" "'$3'"; fi; }
# check_grep NAME FILE REGEX (extended): a line of FILE matches
check_grep() {
    if grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "'$(head -c 600 "$2" | tr '\n' '|')'" "a line matching /$3/"; fi
}
# check_no_grep NAME FILE REGEX: no line of FILE matches
check_no_grep() {
    if ! grep -Eq -- "$3" "$2"; then pass "$1"; else fail "$1" "'$(grep -E -- "$3" "$2" | head -n 3 | tr '\n' '|')'" "no line matching /$3/"; fi
}

mounted=
cleanup() {
    if [ -n "$mounted" ]; then umount "$mounted" 2> /dev/null; fi
    wine_prefix_destroy
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$SECONDS
wine_prefix_create || { echo "not ok - cannot create a Wine prefix"; exit 1; }
# The wineserver stays up from here on: a service is a Wine "system" process, shut
# down with the prefix whenever no ordinary process runs (tests/service/run.sh).
wineserver -p
# The first program started now also starts the prefix's system processes
# (services.exe, winedevice.exe), which then live as long as the wineserver and
# keep whatever stdout they inherited: started with /dev/null, so that no later
# $(wine ...) waits forever for its pipe to close.
wine sc query NTDS < /dev/null > /dev/null 2>&1

c="$WINEPREFIX/drive_c"
bin="$c/dsbackup"
ntds="$c/windows/NTDS"
backup="$c/backup"
out="$WINEPREFIX/roundtrip-output"
mkdir -p "$bin" "$out"
# Copies, so that a rebuild while the test runs cannot change what is tested.
cp "$BUILD/$arch/dsbackup.exe" "$BUILD/$arch/ntdsbcli.dll" "$BUILD/$arch/ntdssvc.exe" \
   "$BUILD/$arch/test/dsbackup-crash.exe" "$bin/"

PARAMS_KEY=$NTDS_KEY
files="ntds.dit edb00001.log edb00002.log edb00003.log edb.log"

# ds NAME ARGS...: runs dsbackup.exe; stdout and stderr (CRs removed) in
# $out/NAME.out and $out/NAME.err, the exit status in $RC.
ds() {
    local name=$1
    shift
    (cd "$bin" && timeout 120 wine dsbackup.exe "$@") > "$out/$name.out.raw" 2> "$out/$name.err.raw"
    RC=$?
    tr -d '\r' < "$out/$name.out.raw" > "$out/$name.out"
    # Only the program's own lines: Wine may add notes of its own on stderr.
    tr -d '\r' < "$out/$name.err.raw" | grep '^dsbackup' > "$out/$name.err"
}
# ds_crashing NAME ARGS...: the same with the test build that ends its process
# right after DsRestoreRegisterW, as a crash would (tests/programs.mk).
ds_crashing() {
    local name=$1
    shift
    (cd "$bin" && timeout 120 wine dsbackup-crash.exe "$@") > "$out/$name.out.raw" 2> "$out/$name.err.raw"
    RC=$?
    tr -d '\r' < "$out/$name.out.raw" > "$out/$name.out"
    tr -d '\r' < "$out/$name.err.raw" | grep '^dsbackup' > "$out/$name.err"
}
# show NAME: what the program said, indented, for a reader of the log.
show() { sed 's/^/    | /' "$out/$1.out" "$out/$1.err"; }

# Wine's net start exits 0 even when the service stops at once with an error, so
# a start is judged by the state it leaves (tests/service/run.sh).
service_start() { wine net start NTDS > /dev/null 2>&1; ntds_service_wait_state "${1:-RUNNING}"; }
service_stop() { wine net stop NTDS > /dev/null 2>&1; ntds_service_wait_state STOPPED; }

restore_registered() { wine reg query "$RESTORE_KEY" > /dev/null 2>&1 && echo yes || echo no; }
sha() { sha256sum < "$1" | cut -d' ' -f1; }
# Every file of the database folder, names and contents: "nothing was changed".
folder_print() { (cd "$ntds" && find . -type f | LC_ALL=C sort | xargs -r sha256sum) | sha256sum | cut -d' ' -f1; }
# check_identical WHAT: every database file and log is byte-identical to the backup.
check_identical() {
    local f sub got
    for f in $files; do
        if [ "$f" = ntds.dit ]; then sub=database; else sub=logs; fi
        got=$( [ -f "$ntds/$f" ] && sha "$ntds/$f" || echo missing)
        check "$1: $f is byte-identical to the backup's $sub/$f" "$got" "${original[$f]}"
    done
}
damage_database() {
    printf 'DAMAGED BY THE ROUNDTRIP TEST' | dd of="$ntds/ntds.dit" bs=1 seek=$(( $(stat -c %s "$ntds/ntds.dit") / 2 )) \
        conv=notrunc status=none
}

# --- 1. a directory with its service, and a backup of it -----------------------------
echo "=== setup: ntdssvc install, dsbackup init-sample, net start NTDS, dsbackup backup"
(cd "$bin" && wine 'C:\dsbackup\ntdssvc.exe' install) < /dev/null > "$out/install.out" 2>&1
check "ntdssvc install exits 0" "$?" 0
check "the NTDS service is installed and stopped" "$(ntds_service_state)" "STOPPED 1077 0x0"

ds init init-sample
show init
check "init-sample exits 0" "$RC" 0
for f in ntds.dit edb00001.log edb00002.log edb00003.log edb.log edb.chk; do
    check "init-sample created $f" "$([ -s "$ntds/$f" ] && echo yes || echo no)" yes
done
check_grep "init-sample makes sure \\\\COMPUTER\\C\$ resolves (dsbackup link-share)" "$out/init.out" \
    'C\$ (already|now) resolves'
check "init-sample wrote a database of a few MiB" \
    "$(s=$(stat -c %s "$ntds/ntds.dit"); [ "$s" -ge 2097152 ] && [ "$s" -le 16777216 ] && echo yes || echo "$s bytes")" yes
check "init-sample wrote pseudo-random data (the database does not compress)" \
    "$(s=$(stat -c %s "$ntds/ntds.dit"); z=$(gzip -c "$ntds/ntds.dit" | wc -c); [ "$z" -gt $((s * 99 / 100)) ] && echo yes || echo "$z of $s bytes")" yes
params=$(wine reg query "$PARAMS_KEY" 2>/dev/null | tr -d '\r')
regval() { printf '%s\n' "$params" | sed -n "s/^ *$1 *REG_SZ *//p"; }
check "init-sample recorded DSA Database file" "$(regval 'DSA Database file')" 'C:\Windows\NTDS\ntds.dit'
check "init-sample recorded Database log files path" "$(regval 'Database log files path')" 'C:\Windows\NTDS'
check "init-sample recorded DSA Working Directory" "$(regval 'DSA Working Directory')" 'C:\Windows\NTDS'
before=$(folder_print)
ds init-again init-sample
show init-again
check "init-sample over an existing database exits 1" "$RC" 1
check_grep "... and says hrDatabaseDuplicate" "$out/init-again.err" ': hrDatabaseDuplicate \(0xc80004b1\): '
check "... and changes nothing" "$(folder_print)" "$before"

check "net start NTDS: the service runs" "$(service_start)" "RUNNING 0 0x0"
ds status-online status
show status-online
check "status exits 0" "$RC" 0
check_grep "status: the directory is online" "$out/status-online.out" '^directory service: +online$'
check_grep "status: the NTDS service runs" "$out/status-online.out" '^NTDS service: +running'
check_grep "status: the database file" "$out/status-online.out" '^DSA Database file: +C:\\Windows\\NTDS\\ntds\.dit$'
check_grep "status: no restore in progress" "$out/status-online.out" '^restore in progress: +no$'

ds backup backup 'C:\backup'
show backup
check "backup exits 0" "$RC" 0
declare -A original
for f in $files; do original[$f]=$(sha "$ntds/$f"); done
for f in $files; do
    if [ "$f" = ntds.dit ]; then sub=database; else sub=logs; fi
    check "the backup's $sub/$f is the original" "$( [ -f "$backup/$sub/$f" ] && sha "$backup/$sub/$f")" "${original[$f]}"
done

# A backup onto a full disk: a tmpfs of 1 MiB, smaller than the database, on
# the backup folder (as root).  The copy of the database fails while it is
# written, on the pipeline's reader thread: the backup says which file and why,
# and leaves no manifest, so that nothing takes it for a backup.
full="$WINEPREFIX/drive_c/full"
mkdir -p "$full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m ntdsbcli-full "$full" 2> /dev/null; then
    mounted=$full
    ds full backup 'C:\full\backup'
    show full
    check "a backup onto a full disk exits 1" "$RC" 1
    check_grep "... says it cannot write the database's copy: the disk is full" "$out/full.err" \
        'cannot write C:\\full\\backup\\database\\ntds\.dit: ERROR_DISK_FULL'
    check_grep "... and that the backup is incomplete" "$out/full.err" 'is incomplete: it has no manifest\.txt'
    check "... and leaves no manifest" "$([ -e "$full/backup/manifest.txt" ] && echo yes || echo no)" no
    check "... and copies no log after the failure" "$(ls "$full/backup/logs" 2> /dev/null | wc -l)" 0
    umount "$full" && mounted=
else
    echo "ok - a backup onto a full disk # SKIP cannot mount a small tmpfs here (needs root)"
fi

# --- 2. refused while online -----------------------------------------------------------
echo "=== restore while the service runs"
before=$(folder_print)
ds online restore 'C:\backup'
show online
check "restore while the service runs exits 1" "$RC" 1
check_grep "... says hrDatabaseInUse and to stop the service" "$out/online.err" \
    "dsbackup offline.*: hrDatabaseInUse \(0xc80004b2\): "
check "... changes nothing" "$(folder_print)" "$before"
check "... registers nothing" "$(restore_registered)" no
check "... and the service still runs" "$(ntds_service_state)" "RUNNING 0 0x0"

check "net stop NTDS: the service stops" "$(service_stop)" "STOPPED 0 0x0"
ds status-offline status
check_grep "status: offline once the service is stopped" "$out/status-offline.out" '^directory service: +offline$'
check_grep "status: the NTDS service is stopped" "$out/status-offline.out" '^NTDS service: +stopped$'

# --- 3. refused backups: nothing changes --------------------------------------------------
echo "=== restores that must be refused"
# refused NAME DIR REGEX DESCRIPTION: the restore exits 1, says REGEX, changes nothing.
refused() {
    local name=$1 dir=$2 regex=$3 what=$4 before
    before=$(folder_print)
    ds "$name" restore "$dir"
    show "$name"
    check "$what: restore exits 1" "$RC" 1
    check_grep "$what: the error is shown by name" "$out/$name.err" "$regex"
    check_grep "$what: it says nothing was changed" "$out/$name.err" 'nothing was changed'
    check "$what: the database folder is untouched" "$(folder_print)" "$before"
    check "$what: no restore is registered" "$(restore_registered)" no
    check_no_grep "$what: no file was deleted" "$out/$name.out" '^deleted '
}
cp -a "$backup" "$c/badtoken"
python3 tests/roundtrip/token.py flip "$c/badtoken" 5
refused badtoken 'C:\badtoken' ': hrUnknownExpiryTokenFormat \(0xc7ff0010\): ' "a damaged expiry token"
cp -a "$backup" "$c/expired"
python3 tests/roundtrip/token.py age "$c/expired" 200
refused expired 'C:\expired' ': hrContentsExpired \(0xc7ff0011\): ' "a token 200 days old"
cp -a "$backup" "$c/tampered"
flip_byte "$c/tampered/expiry.token" 12
refused tampered 'C:\tampered' 'expiry\.token has SHA-256 .*: hrReadVerifyFailure' \
    "a token that no longer matches the manifest (the folder is verified first)"
check_no_grep "... and the DLL was never asked (no DsRestorePrepare error)" "$out/tampered.err" 'DsRestorePrepareW'
cp -a "$backup" "$c/cut"
sed -i '$d' "$c/cut/manifest.txt"
refused cut 'C:\cut' "does not end with its 'end' line" "a manifest without its 'end' line"
cp -a "$backup" "$c/baddb"
flip_byte "$c/baddb/database/ntds.dit" 100
refused baddb 'C:\baddb' 'ntds\.dit has SHA-256 .*: hrReadVerifyFailure' "a damaged backed-up database"

# --- 4. the round trip -------------------------------------------------------------------
echo "=== damage, then restore"
damage_database
rm -f "$ntds/edb00002.log" "$ntds/edb.chk"
echo "a stale log, not in the backup" > "$ntds/edb00004.log"
echo "not a transaction log" > "$ntds/edbtmp.log"
echo "an unrelated file" > "$ntds/keep.txt"
check "the database is damaged before the restore" \
    "$([ "$(sha "$ntds/ntds.dit")" != "${original[ntds.dit]}" ] && echo yes || echo no)" yes
keep_print=$(sha "$ntds/keep.txt"; sha "$ntds/edbtmp.log")
ds restore restore 'C:\backup'
show restore
check "restore exits 0" "$RC" 0
check_grep "restore says it is complete" "$out/restore.out" '^restore complete: 5 files'
check_grep "restore registered the logs 00001..00003 from C:\\backup\\logs" "$out/restore.out" \
    '^registered the restore: .*ntds\.dit -> .*ntds\.dit, logs 00001\.\.00003 from C:\\backup\\logs$'
check "restore printed one line per file read back" \
    "$(grep -cE '^restored (database|log) .* \(read back: ok\) to \\\\' "$out/restore.out")" 5
check_identical "after the restore"
check "the stale log edb00004.log was deleted" "$([ -e "$ntds/edb00004.log" ] && echo present || echo gone)" gone
check "the checkpoint edb.chk is gone (deleted, and not in the backup)" \
    "$([ -e "$ntds/edb.chk" ] && echo present || echo gone)" gone
check "edbtmp.log and keep.txt (not logs) were left alone" "$(sha "$ntds/keep.txt"; sha "$ntds/edbtmp.log")" "$keep_print"
check "no temporary file is left" "$(find "$ntds" -name '*.dsbackup-tmp' | wc -l)" 0
check "no restore is registered after the restore" "$(restore_registered)" no
check "net start NTDS after the restore: the service runs" "$(service_start)" "RUNNING 0 0x0"
ds status-after status
check_grep "status: online after the restore" "$out/status-after.out" '^directory service: +online$'
check "net stop NTDS" "$(service_stop)" "STOPPED 0 0x0"

# --- 5. a crash between Register and Complete ---------------------------------------------
echo "=== a restore that crashes after DsRestoreRegister, then the same restore again"
damage_database
before=$(folder_print)
ds_crashing crash restore 'C:\backup'
show crash
check "the test build ends the process after DsRestoreRegister (exit 99)" "$RC" 99
check_grep "... and says so" "$out/crash.err" 'test build: terminating right after DsRestoreRegisterW'
check "the crashed restore stays registered" "$(restore_registered)" yes
check "the crashed restore changed no file" "$(folder_print)" "$before"
check "the service refuses to start while the restore is registered" "$(service_start STOPPED)" "STOPPED 1066 0xC7FF0004"
ds status-registered status
show status-registered
check "status exits 0 with a restore registered" "$RC" 0
check_grep "status: offline while registered" "$out/status-registered.out" '^directory service: +offline$'
check_grep "status: the service's refusal, by name" "$out/status-registered.out" \
    '^NTDS service: +stopped; its last start failed: hrRestoreInProgress \(0xc7ff0004\): '
check_grep "status: a restore is in progress" "$out/status-registered.out" '^restore in progress: +yes'
check_grep "status: Restore Status by name" "$out/status-registered.out" \
    '^  Restore Status: +hrRestoreInProgress \(0xc7ff0004\): '
check_grep "status: the restoring program is gone, a new restore replaces it" "$out/status-registered.out" \
    'never completed: the restoring program stopped or ended; a new restore replaces it'
check_grep "status: Backup Log Path" "$out/status-registered.out" '^  Backup Log Path: +C:\\backup\\logs$'
check_grep "status: Log Path" "$out/status-registered.out" '^  Log Path: +\\\\[^\\]+\\C\$\\Windows\\NTDS$'
check_grep "status: Restore Map" "$out/status-registered.out" '^  Restore Map: +\\\\.*\\ntds\.dit -> \\\\.*\\ntds\.dit$'
check_grep "status: Low Log Number" "$out/status-registered.out" '^  Low Log Number: +0x1 \(edb00001\.log\)$'
check_grep "status: High Log Number" "$out/status-registered.out" '^  High Log Number: +0x3 \(edb00003\.log\)$'
check_grep "status: how to finish it" "$out/status-registered.out" 'restoring again: dsbackup restore C:\\backup$'
ds again restore 'C:\backup'
show again
check "the same restore run again exits 0" "$RC" 0
check_grep "... registers anew, replacing the crashed one" "$out/again.out" '^registered the restore'
check "... and completes the registration" "$(restore_registered)" no
check_identical "after the crashed restore and the second one"
check "the service starts after the second restore" "$(service_start)" "RUNNING 0 0x0"
check "net stop NTDS" "$(service_stop)" "STOPPED 0 0x0"

# --- 6. a failure after Register ----------------------------------------------------------
echo "=== a restore that fails after DsRestoreRegister"
damage_database
# A folder where the restore writes its temporary copy of edb00002.log: a real
# failure of CreateFileW, after the database and edb00001.log are written.
mkdir "$ntds/edb00002.log.dsbackup-tmp"
ds failed restore 'C:\backup'
show failed
check "a restore that fails exits 1" "$RC" 1
recorded=$(sed -n 's/.*Status recorded: \([A-Za-z_]*\) (0x.*/\1/p' "$out/failed.err")
check "... and names the recorded failure" "$([ -n "$recorded" ] && [ "$recorded" != hrRestoreInProgress ] && echo named || echo "'$recorded'")" named
check "... and stays registered (DsRestoreRegisterComplete with the failure)" "$(restore_registered)" yes
ds status-failed status
show status-failed
check_grep "status shows the failure as Restore Status, by name" "$out/status-failed.out" \
    "^  Restore Status: +$recorded \\(0x[0-9a-f]+\\): "
check "the service refuses to start after a failed restore" "$(service_start STOPPED)" "STOPPED 1066 0xC7FF0004"
rmdir "$ntds/edb00002.log.dsbackup-tmp"
ds resume2 restore 'C:\backup' --resume
show resume2
check "once the cause is gone, the restore run again (--resume, a synonym) exits 0" "$RC" 0
check "... and completes the registration" "$(restore_registered)" no
check_identical "after the failed restore and --resume"
check "the service starts again" "$(service_start)" "RUNNING 0 0x0"
check "net stop NTDS" "$(service_stop)" "STOPPED 0 0x0"

echo "=== the whole database folder lost"
rm -rf "$ntds"
ds lost restore 'C:\backup'
show lost
check "a restore into a folder that no longer exists exits 0" "$RC" 0
check_identical "after a restore into a recreated folder"
check "the service starts on the recreated folder" "$(service_start)" "RUNNING 0 0x0"
check "net stop NTDS" "$(service_stop)" "STOPPED 0 0x0"

damage_database
ds nothing restore 'C:\backup' --resume
show nothing
check "restore --resume with nothing registered is a plain restore: exits 0" "$RC" 0
check_identical "after restore --resume with nothing registered"

# --- init-sample --force ----------------------------------------------------------------
echo "=== init-sample --force"
check "net start NTDS" "$(service_start)" "RUNNING 0 0x0"
before=$(folder_print)
ds force-running init-sample --force
show force-running
check "init-sample --force while the service runs exits 1" "$RC" 1
check_grep "... says hrDatabaseInUse" "$out/force-running.err" ': hrDatabaseInUse \(0xc80004b2\): '
check "... and changes nothing" "$(folder_print)" "$before"
check "net stop NTDS" "$(service_stop)" "STOPPED 0 0x0"
ds force init-sample --force
show force
check "init-sample --force with the service stopped exits 0" "$RC" 0
check "... and writes a new database" "$([ "$(sha "$ntds/ntds.dit")" != "${original[ntds.dit]}" ] && echo new || echo old)" new

# --- usage ---------------------------------------------------------------------------------
echo "=== usage"
ds u1 restore
check "restore without a folder is a usage error (exit 2)" "$RC" 2
ds u2 restore 'C:\backup' --bogus
check "restore with an unknown option is a usage error (exit 2)" "$RC" 2
ds u3 restore 'C:\backup' 'C:\other'
check "restore with two folders is a usage error (exit 2)" "$RC" 2
ds h1 restore --help
check "restore --help exits 0" "$RC" 0
check_grep "restore --help says only transaction logs and the checkpoint are deleted" "$out/h1.out" \
    'ONLY these are deleted'
check_grep "restore --help documents --resume" "$out/h1.out" '^  --resume'
check "restore --help has no test hook: the tool that ships has none" \
    "$(grep -c 'DSBACKUP_TEST\|test hook' "$out/h1.out")" 0
ds h2 init-sample --help
check "init-sample --help exits 0" "$RC" 0
check_grep "init-sample --help documents --force" "$out/h2.out" '^  --force'
ds h3 --help
check_grep "--help lists restore" "$out/h3.out" '^  restore DIR '
check_grep "--help lists offline" "$out/h3.out" '^  offline '
check_grep "--help lists online" "$out/h3.out" '^  online '
check_grep "--help lists init-sample" "$out/h3.out" '^  init-sample \[DIR\] \[--force\]'
ds u4 init-sample 'C:\a' 'C:\b'
check "init-sample with two folders is a usage error (exit 2)" "$RC" 2

# --- 8. no NTDS service ---------------------------------------------------------------------
echo "=== no NTDS service: dsbackup offline, restore, dsbackup online"
(cd "$bin" && wine 'C:\dsbackup\ntdssvc.exe' uninstall) < /dev/null > "$out/uninstall.out" 2>&1
check "ntdssvc uninstall exits 0" "$?" 0
check "no NTDS service is registered" "$(ntds_service_state)" ABSENT
ds noservice-status status
show noservice-status
check_grep "status: without a service the directory counts as online" "$out/noservice-status.out" '^directory service: +online$'
check_grep "status: ... and says how to take it offline" "$out/noservice-status.out" "'dsbackup offline' takes it offline"
damage_database
before=$(folder_print)
ds noservice-online restore 'C:\backup'
show noservice-online
check "restore while it counts as online exits 1" "$RC" 1
check_grep "... and names the way out, dsbackup offline" "$out/noservice-online.err" "run 'dsbackup offline'.*hrDatabaseInUse"
check "... and changes nothing" "$(folder_print)" "$before"
ds offline offline
show offline
check "dsbackup offline exits 0" "$RC" 0
check_grep "... marks the directory offline" "$out/offline.out" "marked the directory offline"
check_grep "... and the DLL agrees" "$out/offline.out" '^directory service: offline$'
check "... with the value Directory Offline = 1" \
    "$(wine reg query "$NTDS_KEY" /v 'Directory Offline' 2>/dev/null | tr -d '\r' | sed -n 's/^ *Directory Offline *REG_DWORD *//p')" 0x1
ds noservice-backup backup 'C:\refused'
check "a backup is refused while it is offline" "$RC" 1
ds noservice-restore restore 'C:\backup'
show noservice-restore
check "the full restore without a service exits 0" "$RC" 0
check_identical "after the restore without a service"
check "... and leaves no registration" "$(restore_registered)" no
ds online online
show online
check "dsbackup online exits 0" "$RC" 0
check_grep "... and the DLL agrees" "$out/online.out" '^directory service: online$'
check "... and removes the value" "$(wine reg query "$NTDS_KEY" /v 'Directory Offline' > /dev/null 2>&1 && echo present || echo gone)" gone
ds noservice-backup2 backup 'C:\again'
check "a backup works again" "$RC" 0
ds u5 offline now
check "offline with an argument is a usage error (exit 2)" "$RC" 2

echo "roundtrip suite: $((SECONDS - t0)) s, $passed passed, $failures failed"
[ "$failures" -eq 0 ] && [ "$passed" -gt 0 ]
