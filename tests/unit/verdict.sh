#!/bin/bash
# verdict.sh LABEL SUITE...: the verdict on the suites of one make target alone
# (e.g. "make check-unit"), counted by tests/summarize.sh.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
label=$1; shift
echo "$label:"
"$(dirname "$0")/../summarize.sh" "$@"
