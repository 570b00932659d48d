#!/bin/bash
# demo.sh [ARCH]: a backup of a generated directory database with dsbackup.exe,
# under a throwaway Wine prefix, checked independently on the Unix side.
#
#   1. a new prefix, a sample database in C:\Windows\NTDS (tests/lib/wine.sh);
#   2. dsbackup backup C:\backup, then dsbackup verify C:\backup, and a backup
#      into a folder whose name no code page holds;
#   3. sha256sum on the Unix side: every backed-up file is byte-identical to its
#      source, the manifest lists it with that size and hash, and nothing else
#      (checkpoint, temporary and unrelated logs) was taken;
#   4. what must fail does: a second backup into the same folder, verify of a
#      damaged copy and of a manifest without its 'end' line, a backup while the
#      directory is offline, bad usage;
#   5. dsbackup restore is refused while the directory is online (here no NTDS
#      service is registered, so an existing database counts as online), and
#      changes nothing; tests/roundtrip/run.sh tests restores with the service;
#   6. dsbackup backup --truncate-logs: a complete backup, then the numbered logs
#      are gone from the source while edb.log and ntds.dit stay;
#   7. dsbackup link-share: with the link dosdevices/unc/<computer>/c$ removed,
#      \\COMPUTER\C$ does not resolve; link-share creates the link and it
#      resolves; a second run keeps it; an entry in its way is left alone.
#
# Prints "ok - <check>" / "not ok - <check>" (TAP) per check (tests/lib/summarize.sh counts
# them) and a summary; exits non-zero if any check failed.  The prefix is always
# removed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
arch=${1:-x86_64}
build=${BUILD:-build}       # make passes its $(BUILD)
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here" || exit 1
. "$here/tests/lib/wine.sh"
wine_use_arch "$arch" || exit 1

passed=0
failed=0
pass() { echo "ok - $*"; passed=$((passed + 1)); }
last_run=            # run's NAME of the last program run, and its command line
last_command=
# A failed check shows, as TAP comments, everything the last program printed,
# Wine's own messages included, and its status: the prefix and its output go
# when the demo ends, and a failure that does not recur can be read only here.
fail() {
    echo "not ok - $*"
    failed=$((failed + 1))
    [ -n "$last_run" ] || return 0
    echo "# the last program run, $last_command, exited with status $status and printed:"
    cat "$out/$last_run.out.raw" "$out/$last_run.err.raw" 2> /dev/null | tr -d '\r' | sed 's/^/#   /'
}
# check DESCRIPTION COMMAND...: one TAP line for the command's status.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

