/*
 * A client of ntdsbcli.dll for the ABI suite (check-link.sh).  It is compiled
 * against the mingw-w64 SDK header (the default include path) and linked with our
 * import library, and against our header (-Iinclude) and linked with mingw-w64's
 * import library.  It references every prototyped function, so linking it proves
 * that the import library resolves every symbol the header makes a program use
 * (i686: _Name@N and __imp__Name@N).
 *
 * Run (under Wine, with ntdsbcli.dll beside it):
 *     client.exe LABEL NAME...
 * it checks that ntdsbcli.dll was loaded from the program's folder, that
 * GetProcAddress finds every NAME (the expected exports) and, for the prototyped
 * ones, the very address the import library bound; calls DsBackupFree(NULL) (a
 * no-op) and DsRestoreEnd(NULL) (must fail).  Prints one TAP line ("ok - ...")
 * per
 * check, then "END <failures>".
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ntdsbcli.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct imported {
    const char *name;
    void *address;
};

static int failures;
static const char *label = "?";

/* Prints "ok - <label> run: <message>" or "not ok - ...", and counts the failures. */
static int check(int ok, const char *fmt, ...)
{
    va_list ap;

    printf("%s - %s run: ", ok ? "ok" : "not ok", label);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!ok)
        failures++;
    return ok;
}

/* A function's address as data, without a cast between pointer kinds. */
#define ADDR(f) addr_of((void (*)(void))(f))
static void *addr_of(void (*f)(void))
{
    void *p;
    memcpy(&p, &f, sizeof(p));
    return p;
}

int main(int argc, char **argv)
{
    const struct imported table[] = {
        { "DsBackupClose", ADDR(DsBackupClose) },
        { "DsBackupEnd", ADDR(DsBackupEnd) },
        { "DsBackupFree", ADDR(DsBackupFree) },
        { "DsBackupGetBackupLogsA", ADDR(DsBackupGetBackupLogsA) },
        { "DsBackupGetBackupLogsW", ADDR(DsBackupGetBackupLogsW) },
        { "DsBackupGetDatabaseNamesA", ADDR(DsBackupGetDatabaseNamesA) },
        { "DsBackupGetDatabaseNamesW", ADDR(DsBackupGetDatabaseNamesW) },
        { "DsBackupOpenFileA", ADDR(DsBackupOpenFileA) },
        { "DsBackupOpenFileW", ADDR(DsBackupOpenFileW) },
        { "DsBackupPrepareA", ADDR(DsBackupPrepareA) },
        { "DsBackupPrepareW", ADDR(DsBackupPrepareW) },
        { "DsBackupRead", ADDR(DsBackupRead) },
        { "DsBackupTruncateLogs", ADDR(DsBackupTruncateLogs) },
        { "DsIsNTDSOnlineA", ADDR(DsIsNTDSOnlineA) },
        { "DsIsNTDSOnlineW", ADDR(DsIsNTDSOnlineW) },
        { "DsRestoreEnd", ADDR(DsRestoreEnd) },
        { "DsRestoreGetDatabaseLocationsA", ADDR(DsRestoreGetDatabaseLocationsA) },
        { "DsRestoreGetDatabaseLocationsW", ADDR(DsRestoreGetDatabaseLocationsW) },
        { "DsRestorePrepareA", ADDR(DsRestorePrepareA) },
        { "DsRestorePrepareW", ADDR(DsRestorePrepareW) },
        { "DsRestoreRegisterA", ADDR(DsRestoreRegisterA) },
        { "DsRestoreRegisterComplete", ADDR(DsRestoreRegisterComplete) },
        { "DsRestoreRegisterW", ADDR(DsRestoreRegisterW) },
        { "DsSetAuthIdentityA", ADDR(DsSetAuthIdentityA) },
        { "DsSetAuthIdentityW", ADDR(DsSetAuthIdentityW) },
        { "DsSetCurrentBackupLogA", ADDR(DsSetCurrentBackupLogA) },
        { "DsSetCurrentBackupLogW", ADDR(DsSetCurrentBackupLogW) },
    };
    const size_t count = sizeof(table) / sizeof(table[0]);
    WCHAR exe[MAX_PATH], dll[MAX_PATH], *slash;
    HMODULE at_start, loaded;
    HRESULT hr;
    size_t k;
    int i;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1)
        label = argv[1];

    at_start = GetModuleHandleA("ntdsbcli.dll");
    loaded = LoadLibraryA("ntdsbcli.dll");
    check(at_start != NULL && loaded == at_start,
          "ntdsbcli.dll was loaded at start-up by the import (%p), "
          "and LoadLibrary returns the same module (%p)", (void *)at_start, (void *)loaded);
    if (!loaded) {
        printf("END %d\n", failures);
        return 1;
    }
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    GetModuleFileNameW(loaded, dll, MAX_PATH);
    slash = wcsrchr(exe, L'\\');
    if (slash)
        slash[1] = 0;
    check(slash && _wcsnicmp(exe, dll, wcslen(exe)) == 0 && !wcschr(dll + wcslen(exe), L'\\'),
          "ntdsbcli.dll is our DLL beside the program (%ls)", dll);

    for (i = 2; i < argc; i++) {
        const char *name = argv[i];
        FARPROC proc = GetProcAddress(loaded, name);
        void *found = NULL;

        if (proc)
            memcpy(&found, &proc, sizeof(found));
        for (k = 0; k < count; k++)
            if (strcmp(table[k].name, name) == 0)
                break;
        if (k < count)
            check(found != NULL && found == table[k].address,
                  "GetProcAddress(%s) = %p, the address the import library bound (%p)",
                  name, found, table[k].address);
        else
            check(found != NULL, "GetProcAddress(%s) = %p, non-NULL", name, found);
    }
    for (k = 0; k < count; k++) {
        for (i = 2; i < argc; i++)
            if (strcmp(table[k].name, argv[i]) == 0)
                break;
        if (i == argc)
            check(0, "%s is prototyped but not in the list of expected exports", table[k].name);
    }

    DsBackupFree(NULL);
    check(1, "DsBackupFree(NULL) returned (a no-op)");

    hr = DsRestoreEnd(NULL);
    check(hr != S_OK, "DsRestoreEnd(NULL) = 0x%08lx, expected a failure (not S_OK)",
          (unsigned long)hr);

    printf("END %d\n", failures);
    return failures != 0;
}
