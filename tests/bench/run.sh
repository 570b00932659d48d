#!/bin/bash
# tests/bench/run.sh: what "make bench" runs.
#
#   1. a throwaway Wine prefix with a big sample directory database: a 1 GiB
#      ntds.dit and 10 numbered logs plus edb.log of 10 MiB each (the size of
#      Active Directory's logs);
#   2. bench.exe (tests/bench/bench.c), dsbackup.exe and the DLL side by side in
#      it, each section in its own process: streaming, the fixed cost of a file,
#      dsbackup's SHA-256 against openssl speed, dsbackup backup and verify
#      against cp + sync, openssl dgst and each half of the work alone (each run
#      a process started and timed here, as a user runs it), many small logs
#      (folders of their own), handles, the online check with the NTDS stand-in
#      running and stopped, then memory (a fresh process for each configuration);
#   3. tests/bench/report.py: the table on stdout, docs/performance.md and
#      docs/bench.png.
#
# Environment:
#   BENCH_QUICK=1   a smaller, shorter run (256 MiB database, fewer rounds); its
#                   report goes to $BUILD/bench/, docs/ is left alone
#   BENCH_DLL=path  benchmark this ntdsbcli.dll instead of $BUILD/x86_64's (to
#                   measure a candidate change side by side)
#   BENCH_OUT=dir   where the report goes (default: docs/, or $BUILD/bench/ when quick)
#   BENCH_SECTIONS="stream files sha256 backup logs handles online memory"
#                   the sections to run (default: all)
#   BUILD           the build folder (make passes its $(BUILD))
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
abs() { case $1 in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }
build=$(abs "${BUILD:-build}")
quick=${BENCH_QUICK:-0}
dll=$(abs "${BENCH_DLL:-$build/x86_64/ntdsbcli.dll}")
work="$build/bench"
if [ "$quick" = 1 ]; then out=$(abs "${BENCH_OUT:-$work}"); else out=$(abs "${BENCH_OUT:-docs}"); fi
mkdir -p "$work" "$out"
. "$here/tests/lib/wine.sh"

# Rounds are even: the order of a DLL run and its baseline run alternates from
# round to round, and report.py pairs consecutive rounds.
if [ "$quick" = 1 ]; then
    db_bytes=$((256 * 1048576)); log_bytes=$((4 * 1048576))
    stream_rounds=6; cold_rounds=2; passes=2; backup_rounds=2; log_rounds=1; sha256_rounds=2
    online_rounds=4; file_rounds=4; max_population=10000; handle_batches=3; memory_repeats=1
else
    db_bytes=$((1024 * 1048576)); log_bytes=$((10 * 1048576))
    stream_rounds=16; cold_rounds=20; passes=3; backup_rounds=16; log_rounds=6; sha256_rounds=8
    online_rounds=12; file_rounds=10; max_population=100000; handle_batches=7; memory_repeats=3
fi
log_count=10
log_sizes="1000 5000 20000"             # the many-logs section: numbered logs per folder
memory_passes=4                          # 4 x the database: 4 GiB in a full run
sha256_mib=2048; sha256_secs=2           # a run of each SHA-256 takes a second or two

for f in "$build/x86_64/bench.exe" "$build/x86_64/dsbackup.exe" "$build/x86_64/bench/dsbackup-sequential.exe" \
         "$build/x86_64/ntdssvc.exe" "$dll"; do
    [ -f "$f" ] || { echo "bench: $f is missing" >&2; exit 1; }
done

watcher=
cleanup() {
    [ -n "$watcher" ] && kill "$watcher" 2>/dev/null
    wine_prefix_destroy
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
echo "bench: a Wine prefix with a $((db_bytes / 1048576)) MiB database and $log_count + 1 logs of $((log_bytes / 1048576)) MiB"
wine_prefix_create || exit 1
sample_db_create "$db_bytes" "$log_count"
ntds=$(sample_db_dir)
for f in "$ntds"/edb0*.log "$ntds/edb.log"; do
    head -c "$log_bytes" /dev/urandom > "$f"
done
sync

bin="$WINEPREFIX/drive_c/bench"
mkdir -p "$bin"
cp "$build/x86_64/bench.exe" "$build/x86_64/dsbackup.exe" "$build/x86_64/bench/dsbackup-sequential.exe" \
   "$build/x86_64/ntdssvc.exe" "$dll" "$bin/"
cd "$bin" || exit 1
# One wineserver for the whole run, so that no program pays for starting it
# and Wine's own services again.  They are started here, away from any pipe: a
# service that inherited bench()'s pipe would keep it open for the whole run.
wine_server_keep
wine wineboot > /dev/null 2>&1 < /dev/null

# write_logs N: C:\bench-logs\N for bench.exe's many-logs section: ntds.dit and
# edb.log if missing, and the numbered logs edb00001.log.. of 4 to 16 KiB (random
# bytes), written again (the last truncation deleted them).
write_logs() {
    python3 - "$WINEPREFIX/drive_c/bench-logs/$1" "$1" <<'EOF'
import os, sys
folder, n = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
pool = os.urandom(64 * 1024)
def write(name, data):
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)
for name, size in (('ntds.dit', 64 * 1024), ('edb.log', 16 * 1024)):
    if not os.path.exists(os.path.join(folder, name)):
        write(name, pool[:size])
for i in range(1, n + 1):
    size = 4096 + (i * 2654435761 % 2**32 >> 7) % (12 * 1024 + 1)
    start = i * 4099 % (48 * 1024)
    write('edb%05X.log' % i, pool[start:start + size])
EOF
}

