#!/bin/bash
# run-fuzz.sh TARGET BINARY SECONDS WORKDIR
# Runs one libFuzzer target for a bounded time on its seed corpus
# (tests/fuzz/corpus/TARGET, read only) and a working corpus in WORKDIR/corpus.
# The full log stays in WORKDIR/log; a crash leaves its input in WORKDIR/artifacts.
# Prints "ok - fuzz TARGET N executions" when the run ends cleanly; otherwise shows
# the end of the log and exits non-zero (tests/lib/run-suite.sh then counts a failure).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
target=$1 binary=$2 seconds=$3 work=$4
if [ ! -x "$binary" ]; then
    echo "fuzz $target: $binary was not built (see the build errors above)"
    exit 1
fi
mkdir -p "$work/corpus" "$work/artifacts"
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "tests/fuzz/corpus/$target" \
    >"$work/log" 2>&1
status=$?
runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs in .*/\1/p' "$work/log" | tail -n 1)
if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
    grep -E '^(INFO: seed corpus|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$work/log"
    echo "ok - fuzz $target $runs executions"
    exit 0
fi
tail -n 60 "$work/log"
echo "fuzz $target: libFuzzer exited with status $status; full log in $work/log," \
     "reproducer (if any) in $work/artifacts/"
exit 1
