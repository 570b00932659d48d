/*
 * selftest.c: what a 32-bit Windows program needs from the emulated 32-bit Wine
 * (tests/wine32/wine32), one line per check; the exit code is the number of failed checks.
 * Run by "make wine32" before a build is accepted: each check failed under qemu
 * until tests/wine32/emulation/qemu-fixes.c made up for it (docs/wine32.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

static int failed;
static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    fflush(stdout);
    if (!ok) failed++;
}

/* Faults are caught by a vectored handler, which records them and resumes at a label. */
static volatile DWORD seen_code, seen_info0, seen_info1;
static volatile DWORD resume_at;
static LONG CALLBACK handler(EXCEPTION_POINTERS *e)
{
    if (!resume_at) return EXCEPTION_CONTINUE_SEARCH;
    seen_code = e->ExceptionRecord->ExceptionCode;
    seen_info0 = e->ExceptionRecord->NumberParameters > 0 ? e->ExceptionRecord->ExceptionInformation[0] : ~0u;
    seen_info1 = e->ExceptionRecord->NumberParameters > 1 ? e->ExceptionRecord->ExceptionInformation[1] : ~0u;
    e->ContextRecord->Eip = resume_at;
    resume_at = 0;
    return EXCEPTION_CONTINUE_EXECUTION;
}
#define FAULT(insns, ...) do { seen_code = 0; \
    __asm__ volatile("movl $1f, %0\n\t" insns "\n1:" : "=m"(resume_at) : __VA_ARGS__ : "eax", "edx", "memory"); } while (0)

static DWORD recurse(DWORD n) { volatile char buf[4096]; buf[0] = (char)n; return n ? recurse(n - 1) + buf[0] : 0; }

static volatile LONG stop;
static DWORD WINAPI worker(void *arg)
{
    char *teb = (char *)NtCurrentTeb();   /* ClientId.UniqueThread is at 0x24 */
    DWORD i = 0, bad = 0;
    (void)arg;
    recurse(200);   /* 800 KB of stack, grown through the guard page */
    while (!stop)
    {
        SetLastError(++i);
        if ((char *)NtCurrentTeb() != teb || GetCurrentThreadId() != *(DWORD *)(teb + 0x24)) bad++;
        if (GetLastError() != i) bad++;
        if (!(i % 64)) Sleep(0);
    }
    return bad ? 1000 + bad : 0;
}

static DWORD run(const char *cmdline)
{
    STARTUPINFOA si = { sizeof(si) };
    PROCESS_INFORMATION pi;
    DWORD code = ~0u;
    char buf[MAX_PATH * 2];
    strcpy(buf, cmdline);
    if (!CreateProcessA(NULL, buf, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return ~0u - 1;
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

int main(int argc, char **argv)
{
    BOOL wow = FALSE;
    char *ro, buf[MAX_PATH * 2];
    HANDLE threads[4];
    DWORD i, old, code, bad = 0;

    if (argc > 1 && !strcmp(argv[1], "child")) return 42;

    IsWow64Process(GetCurrentProcess(), &wow);
    check(sizeof(void *) == 4 && wow, "a 32-bit process under WoW64 (IsWow64Process)");

    AddVectoredExceptionHandler(1, handler);
    FAULT("movl 16, %%eax", "i"(0));
    check(seen_code == EXCEPTION_ACCESS_VIOLATION && seen_info0 == 0 && seen_info1 == 16,
          "reading address 16 raises an access violation (read, address 16)");
    ro = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READONLY);
    FAULT("movl %%eax, (%1)", "r"(ro));
    check(seen_code == EXCEPTION_ACCESS_VIOLATION && seen_info0 == 1 && seen_info1 == (DWORD)ro,
          "writing a read-only page raises an access violation (write)");
    VirtualProtect(ro, 4096, PAGE_READWRITE | PAGE_GUARD, &old);
    FAULT("movl (%1), %%eax", "r"(ro));
    check(seen_code == STATUS_GUARD_PAGE_VIOLATION, "touching a guard page raises STATUS_GUARD_PAGE_VIOLATION");
    FAULT("movl (%1), %%eax", "r"(ro));
    check(seen_code == 0, "... once");
    FAULT("xorl %%edx, %%edx; movl $1, %%eax; divl %%edx", "i"(0));
    check(seen_code == EXCEPTION_INT_DIVIDE_BY_ZERO, "dividing by zero raises EXCEPTION_INT_DIVIDE_BY_ZERO");
    FAULT("int3; nop", "i"(0));
    check(seen_code == EXCEPTION_BREAKPOINT, "int3 raises EXCEPTION_BREAKPOINT");
    FAULT(".byte 0x0f, 0x0b", "i"(0));
    check(seen_code == EXCEPTION_ILLEGAL_INSTRUCTION, "ud2 raises EXCEPTION_ILLEGAL_INSTRUCTION");
    FAULT("cli", "i"(0));
    check(seen_code == EXCEPTION_PRIV_INSTRUCTION, "cli raises EXCEPTION_PRIV_INSTRUCTION");
    for (i = 0, code = 0; i <= 200; i++) code += (char)i;
    check(recurse(200) == code, "the main thread's stack grows by 800 KB, through its guard page");

    /* Threads: each keeps its own TEB and last-error value while the main thread
     * suspends them and reads their context (signals to every thread). */
    for (i = 0; i < 4; i++) threads[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    for (i = 0; i < 200; i++)
    {
        CONTEXT ctx;
        HANDLE t = threads[i % 4];
        ctx.ContextFlags = CONTEXT_CONTROL;
        if (SuspendThread(t) == ~0u) bad++;
        if (!GetThreadContext(t, &ctx) || !ctx.Esp) bad++;
        if (ResumeThread(t) == ~0u) bad++;
        Sleep(1);
    }
    stop = 1;
    WaitForMultipleObjects(4, threads, TRUE, INFINITE);
    for (i = 0; i < 4; i++) { GetExitCodeThread(threads[i], &code); if (code) bad++; CloseHandle(threads[i]); }
    check(!bad, "4 threads keep their own TEB and last error while suspended and resumed 200 times");

    GetModuleFileNameA(NULL, buf, MAX_PATH);
    strcat(buf, " child");
    check(run(buf) == 42, "a 32-bit child process runs and returns its exit code");
    check(run("C:\\windows\\sysnative\\cmd.exe /c exit 7") == 7, "a 64-bit child process (sysnative\\cmd.exe) runs");
    check(run("C:\\windows\\system32\\cmd.exe /c exit 9") == 9, "a 32-bit child process (syswow64\\cmd.exe) runs");

    printf("%d failed\n", failed);
    return failed;
}
