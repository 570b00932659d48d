#!/usr/bin/env python3
"""The msvc suite, part 1: ntdsbcli for programs built with Microsoft-style
toolchains, checked without running anything (part 2, run.sh, runs the clients
this part builds under Wine).

1. Headers: include/ntdsbcli.h and ntdsbmsg.h name nothing that only mingw-w64 has
   (outside comments), and compile silently in MSVC mode -- clang
   --target=<arch>-pc-windows-msvc as C11 and C++17 with -Wall -Wextra -pedantic,
   and clang --driver-mode=cl (clang-cl) as C and C++ with /W4 -- both arches, ANSI
   and UNICODE, with every mingw-w64-only name poisoned, so that a use of one is an
   error.  There is no Windows SDK here: mingw-w64's headers stand in for it (see
   msvc_flags), and a negative control shows that the poison does bite.
2. build/<arch>/ntdsbcli.lib: one short import object per export of ntdsbcli.def,
   importing from ntdsbcli.dll by name (x86-64: DsBackupClose, name type "name";
   i686: _DsBackupClose@4 and __imp__DsBackupClose@4, name type "undecorate", so the
   import is the undecorated export), nothing else but the import descriptor; and it
   defines the same symbols as libntdsbcli.a, name for name.
3. GNU ld (mingw-w64 gcc) links tests/abi/client.c against ntdsbcli.lib, and the
   program imports the 27 prototyped names, undecorated, from ntdsbcli.dll.
4. A client built as a user of Microsoft's toolchain builds one: backup_client.c
   compiled by clang-cl against our header (UNICODE and ANSI), linked by lld-link
   (i686 with /safeseh) against ntdsbcli.lib and a kernel32.lib made from
   kernel32.def, no C runtime; its import table holds exactly ntdsbcli.dll and
   kernel32.dll, with the names the program calls, undecorated.

Prints one TAP line ("ok - ..." / "not ok - ...") per check.  The programs go to $BUILD/msvc/<arch>/.
Tools: CLANG, LLD_LINK, LLVM_DLLTOOL, LLVM_READOBJ, LLVM_NM (default: the
unversioned names of Debian's clang, lld and llvm packages).

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import concurrent.futures
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "abi"))
from abilib import (ARCHES, BUILD, TOP, PEInfo, Report, def_file, expected_exports,
                    read_header, run, tool)

CLANG = os.environ.get("CLANG") or "clang"
LLD_LINK = os.environ.get("LLD_LINK") or "lld-link"
LLVM_DLLTOOL = os.environ.get("LLVM_DLLTOOL") or "llvm-dlltool"
LLVM_READOBJ = os.environ.get("LLVM_READOBJ") or "llvm-readobj"
LLVM_NM = os.environ.get("LLVM_NM") or "llvm-nm"

INCLUDE = os.path.join(TOP, "include")
HEADER_USE = os.path.join(TOP, "tests", "abi", "header_use.c")
ABI_CLIENT = os.path.join(TOP, "tests", "abi", "client.c")
CLIENT = os.path.join(HERE, "backup_client.c")
KERNEL32_DEF = os.path.join(HERE, "kernel32.def")
NOT_PROTOTYPED = {"DsRestoreCheckExpiryToken"}
DLLTOOL_MACHINE = {"x86_64": "i386:x86-64", "i686": "i386"}
LINK_MACHINE = {"x86_64": "x64", "i686": "x86"}
PE_MACHINE = {"x86_64": "IMAGE_FILE_MACHINE_AMD64", "i686": "IMAGE_FILE_MACHINE_I386"}
# The functions backup_client.c calls, by character set (generic name -> A or W).
CLIENT_DS = ["DsBackupClose", "DsBackupEnd", "DsBackupFree", "DsBackupGetBackupLogs%s",
             "DsBackupGetDatabaseNames%s", "DsBackupOpenFile%s", "DsBackupPrepare%s",
             "DsBackupRead", "DsIsNTDSOnline%s"]
MODES = [("UNICODE", "W", ["UNICODE", "_UNICODE"]), ("ANSI", "A", [])]


def mingw_include(arch):
    return "/usr/%s-w64-mingw32/include" % arch


def msvc_flags(arch, cl):
    """Flags for MSVC mode with mingw-w64's headers as the system headers, in place
    of the Windows SDK's.  Two are for mingw-w64's headers, not ours: _mingw.h
    defines __attribute__ away when __GNUC__ is not defined, which breaks clang's
    own intrinsic headers (hence -fgnuc-version, which only sets __GNUC__), and its
    i686 winnt.h wants _X86_, which the SDK's windows.h derives from _M_IX86 and
    mingw-w64's gcc predefines."""
    target = "--target=%s-pc-windows-msvc" % arch
    if cl:
        flags = ["--driver-mode=cl", target, "/clang:-fgnuc-version=4.2.1",
                 "-imsvc", mingw_include(arch)]
    else:
        flags = [target, "-fgnuc-version=4.2.1", "-isystem", mingw_include(arch)]
    if arch == "i686":
        flags.append(("/D" if cl else "-D") + "_X86_=1")
    return flags


