#!/usr/bin/env python3
"""ABI check 3: link and run a client program.

(a) tests/abi/client.c compiled against the mingw-w64 SDK header (default include
    path; windows.h first) links with OUR import library build/<arch>/libntdsbcli.a,
    for x86-64 and i686 (i686: the stdcall-decorated _Name@N symbols), and the program
    then imports exactly the 27 prototyped names, undecorated, from ntdsbcli.dll.
(b) the same client compiled against OUR header (-Iinclude) links with mingw-w64's
    /usr/x86_64-w64-mingw32/lib/libntdsbcli.a (x86-64; mingw-w64 ships no i686 one,
    so on i686 it links with ours).
(c) the x86-64 client from (a) runs under Wine, in a throwaway prefix, with our DLL
    beside it: GetProcAddress finds all 28 exports (the prototyped ones at the address
    the import library bound), DsBackupFree(NULL) is a no-op and DsRestoreEnd(NULL)
    fails.  The i686 client runs too, through the emulated 32-bit Wine (tests/wine32/wine32).

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from abilib import (ARCHES, BUILD, HERE, TOP, PEInfo, Report, expected_exports, run,
                    tool)

MINGW_LIB = "/usr/x86_64-w64-mingw32/lib/libntdsbcli.a"
OURS = os.path.join(TOP, "include")
CLIENT = os.path.join(HERE, "client.c")
NOT_PROTOTYPED = {"DsRestoreCheckExpiryToken"}
RUN_TIMEOUT = 60


def header_used(depfile):
    """The ntdsbcli.h a compile read, from its -MD dependency file."""
    try:
        with open(depfile) as f:
            deps = f.read().replace("\\\n", " ").split()
    except OSError:
        return None
    for d in deps:
        if os.path.basename(d) == "ntdsbcli.h":
            return os.path.normpath(os.path.abspath(d))
    return None


def build_client(r, arch, exe, header, lib):
    """Compiles and links client.c; returns True if the program was made."""
    inc = ["-I" + OURS] if header == "ours" else []
    dep = exe[:-4] + ".d"
    cmd = [tool(arch, "gcc"), "-std=gnu11", "-O1", "-Wall", "-Wextra", "-MD", "-MF", dep] + inc \
        + ["-o", exe, CLIENT, lib]
    st, out, err = run(cmd)
    what = "%s client compiled against %s header links with %s" % (
        arch, "the SDK" if header == "sdk" else "our",
        "mingw-w64's libntdsbcli.a" if lib == MINGW_LIB else "our " + lib)
    if st != 0:
        undefined = sorted(set(re.findall(r"undefined reference to [`'\u2018]([^'\u2019]+)", err)))
        r.fail("%s: %s" % (what, "undefined: " + ", ".join(undefined) if undefined
                           else " | ".join(err.strip().splitlines()[:6])))
        return False
    used = header_used(dep)
    ours_dir = os.path.normpath(os.path.abspath(OURS))
    is_ours = used is not None and os.path.dirname(used) == ours_dir
    if used is None or is_ours != (header == "ours"):
        r.fail("%s: the compile read the wrong ntdsbcli.h: %s" % (what, used))
        return False
    r.ok("%s (header %s)" % (what, used))
    if err.strip():
        r.note("compiler said: " + " | ".join(err.strip().splitlines()[:4]))
    return True


def check_imports(r, arch, exe, dll_exports, prototyped):
    pe = PEInfo(arch, exe)
    if pe.error:
        r.fail("%s objdump -p %s: %s" % (arch, exe, pe.error))
        return
    ours = [d for d in pe.imports if d.lower() == "ntdsbcli.dll"]
    if not ours:
        r.fail("%s %s imports nothing from ntdsbcli.dll (DLLs: %s)" % (
            arch, os.path.basename(exe), ", ".join(pe.imports)))
        return
    names = pe.imports[ours[0]]
    bad = [n for n in names if n not in dll_exports]
    r.check(ours[0] == "ntdsbcli.dll" and sorted(names) == sorted(prototyped) and not bad,
            "%s %s imports the %d prototyped functions from ntdsbcli.dll by their "
            "undecorated names" % (arch, os.path.basename(exe), len(prototyped)),
            "DLL name %r; not exported by the DLL: %s; missing: %s; extra: %s" % (
                ours[0], ", ".join(bad) or "none",
                ", ".join(sorted(set(prototyped) - set(names))) or "none",
                ", ".join(sorted(set(names) - set(prototyped))) or "none"))


def wine_runs(r, runs, names):
    """runs: [(label, exe)].  Runs each in one throwaway prefix; reports."""
    if shutil.which("wine") is None:
        for label, _ in runs:
            r.fail("%s run: wine is not installed" % label)
        return
    # One throwaway prefix for all programs: a small driver runs them in turn.
    script = os.path.join(BUILD, "abi", "link", "run-under-wine.sh")
    driver = "\n".join([
        '. "%s/tests/lib/wine.sh"' % TOP,
        # i686 programs run through the emulated 32-bit Wine, whose wine runs both.
        'wine_use_arch i686 || { echo "wineboot failed: no Wine for i686 (make wine32)"; exit 90; }',
        'wine_prefix_create || { echo "wineboot failed"; exit 90; }',
        'trap wine_prefix_destroy EXIT',
    ] + ['echo "=== RUN %s"; timeout %d wine "%s" %s %s 2>&1; echo "=== STATUS $?"' % (
        label, RUN_TIMEOUT, exe, label, " ".join(names)) for label, exe in runs])
    with open(script, "w") as f:
        f.write(driver + "\n")
    try:
        p = subprocess.run(["bash", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=RUN_TIMEOUT * len(runs) + 120,
                           errors="replace")
        out = p.stdout.replace("\r", "")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or "")
        out = out.decode("latin-1") if isinstance(out, bytes) else out
        out = out.replace("\r", "")
        r.fail("running the clients under Wine took over %d s" % (RUN_TIMEOUT * len(runs) + 120))
    if "wineboot failed" in out:
        r.fail("run: creating a Wine prefix failed: %s" % " | ".join(out.splitlines()[-5:]))
        return
    chunks = re.split(r"^=== RUN (\S+)\n", out, flags=re.M)
    results = {chunks[i]: chunks[i + 1] for i in range(1, len(chunks) - 1, 2)}
    for label, exe in runs:
        text = results.get(label, "")
        m = re.search(r"^=== STATUS (\d+)$", text, flags=re.M)
        status = int(m.group(1)) if m else None
        body = text[:m.start()] if m else text
        end = re.search(r"^END (\d+)$", body, flags=re.M)
        for line in body.splitlines():
            if line.startswith("ok - ") or line.startswith("not ok - "):
                print(line, flush=True)
                if line.startswith("ok - "):
                    r.passed += 1
                else:
                    r.failed += 1
            elif line.strip() and not line.startswith("END "):
                r.note(line)
        if not end:
            r.fail("%s run: the client did not finish (exit status %s): %s" % (
                label, status, " | ".join(body.strip().splitlines()[-4:])))
        elif status != (1 if int(end.group(1)) else 0):
            r.fail("%s run: exit status %s after %s failures" % (label, status, end.group(1)))


def main():
    r = Report()
    names = expected_exports()
    prototyped = [n for n in names if n not in NOT_PROTOTYPED]
    runs = []
    for arch in ARCHES:
        out = os.path.join(BUILD, "abi", "link", arch)
        os.makedirs(out, exist_ok=True)
        ourlib = os.path.join(BUILD, arch, "libntdsbcli.a")
        dll = os.path.join(BUILD, arch, "ntdsbcli.dll")
        pe = PEInfo(arch, dll)
        dll_exports = set(pe.names)

        exe = os.path.join(out, "client-sdk.exe")
        if build_client(r, arch, exe, "sdk", ourlib):
            check_imports(r, arch, exe, dll_exports, prototyped)
            rundir = os.path.join(out, "run")
            os.makedirs(rundir, exist_ok=True)
            shutil.copy2(exe, os.path.join(rundir, "client.exe"))
            shutil.copy2(dll, os.path.join(rundir, "ntdsbcli.dll"))
            runs.append((arch, os.path.abspath(os.path.join(rundir, "client.exe"))))

        lib = MINGW_LIB if arch == "x86_64" else ourlib
        if arch == "x86_64" and not os.path.exists(MINGW_LIB):
            r.fail("x86_64 %s is missing (package mingw-w64-x86-64-dev)" % MINGW_LIB)
            continue
        exe = os.path.join(out, "client-ours.exe")
        if build_client(r, arch, exe, "ours", lib):
            check_imports(r, arch, exe, dll_exports, prototyped)

    if runs:
        wine_runs(r, runs, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
