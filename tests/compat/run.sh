#!/bin/bash
# tests/compat/run.sh [ARCH]: backups written by dsbackup 0.4.0 and by today's
# dsbackup are interchangeable, both ways.
#
#   1. tests/compat/backup-0.4.0/ holds the manifest.txt and expiry.token that
#      dsbackup 0.4.0 (SHA-256 through BCrypt) wrote for a backup of the
#      directory database tests/compat/files.py writes (the same bytes every
#      time); the backed-up files are written again from it;
#   2. today's "dsbackup verify" accepts that backup, and refuses it once one
#      byte of the database copy is changed;
#   3. today's "dsbackup backup" of the same database writes the same manifest
#      lines, byte for byte (the computer's name in the original names aside,
#      and the token line, which names a new token): so 0.4.0's verify, which
#      reads the same format and computes the same hashes, accepts today's
#      backups.
#
# Prints "ok - ..." / "not ok - ..." (TAP) per check; exits non-zero if any failed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
arch=${1:-x86_64}
build=${BUILD:-build}
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
. "$here/tests/lib/wine.sh"
wine_use_arch "$arch" || exit 1
fixture="$here/tests/compat/backup-0.4.0"

passed=0
failed=0
pass() { echo "ok - compat ($arch): $*"; passed=$((passed + 1)); }
fail() { echo "not ok - compat ($arch): $*"; failed=$((failed + 1)); }
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() {
    echo "compat ($arch): $passed checks passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

for f in dsbackup.exe ntdsbcli.dll; do
    [ -f "$build/$arch/$f" ] || { fail "$build/$arch/$f exists (run make first)"; summary; exit 1; }
done
trap wine_prefix_destroy EXIT
wine_prefix_create || { fail "a throwaway Wine prefix can be created"; summary; exit 1; }
wine_server_keep
bin="$WINEPREFIX/drive_c/dsbackup"
mkdir -p "$bin"
cp "$build/$arch/dsbackup.exe" "$build/$arch/ntdsbcli.dll" "$bin/"
out="$WINEPREFIX/compat-output"
mkdir -p "$out"
run() {
    local name=$1
    shift
    (cd "$bin" && wine dsbackup.exe "$@") > "$out/$name.out" 2> "$out/$name.err"
    status=$?
    sed -i 's/\r$//' "$out/$name.out" "$out/$name.err"
}

# The database, where the sample database goes.
ntds=$(sample_db_dir)
python3 tests/compat/files.py "$ntds" || { fail "files.py writes the database"; summary; exit 1; }
sample_db_register 'C:\Windows\NTDS\ntds.dit' 'C:\Windows\NTDS' 'C:\Windows\NTDS'

# 1-2: the old backup, its files laid out again, verified today.
old="$WINEPREFIX/drive_c/old-backup"
mkdir -p "$old/database" "$old/logs"
cp "$fixture/manifest.txt" "$fixture/expiry.token" "$old/"
cp "$ntds/ntds.dit" "$old/database/"
cp "$ntds/edb00001.log" "$ntds/edb00002.log" "$ntds/edb.log" "$old/logs/"
run verify-old verify 'C:\old-backup'
check "dsbackup verify accepts the backup dsbackup 0.4.0 wrote (exit $status)" test "$status" -eq 0
check "... checking its 4 files and the token" \
    grep -q '^verify .*: ok, 4 files and the expiry token match the manifest$' "$out/verify-old.out"
flip_byte "$old/database/ntds.dit" 2097152
run verify-old-damaged verify 'C:\old-backup'
check "... and refuses it once a byte of the database copy differs (exit $status)" test "$status" -eq 1
check "... naming the file" grep -q 'database\\ntds.dit has SHA-256' "$out/verify-old-damaged.err"

# 3: today's backup of the same files, line by line against 0.4.0's.
run backup backup 'C:\new-backup'
check "dsbackup backup of the same database succeeds (exit $status)" test "$status" -eq 0
new="$WINEPREFIX/drive_c/new-backup/manifest.txt"
if [ -f "$new" ]; then
    # The original names begin with \\COMPUTER\; 0.4.0's ran on a computer named VM.
    computer=$(wine_computer_name)
    grep -v '^token ' "$fixture/manifest.txt" > "$out/old.lines"
    grep -v '^token ' "$new" | sed "s/ \\\\\\\\$computer\\\\/ \\\\\\\\VM\\\\/" > "$out/new.lines"
    if cmp -s "$out/old.lines" "$out/new.lines"; then
        pass "... and writes the manifest lines dsbackup 0.4.0 wrote, byte for byte"
    else
        fail "... and writes the manifest lines dsbackup 0.4.0 wrote, byte for byte"
        diff "$out/old.lines" "$out/new.lines" | sed 's/^/    | /'
    fi
    check "... and a token line with the SHA-256 of its new token" test \
        "$(sed -n 's/^token //p' "$new")" = "$(sha256sum < "$WINEPREFIX/drive_c/new-backup/expiry.token" | cut -d' ' -f1)"
else
    fail "... and writes a manifest"
fi
summary