def defines(names, cl):
    return [("/D" if cl else "-D") + n for n in names]


def show(cmd):
    """A command as one line, paths relative to the top of the tree."""
    return " ".join(a.replace(TOP + os.sep, "") for a in cmd)


def first_lines(text, n=4):
    return " | ".join(text.strip().splitlines()[:n])


# --- 1. headers -----------------------------------------------------------------------

MINGW_ONLY = re.compile(r"\b(WINBOOL|\w*[Mm][Ii][Nn][Gg][Ww]\w*)\b")


def check_header_text(r):
    for h in ("ntdsbcli.h", "ntdsbmsg.h"):
        text = read_header(os.path.join(INCLUDE, h))
        found = sorted(set(m.group(1) for m in MINGW_ONLY.finditer(text)))
        r.check(not found, "include/%s names nothing of mingw-w64's own (WINBOOL, *mingw*) "
                "outside comments" % h, "it uses %s" % ", ".join(found))


def make_poison(r, arch, outdir):
    """Writes a header that includes windows.h, then poisons every macro of
    mingw-w64's headers whose name has "mingw" in it, and WINBOOL.  Returns its path
    or None."""
    cmd = [CLANG] + msvc_flags(arch, False) + ["-dM", "-E", "-x", "c", "-"]
    st, out, err = run(cmd, input="#include <windows.h>\n")
    names = sorted(set(re.findall(r"^#define\s+(\w*[Mm][Ii][Nn][Gg][Ww]\w*)", out, re.M)))
    if st != 0 or "__MINGW_NAME_AW" not in names:
        r.fail("%s mingw-w64's windows.h in MSVC mode: %s" % (
            arch, first_lines(err) or "no __MINGW_NAME_AW among its macros"))
        return None
    path = os.path.join(outdir, "mingw-only-poisoned.h")
    with open(path, "w") as f:
        f.write("/* Generated by tests/msvc/check-msvc.py: windows.h (mingw-w64's, in MSVC\n"
                " * mode), then every name that only mingw-w64 has, poisoned: a use of one\n"
                " * after this point is an error. */\n"
                "#pragma clang system_header\n"
                "#ifdef __MINGW32__\n#error __MINGW32__ is defined: this is not MSVC mode\n#endif\n"
                "#include <windows.h>\n")
        for i in range(0, len(names), 8):
            f.write("#pragma GCC poison %s\n" % " ".join(names[i:i + 8]))
        f.write("#pragma GCC poison WINBOOL\n")
    r.ok("%s %d names of mingw-w64's headers poisoned for the MSVC-mode compiles "
         "(WINBOOL, __MINGW_NAME_AW, ...)" % (arch, len(names) + 1))
    return path


