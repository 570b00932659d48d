#!/bin/bash
# run-tests.sh [WRAPPER...] -- TEST...
# Runs each unit-test executable (under WRAPPER, e.g. valgrind, if given) and exits
# non-zero if any failed or was not built, after running all of them.  Used through
# tests/lib/run-suite.sh, which asks cmocka for TAP and counts its results.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
wrapper=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do wrapper+=("$1"); shift; done
shift
status=0
for t in "$@"; do
    if [ ! -x "$t" ]; then
        echo "not ok - $t: not built (see the build errors above)"
        status=1
        continue
    fi
    "${wrapper[@]}" "$t" || { echo "not ok - $t: exited with status $?"; status=1; }
done
exit $status