# What bench.exe asks of the Unix side (see ask_run_sh() in bench.c).  It writes
# "NUMBER REQUEST" to a FIFO; this loop (asleep in read meanwhile) does the work
# and answers with a file bench.exe waits for.  "evict", before each run "from
# disk": every file of the sample database's folder evicted from the page cache
# with posix_fadvise(POSIX_FADV_DONTNEED) (dd iflag=nocache count=0).  Only these
# files go: the rest of the machine keeps its cache, so other processes do not
# start reading their files back from disk in the middle of a measurement, as
# they would after a global drop_caches.  "logs N": write_logs N, which takes
# Wine minutes for 20,000 files and Python a second.
fifo="$WINEPREFIX/requests.fifo"
mkfifo "$fifo"
(
    exec 3<> "$fifo"
    while read -r n what <&3; do
        case "$n" in *[!0-9]*|'') continue ;; esac
        r=ok
        case "$what" in
            evict)
                for f in "$ntds"/*; do
                    dd if="$f" iflag=nocache count=0 status=none || r=failed
                done ;;
            "logs "[1-9]*) write_logs "${what#logs }" || r=failed ;;
            *) r=failed ;;
        esac
        echo "$r" > "$bin/answer.tmp" && mv "$bin/answer.tmp" "$bin/answer.$n"
    done
) &
watcher=$!
export BENCH_REQUEST_FIFO="$fifo" BENCH_REQUEST_DONE='C:\bench\answer'

raw="$work/raw.txt"
backup_dir="$WINEPREFIX/drive_c/bench-backup"
: > "$raw"
# bench ARGS...: one bench.exe process; its Unix process id goes in
# BENCH_UNIX_PID ("exec wine" keeps it); samples go to raw.txt.
bench() {
    # The machine is shared: note how busy it was when each section started.
    echo "S load section=$1 load1=$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
    sh -c 'BENCH_UNIX_PID=$$ exec wine bench.exe "$@"' bench "$@" | tr -d '\r' >> "$raw"
    local status=${PIPESTATUS[0]}
    [ "$status" -eq 0 ] || { echo "bench: bench.exe $* failed (status $status)" >&2; exit 1; }
}

# The files a backup copies (what the DLL lists: the database, the numbered logs,
# edb.log), for the baselines that do the same work with Unix tools.
backup_sources() {
    ls "$ntds"/ntds.dit "$ntds"/edb0*.log "$ntds"/edb.log
}
verify_dir="$WINEPREFIX/drive_c/bench-verify"
copy_dir="$WINEPREFIX/drive_c/bench-copy"

# timed_run VARIANT: one program of the backup section, as a user runs it, timed
# from here, its output folder removed first:
#   backup      dsbackup backup, as shipped
#   sequential  dsbackup verify, the benchmark's build without the reader thread
#   copy        cp of the same files, then sync of the copies (fsync, as dsbackup
#               flushes each file): the disk's part of a backup
#   verify      dsbackup verify of a backup made before the rounds
#   dgst        openssl dgst -sha256 of the same files: hashing at the speed of
#               the SHA extensions, with no Wine process
#   read, hash  bench.exe alone: each half of a backup's work by itself
#   start       dsbackup --help: the cost of starting a Wine process
# Prints "bytes=N secs=S" (and "maxrss_kib=K" for dsbackup, GNU time's peak
# resident set; "inner=S" for bench.exe, its own time without the start).
timed_run() {
    local t0 t1 status bytes inner= rss=
    rm -f "$work/rss.txt"
    # The two runs that write 1.2 GB start from the same state: the other's
    # 1.2 GB just removed, the disk synced and the machine idle for a moment.
    # On a virtual machine that hands free memory back to its host, memory
    # freed a moment ago takes new data faster than memory left free for
    # seconds.  So each of the two removes the other's files itself: when every
    # run removed them, the copy ran about 3 s after the backup's files went
    # and the backup about 5 s after the copy's, the rotation keeping each
    # run's neighbours.
    case $1 in backup|copy) rm -rf "$backup_dir" "$copy_dir"; sync; sleep 2 ;; esac
    t0=$(date +%s%N)
    case $1 in
        backup) /usr/bin/time -f %M -o "$work/rss.txt" wine dsbackup.exe backup 'C:\bench-backup' > "$work/program.out" 2>&1 ;;
        sequential) /usr/bin/time -f %M -o "$work/rss.txt" wine dsbackup-sequential.exe verify 'C:\bench-verify' > "$work/program.out" 2>&1 ;;
        verify) /usr/bin/time -f %M -o "$work/rss.txt" wine dsbackup.exe verify 'C:\bench-verify' > "$work/program.out" 2>&1 ;;
        start) /usr/bin/time -f %M -o "$work/rss.txt" wine dsbackup.exe --help > "$work/program.out" 2>&1 ;;
        copy) mkdir -p "$copy_dir" && cp $(backup_sources) "$copy_dir/" && sync "$copy_dir"/* > "$work/program.out" 2>&1 ;;
        dgst) openssl dgst -sha256 "$verify_dir"/database/* "$verify_dir"/logs/* "$verify_dir"/expiry.token > "$work/program.out" 2>&1 ;;
        *) wine bench.exe alone "$1" > "$work/program.out" 2>&1 ;;
    esac
    status=$?
    t1=$(date +%s%N)
    tr -d '\r' < "$work/program.out" > "$work/program.txt"
    if [ "$status" -ne 0 ]; then
        echo "bench: the $1 run failed (status $status):" >&2
        cat "$work/program.txt" >&2
        return 1
    fi
    case $1 in
        backup) bytes=$(sed -n 's/^backup complete: [0-9]* files, \([0-9]*\) bytes.*/\1/p' "$work/program.txt") ;;
        verify|sequential|dgst) bytes=$(cat "$verify_dir"/database/* "$verify_dir"/logs/* | wc -c) ;;
        copy) bytes=$(cat $(backup_sources) | wc -c) ;;
        start) bytes=0 ;;
        *) bytes=$(sed -n 's/^S alone .*bytes=\([0-9]*\).*/\1/p' "$work/program.txt")
           inner=" inner=$(sed -n 's/^S alone .*secs=\([0-9.]*\).*/\1/p' "$work/program.txt")"
           inner="$inner sha256=$(sed -n 's/^S alone .*sha256=\([^ ]*\).*/\1/p' "$work/program.txt")" ;;
    esac
    [ -s "$work/rss.txt" ] && rss=" maxrss_kib=$(tail -n 1 "$work/rss.txt")"
    echo "bytes=${bytes:-0} secs=$(awk -v t="$((t1 - t0))" 'BEGIN { printf "%.6f", t / 1e9 }')$inner$rss"
}

