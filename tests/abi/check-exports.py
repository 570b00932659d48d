#!/usr/bin/env python3
"""ABI check 1: the export table of build/<arch>/ntdsbcli.dll holds exactly the 28
names of Microsoft's DLL (tests/abi/exports.txt), undecorated; the DLL imports only system DLLs; the
import library build/<arch>/libntdsbcli.a defines a thunk and an __imp_ pointer for
every export (i686: the stdcall-decorated _Name@N / __imp__Name@N).

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import (ARCHES, BUILD, PEInfo, Report, def_file, expected_exports, run,
                    tool)

ALLOWED_IMPORTS = {"kernel32.dll", "advapi32.dll", "msvcrt.dll", "ntdll.dll"}
PE_MAGIC = {"x86_64": 0x20b, "i686": 0x10b}
MINGW_LIB = "/usr/x86_64-w64-mingw32/lib/libntdsbcli.a"


def nm_defined(arch, path):
    """Defined external symbols of an archive or object: {name: type letter}."""
    st, out, err = run([tool(arch, "nm"), path])
    if st != 0:
        return None, err.strip()
    syms = {}
    for line in out.splitlines():
        m = re.match(r"^[0-9a-fA-F]*\s+([A-Z])\s+(\S+)$", line)
        if m and m.group(1) != "U":
            syms[m.group(2)] = m.group(1)
    return syms, ""


def main():
    r = Report()
    expected = expected_exports()
    defs = def_file()
    def_names = [d[0] for d in defs]

    # The three sources of the export list agree with each other.
    r.check(len(expected) == 28 and len(set(expected)) == 28,
            "exports.txt lists 28 distinct names", "it lists %d" % len(expected))
    r.check(sorted(def_names) == sorted(expected), "ntdsbcli.def exports the 28 names",
            "only in .def: %s; missing from .def: %s" % (
                sorted(set(def_names) - set(expected)), sorted(set(expected) - set(def_names))))
    if os.path.exists(MINGW_LIB):
        syms, err = nm_defined("x86_64", MINGW_LIB)
        lib = sorted(n for n, t in (syms or {}).items() if t == "T")
        r.check(lib == sorted(expected), "mingw-w64 x86_64 libntdsbcli.a has the same 28 names",
                err or "only in mingw: %s; only in list: %s" % (
                    sorted(set(lib) - set(expected)), sorted(set(expected) - set(lib))))

    for arch in ARCHES:
        dll = os.path.join(BUILD, arch, "ntdsbcli.dll")
        pe = PEInfo(arch, dll)
        if pe.error:
            r.fail("%s objdump -p %s: %s" % (arch, dll, pe.error))
            continue
        r.check(pe.magic == PE_MAGIC[arch], "%s ntdsbcli.dll is %s" % (
            arch, "PE32+" if PE_MAGIC[arch] == 0x20b else "PE32"),
            "optional header magic 0x%x, expected 0x%x" % (pe.magic or 0, PE_MAGIC[arch]))
        r.check(pe.export_dll == "ntdsbcli.dll", "%s export directory names ntdsbcli.dll" % arch,
                "it names %r" % pe.export_dll)
        for name in expected:
            kind = pe.export_kind(name)
            if kind is None:
                decorated = [n for n in pe.names if re.sub(r"^_|@\d+$", "", n) == name]
                r.fail("%s export %s missing%s" % (
                    arch, name, " (found decorated %s)" % ", ".join(decorated) if decorated else ""))
            elif kind != "Export":
                r.fail("%s export %s is a %s, expected code in the DLL" % (arch, name, kind))
            else:
                r.ok("%s export %s (RVA 0x%x)" % (arch, name, pe.eat[pe.names[name]][0]))
        extra = sorted(set(pe.names) - set(expected))
        r.check(not extra, "%s exports no other names (%d named)" % (arch, len(pe.names)),
                "unexpected exports: %s" % ", ".join(extra))
        r.check(len(pe.eat) == len(pe.names),
                "%s every export has a name (%d entries)" % (arch, len(pe.eat)),
                "%d address-table entries for %d names (ordinal-only exports?)" % (
                    len(pe.eat), len(pe.names)))

        if not pe.imports:
            r.fail("%s ntdsbcli.dll: no import table found" % arch)
        for imp in sorted(pe.imports):
            low = imp.lower()
            if low.startswith("libgcc") or low.startswith("libwinpthread") \
                    or low.startswith("libstdc++"):
                r.fail("%s ntdsbcli.dll imports %s (a mingw runtime DLL; link it statically)"
                       % (arch, imp))
            else:
                r.check(low in ALLOWED_IMPORTS, "%s ntdsbcli.dll imports only system DLLs: %s"
                        % (arch, imp), "%s is not one of KERNEL32, ADVAPI32, msvcrt, ntdll" % imp)

        lib = os.path.join(BUILD, arch, "libntdsbcli.a")
        syms, err = nm_defined(arch, lib)
        if syms is None:
            r.fail("%s nm %s: %s" % (arch, lib, err))
            continue
        missing = []
        want = set()
        for name, argb, _ in defs:
            if arch == "i686":
                if argb is None:
                    missing.append("%s (no @N in .def)" % name)
                    continue
                thunk, imp = "_%s@%d" % (name, argb), "__imp__%s@%d" % (name, argb)
            else:
                thunk, imp = name, "__imp_" + name
            want |= {thunk, imp}
            if syms.get(thunk) != "T":
                missing.append(thunk)
            if syms.get(imp) != "I":
                missing.append(imp)
        r.check(not missing, "%s libntdsbcli.a defines thunk and __imp_ symbols for all %d exports"
                % (arch, len(defs)), "missing: %s" % ", ".join(missing))
        ours = {n for n, t in syms.items() if t in "TI" and re.search(r"Ds[A-Z]", n)}
        extra = sorted(ours - want)
        r.check(not extra, "%s libntdsbcli.a defines no other Ds* symbols" % arch,
                "unexpected: %s" % ", ".join(extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
