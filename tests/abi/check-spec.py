#!/usr/bin/env python3
"""ABI check: the one export list.  ntdsbcli.spec (Wine's format) is the source;
ntdsbcli.def is made from it by the Makefile.  winebuild, Wine's own reader of
.spec files, writes the .def it would make for each architecture, and the two must
agree: the same names, and on i686 the same stdcall argument bytes (@N), in the
same order.  The .spec also names exactly the 28 exports of tests/abi/exports.txt.

    check-spec.py [--spec FILE] [--def FILE]

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import TOP, Report, def_file, expected_exports, run

WINEBUILD_TARGET = {"i686": "i686-w64-mingw32", "x86_64": "x86_64-w64-mingw32"}


def spec_entries(path):
    """[(name, [argument types])] of the stdcall entries of a .spec, in order."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            m = re.match(r"^@\s+stdcall\s+(?:-\S+\s+)*(\w+)\(([^)]*)\)", line)
            if m:
                out.append((m.group(1), m.group(2).split()))
            elif line:
                out.append((None, line))
    return out


def winebuild_def(spec, arch):
    """[(name, @N or None)] of the .def winebuild writes for ARCH, or an error."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ntdsbcli.def")
        st, _, err = run(["winebuild", "-w", "--def", "-E", spec, "-b", WINEBUILD_TARGET[arch],
                          "-o", path])
        if st != 0:
            return None, err.strip() or "winebuild failed"
        return [(n, b) for n, b, _ in def_file(path)], ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=os.path.join(TOP, "ntdsbcli.spec"))
    ap.add_argument("--def", dest="deffile", default=os.path.join(TOP, "ntdsbcli.def"))
    args = ap.parse_args()
    r = Report()

    entries = spec_entries(args.spec)
    other = [e[1] for e in entries if e[0] is None]
    r.check(not other, "ntdsbcli.spec holds only stdcall entries",
            "other lines: %s" % "; ".join(other))
    names = [e[0] for e in entries if e[0]]
    expected = expected_exports()
    r.check(sorted(names) == sorted(expected), "ntdsbcli.spec lists the 28 exports",
            "only in the .spec: %s; missing: %s" % (sorted(set(names) - set(expected)),
                                                  sorted(set(expected) - set(names))))
    for name, types in entries:
        if name:
            bad = [t for t in types if t not in ("ptr", "long", "str", "wstr")]
            r.check(not bad, "ntdsbcli.spec: %s takes pointer-sized arguments only" % name,
                    "argument types %s" % ", ".join(bad))
    # A password is never traced: Wine's relay channel prints str and wstr arguments.
    for name, types in entries:
        if name and name.startswith("DsSetAuthIdentity"):
            r.check(len(types) == 3 and types[2] == "ptr",
                    "ntdsbcli.spec: %s's password is a ptr, which +relay does not print" % name,
                    "its arguments are %s" % " ".join(types))

    ours = [(n, b) for n, b, _ in def_file(args.deffile)]
    for arch in ("i686", "x86_64"):
        theirs, err = winebuild_def(args.spec, arch)
        if theirs is None:
            r.fail("%s: winebuild --def from ntdsbcli.spec: %s" % (arch, err))
            continue
        if arch == "i686":
            r.check(ours == theirs, "ntdsbcli.def agrees with winebuild's i686 .def: names and @N, in order",
                    "differs: %s" % ", ".join("%s@%s / %s@%s" % (a[0], a[1], b[0], b[1])
                                              for a, b in zip(ours, theirs) if a != b)
                    or "%d entries against %d" % (len(ours), len(theirs)))
        else:
            r.check([n for n, _ in ours] == [n for n, _ in theirs],
                    "ntdsbcli.def names the exports of winebuild's x86-64 .def, in order",
                    "ours %s; winebuild's %s" % ([n for n, _ in ours], [n for n, _ in theirs]))
            r.check(all(b is None for _, b in theirs), "winebuild's x86-64 .def has no @N",
                    "it decorates %s" % [n for n, b in theirs if b is not None])
    return 0


if __name__ == "__main__":
    sys.exit(main())
