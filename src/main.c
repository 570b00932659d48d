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

static BOOL fault_test_mode;

/* A test hook (docs/behaviour.md, "Fault injection"): when NTDSBCLI_FAULT is set
 * as the process starts, each DsBackupPrepare and DsRestorePrepare re-reads it
 * ("kind:n[:persistent]" or "off"), so one test process can walk N through a
 * whole sequence.  Unset, this costs one test of a flag. */
void fault_rearm_from_environment(void)
{
    char value[64];
    DWORD n;

    if (!fault_test_mode) return;
    fault_disarm_all();
    n = GetEnvironmentVariableA("NTDSBCLI_FAULT", value, sizeof(value));
    if (n > 0 && n < sizeof(value)) fault_arm_from_environment(value);
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(instance);
        trace_init();
        fault_test_mode = GetEnvironmentVariableA("NTDSBCLI_FAULT", NULL, 0) > 0;
        fault_rearm_from_environment();
    }
    else if (reason == DLL_PROCESS_DETACH)
        auth_identity_clear();
    return TRUE;
}