summary() {
    echo
    echo "demo ($arch): $passed checks passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

for f in dsbackup.exe ntdsbcli.dll; do
    if [ ! -f "$build/$arch/$f" ]; then
        fail "$build/$arch/$f exists (run make first)"
        summary
        exit 1
    fi
done

trap wine_prefix_destroy EXIT
if ! wine_prefix_create; then
    fail "a throwaway Wine prefix can be created"
    summary
    exit 1
fi
wine_server_keep

# The program and the DLL side by side, as an application ships them; a copy,
# so that a rebuild while the demo runs cannot change what is tested.
bin="$WINEPREFIX/drive_c/dsbackup"
mkdir -p "$bin"
cp "$build/$arch/dsbackup.exe" "$build/$arch/ntdsbcli.dll" "$bin/"
out="$WINEPREFIX/demo-output"
mkdir -p "$out"

# run NAME ARGS...: runs dsbackup.exe; stdout and stderr in $out/NAME.{out,err},
# CRs removed; the exit status in $status.
run() {
    local name=$1
    shift
    last_run=$name
    last_command="dsbackup $*"
    (cd "$bin" && wine dsbackup.exe "$@") > "$out/$name.out.raw" 2> "$out/$name.err.raw"
    status=$?
    tr -d '\r' < "$out/$name.out.raw" > "$out/$name.out"
    # Only the program's own lines: Wine may add its own notes on stderr.
    tr -d '\r' < "$out/$name.err.raw" | grep '^dsbackup' > "$out/$name.err"
    return 0
}

# show NAME: the program's output, indented, so a reader sees what it said.
show() {
    sed 's/^/    | /' "$out/$1.out" "$out/$1.err"
}

sample_db_create
src=$(sample_db_dir)
host=$(wine_computer_name)
expected="ntds.dit edb00001.log edb00002.log edb00003.log edb.log"
not_expected="edb.chk edbtmp.log res1.log"
declare -A source_sha source_size
for f in $expected; do
    source_sha[$f]=$(sha256sum < "$src/$f" | cut -d' ' -f1)
    source_size[$f]=$(stat -c %s "$src/$f")
done
subfolder() { [ "$1" = ntds.dit ] && echo database || echo logs; }
bft_of() { [ "$1" = ntds.dit ] && echo 44 || echo 21; }

# check_backup NAME UNIXDIR: the Unix-side checks of one backup folder.
check_backup() {
    local name=$1 dir=$2 manifest=$2/manifest.txt f sub line
    check "$name: manifest.txt exists" test -f "$manifest"
    [ -f "$manifest" ] || return 0
    # The manifest with '/' for '\', so that awk and grep need no escaping.
    tr '\\' '/' < "$manifest" > "$out/$name.manifest"
    check "$name: the manifest begins with 'ntdsbcli-backup 1'" \
        test "$(head -n 1 "$manifest")" = "ntdsbcli-backup 1"
    check "$name: the manifest ends with 'end'" test "$(tail -n 1 "$manifest")" = "end"
    check "$name: no manifest.tmp is left behind" test ! -e "$dir/manifest.tmp"
    for f in $expected; do
        sub=$(subfolder "$f")
        if [ -f "$dir/$sub/$f" ] \
                && [ "$(sha256sum < "$dir/$sub/$f" | cut -d' ' -f1)" = "${source_sha[$f]}" ]; then
            pass "$name: $sub/$f is byte-identical to the source (sha256 ${source_sha[$f]:0:16}...)"
        else
            fail "$name: $sub/$f is byte-identical to the source"
        fi
        line=$(awk -v p="$sub/$f" '$4 == p' "$out/$name.manifest")
        if [ "$(echo "$line" | awk '{print $1, $2, $3}')" = "$(bft_of "$f") ${source_size[$f]} ${source_sha[$f]}" ] \
                && echo "$line" | awk '{print $5}' | grep -qix "//$host/C\\\$/windows/NTDS/$f"; then
            pass "$name: the manifest lists $sub/$f with its BFT, size, sha256 and UNC name"
        else
            fail "$name: the manifest lists $sub/$f with its BFT, size, sha256 and UNC name; got: '$line'"
        fi
    done
    check "$name: the manifest lists exactly the 5 files" \
        test "$(grep -cE '^[0-9a-f]{2} ' "$manifest")" -eq 5
    for f in $not_expected; do
        check "$name: $f was not backed up" \
            sh -c "! grep -q '/$f ' '$out/$name.manifest' && ! find '$dir' -iname '$f' | grep -q ."
    done
    if [ -s "$dir/expiry.token" ] && [ "$(awk '$1 == "token" {print $2}' "$manifest")" = \
            "$(sha256sum < "$dir/expiry.token" | cut -d' ' -f1)" ]; then
        pass "$name: expiry.token is saved and the manifest's token line matches it"
    else
        fail "$name: expiry.token is saved and the manifest's token line matches it"
    fi
}

echo "=== dsbackup backup C:\\backup"
run backup backup 'C:\backup'
show backup
check "backup exits 0" test "$status" -eq 0
check "backup prints one plain line per file when stdout is not a console" \
    test "$(grep -cE '^(database|log) [^ ]+ [0-9]+ bytes sha256 [0-9a-f]{64}$' "$out/backup.out")" -eq 5
check_backup backup "$WINEPREFIX/drive_c/backup"

echo "=== dsbackup verify C:\\backup"
run verify verify 'C:\backup'
show verify
check "verify exits 0 on a good backup" test "$status" -eq 0
check "verify checks every file and the token" test "$(grep -c '^ok ' "$out/verify.out")" -eq 6

# A folder named outside any code page: the tool takes its arguments wide.
# Wine turns the Unix command line into UTF-16 by the locale's character set,
# so this run names UTF-8 for itself.
unicode_name='Sauvegarde-été-备份'
echo "=== dsbackup backup C:\\$unicode_name"
LC_ALL=C.UTF-8 run unicode backup "C:\\$unicode_name"
show unicode
check "a backup into a folder with a non-ASCII name exits 0" test "$status" -eq 0
check "... writes its manifest into that folder, by that name" \
    test "$(tail -n 1 "$WINEPREFIX/drive_c/$unicode_name/manifest.txt" 2> /dev/null)" = end

echo "=== what must fail"
manifest_before=$(sha256sum < "$WINEPREFIX/drive_c/backup/manifest.txt")
run again backup 'C:\backup'
show again
check "a second backup into the same folder exits 1" test "$status" -eq 1
check "... and says hrBackupDirectoryNotEmpty" grep -q ': hrBackupDirectoryNotEmpty (0xc80001f8): ' "$out/again.err"
check "... and leaves the existing manifest alone" \
    test "$(sha256sum < "$WINEPREFIX/drive_c/backup/manifest.txt")" = "$manifest_before"

cp -a "$WINEPREFIX/drive_c/backup" "$WINEPREFIX/drive_c/damaged"
flip_byte "$WINEPREFIX/drive_c/damaged/logs/edb00002.log" 4096
run damaged verify 'C:\damaged'
show damaged
check "verify of a damaged copy exits 1" test "$status" -eq 1
check "... and names the damaged file with hrReadVerifyFailure" \
    grep -q 'edb00002.log has SHA-256 .*: hrReadVerifyFailure' "$out/damaged.err"

cp -a "$WINEPREFIX/drive_c/backup" "$WINEPREFIX/drive_c/cut"
sed -i '$d' "$WINEPREFIX/drive_c/cut/manifest.txt"
run cut verify 'C:\cut'
show cut
check "verify of a manifest without its 'end' line exits 1" test "$status" -eq 1
check "... and says the manifest is incomplete" grep -q "does not end with its 'end' line" "$out/cut.err"

run usage backup
check "backup without a folder is a usage error (exit 2)" test "$status" -eq 2
run usage2 frobnicate
check "an unknown command is a usage error (exit 2)" test "$status" -eq 2
run help --help
check "--help exits 0 and documents the exit codes" \
    sh -c "[ $status -eq 0 ] && grep -q '^Exit status: 0 success, 1 the operation failed, 2 usage error' '$out/help.out'"
run help2 backup --help
check "backup --help exits 0 and documents --truncate-logs" \
    sh -c "[ $status -eq 0 ] && grep -q -- '--truncate-logs' '$out/help2.out'"

echo "=== dsbackup status"
run status status
show status
check "status exits 0" test "$status" -eq 0
check "status says the directory is online" grep -qx 'directory service: *online' "$out/status.out"
check "status shows the database file from the registry" \
    grep -qx 'DSA Database file: *C:\\Windows\\NTDS\\ntds.dit' "$out/status.out"
check "status says no restore is in progress" grep -qx 'restore in progress: *no' "$out/status.out"
check "status says no NTDS service is registered" grep -qx 'NTDS service: *not registered' "$out/status.out"
check "--help lists restore and init-sample" \
    sh -c "grep -q '^  restore DIR' '$out/help.out' && grep -q '^  init-sample' '$out/help.out'"

echo "=== dsbackup restore C:\\backup while the directory is online"
source_print() { (cd "$src" && sha256sum -- * | sha256sum); }
before=$(source_print)
run restore-online restore 'C:\backup'
show restore-online
check "a restore while the directory is online exits 1" test "$status" -eq 1
check "... says why (no NTDS service: an existing database counts as online) with hrDatabaseInUse" \
    grep -q 'no NTDS service is registered.*: hrDatabaseInUse (0xc80004b2): ' "$out/restore-online.err"
check "... and changes nothing in the database folder" test "$(source_print)" = "$before"
check "... and registers no restore" sh -c "! wine reg query 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress' > /dev/null 2>&1"

mv "$src/ntds.dit" "$src/ntds.dit.away"
run offline backup 'C:\offline'
show offline
mv "$src/ntds.dit.away" "$src/ntds.dit"
check "a backup while the directory is offline exits 1" test "$status" -eq 1
check "... and says hrCouldNotConnect" grep -q 'not online.*: hrCouldNotConnect (0xc7ff0007): ' "$out/offline.err"
check "... and writes no manifest" test ! -e "$WINEPREFIX/drive_c/offline/manifest.txt"

echo "=== dsbackup backup C:\\truncated --truncate-logs"
run truncated backup 'C:\truncated' --truncate-logs
show truncated
check "backup --truncate-logs exits 0" test "$status" -eq 0
check_backup truncated "$WINEPREFIX/drive_c/truncated"
run verify-truncated verify 'C:\truncated'
check "verify of the truncating backup exits 0" test "$status" -eq 0
for f in edb00001.log edb00002.log edb00003.log; do
    check "the backed-up log $f is truncated from the source" test ! -e "$src/$f"
done
for f in edb.log ntds.dit edb.chk; do
    check "$f is kept in the source" test -f "$src/$f"
done

echo "=== dsbackup link-share"
link="$WINEPREFIX/dosdevices/unc/$(echo "$host" | tr 'A-Z' 'a-z')/c\$"
# share_resolves: whether Wine finds the database through \\COMPUTER\C$ (yes or no).
share_resolves() {
    (cd "$bin" && wine cmd /c "if exist \\\\$host\\C\$\\windows\\NTDS\\ntds.dit (echo yes) else (echo no)") \
        2>/dev/null | tr -d '\r' | tail -n 1
}
rm -f "$link"
check "without dosdevices/unc/.../c\$, \\\\$host\\C\$ does not resolve" test "$(share_resolves)" = no
run link1 link-share
show link1
check "link-share exits 0" test "$status" -eq 0
check "... and creates the link c\$ -> ../../c:" test "$(readlink "$link")" = "../../c:"
check "... and says what it did" grep -q "^created the link .*/c\\$ -> \.\./\.\./c:$" "$out/link1.out"
check "... and \\\\$host\\C\$ now resolves" test "$(share_resolves)" = yes
before=$(stat -c '%i %Y' "$link")
run link2 link-share
show link2
check "a second link-share exits 0" test "$status" -eq 0
check "... says there is nothing to do" grep -q 'C\$ already resolves: nothing to do$' "$out/link2.out"
check "... and keeps the link as it was" test "$(stat -c '%i %Y' "$link") $(readlink "$link")" = "$before ../../c:"
rm "$link"
ln -s ../../nowhere "$link"
run link3 link-share
show link3
check "link-share with another entry in the way exits 1" test "$status" -eq 1
check "... and leaves that entry alone" test "$(readlink "$link")" = "../../nowhere"
rm "$link"
ln -s ../../c: "$link"
check "--help lists link-share" grep -q '^  link-share ' "$out/help.out"

summary
