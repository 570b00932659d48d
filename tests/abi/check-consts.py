#!/usr/bin/env python3
"""ABI checks 4 and 3(d): our include/ntdsbcli.h and include/ntdsbmsg.h against the
mingw-w64 SDK headers of the same names.

Constants: the names come from the headers themselves (every object-like #define of
either header, less include guards).  One generated translation unit is compiled
twice per architecture and per character set (ANSI, -DUNICODE): once with the SDK
headers, once with ours (-Iinclude; both use the same include guards, so they cannot
meet in one unit).  For every name it puts into a table, in a section of its own:
whether the name is defined, its value, its C type and its size (numbers), or its
spelling after macro expansion (string literals, the A/W name macros, empty
macros).  Type facts ride along: sizeof/_Alignof/signedness of BFT, HBC,
EDB_RSTMAPA/W and their members' offsets and types.  The section is copied out of
each object (objcopy -O binary) and the two tables compared entry by entry, so no
program has to run, and i686 is checked as well as x86-64.

Prototypes: each header's prototypes (with its own NTDSBCLI_API) are declared
again in a unit that includes the other header; a difference of parameter types,
return type or calling convention (i686 __stdcall) is a "conflicting types" error.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import concurrent.futures
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import ARCHES, BUILD, TOP, Report, read_header, run, tool

# ABI_OURS_INCLUDE: another include directory to check (to try the check itself).
OURS = os.environ.get("ABI_OURS_INCLUDE") or os.path.join(TOP, "include")
OUTDIR = os.path.join(BUILD, "abi", "consts")
CFLAGS = ["-std=gnu11", "-O0", "-w"]
MODES = [("ANSI", []), ("UNICODE", ["-DUNICODE", "-D_UNICODE"])]
TEXT_LEN = 160
REC = struct.Struct("<qqqq%ds" % TEXT_LEN)

TYPE_CODES = [("char", 1), ("signed char", 2), ("unsigned char", 3), ("short", 4),
              ("unsigned short", 5), ("int", 6), ("unsigned int", 7), ("long", 8),
              ("unsigned long", 9), ("long long", 10), ("unsigned long long", 11),
              ("char *", 20), ("const char *", 21), ("unsigned short *", 22),
              ("const unsigned short *", 23), ("void *", 24)]
TYPE_NAME = {c: n for n, c in TYPE_CODES}
TYPE_NAME[99] = "other"

# Type facts (check 3d): (label, C constant expression).
TYPE_FACTS = [
    ("sizeof(BFT)", "sizeof(BFT)"),
    ("_Alignof(BFT)", "_Alignof(BFT)"),
    ("type of BFT", "ABI_TYPE((BFT)0)"),
    ("BFT is signed", "((BFT)-1 < 0)"),
    ("sizeof(HBC)", "sizeof(HBC)"),
    ("type of HBC", "ABI_TYPE((HBC)0)"),
    ("sizeof(EDB_RSTMAPA)", "sizeof(EDB_RSTMAPA)"),
    ("_Alignof(EDB_RSTMAPA)", "_Alignof(EDB_RSTMAPA)"),
    ("offsetof(EDB_RSTMAPA, szDatabaseName)", "offsetof(EDB_RSTMAPA, szDatabaseName)"),
    ("offsetof(EDB_RSTMAPA, szNewDatabaseName)", "offsetof(EDB_RSTMAPA, szNewDatabaseName)"),
    ("type of EDB_RSTMAPA.szDatabaseName", "ABI_TYPE(((EDB_RSTMAPA *)0)->szDatabaseName)"),
    ("type of EDB_RSTMAPA.szNewDatabaseName", "ABI_TYPE(((EDB_RSTMAPA *)0)->szNewDatabaseName)"),
    ("sizeof(EDB_RSTMAPW)", "sizeof(EDB_RSTMAPW)"),
    ("_Alignof(EDB_RSTMAPW)", "_Alignof(EDB_RSTMAPW)"),
    ("offsetof(EDB_RSTMAPW, wszDatabaseName)", "offsetof(EDB_RSTMAPW, wszDatabaseName)"),
    ("offsetof(EDB_RSTMAPW, wszNewDatabaseName)", "offsetof(EDB_RSTMAPW, wszNewDatabaseName)"),
    ("type of EDB_RSTMAPW.wszDatabaseName", "ABI_TYPE(((EDB_RSTMAPW *)0)->wszDatabaseName)"),
    ("type of EDB_RSTMAPW.wszNewDatabaseName", "ABI_TYPE(((EDB_RSTMAPW *)0)->wszNewDatabaseName)"),
    ("PEDB_RSTMAPA is EDB_RSTMAPA *",
     "__builtin_types_compatible_p(PEDB_RSTMAPA, EDB_RSTMAPA *)"),
    ("PEDB_RSTMAPW is EDB_RSTMAPW *",
     "__builtin_types_compatible_p(PEDB_RSTMAPW, EDB_RSTMAPW *)"),
    ("sizeof(EDB_RSTMAP)", "sizeof(EDB_RSTMAP)"),
    ("EDB_RSTMAP is EDB_RSTMAPW", "__builtin_types_compatible_p(EDB_RSTMAP, EDB_RSTMAPW)"),
    ("PEDB_RSTMAP is EDB_RSTMAP *", "__builtin_types_compatible_p(PEDB_RSTMAP, EDB_RSTMAP *)"),
]


def header_defines(path):
    """Object-like #defines of a header: ({name: first body}, guards)."""
    defs, guards = {}, set()
    prev = None
    for line in read_header(path).splitlines():
        m = re.match(r"^\s*#\s*(\w+)\s*(.*?)\s*$", line)
        if not m:
            if line.strip():
                prev = None
            continue
        d, rest = m.group(1), m.group(2)
        if d == "define":
            dm = re.match(r"^([A-Za-z_]\w*)(\(?)\s*(.*)$", rest)
            if dm and not dm.group(2):
                name, body = dm.group(1), dm.group(3).strip()
                if prev == ("ifndef", name) and body == "":
                    guards.add(name)
                else:
                    defs.setdefault(name, body)
            prev = None
        else:
            prev = (d, rest.strip())
    return defs, guards


