# tap-count.awk: the one counter of every suite's results.  Each suite writes
# TAP (build/results/SUITE.out):
#   ok - DESCRIPTION                   a check that passed
#   not ok - DESCRIPTION               one that failed
#   ok - DESCRIPTION # SKIP REASON     one that could not run here, and why
#                                      (cmocka writes its skips "not ok N # SKIP NAME":
#                                      a skip too, never a pass or a failure)
#   not ok - DESCRIPTION # TODO        a known failure (Wine's todo_wine), not
#                                      counted as one; listed with the skips
#   1..N                               a plan: N numbered results
#   ok 3 - NAME / not ok 3 - NAME      the numbered results of a program
# A program states its plan before its results (cmocka, with
# CMOCKA_MESSAGE_OUTPUT=TAP) or after them (the PE tests, tests/lib/wine/test.h,
# which cannot know their number in advance).  Every other line, diagnostics
# included, is ignored.  Numbered results that no plan covers, because the
# program died or lost its way before its closing plan, count as a failure, and
# so does a program that announced N results and ended with fewer: a crash is
# never a silent pass.  A result numbered 1 after other numbered results starts
# the next program.
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
# The numbered results since the last plan, at the end of a program.
function close_plan() {
    if (planned > numbered) {
        failed++
        print "FAIL " suite ": a program announced " planned " tests and reported " numbered \
              " (it died or stopped early)"
    } else if (!planned && numbered) {
        failed++
        print "FAIL " suite ": a program reported " numbered " numbered results and no plan" \
              " (it died or stopped before its closing plan)"
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
/^1\.\.[0-9]+$/ {
    n = substr($0, 4) + 0
    if (!planned && numbered) {           # a closing plan: the results before it
        if (numbered != n) {
            failed++
            print "FAIL " suite ": a program's closing plan says " n " tests and it reported " numbered
        }
        numbered = 0
    } else {
        close_plan()
        planned = n
    }
    next
}
/^(not )?ok([ \t]|$)/ {
    line = $0
    bad = line ~ /^not ok/
    sub(/^(not )?ok/, "", line)
    if (line ~ /^[ \t]+[0-9]+/) {
        number = line; sub(/^[ \t]+/, "", number); sub(/[^0-9].*/, "", number)
        if (number + 0 == 1 && numbered) close_plan()
        numbered++
        # An announced plan is done once all its results are in.
        if (planned && numbered == planned) planned = numbered = 0
    }
    sub(/^[ \t]*[0-9]*[ \t]*-?[ \t]*/, "", line)
    if (line ~ /^#[ \t]*[Ss][Kk][Ii][Pp]/ || (!bad && line ~ /#[ \t]*[Ss][Kk][Ii][Pp]/)) {
        skipped++; print "SKIP " suite ": " line; next
    }
    if (bad && line ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) { skipped++; print "SKIP " suite ": " line; next }
    if (bad) { failed++; print "FAIL " suite ": " line } else passed++
}
END { finish() }