def header_jobs(arch, poison, outdir):
    """[(label, command)] for the MSVC-mode compiles of header_use.c."""
    jobs = []
    for mode, _, defs in MODES:
        for lang in ("C11", "C++17"):
            x, std = ("c", "c11") if lang == "C11" else ("c++", "c++17")
            obj = os.path.join(outdir, "header-clang-%s-%s.o" % (x, mode))
            cmd = [CLANG] + msvc_flags(arch, False) + [
                "-x", x, "-std=" + std, "-Wall", "-Wextra", "-pedantic", "-Werror",
                "-include", poison, "-I", INCLUDE] + defines(defs, False) + [
                "-c", HEADER_USE, "-o", obj]
            jobs.append(("%s clang --target=%s-pc-windows-msvc %s %s" % (
                arch, arch, lang, mode), cmd))
        for lang, flag in (("C", "/TC"), ("C++", "/TP")):
            obj = os.path.join(outdir, "header-cl-%s-%s.obj" % (flag[1:], mode))
            cmd = [CLANG] + msvc_flags(arch, True) + [
                flag, "/W4", "/WX", "/FI" + poison, "/I" + INCLUDE] + defines(defs, True) + [
                "/c", "/Fo" + obj, "--", HEADER_USE]
            jobs.append(("%s clang --driver-mode=cl %s %s" % (arch, lang, mode), cmd))
    return jobs


def check_poison_bites(r, arch, poison, outdir):
    src = os.path.join(outdir, "poison-control.c")
    with open(src, "w") as f:
        f.write("WINBOOL uses_a_mingw_only_name;\n")
    st, out, err = run([CLANG] + msvc_flags(arch, False) + [
        "-include", poison, "-fsyntax-only", src])
    r.check(st != 0 and "poisoned" in err,
            "%s control: WINBOOL after the poisoning is an error" % arch,
            "exit status %d: %s" % (st, first_lines(err)))


# --- 2. the import libraries ----------------------------------------------------------------

def readobj_members(path):
    """The short import objects of an import library, from llvm-readobj:
    [(DLL name, type, name type, [symbols])], and the error text."""
    st, out, err = run([LLVM_READOBJ, path])
    if st != 0:
        return None, err.strip() or "llvm-readobj failed"
    members = []
    for block in re.split(r"\n\s*\n", out):
        fields = {}
        syms = []
        for line in block.strip().splitlines():
            k, _, v = line.partition(":")
            if k.strip() == "Symbol":
                syms.append(v.strip())
            else:
                fields[k.strip()] = v.strip()
        if fields.get("Format") == "COFF-import-file":
            members.append((fields.get("File"), fields.get("Type"), fields.get("Name type"),
                            syms))
    return members, ""


def nm_defined(path):
    """Defined external symbols of an archive, names only (Microsoft's import
    libraries begin the null thunk's name with a DEL character: dropped)."""
    st, out, err = run([LLVM_NM, path])
    if st != 0:
        return None, err.strip()
    return {m.group(2).lstrip("\x7f")
            for m in re.finditer(r"^[0-9a-fA-F]*\s+([A-Z])\s+(\S+)$", out, re.M)
            if m.group(1) != "U"}, ""


