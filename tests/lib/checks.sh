# Checks for the suites' shell scripts: each prints one TAP line (the format:
# tests/lib/tap-count.awk), "ok - NAME" or "not ok - NAME (got ..., expected ...)", and
# counts failures in $failures.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

failures=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1 (got $2, expected $3)"; failures=$((failures + 1)); }
# check NAME GOT EXPECTED
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "'$2'" "'$3'"; fi; }
# check_match NAME GOT REGEX (extended)
check_match() { if printf '%s' "$2" | grep -Eq -- "$3"; then pass "$1"; else fail "$1" "'$2'" "a match for /$3/"; fi; }
# check_same_file NAME FILE EXPECTED_FILE: byte-identical
check_same_file() {
    if cmp -s "$2" "$3"; then pass "$1"
    elif [ -e "$2" ]; then fail "$1" "$2 differing from $3" "identical files"
    else fail "$1" "no $2" "a copy of $3"; fi
}
check_absent() { if [ -e "$2" ] || [ -L "$2" ]; then fail "$1" "$2 present" "absent"; else pass "$1"; fi; }
# check_same_listing NAME BEFORE AFTER: two listings (files), with the difference shown
check_same_listing() {
    if cmp -s "$2" "$3"; then pass "$1"
    else fail "$1" "$(diff "$2" "$3" | grep '^[<>]' | head -8 | paste -sd';' | sed 's/;/; /g')" "no difference"; fi
}
# oneline TEXT: CRs dropped, lines joined with " | "
oneline() { printf '%s' "$1" | tr -d '\r' | sed '/^$/d' | paste -sd'|' | sed 's/|/ | /g'; }
