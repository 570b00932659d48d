# tap-count.awk: the one counter of every suite's results.  Each suite writes
# TAP (build/results/SUITE.out):
#   ok - DESCRIPTION                   a check that passed
#   not ok - DESCRIPTION               one that failed
#   ok - DESCRIPTION # SKIP REASON     one that could not run here, and why
#                                      (cmocka writes its skips "not ok N # SKIP NAME":
#                                      a skip too, never a pass or a failure)
#   1..N                               a program announcing N numbered results
#   ok 3 - NAME / not ok 3 - NAME      the numbered results of such a program
# (cmocka writes the last two with CMOCKA_MESSAGE_OUTPUT=TAP; every other line,
# diagnostics included, is ignored.)  A program that announced N results and
# ended with fewer, because it died or lost its way, counts as a failure: a
# crash is never a silent pass.
#
# Output, one line per suite file:  SUITE PASSED FAILED SKIPPED
# and, for each failure or skip, a line "FAIL SUITE: DESCRIPTION" or
# "SKIP SUITE: DESCRIPTION".
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

function suite_of(path,    name) {
    name = path; sub(/.*\//, "", name); sub(/\.out$/, "", name)
    return name
}
function close_plan() {
    if (planned > numbered) {
        failed++
        print "FAIL " suite ": a program announced " planned " tests and reported " numbered \
              " (it died or stopped early)"
    }
    planned = numbered = 0
}
function finish() {
    if (suite == "") return
    close_plan()
    if (!passed && !failed && !skipped) {
        failed++
        print "FAIL " suite ": the suite reported no result at all"
    }
    print "SUITE " suite " " passed " " failed " " skipped
}
FNR == 1 { finish(); suite = suite_of(FILENAME); passed = failed = skipped = planned = numbered = 0 }
{ sub(/\r$/, "") }
/^1\.\.[0-9]+$/ { close_plan(); planned = substr($0, 4) + 0; next }
/^(not )?ok([ \t]|$)/ {
    line = $0
    bad = line ~ /^not ok/
    sub(/^(not )?ok/, "", line)
    if (line ~ /^[ \t]+[0-9]+/) numbered++
    sub(/^[ \t]*[0-9]*[ \t]*-?[ \t]*/, "", line)
    if (line ~ /^#[ \t]*[Ss][Kk][Ii][Pp]/ || (!bad && line ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)) {
        skipped++; print "SKIP " suite ": " line; next
    }
    if (bad) { failed++; print "FAIL " suite ": " line } else passed++
}
END { finish() }