def check_lib(r, arch, defs):
    lib = os.path.join(BUILD, arch, "ntdsbcli.lib")
    if not os.path.exists(lib):
        r.fail("%s %s is missing (make all builds it)" % (arch, lib))
        return
    members, err = readobj_members(lib)
    if members is None:
        r.fail("%s llvm-readobj %s: %s" % (arch, lib, err))
        return
    want_type = "undecorate" if arch == "i686" else "name"
    by_sym = {}
    for m in members:
        for s in m[3]:
            by_sym[s] = m
    wrong = []
    for name, argb, _ in defs:
        if arch == "i686":
            thunk, imp = "_%s@%d" % (name, argb), "__imp__%s@%d" % (name, argb)
        else:
            thunk, imp = name, "__imp_" + name
        m = by_sym.get(imp)
        if m is None:
            wrong.append("%s: no import object" % imp)
        elif (m[0], m[1], m[2], sorted(m[3])) != ("ntdsbcli.dll", "code", want_type,
                                                  sorted([thunk, imp])):
            wrong.append("%s: DLL %s, type %s, name type %s, symbols %s" % (
                imp, m[0], m[1], m[2], " ".join(m[3])))
    r.check(not wrong and len(members) == len(defs),
            "%s ntdsbcli.lib: %d short import objects, one per export, from ntdsbcli.dll by "
            "name, name type \"%s\" (e.g. %s)" % (
                arch, len(members), want_type,
                "__imp__DsBackupClose@4 -> DsBackupClose" if arch == "i686"
                else "__imp_DsBackupClose -> DsBackupClose"),
            "; ".join(wrong[:6]) or "%d import objects for %d exports" % (len(members), len(defs)))

    lib_syms, err = nm_defined(lib)
    gnu_syms, err2 = nm_defined(os.path.join(BUILD, arch, "libntdsbcli.a"))
    if lib_syms is None or gnu_syms is None:
        r.fail("%s llvm-nm: %s" % (arch, err or err2))
        return
    descriptor = {"__IMPORT_DESCRIPTOR_ntdsbcli", "__NULL_IMPORT_DESCRIPTOR",
                  "ntdsbcli_NULL_THUNK_DATA"}
    extra = sorted(lib_syms - descriptor - set(by_sym))
    r.check(not extra and descriptor <= lib_syms,
            "%s ntdsbcli.lib defines nothing but the import objects' symbols and the "
            "import descriptor's" % arch,
            "unexpected: %s; descriptor symbols missing: %s" % (
                ", ".join(extra) or "none", ", ".join(sorted(descriptor - lib_syms)) or "none"))
    ds_lib = {s for s in lib_syms if re.search(r"Ds[A-Z]", s)}
    ds_gnu = {s for s in gnu_syms if re.search(r"Ds[A-Z]", s)}
    r.check(ds_lib == ds_gnu and len(ds_lib) == 2 * len(defs),
            "%s ntdsbcli.lib and libntdsbcli.a define the same %d symbols, name for name" % (
                arch, len(ds_lib)),
            "only in ntdsbcli.lib: %s; only in libntdsbcli.a: %s" % (
                ", ".join(sorted(ds_lib - ds_gnu)) or "none",
                ", ".join(sorted(ds_gnu - ds_lib)) or "none"))


# --- 3. GNU ld ------------------------------------------------------------------------------

def check_gnu_ld(r, arch, outdir, prototyped):
    exe = os.path.join(outdir, "gnu-ld-client.exe")
    lib = os.path.join(BUILD, arch, "ntdsbcli.lib")
    cmd = [tool(arch, "gcc"), "-std=gnu11", "-O1", "-Wall", "-Wextra", "-Werror", "-I", INCLUDE,
           "-o", exe, ABI_CLIENT, lib]
    st, out, err = run(cmd)
    if not r.check(st == 0, "%s GNU ld (%s) links a client against ntdsbcli.lib" % (
            arch, tool(arch, "gcc")), first_lines(err)):
        return
    pe = PEInfo(arch, exe)
    names = pe.imports.get("ntdsbcli.dll", [])
    r.check(sorted(names) == sorted(prototyped),
            "%s the GNU ld client imports the %d prototyped functions from ntdsbcli.dll, "
            "undecorated" % (arch, len(prototyped)),
            pe.error or "DLLs %s; missing %s; extra %s" % (
                ", ".join(pe.imports), ", ".join(sorted(set(prototyped) - set(names))) or "none",
                ", ".join(sorted(set(names) - set(prototyped))) or "none"))


# --- 4. the MSVC-style client -------------------------------------------------------------

def kernel32_def():
    return [(n, b) for n, b, _ in def_file(KERNEL32_DEF)]