def prototypes(path):
    """{function: (return type, parameter text)} for every NTDSBCLI_API prototype."""
    text = read_header(path)
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    protos = {}
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s+NTDSBCLI_API\s+([A-Za-z_]\w*)\s*\(([^;{}]*)\)\s*;",
                         text):
        protos[m.group(2)] = (m.group(1), " ".join(m.group(3).split()))
    return protos


def sdk_headers(arch):
    """Paths of the SDK's ntdsbcli.h and ntdsbmsg.h that this compiler uses."""
    os.makedirs(OUTDIR, exist_ok=True)
    src = os.path.join(OUTDIR, "find-sdk.c")
    with open(src, "w") as f:
        f.write("#include <windows.h>\n#include <ntdsbcli.h>\n#include <ntdsbmsg.h>\n")
    st, out, err = run([tool(arch, "gcc"), "-M", src])
    paths = {}
    for p in out.replace("\\\n", " ").split():
        b = os.path.basename(p)
        if b in ("ntdsbcli.h", "ntdsbmsg.h"):
            paths[b] = os.path.normpath(p)
    return paths, err


def classify(name, body):
    if name == "NTDSBCLI_API" or re.search(r"__declspec|__attribute__|\b_?_stdcall\b", body):
        return "presence"
    if body == "":
        return "text"
    if name.startswith("g_") or body.startswith('"') or body.startswith('L"'):
        return "string"
    if "__MINGW_NAME_AW" in body or re.fullmatch(r"[A-Za-z_]\w*", body):
        return "text"       # the A/W alias of a function or type name
    return "num"


