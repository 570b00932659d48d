/*
 * DLL entry point.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include "auth_identity.h"
#include "trace.h"

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(instance);
        trace_init();
    }
    else if (reason == DLL_PROCESS_DETACH)
        auth_identity_clear();
    return TRUE;
}