# backup_rounds N: N rounds of the runs above, their order rotating, from the
# page cache (a read first, untimed, to fill it; and the backup that verify and
# dgst read, made once).
backup_rounds() {
    local r k variants=(backup sequential copy verify dgst read hash start) v result n=8
    echo "S load section=backup load1=$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
    timed_run read > /dev/null || return 1
    rm -rf "$verify_dir"
    wine dsbackup.exe backup 'C:\bench-verify' > "$work/program.out" 2>&1 \
        || { echo "bench: the backup for verify failed:" >&2; tr -d '\r' < "$work/program.out" >&2; return 1; }
    for ((r = 0; r < $1; r++)); do
        for ((k = 0; k < n; k++)); do
            v=${variants[(k + r) % n]}
            result=$(timed_run "$v") || return 1
            echo "S backup round=$r variant=$v $result" >> "$raw"
        done
        echo "bench: backup: round $((r + 1)) of $1" >&2
    done
    rm -rf "$backup_dir" "$copy_dir" "$verify_dir"
}

# sha256_rounds N: dsbackup's SHA-256 (bench.exe sha256, under Wine) and
# OpenSSL's (openssl speed -evp sha256, natively) over 1 MiB messages, in turn,
# the order alternating: the implementation dsbackup chooses against OpenSSL's
# best, and the portable one against OpenSSL's best without the SHA extensions
# (OPENSSL_ia32cap masks them: bit 29 of cpuid leaf 7's EBX).
sha256_rounds() {
    local r k order line
    echo "S load section=sha256 load1=$(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
    for ((r = 0; r < $1; r++)); do
        if [ $((r % 2)) = 0 ]; then order="ours openssl ours-portable openssl-no-sha"
        else order="openssl ours openssl-no-sha ours-portable"; fi
        for k in $order; do
            case $k in
                ours) wine bench.exe sha256 chosen "$sha256_mib" | tr -d '\r' | sed "s/^S sha256 /S sha256 round=$r who=dsbackup /" >> "$raw" ;;
                ours-portable) wine bench.exe sha256 portable "$((sha256_mib / 4))" | tr -d '\r' \
                                   | sed "s/^S sha256 /S sha256 round=$r who=dsbackup /" >> "$raw" ;;
                openssl|openssl-no-sha)
                    if [ "$k" = openssl ]; then line=$(openssl speed -evp sha256 -bytes 1048576 -seconds "$sha256_secs" 2>/dev/null)
                    else line=$(OPENSSL_ia32cap=':~0x20000000' openssl speed -evp sha256 -bytes 1048576 -seconds "$sha256_secs" 2>/dev/null); fi
                    # "sha256   1642950.17k": thousands of bytes a second.
                    line=$(printf '%s\n' "$line" | awk '$1 == "sha256" && $2 ~ /k$/ {sub(/k$/, "", $2); print $2 * 1000}' | tail -n 1)
                    [ -n "$line" ] || { echo "bench: openssl speed gave no figure" >&2; return 1; }
                    echo "S sha256 round=$r who=openssl implementation=$([ "$k" = openssl ] && echo best || echo no-sha) bytes_per_sec=$line" >> "$raw" ;;
            esac
        done
        echo "bench: sha256: round $((r + 1)) of $1" >&2
    done
}