def check_kernel32_def(r):
    """The i686 decorations of kernel32.def are mingw-w64's (a wrong @N would link
    and then corrupt the stack)."""
    lib = "/usr/i686-w64-mingw32/lib/libkernel32.a"
    syms, err = nm_defined(lib)
    if syms is None:
        r.fail("llvm-nm %s: %s" % (lib, err))
        return
    wrong = ["%s@%s" % (n, b) for n, b in kernel32_def() if "_%s@%s" % (n, b) not in syms]
    r.check(not wrong, "tests/msvc/kernel32.def: the %d stdcall decorations are those of "
            "mingw-w64's i686 libkernel32.a" % len(kernel32_def()),
            "not in %s: %s" % (lib, ", ".join(wrong)))


def make_kernel32_lib(r, arch, outdir):
    d = os.path.join(outdir, "kernel32.def")
    with open(KERNEL32_DEF) as f:
        text = f.read()
    if arch != "i686":
        text = re.sub(r"@\d+$", "", text, flags=re.M)
    with open(d, "w") as f:
        f.write(text)
    lib = os.path.join(outdir, "kernel32.lib")
    st, out, err = run([LLVM_DLLTOOL, "-m", DLLTOOL_MACHINE[arch], "-k", "-d", d, "-l", lib])
    if not r.check(st == 0, "%s kernel32.lib made with llvm-dlltool" % arch, first_lines(err)):
        return None
    return lib


def readobj_imports(exe):
    """{DLL name: [imported names]} of a PE image, and its machine."""
    st, out, err = run([LLVM_READOBJ, "--file-headers", "--coff-imports", exe])
    if st != 0:
        return None, None, err.strip()
    imports, cur = {}, None
    machine = None
    for line in out.splitlines():
        s = line.strip()
        m = re.match(r"^Machine:\s*(\S+)", s)
        if m and machine is None:
            machine = m.group(1)
        if s.startswith("Import {") or s.startswith("DelayImport {"):
            cur = "delay" if s.startswith("Delay") else ""
            continue
        m = re.match(r"^Name:\s*(\S+)", s)
        if m and cur is not None and cur in ("", "delay"):
            cur = ("delay:" if cur == "delay" else "") + m.group(1)
            imports[cur] = []
            continue
        m = re.match(r"^Symbol:\s*(\S+)", s)
        if m and cur:
            imports[cur].append(m.group(1))
        if s == "}":
            cur = None
    return imports, machine, ""


def build_client(r, arch, outdir, k32lib, mode, suffix, defs):
    obj = os.path.join(outdir, "backup-client-%s.obj" % suffix)
    exe = os.path.join(outdir, "backup-client-%s.exe" % suffix)
    for p in (obj, exe):
        if os.path.exists(p):
            os.remove(p)
    cc = [CLANG] + msvc_flags(arch, True) + ["/I" + INCLUDE] + defines(defs, True) + [
        "/W4", "/WX", "/O1", "/GS-", "/c", "/Fo" + obj, "--", CLIENT]
    st, out, err = run(cc)
    if not r.check(st == 0 and not err.strip(),
                   "%s %s client compiles with clang-cl against our header, silently at /W4" % (
                       arch, mode), "exit status %d: %s" % (st, first_lines(err))):
        r.note("command: " + show(cc))
        return None
    link = [LLD_LINK, "/nologo", "/machine:" + LINK_MACHINE[arch], "/subsystem:console",
            "/entry:client_main", "/nodefaultlib"] + (["/safeseh"] if arch == "i686" else []) + [
        "/out:" + exe, obj, k32lib, os.path.join(BUILD, arch, "ntdsbcli.lib")]
    st, out, err = run(link)
    if not r.check(st == 0 and not (out + err).strip(),
                   "%s %s client links with lld-link against ntdsbcli.lib%s" % (
                       arch, mode, " under /safeseh" if arch == "i686" else ""),
                   "exit status %d: %s" % (st, first_lines(out + err))):
        r.note("command: " + show(link))
        return None
    r.note("%s %s client: %s && %s" % (arch, mode, show(cc), show(link)))
    return exe