def generate(names, kinds, path):
    lines = [
        "/* Generated by tests/abi/check-consts.py: do not edit. */",
        "#include <windows.h>",
        "#include <ntdsbcli.h>",
        "#include <stddef.h>",
        "#define ABI_STR_(x) #x",
        "#define ABI_STR(x) ABI_STR_(x)",
        "#define ABI_TYPE(x) _Generic((x), " +
        ", ".join("%s: %d" % (n, c) for n, c in TYPE_CODES) + ", default: 99)",
        "struct abi_rec { long long present, value, type, size; char text[%d]; };" % TEXT_LEN,
        "__attribute__((used, section(\".abitab\")))",
        "const struct abi_rec abi_tab[] = {",
    ]
    for name in names:
        k = kinds[name]
        if k == "num":
            rec = "{ 1, (long long)(%s), ABI_TYPE(%s), sizeof(%s), \"\" }" % (name, name, name)
        elif k == "string":
            rec = "{ 1, 0, ABI_TYPE(%s), sizeof(%s), ABI_STR(%s) }" % (name, name, name)
        elif k == "text":
            rec = "{ 1, 0, 0, 0, ABI_STR(%s) }" % name
        else:
            rec = "{ 1, 0, 0, 0, \"\" }"
        lines += ["#ifdef %s" % name, "  " + rec + ",", "#else", "  { 0, 0, 0, 0, \"\" },",
                  "#endif"]
    for label, expr in TYPE_FACTS:
        lines.append("  { 1, (long long)(%s), 0, 0, \"\" }, /* %s */" % (expr, label))
    lines.append("};")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def compile_table(arch, mode_flags, ours, src, obj):
    inc = ["-I" + OURS] if ours else []
    st, out, err = run([tool(arch, "gcc")] + CFLAGS + mode_flags + inc + ["-c", src, "-o", obj])
    if st != 0:
        return None, err
    binf = obj + ".bin"
    st, out, err2 = run([tool(arch, "objcopy"), "-O", "binary", "--only-section=.abitab",
                         obj, binf])
    if st != 0:
        return None, err2
    with open(binf, "rb") as f:
        data = f.read()
    if len(data) % REC.size:
        return None, "table of %d bytes is not a whole number of %d-byte records" % (
            len(data), REC.size)
    recs = [REC.unpack_from(data, i) for i in range(0, len(data), REC.size)]
    return [(p, v, t, s, txt.split(b"\0", 1)[0].decode("latin-1")) for p, v, t, s, txt in recs], ""


def show(kind, rec):
    present, value, typ, size, text = rec
    if not present:
        return "undefined"
    if kind == "num":
        mask = (1 << (8 * size)) - 1 if 0 < size <= 8 else (1 << 64) - 1
        v = value & mask
        return "0x%X (%s, %d byte%s)" % (v, TYPE_NAME.get(typ, "?"), size, "" if size == 1 else "s")
    if kind == "string":
        return "%s (%s, %d bytes)" % (text, TYPE_NAME.get(typ, "?"), size)
    if kind == "text":
        return "'%s'" % text
    return "defined"


def show_fact(rec, label):
    v = rec[1]
    if label.startswith("type of"):
        return TYPE_NAME.get(v, "code %d" % v)
    return str(v)


