#!/usr/bin/env python3
"""check-dll.py ARCH DLL: the DLL that Wine's toolchain built from the .spec
(build-dll.sh) is what Wine's tree would ship: a PE of the right machine, marked as
a Wine builtin, exporting exactly the names of ntdsbcli.spec, undecorated, and
importing only Wine's own system DLLs.  One TAP line per check.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "abi"))
from abilib import TOP, PEInfo, Report            # noqa: E402
from importlib import import_module               # noqa: E402

spec_entries = import_module("check-spec").spec_entries

PE_MAGIC = {"x86_64": 0x20b, "i686": 0x10b}
# What a module of Wine's tree may import: the C runtime and the system's DLLs.
SYSTEM_DLLS = {"kernel32.dll", "advapi32.dll", "ntdll.dll", "ucrtbase.dll", "msvcrt.dll"}


def main():
    arch, dll = sys.argv[1], sys.argv[2]
    r = Report()
    with open(dll, "rb") as f:
        head = f.read(0x60)
    r.check(head[0x40:0x50] == b"Wine builtin DLL", "%s: the DLL carries Wine's builtin marker" % arch,
            "its DOS stub reads %r" % head[0x40:0x50])
    pe = PEInfo(arch, dll)
    if pe.error:
        r.fail("%s: objdump -p: %s" % (arch, pe.error))
        return 0
    r.check(pe.magic == PE_MAGIC[arch], "%s: the DLL is a PE of this architecture" % arch,
            "optional header magic %#x" % (pe.magic or 0))
    names = sorted(n for n, _ in spec_entries(os.path.join(TOP, "ntdsbcli.spec")) if n)
    r.check(sorted(pe.names) == names, "%s: it exports the %d names of ntdsbcli.spec, undecorated"
            % (arch, len(names)), "only in the DLL: %s; missing: %s"
            % (sorted(set(pe.names) - set(names)), sorted(set(names) - set(pe.names))))
    r.check(all(pe.export_kind(n) == "Export" for n in pe.names), "%s: every export is code in the DLL" % arch,
            "forwarded: %s" % [n for n in pe.names if pe.export_kind(n) != "Export"])
    others = sorted(i for i in pe.imports if i.lower() not in SYSTEM_DLLS)
    r.check(not others, "%s: it imports Wine's system DLLs only (%s)" % (arch, ", ".join(sorted(pe.imports))),
            "also %s" % ", ".join(others))
    return 0


if __name__ == "__main__":
    sys.exit(main())
