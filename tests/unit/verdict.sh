#!/bin/bash
# verdict.sh LABEL SUITE...
# Adds up build/results/SUITE.out the way tests/summarize.sh does, for the suites of
# one make target only, and exits non-zero if any failed, is missing or passed
# nothing, so that "make check-unit" on its own says whether it passed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
label=$1; shift
passed=0; failed=0
for s in "$@"; do
    f=build/results/$s.out
    if [ ! -e "$f" ]; then echo "$label: suite $s did not run"; failed=$((failed + 1)); continue; fi
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$f" | awk '{s+=$1} END {print s+0}')
    q=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$f" | awk '{s+=$1} END {print s+0}')
    sp=$(grep -c '^PASS: ' "$f"); sf=$(grep -c '^FAIL: ' "$f")
    if [ $((p + sp)) -eq 0 ] && [ $((q + sf)) -eq 0 ]; then
        echo "$label: suite $s reported nothing"; failed=$((failed + 1))
    fi
    passed=$((passed + p + sp)); failed=$((failed + q + sf))
    echo "  $s: $((p + sp)) passed, $((q + sf)) failed"
done
echo "$label: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
