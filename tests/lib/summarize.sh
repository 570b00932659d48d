#!/bin/bash
# summarize.sh [--label LABEL] [SUITE...]: adds up the results of the suites in
# build/results (all of them, or those named) with the one counter,
# tests/lib/tap-count.awk, lists every skip, the counts of each suite and every
# failure, and ends with one plain line, "N passed, N failed".  Exits non-zero if
# anything failed, a named suite did not run (its program did not build, say), or
# nothing passed.  LABEL heads the verdict on one group of suites (make
# check-unit, say).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --label ]; then echo "$2:"; shift 2; fi
files=()
missing=()
if [ $# -eq 0 ]; then
    for f in build/results/*.out; do [ -e "$f" ] && files+=("$f"); done
else
    for s in "$@"; do
        if [ -e "build/results/$s.out" ]; then files+=("build/results/$s.out")
        else missing+=("FAIL $s: the suite did not run"); fi
    done
fi
# An empty file has no first line for the counter to see: no result at all.
for f in "${files[@]}"; do
    if [ ! -s "$f" ]; then
        s=${f##*/}; missing+=("FAIL ${s%.out}: the suite reported no result at all")
    fi
done
counts=$( [ ${#files[@]} -gt 0 ] && awk -f "$here/tap-count.awk" "${files[@]}")
printf '%s\n' "$counts" | grep '^SKIP '
read -r passed failed skipped <<< "$(printf '%s\n' "$counts" | awk '/^SUITE /{p+=$3; f+=$4; s+=$5} END {print p+0, f+0, s+0}')"
if [ $# -gt 0 ]; then
    printf '%s\n' "$counts" | awk '/^SUITE /{printf "  %s: %d passed, %d failed%s\n", $2, $3, $4, $5 ? ", " $5 " skipped" : ""}'
    cat "${files[@]}" | awk '/^# suite .* took [0-9]+ s$/ {t += $(NF - 1)} END {if (t) printf "  %d s in all\n", t}'
fi
# The failures last, beside the verdict: a log cut to its end still names them.
printf '%s\n' "$counts" | grep '^FAIL '
[ ${#missing[@]} -eq 0 ] || printf '%s\n' "${missing[@]}"
failed=$((failed + ${#missing[@]}))
[ "$skipped" -gt 0 ] && echo "$skipped skipped (listed above, each with why)"
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
