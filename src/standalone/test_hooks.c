/*
 * The test build's extra exports: how the reliability tests drive fault
 * injection (fault.h) in build/<arch>/test/ntdsbcli.dll.  Only that build
 * compiles this file; the DLL that ships has none of it (a check-abi test looks),
 * and neither has Wine's tree.
 *
 * A test finds them with GetProcAddress, arms a fault right before the sequence
 * it walks, and disarms it after.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include "fault.h"

#ifndef NTDSBCLI_FAULT_INJECTION
#error "test_hooks.c belongs in the test build only"
#endif

/* KIND: 0 allocation, 1 open, 2 read, 3 write, 4 registry (enum fault_kind).
 * The N-th operation of that kind from now on fails (N >= 1; 0 disarms it); with
 * PERSISTENT, every one after it too.  FALSE for an unknown kind. */
__declspec(dllexport) BOOL WINAPI ntdsbcli_test_fault_arm(DWORD kind, LONG n, BOOL persistent)
{
    if (kind >= FAULT_KIND_COUNT || n < 0) return FALSE;
    fault_arm((enum fault_kind)kind, n, persistent);
    return TRUE;
}

__declspec(dllexport) void WINAPI ntdsbcli_test_fault_disarm(void)
{
    fault_disarm_all();
}