def check_client_imports(r, arch, exe, mode, suffix):
    imports, machine, err = readobj_imports(exe)
    if imports is None:
        r.fail("%s llvm-readobj %s: %s" % (arch, exe, err))
        return
    r.check(machine == PE_MACHINE[arch], "%s %s client is an %s image" % (
        arch, mode, PE_MACHINE[arch]), "machine %s" % machine)
    r.check(sorted(imports) == ["kernel32.dll", "ntdsbcli.dll"],
            "%s %s client imports from ntdsbcli.dll and kernel32.dll only" % (arch, mode),
            "it imports from %s" % ", ".join(sorted(imports)))
    want = sorted(n % suffix if "%" in n else n for n in CLIENT_DS)
    got = sorted(imports.get("ntdsbcli.dll", []))
    r.check(got == want, "%s %s client imports from ntdsbcli.dll exactly %s" % (
        arch, mode, " ".join(want)),
        "missing %s; extra %s" % (", ".join(sorted(set(want) - set(got))) or "none",
                                  ", ".join(sorted(set(got) - set(want))) or "none"))
    other = "CreateFileA" if suffix == "W" else "CreateFileW"
    k32 = sorted(n for n, _ in kernel32_def() if n != other)
    got = sorted(imports.get("kernel32.dll", []))
    r.check(got == k32, "%s %s client imports from kernel32.dll exactly the %d functions it "
            "calls" % (arch, mode, len(k32)),
            "missing %s; extra %s" % (", ".join(sorted(set(k32) - set(got))) or "none",
                                      ", ".join(sorted(set(got) - set(k32))) or "none"))


def main():
    r = Report()
    missing = [t for t in (CLANG, LLD_LINK, LLVM_DLLTOOL, LLVM_READOBJ, LLVM_NM)
               if shutil.which(t) is None]
    if missing:
        r.fail("not installed: %s (Debian packages clang, lld, llvm; make deps)" % " ".join(missing))
        return 0
    defs = def_file()
    names = expected_exports()
    prototyped = [n for n in names if n not in NOT_PROTOTYPED]
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))

    check_header_text(r)
    futures = []
    outdirs = {}
    for arch in ARCHES:
        outdir = os.path.join(BUILD, "msvc", arch)
        os.makedirs(outdir, exist_ok=True)
        outdirs[arch] = outdir
        if not os.path.isdir(mingw_include(arch)):
            r.fail("%s %s is missing (package mingw-w64-common / gcc-mingw-w64)" % (
                arch, mingw_include(arch)))
            continue
        poison = make_poison(r, arch, outdir)
        if poison:
            check_poison_bites(r, arch, poison, outdir)
            for label, cmd in header_jobs(arch, poison, outdir):
                futures.append((label, cmd, pool.submit(run, cmd)))
    for label, cmd, fut in futures:
        st, out, err = fut.result()
        said = (out + err).strip()
        # clang-cl echoes nothing on success; anything said is a diagnostic.
        ok = st == 0 and not said
        r.check(ok, "%s: our headers compile in MSVC mode, silently, using no mingw-w64 name"
                % label, "exit status %d: %s" % (st, first_lines(said)))
        if not ok:
            r.note("command: " + show(cmd))

    check_kernel32_def(r)
    for arch in ARCHES:
        outdir = outdirs[arch]
        check_lib(r, arch, defs)
        check_gnu_ld(r, arch, outdir, prototyped)
        k32 = make_kernel32_lib(r, arch, outdir)
        if not k32:
            continue
        for mode, suffix, mdefs in MODES:
            exe = build_client(r, arch, outdir, k32, mode, suffix, mdefs)
            if exe:
                check_client_imports(r, arch, exe, mode, suffix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
