#!/usr/bin/env python3
"""ABI check 2 (i686): every export of build/i686/ntdsbcli.dll pops exactly the
argument bytes its ntdsbcli.def entry declares: each `ret` the function can reach
is `ret $N` for Name@N (plain `ret` for @0).

The function start is the export's RVA + image base (from objdump -p), so the
check needs no symbols.  From there the code is walked along every branch: direct
jumps are followed, also into other functions (a tail call returns for us);
conditional branches are followed both ways; calls fall through.  The walk stops at
a ret, at ud2/hlt/int3, and when straight-line code would run into the start of
another function (the end of a function that ends in a call to a noreturn function).
If the DLL has symbols, every ret between the function's symbol and the next one is
also checked (this covers code only reachable through a jump table), and the
symbol's own @N (what the compiler thought the function pops) must match too.

    check-stack.py [--dll FILE] [--def FILE] [--arch i686]

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import argparse
import bisect
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import BUILD, PEInfo, Report, def_file, run, tool

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*?)\s*$")
PREFIXES = {"rep", "repz", "repe", "repnz", "repne", "bnd", "notrack", "lock",
            "data16", "addr16", "cs", "ds", "es", "ss", "fs", "gs"}
COND = re.compile(r"^(j(?!mp)[a-z]+|loop[a-z]*)$")


def parse_disassembly(text):
    """Returns (addrs sorted, {addr: (mnemonic, operands)})."""
    insns = {}
    for line in text.splitlines():
        m = INSN.match(line)
        if not m:
            continue
        body = m.group(2)
        body = body.split("#", 1)[0].strip()      # objdump's "# 0x..." comments
        parts = body.split()
        while parts and parts[0] in PREFIXES and len(parts) > 1:
            parts.pop(0)
        if not parts:
            continue
        insns[int(m.group(1), 16)] = (parts[0], " ".join(parts[1:]))
    return sorted(insns), insns


def symbols(arch, path):
    """Text symbols of the image: sorted [(addr, name)], or [] if stripped."""
    st, out, _ = run([tool(arch, "nm"), "-n", path])
    syms = []
    if st != 0:
        return syms
    for line in out.splitlines():
        m = re.match(r"^([0-9a-fA-F]+)\s+([Tt])\s+(\S+)$", line)
        if m and not m.group(3).startswith("."):
            syms.append((int(m.group(1), 16), m.group(3)))
    return syms


def ret_bytes(mnem, ops):
    """None if not a near return, else the immediate (0 for plain ret)."""
    if mnem not in ("ret", "retl", "retw"):
        return None
    m = re.match(r"^\$0x([0-9a-f]+)$", ops)
    if m:
        return int(m.group(1), 16)
    m = re.match(r"^\$(\d+)$", ops)
    if m:
        return int(m.group(1))
    return 0


def direct_target(ops):
    m = re.match(r"^(?:0x)?([0-9a-f]+)(\s+<.*>)?$", ops)
    return int(m.group(1), 16) if m else None


def walk(entry, addrs, insns, starts):
    """Returns (rets {addr: N}, problems [str], indirect [addr])."""
    rets, problems, indirect = {}, [], []
    seen = set()
    todo = [entry]
    while todo:
        a = todo.pop()
        first = True
        while True:
            if a in seen:
                break
            if a not in insns:
                problems.append("branch to 0x%x, which is not an instruction start" % a)
                break
            if not first and a in starts:
                break           # would run into the next function
            first = False
            seen.add(a)
            mnem, ops = insns[a]
            n = ret_bytes(mnem, ops)
            if n is not None:
                rets[a] = n
                break
            if mnem in ("lret", "lretl", "iret", "iretl"):
                problems.append("%s at 0x%x" % (mnem, a))
                break
            if mnem in ("ud2", "hlt", "int3", "(bad)"):
                break
            if mnem in ("jmp", "jmpl"):
                t = direct_target(ops)
                if t is None:
                    indirect.append(a)
                else:
                    todo.append(t)
                break
            if COND.match(mnem):
                t = direct_target(ops)
                if t is None:
                    indirect.append(a)
                else:
                    todo.append(t)
            i = bisect.bisect_right(addrs, a)
            if i >= len(addrs):
                break
            a = addrs[i]
    return rets, problems, indirect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="i686")
    ap.add_argument("--dll", default=os.path.join(BUILD, "i686", "ntdsbcli.dll"))
    ap.add_argument("--def", dest="deffile", default=None)
    args = ap.parse_args()
    arch = args.arch
    r = Report()

    defs = def_file(args.deffile)
    pe = PEInfo(arch, args.dll)
    if pe.error:
        r.fail("%s objdump -p %s: %s" % (arch, args.dll, pe.error))
        return 0
    st, out, err = run([tool(arch, "objdump"), "-d", "--no-show-raw-insn", args.dll])
    if st != 0:
        r.fail("%s objdump -d %s: %s" % (arch, args.dll, err.strip()))
        return 0
    addrs, insns = parse_disassembly(out)
    syms = symbols(arch, args.dll)
    sym_addrs = [s[0] for s in syms]
    by_addr = {}
    for a, n in syms:
        by_addr.setdefault(a, []).append(n)
    exports = {name: pe.export_address(name) for name, _, _ in defs}
    starts = set(sym_addrs) | {a for a in exports.values() if a is not None}
    if not syms:
        r.note("%s has no symbols: the walk from each export address alone decides" % args.dll)

    for name, argb, _ in defs:
        if argb is None:
            r.fail("%s %s has no @N in the .def file" % (arch, name))
            continue
        entry = exports[name]
        if entry is None:
            r.fail("%s %s is not exported as code" % (arch, name))
            continue
        rets, problems, indirect = walk(entry, addrs, insns, starts)
        if syms:
            # Every ret in the function's own symbol range belongs to it as well.
            i = bisect.bisect_right(sym_addrs, entry)
            end = sym_addrs[i] if i < len(sym_addrs) else max(addrs) + 1
            j = bisect.bisect_left(addrs, entry)
            while j < len(addrs) and addrs[j] < end:
                n = ret_bytes(*insns[addrs[j]])
                if n is not None:
                    rets.setdefault(addrs[j], n)
                j += 1
            # What the compiler made of it: _Name@N.
            names = by_addr.get(entry, [])
            mine = [s for s in names if re.sub(r"^_|@\d+$", "", s) == name]
            if not mine:
                r.fail("%s %s: no symbol %s at its export address 0x%x (there: %s)" % (
                    arch, name, "_%s@%d" % (name, argb), entry, ", ".join(names) or "none"))
            else:
                m = re.search(r"@(\d+)$", mine[0])
                got = int(m.group(1)) if m else None
                r.check(got == argb, "%s %s compiled as %s (def @%d)" % (arch, name, mine[0], argb),
                        "symbol %s, expected _%s@%d%s" % (
                            mine[0], name, argb,
                            " (not stdcall: cdecl?)" if got is None else ""))
        want = "ret" if argb == 0 else "ret $%d" % argb
        bad = ["%s at 0x%x" % ("ret" if n == 0 else "ret $%d" % n, a)
               for a, n in sorted(rets.items()) if n != argb]
        if problems:
            r.fail("%s %s: %s" % (arch, name, "; ".join(problems)))
        elif not rets:
            r.fail("%s %s: found no ret from 0x%x, expected %s%s" % (
                arch, name, entry, want,
                " (indirect jumps at %s)" % ", ".join("0x%x" % a for a in indirect)
                if indirect else ""))
        elif bad:
            r.fail("%s %s %s, expected %s (def @%d)" % (arch, name, ", ".join(bad), want, argb))
        else:
            r.ok("%s %s: %d ret%s, all %s (def @%d)" % (
                arch, name, len(rets), "" if len(rets) == 1 else "s", want, argb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
