#!/bin/bash
# The msvc suite, part 2: runs under Wine the programs tests/msvc/check-msvc.py
# built, in a throwaway prefix with a generated directory database.
#
#   - the MSVC-style backup clients (backup_client.c: clang-cl, lld-link,
#     ntdsbcli.lib), UNICODE and ANSI, each with the DLL of its architecture beside
#     it: a whole backup, every check of the client's own (TAP lines, relayed
#     with the architecture and character set in front); then every file it backed
#     up against the file on the Unix side: the same names (ntds.dit, the numbered
#     logs, edb.log), sizes and CRC-32s;
#   - the client GNU ld linked against ntdsbcli.lib (tests/abi/client.c), which
#     checks that GetProcAddress finds every export at the address the import bound.
#
# Programs of both architectures run in one prefix: with i686 among ARCHES, the
# emulated 32-bit Wine is selected first (wine_use_arch, tests/wine32/wine32), whose
# wine runs 64-bit programs as the host's does and 32-bit ones through qemu-i386.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}
ARCHES=${ARCHES:-x86_64 i686}
RUN_TIMEOUT=120
. tests/lib/wine.sh

failures=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; failures=$((failures + 1)); }

# The programs, before any prefix is made.
runnable=
for arch in $ARCHES; do
    ok=1
    for f in "$BUILD/$arch/ntdsbcli.dll" "$BUILD/msvc/$arch/backup-client-W.exe" \
             "$BUILD/msvc/$arch/backup-client-A.exe" "$BUILD/msvc/$arch/gnu-ld-client.exe"; do
        [ -f "$f" ] || { fail "$arch: $f is missing (check-msvc.py builds it; see its "not ok" lines)"; ok=0; }
    done
    [ $ok = 1 ] || continue
    runnable="$runnable $arch"
done
[ -n "$runnable" ] || exit $((failures > 0))
command -v wine >/dev/null || { fail "wine is not installed"; exit 1; }
command -v python3 >/dev/null || { fail "python3 is not installed"; exit 1; }

case " $runnable " in
    *" i686 "*) wine_use_arch i686 || { fail "no Wine for i686 programs (make wine32)"; exit 1; } ;;
esac
trap wine_prefix_destroy EXIT
wine_prefix_create || { fail "creating a Wine prefix (wineboot) failed"; exit 1; }
wine_server_keep
sample_db_create
ntds=$WINEPREFIX/drive_c/windows/NTDS

# What a backup must hold, from the Unix side: "<name> <size> <crc32>", one line per
# file, sorted: ntds.dit, the numbered logs edbXXXXX.log and edb.log (docs/behaviour.md,
# Lists).
(cd "$ntds" && ls | grep -E '^(ntds\.dit|edb[0-9A-Fa-f]{5}\.log|edb\.log)$' | LC_ALL=C sort) |
    python3 -c '
import os, sys, zlib
for name in sys.stdin.read().split():
    data = open(os.path.join(sys.argv[1], name), "rb").read()
    print("%s %016x %08x" % (name.lower(), len(data), zlib.crc32(data) & 0xffffffff))
' "$ntds" > "$WINEPREFIX/expected-files.txt"

# run_client ARCH MODE PROGRAM ARGS...: runs one program; relays its TAP lines
# with "ARCH MODE: " in front; checks its END line and exit status (returns 1 if
# the program did not get to its END line).  Leaves its
# output (CRs removed) in $WINEPREFIX/out-ARCH-MODE.txt.
run_client() {
    local arch=$1 mode=$2 prog=$3 status end out
    shift 3
    out=$WINEPREFIX/out-$arch-${mode// /-}.txt
    timeout $RUN_TIMEOUT wine "$prog" "$@" > "$out.raw" 2>&1
    status=$?
    tr -d '\r' < "$out.raw" > "$out"
    sed -n -e "s/^ok - /ok - $arch $mode: /p" -e "s/^not ok - /not ok - $arch $mode: /p" "$out"
    failures=$((failures + $(grep -c '^not ok - ' "$out")))
    end=$(sed -n 's/^END //p' "$out" | tail -n 1)
    if [ -z "$end" ]; then
        fail "$arch $mode: the program did not finish (exit status $status): $(grep -v -e '^ok - ' -e '^FILE ' "$out" | tail -n 4 | paste -sd'|' | grep . || echo 'no output')"
        return 1
    elif [ $((end)) -eq 0 ] && [ "$status" -eq 0 ]; then
        pass "$arch $mode: the program ran to its end and exited with status 0"
    else
        fail "$arch $mode: the program ended with $((end)) failures and exit status $status"
    fi
}

exports=$(sed 's/#.*//' tests/abi/exports.txt | tr -s ' \n' ' ')
for arch in $runnable; do
    dir=$WINEPREFIX/drive_c/msvc-$arch
    mkdir -p "$dir"
    cp "$BUILD/$arch/ntdsbcli.dll" "$BUILD/msvc/$arch"/backup-client-[AW].exe \
       "$BUILD/msvc/$arch/gnu-ld-client.exe" "$dir/"
    for variant in UNICODE:W ANSI:A; do
        mode=${variant%:*}
        run_client "$arch" "$mode" "C:\\msvc-$arch\\backup-client-${variant#*:}.exe" || continue
        out=$WINEPREFIX/out-$arch-${mode// /-}.txt
        # FILE <bft> <size> <crc> \\COMPUTER\C$\Windows\NTDS\<name>
        sed -n 's/^FILE [^ ]* \([0-9a-f]*\) \([0-9a-f]*\) .*\\\([^\\]*\)$/\3 \1 \2/p' "$out" |
            tr 'A-Z' 'a-z' | LC_ALL=C sort > "$out.files"
        if cmp -s "$out.files" "$WINEPREFIX/expected-files.txt"; then
            pass "$arch $mode: the backup read $(wc -l < "$out.files") files, the database and every log, with the sizes and CRC-32s of the files on the Unix side ($(cut -d' ' -f1 "$out.files" | paste -sd' '))"
        else
            fail "$arch $mode: the files backed up differ from those on the Unix side: $(diff "$WINEPREFIX/expected-files.txt" "$out.files" | grep '^[<>]' | paste -sd';')"
        fi
    done
    # shellcheck disable=SC2086
    run_client "$arch" "GNU ld client" "C:\\msvc-$arch\\gnu-ld-client.exe" "linked against ntdsbcli.lib" $exports
done
exit $((failures > 0))
