# TAP helpers for the suites' shell scripts (the format: tests/lib/tap-count.awk).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

# tap_program NAME COMMAND...: runs a test program and passes its output through
# (CRs removed); when it reported nothing at all (no plan "1..N", no result
# line), adds a "not ok" line of its own: a program that cannot start, under an
# emulator or a Wine without its loader, may print nothing and still exit 0.
# Returns the program's exit status, or 1 if it reported nothing.
tap_program() {
    local name=$1 out status
    shift
    out=$(mktemp "${TMPDIR:-/tmp}/tap-program.XXXXXX")
    "$@" > "$out" 2>&1
    status=$?
    tr -d '\r' < "$out"
    if ! grep -Eq '^(1\.\.[0-9]|(not )?ok([ \t]|$))' "$out"; then
        echo "not ok - $name: reported nothing (exit status $status): it did not run"
        status=1
    fi
    rm -f "$out"
    return $status
}
