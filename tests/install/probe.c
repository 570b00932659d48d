/*
 * probe - an unmodified program that uses ntdsbcli.dll the way many do, by name
 * (tests/install): LoadLibraryA("ntdsbcli.dll") with no copy of the DLL beside
 * it, so that Windows' search order finds the installed one.  It uses no header
 * of ours.  Prints:
 *
 *     module: <path of the loaded DLL> | not found (error N)
 *     export <name>: found | missing         for each NAME given on the command line
 *     service NTDS: <binary path> | absent | error N
 *
 * Always exits 0 (the test reads the lines).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static void service(void)
{
    SC_HANDLE scm, svc;
    QUERY_SERVICE_CONFIGA *cfg;
    DWORD needed = 0;

    scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm) {
        printf("service NTDS: error %lu\n", (unsigned long)GetLastError());
        return;
    }
    svc = OpenServiceA(scm, "NTDS", SERVICE_QUERY_CONFIG);
    if (!svc) {
        DWORD err = GetLastError();
        if (err == ERROR_SERVICE_DOES_NOT_EXIST)
            printf("service NTDS: absent\n");
        else
            printf("service NTDS: error %lu\n", (unsigned long)err);
        CloseServiceHandle(scm);
        return;
    }
    QueryServiceConfigA(svc, NULL, 0, &needed);
    cfg = needed ? malloc(needed) : NULL;
    if (cfg && QueryServiceConfigA(svc, cfg, needed, &needed))
        printf("service NTDS: %s\n", cfg->lpBinaryPathName ? cfg->lpBinaryPathName : "(none)");
    else
        printf("service NTDS: error %lu\n", (unsigned long)GetLastError());
    free(cfg);
    CloseServiceHandle(svc);
    CloseServiceHandle(scm);
}

int main(int argc, char **argv)
{
    char path[MAX_PATH];
    HMODULE dll = LoadLibraryA("ntdsbcli.dll");
    int i;

    if (dll && GetModuleFileNameA(dll, path, sizeof(path)))
        printf("module: %s\n", path);
    else
        printf("module: not found (error %lu)\n", (unsigned long)GetLastError());
    for (i = 1; i < argc; i++)
        printf("export %s: %s\n", argv[i], dll && GetProcAddress(dll, argv[i]) ? "found" : "missing");
    service();
    return 0;
}
