/*
 * DLL entry point.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include "auth_identity.h"
#include "fault.h"
#include "trace.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    char fault[64];
    DWORD n;

    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(instance);
        trace_init();
        /* A test hook: NTDSBCLI_FAULT=kind:n makes the n-th operation of that kind fail. */
        n = GetEnvironmentVariableA("NTDSBCLI_FAULT", fault, sizeof(fault));
        if (n > 0 && n < sizeof(fault)) fault_arm_from_environment(fault);
    }
    else if (reason == DLL_PROCESS_DETACH)
        auth_identity_clear();
    return TRUE;
}
