/*
 * Fault injection counters (see fault.h); built only into test builds.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include "fault.h"

#ifndef NTDSBCLI_FAULT_INJECTION
#error "fault.c belongs in test builds only (fault.h)"
#endif

static LONG fault_target[FAULT_KIND_COUNT];
static LONG fault_persistent[FAULT_KIND_COUNT];
static LONG fault_seen[FAULT_KIND_COUNT];
static LONG fault_total;
static LONG fault_armed_any;

static LONG read_value(LONG volatile *value)
{
    return InterlockedCompareExchange(value, 0, 0);
}

void fault_arm(enum fault_kind kind, long n, int persistent)
{
    InterlockedExchange(&fault_seen[kind], 0);
    InterlockedExchange(&fault_persistent[kind], persistent);
    InterlockedExchange(&fault_target[kind], n);
    InterlockedExchange(&fault_armed_any, 1);
}

void fault_disarm_all(void)
{
    int i;

    for (i = 0; i < FAULT_KIND_COUNT; i++)
    {
        InterlockedExchange(&fault_target[i], 0);
        InterlockedExchange(&fault_seen[i], 0);
    }
    InterlockedExchange(&fault_armed_any, 0);
}

long fault_count(enum fault_kind kind)
{
    return read_value(&fault_seen[kind]);
}

long fault_injected_total(void)
{
    return read_value(&fault_total);
}

int fault_should_fail(enum fault_kind kind)
{
    LONG seen, target;

    if (!read_value(&fault_armed_any)) return 0;
    seen = InterlockedIncrement(&fault_seen[kind]);
    target = read_value(&fault_target[kind]);
    if (!target || seen < target || (seen > target && !read_value(&fault_persistent[kind]))) return 0;
    InterlockedIncrement(&fault_total);
    return 1;
}
