"""Helpers shared by the ABI checks: PE export/import tables (from objdump -p),
the expected export list, the .def file, and the TAP result lines every suite writes.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("BUILD", "build")
ARCHES = os.environ.get("ARCHES", "x86_64 i686").split()


def tool(arch, name):
    return "%s-w64-mingw32-%s" % (arch, name)


def run(cmd, **kw):
    """Runs cmd (a list), returns (status, stdout, stderr) as text."""
    env = dict(os.environ, LC_ALL="C")
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, env=env, **kw)
    except OSError as e:
        return 127, "", "%s: %s" % (cmd[0], e)
    return p.returncode, p.stdout, p.stderr


class Report:
    """Prints one TAP line per check ("ok - ..." / "not ok - ...") and counts them."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, msg):
        self.passed += 1
        print("ok - " + msg, flush=True)

    def fail(self, msg):
        self.failed += 1
        print("not ok - " + msg, flush=True)

    def check(self, cond, msg, why=""):
        if cond:
            self.ok(msg)
        else:
            self.fail(msg + (": " + why if why else ""))
        return cond

    def note(self, msg):
        print("  " + msg, flush=True)


def expected_exports():
    names = []
    with open(os.path.join(HERE, "exports.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def def_file(path=None):
    """Returns [(name, argbytes or None)] in file order from ntdsbcli.def."""
    path = path or os.path.join(TOP, "ntdsbcli.def")
    out = []
    in_exports = False
    with open(path) as f:
        for line in f:
            line = line.split(";", 1)[0].strip()
            if not line:
                continue
            if re.match(r"^EXPORTS\b", line):
                in_exports = True
                continue
            if re.match(r"^(LIBRARY|NAME|DESCRIPTION|VERSION|HEAPSIZE|STACKSIZE|SECTIONS)\b", line):
                in_exports = False
                continue
            if in_exports:
                m = re.match(r"^([A-Za-z_][A-Za-z_0-9]*)(?:@(\d+))?\b(.*)$", line)
                if m:
                    out.append((m.group(1), int(m.group(2)) if m.group(2) else None,
                                m.group(3).strip()))
    return out


def read_header(path):
    """Returns the header's text with comments removed and continuations joined."""
    with open(path, encoding="latin-1") as f:
        text = f.read()
    text = text.replace("\\\n", " ")
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


class PEInfo:
    """The parts of `objdump -p` the checks need."""

    def __init__(self, arch, path):
        self.path = path
        self.image_base = None
        self.magic = None
        self.export_dll = None
        self.eat = {}          # index -> (rva, kind)  kind: "Export" or "Forwarder"
        self.names = {}        # name -> index into eat
        self.imports = {}      # dll name -> [member names]
        self.error = None
        st, out, err = run([tool(arch, "objdump"), "-p", path])
        if st != 0:
            self.error = err.strip() or "objdump -p failed"
            return
        section = None
        cur_dll = None
        for line in out.splitlines():
            m = re.match(r"^ImageBase\s+([0-9a-fA-F]+)", line)
            if m:
                self.image_base = int(m.group(1), 16)
            m = re.match(r"^Magic\s+([0-9a-fA-F]+)", line)
            if m:
                self.magic = int(m.group(1), 16)
            if line.startswith("The Import Tables"):
                section = "imports"
            elif line.startswith("The Export Tables"):
                section = "exports"
            elif line.startswith("Export Address Table --"):
                section = "eat"
                continue
            elif line.startswith("[Ordinal/Name Pointer] Table"):
                section = "names"
                continue
            elif line.startswith("The Function Table") or line.startswith("PE File Base Relocations") \
                    or line.startswith("There is a debug directory") or line.startswith("The .rsrc"):
                section = None
            if section == "exports":
                m = re.match(r"^Name\s+[0-9a-fA-F]+\s+(\S+)", line)
                if m:
                    self.export_dll = m.group(1)
            elif section == "eat":
                m = re.match(r"^\s*\[\s*(\d+)\]\s+\+base\[\s*\d+\]\s+([0-9a-fA-F]+)\s+(\w+)", line)
                if m:
                    self.eat[int(m.group(1))] = (int(m.group(2), 16), m.group(3))
            elif section == "names":
                m = re.match(r"^\s*\[\s*(\d+)\]\s+(\S+)", line)
                if m:
                    self.names[m.group(2)] = int(m.group(1))
                elif line.strip() == "":
                    section = None
            elif section == "imports":
                m = re.match(r"^\s*DLL Name:\s*(\S+)", line)
                if m:
                    cur_dll = m.group(1)
                    self.imports.setdefault(cur_dll, [])
                    continue
                # Members: TAB vma TAB hint name.  (The table's header lines, which
                # also hold hex numbers, begin with a space.)
                m = re.match(r"^\t[0-9a-fA-F]+\t\s*(\d+)\s+(\S+)", line)
                if m and cur_dll:
                    self.imports[cur_dll].append(m.group(2))
                    continue
                m = re.match(r"^\t[0-9a-fA-F]+\t.*<none>\s+([0-9a-fA-F]+)", line)
                if m and cur_dll:   # import by ordinal
                    self.imports[cur_dll].append("#ordinal 0x" + m.group(1))

    def export_address(self, name):
        """Virtual address of an export, or None."""
        idx = self.names.get(name)
        if idx is None or idx not in self.eat or self.image_base is None:
            return None
        rva, kind = self.eat[idx]
        if kind != "Export":
            return None
        return self.image_base + rva

    def export_kind(self, name):
        idx = self.names.get(name)
        if idx is None or idx not in self.eat:
            return None
        return self.eat[idx][1]
