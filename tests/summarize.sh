#!/bin/bash
# Adds up the results of every suite in build/results and prints one plain line,
# "N passed, N failed".  Exits non-zero if anything failed or nothing ran.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
passed=0; failed=0
for f in build/results/*.out; do
    [ -e "$f" ] || continue
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$f" | awk '{s+=$1} END {print s+0}')
    q=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$f" | awk '{s+=$1} END {print s+0}')
    sp=$(grep -c '^PASS: ' "$f"); sf=$(grep -c '^FAIL: ' "$f")
    passed=$((passed + p + sp)); failed=$((failed + q + sf))
    if [ $((q + sf)) -gt 0 ]; then grep -E '^FAIL: |^\[  FAILED  \] [A-Za-z_]' "$f" | sed "s|^|$(basename "$f" .out): |"; fi
done
grep -h '^SKIP: ' build/results/*.out 2>/dev/null
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
