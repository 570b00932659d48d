/*
 * client - a program as a user of the installed ntdsbcli builds it (tests/install):
 *
 *     <triplet>-gcc client.c $(pkg-config --cflags --libs ntdsbcli)
 *
 * It includes <ntdsbcli.h> from the include path pkg-config gives and calls the
 * DLL only through the import library (no LoadLibrary): DsIsNTDSOnlineW for this
 * machine, and DsBackupFree(NULL), a no-op.  It prints
 *
 *     DsIsNTDSOnlineW: 0x<hr> online <0|1>
 *     module: <where Windows loaded ntdsbcli.dll from>
 *
 * and exits 0 if DsIsNTDSOnlineW returned S_OK, else 1.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ntdsbcli.h>
#include <stdio.h>

int main(void)
{
    BOOL online = -1;
    char path[MAX_PATH] = "(not loaded)";
    HRESULT hr;
    HMODULE module;

    hr = DsIsNTDSOnlineW(NULL, &online);
    DsBackupFree(NULL);
    module = GetModuleHandleA("ntdsbcli.dll");
    if (module)
        GetModuleFileNameA(module, path, sizeof(path));
    printf("DsIsNTDSOnlineW: 0x%08lx online %d\n", (unsigned long)hr, (int)online);
    printf("module: %s\n", path);
    return hr == S_OK ? 0 : 1;
}