def main():
    r = Report()
    os.makedirs(OUTDIR, exist_ok=True)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))

    # Names, kinds, and prototypes, from the headers as this toolchain sees them.
    ours_defs, ours_guards = {}, set()
    for h in ("ntdsbcli.h", "ntdsbmsg.h"):
        d, g = header_defines(os.path.join(OURS, h))
        for k, v in d.items():
            ours_defs.setdefault(k, v)
        ours_guards |= g
    our_protos = prototypes(os.path.join(OURS, "ntdsbcli.h"))
    our_api = header_defines(os.path.join(OURS, "ntdsbcli.h"))[0].get("NTDSBCLI_API")

    per_arch = {}
    for arch in ARCHES:
        paths, err = sdk_headers(arch)
        if len(paths) != 2:
            r.fail("%s SDK headers ntdsbcli.h/ntdsbmsg.h not found: %s" % (arch, err.strip()))
            continue
        if any(os.path.dirname(p) == os.path.normpath(OURS) for p in paths.values()):
            r.fail("%s the SDK header search found our include/ directory" % arch)
            continue
        sdk_defs, sdk_guards = {}, set()
        for h in ("ntdsbcli.h", "ntdsbmsg.h"):
            d, g = header_defines(paths[h])
            for k, v in d.items():
                sdk_defs.setdefault(k, v)
            sdk_guards |= g
        per_arch[arch] = (paths, sdk_defs, sdk_guards,
                          prototypes(paths["ntdsbcli.h"]),
                          header_defines(paths["ntdsbcli.h"])[0].get("NTDSBCLI_API"))

    if not per_arch:
        return 0
    # The union of the names of every header, less include guards.
    guards = set(ours_guards)
    sdk_all = {}
    for arch, (_, sdk_defs, sdk_guards, _, _) in per_arch.items():
        guards |= sdk_guards
        for k, v in sdk_defs.items():
            sdk_all.setdefault(k, v)
    names = sorted((set(sdk_all) | set(ours_defs)) - guards, key=lambda s: s.lower())
    kinds = {n: classify(n, sdk_all.get(n, ours_defs.get(n, ""))) for n in names}
    r.note("%d names (%d guards skipped: %s)" % (len(names), len(guards), " ".join(sorted(guards))))

    src = os.path.join(OUTDIR, "consts.c")
    generate(names, kinds, src)

    # Compile all tables in parallel: arch x mode x {sdk, ours}.
    jobs = {}
    for arch in per_arch:
        for mode, flags in MODES:
            for side in ("sdk", "ours"):
                obj = os.path.join(OUTDIR, "%s-%s-%s.o" % (arch, mode.lower(), side))
                jobs[(arch, mode, side)] = pool.submit(compile_table, arch, flags, side == "ours",
                                                       src, obj)

    # Prototype cross-declarations, also in parallel.
    xjobs = {}
    for arch, (paths, _, _, sdk_protos, sdk_api) in per_arch.items():
        for side, protos, api, ours_inc in (("ours", sdk_protos, sdk_api, True),
                                            ("sdk", our_protos, our_api, False)):
            xsrc = os.path.join(OUTDIR, "xdecl-%s-%s.c" % (arch, side))
            with open(xsrc, "w") as f:
                f.write("/* Generated by tests/abi/check-consts.py: the %s prototypes declared "
                        "again after the %s header. */\n" % (
                            "SDK" if side == "ours" else "our", side))
                f.write("#include <windows.h>\n#include <ntdsbcli.h>\n")
                for fn in sorted(protos):
                    ret, params = protos[fn]
                    f.write("%s %s %s(%s);\n" % (ret, api, fn, params))
            inc = ["-I" + OURS] if ours_inc else []
            xjobs[(arch, side)] = pool.submit(
                run, [tool(arch, "gcc"), "-std=gnu11", "-fsyntax-only"] + inc + [xsrc])

    # --- constants and type facts ------------------------------------------------
    tables = {}
    for key, fut in jobs.items():
        tab, err = fut.result()
        if tab is None:
            r.fail("%s %s compile of the table with %s headers failed: %s" % (
                key[0], key[1], "the SDK" if key[2] == "sdk" else "our", " | ".join(
                    err.strip().splitlines()[:6])))
        elif len(tab) != len(names) + len(TYPE_FACTS):
            r.fail("%s %s %s table has %d entries, expected %d" % (
                key[0], key[1], key[2], len(tab), len(names) + len(TYPE_FACTS)))
        else:
            tables[key] = tab
    combos = [(a, m) for a in per_arch for m, _ in MODES
              if (a, m, "sdk") in tables and (a, m, "ours") in tables]
    if combos:
        for i, name in enumerate(names):
            kind = kinds[name]
            fails = []
            for arch, mode in combos:
                sdk = tables[(arch, mode, "sdk")][i]
                ours = tables[(arch, mode, "ours")][i]
                if not sdk[0] or not ours[0]:
                    if sdk[0] != ours[0]:
                        fails.append("%s %s %s is %s in %s header only" % (
                            arch, mode, name, "defined", "the SDK" if sdk[0] else "our"))
                    continue
                if kind == "presence":
                    same = True
                elif kind == "text":
                    same = sdk[4] == ours[4]
                elif kind == "string":
                    same = sdk[2:] == ours[2:]
                else:
                    same = sdk[1:4] == ours[1:4]
                if not same:
                    fails.append("%s %s %s = %s, expected %s" % (
                        arch, mode, name, show(kind, ours), show(kind, sdk)))
            if fails:
                for f in fails:
                    r.fail(f)
            else:
                descs = []
                for arch, mode in combos:
                    d = show(kind, tables[(arch, mode, "sdk")][i])
                    if d not in descs:
                        descs.append(d)
                desc = " / ".join(descs)
                if len(descs) == 2 and len(combos) == 2 * len(per_arch):
                    desc = "ANSI %s, UNICODE %s" % tuple(descs)
                r.ok("%s = %s, as in the SDK (%s)" % (
                    name, desc, ", ".join("%s %s" % c for c in combos)))
        base = len(names)
        for j, (label, _) in enumerate(TYPE_FACTS):
            fails = []
            for arch, mode in combos:
                sdk = tables[(arch, mode, "sdk")][base + j]
                ours = tables[(arch, mode, "ours")][base + j]
                if sdk[1] != ours[1]:
                    fails.append("%s %s %s = %s, expected %s" % (
                        arch, mode, label, show_fact(ours, label), show_fact(sdk, label)))
            if fails:
                for f in fails:
                    r.fail(f)
            else:
                vals = []
                for arch, mode in combos:
                    vals.append("%s %s %s" % (arch, mode, show_fact(
                        tables[(arch, mode, "sdk")][base + j], label)))
                r.ok("%s agrees with the SDK: %s" % (label, ", ".join(vals)))

    # --- prototypes ------------------------------------------------------------------
    for arch, (_, _, _, sdk_protos, _) in per_arch.items():
        r.check(sorted(sdk_protos) == sorted(our_protos) and len(our_protos) == 27,
                "%s both headers prototype the same %d functions" % (arch, len(our_protos)),
                "only in SDK: %s; only in ours: %s" % (
                    sorted(set(sdk_protos) - set(our_protos)),
                    sorted(set(our_protos) - set(sdk_protos))))
    conflicts = {}
    for (arch, side), fut in xjobs.items():
        st, out, err = fut.result()
        found = False
        for m in re.finditer(r"error: conflicting types for ['\u2018\u2019`]?([A-Za-z_]\w*)", err):
            found = True
            conflicts.setdefault(m.group(1), []).append(
                "%s: %s declaration after %s header" % (
                    arch, "SDK" if side == "ours" else "our", "our" if side == "ours" else "SDK"))
        if st != 0 and not found:
            r.fail("%s cross-declaration of the %s prototypes does not compile: %s" % (
                arch, "SDK" if side == "ours" else "our",
                " | ".join(err.strip().splitlines()[:6])))
    for fn in sorted(set(our_protos) | set(p for a in per_arch.values() for p in a[3])):
        if fn in conflicts:
            ret, params = our_protos.get(fn, ("?", "?"))
            r.fail("prototype %s(%s) conflicts with the SDK's (%s)" % (
                fn, params, "; ".join(conflicts[fn])))
        else:
            r.ok("prototype %s matches the SDK's: types and calling convention (%s)" % (
                fn, ", ".join(per_arch)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
