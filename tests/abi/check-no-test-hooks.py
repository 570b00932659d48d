#!/usr/bin/env python3
"""ABI check: the DLL that ships has no test hooks.  Fault injection is compiled only
into the test build (build/<arch>/test/ntdsbcli.dll, src/standalone/fault.h): the release DLL
must export none of its hooks, contain none of their names or of the fault
counters' symbols, and read no environment variable that could arm a fault.  The
same checks run on the test build must find them, so that they can fail.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import ARCHES, BUILD, PEInfo, Report, run, tool

HOOK_EXPORTS = {"ntdsbcli_test_fault_arm", "ntdsbcli_test_fault_disarm"}
# The counters of src/standalone/fault.c, as the symbol table names them (i686: with "_").
FAULT_SYMBOL = re.compile(r"(?:^|\s)_?(fault_(?:arm|disarm_all|count|injected_total|should_fail))$", re.M)
# What an environment switch for faults would have to contain.
FORBIDDEN_BYTES = [b"NTDSBCLI_FAULT", "NTDSBCLI_FAULT".encode("utf-16-le"), b"ntdsbcli_test_"]


def hooks_seen(arch, path):
    """(exports of the test hooks, fault symbols, forbidden strings) found in a DLL."""
    pe = PEInfo(arch, path)
    exports = HOOK_EXPORTS & set(pe.names)
    st, out, _ = run([tool(arch, "nm"), path])
    symbols = set(m.group(1) for m in FAULT_SYMBOL.finditer(out)) if st == 0 else set()
    with open(path, "rb") as f:
        data = f.read()
    strings = [s.decode("latin-1") for s in FORBIDDEN_BYTES if s in data]
    return pe.error, exports, symbols, strings


def main():
    r = Report()
    for arch in ARCHES:
        release = os.path.join(BUILD, arch, "ntdsbcli.dll")
        test = os.path.join(BUILD, arch, "test", "ntdsbcli.dll")
        err, exports, symbols, strings = hooks_seen(arch, release)
        r.check(not err and not exports, "%s: the release DLL exports no test hook" % arch,
                err or ", ".join(sorted(exports)))
        r.check(not symbols, "%s: the release DLL has no fault-injection code" % arch, ", ".join(sorted(symbols)))
        r.check(not strings, "%s: the release DLL names no fault switch" % arch, ", ".join(strings))
        err, exports, symbols, strings = hooks_seen(arch, test)
        r.check(not err and exports == HOOK_EXPORTS, "%s: the test build exports its two hooks (the check sees them)"
                % arch, err or "found %s" % ", ".join(sorted(exports)))
        r.check(bool(symbols), "%s: the test build's fault counters are visible to the check" % arch)
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main())