sections=" ${BENCH_SECTIONS:-stream files sha256 backup logs handles online memory} "
section() { case "$sections" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if section stream; then
    echo "bench: streaming ($stream_rounds rounds from the page cache, $cold_rounds from disk)"
    bench stream "$stream_rounds" "$cold_rounds" "$passes"
fi
if section files; then
    echo "bench: the fixed cost of a file"
    bench files "$file_rounds"
fi
if section sha256; then
    echo "bench: SHA-256, dsbackup's against OpenSSL's ($sha256_rounds rounds)"
    sha256_rounds "$sha256_rounds" || exit 1
fi
if section backup; then
    echo "bench: dsbackup backup and verify against cp + sync, openssl dgst and each half alone ($backup_rounds rounds)"
    backup_rounds "$backup_rounds" || exit 1
fi
if section logs; then
    echo "bench: many logs ($log_sizes, $log_rounds rounds)"
    bench logs "$log_rounds" $log_sizes
fi
if section handles; then
    echo "bench: handles (up to $max_population other live contexts)"
    bench handles "$max_population" "$handle_batches"
fi
if section online; then
    # The NTDS stand-in registered, brought online and taken offline as an
    # administrator does, then removed again: the other sections run without it.
    echo "bench: the online check, with the NTDS stand-in running and stopped ($online_rounds rounds each)"
    { wine 'C:\bench\ntdssvc.exe' install && wine dsbackup.exe online; } > "$work/online-setup.out" 2>&1 < /dev/null \
        || { tr -d '\r' < "$work/online-setup.out" >&2; exit 1; }
    bench online "$online_rounds" running
    wine dsbackup.exe offline > "$work/online-setup.out" 2>&1 < /dev/null || { tr -d '\r' < "$work/online-setup.out" >&2; exit 1; }
    bench online "$online_rounds" stopped
    wine 'C:\bench\ntdssvc.exe' uninstall > /dev/null 2>&1 < /dev/null
fi
section memory && echo "bench: memory ($memory_passes passes over the database, a fresh process each)"
i=0
while section memory && [ "$i" -lt "$memory_repeats" ]; do
    for size in 65536 262144 1048576 4194304; do
        if [ $(((i + size / 65536) % 2)) = 0 ]; then order="dll plain"; else order="plain dll"; fi
        for who in $order; do bench memory "$who" "$size" "$memory_passes"; done
    done
    i=$((i + 1))
done
finished=$(date +%s)

# The machine the figures came from.
{
    echo "cpu=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "cores=$(nproc)"
    echo "ram_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
    echo "kernel=$(uname -sr)"
    echo "wine=$(wine --version 2>/dev/null)"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "seconds=$((finished - started))"
    echo "quick=$quick"
    echo "database_bytes=$db_bytes"
    echo "log_bytes=$log_bytes"
    echo "log_count=$log_count"
    echo "log_sizes=$log_sizes"
    echo "memory_passes=$memory_passes"
    echo "passes=$passes"
    echo "dll_sha256=$(sha256sum < "$dll" | cut -c1-16)"
    echo "commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    dev=$(basename "$(df --output=source "$ntds" | tail -1)")
    echo "read_ahead_kb=$(cat "/sys/class/block/$dev/queue/read_ahead_kb" \
        "/sys/class/block/$dev/../queue/read_ahead_kb" 2>/dev/null | head -1)"
} > "$work/machine.txt"

cd "$here" || exit 1
python3 tests/bench/report.py "$work/raw.txt" "$work/machine.txt" "$out" || exit 1
