#!/bin/bash
# run-suite.sh NAME COMMAND...
# Runs one test suite, shows its output, and keeps it in build/results/NAME.out
# for the summary (tests/lib/summarize.sh).  Every suite writes TAP result lines;
# cmocka is asked for TAP too.  A suite that exits non-zero gets a "not ok" line
# of its own, so a crash is counted even where nothing announced how many tests
# were to come.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
name=$1; shift
mkdir -p build/results
out=build/results/$name.out
echo "=== $name"
# Wine ends lines in CR LF and cmocka writes its summary to stderr: merge, strip.
# Through a file, not a pipe: a Wine process left behind (services.exe of a prefix
# whose server died) would hold a pipe open and the suite would never end.
started=$SECONDS
CMOCKA_MESSAGE_OUTPUT=TAP "$@" > "$out.raw" 2>&1
status=$?
tr -d '\r' < "$out.raw" | tee "$out"
rm -f "$out.raw"
if [ "$status" -ne 0 ]; then
    echo "not ok - suite $name exited with status $status" | tee -a "$out"
fi
# How long it took, for the summary (a comment line: the counter ignores it).
echo "# suite $name took $((SECONDS - started)) s" | tee -a "$out"
exit 0
