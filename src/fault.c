/*
 * Fault injection counters (see fault.h); built only into test builds.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fault.h"

#ifndef NTDSBCLI_FAULT_INJECTION
#error "fault.c belongs in test builds only (fault.h)"
#endif

static long fault_target[FAULT_KIND_COUNT];
static int fault_persistent[FAULT_KIND_COUNT];
static long fault_seen[FAULT_KIND_COUNT];
static long fault_total;
static int fault_armed_any;

void fault_arm(enum fault_kind kind, long n, int persistent)
{
    __atomic_store_n(&fault_seen[kind], 0, __ATOMIC_SEQ_CST);
    fault_persistent[kind] = persistent;
    __atomic_store_n(&fault_target[kind], n, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_armed_any, 1, __ATOMIC_SEQ_CST);
}

void fault_disarm_all(void)
{
    int i;
    for (i = 0; i < FAULT_KIND_COUNT; i++)
    {
        __atomic_store_n(&fault_target[i], 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&fault_seen[i], 0, __ATOMIC_SEQ_CST);
    }
    __atomic_store_n(&fault_armed_any, 0, __ATOMIC_SEQ_CST);
}

long fault_count(enum fault_kind kind)
{
    return __atomic_load_n(&fault_seen[kind], __ATOMIC_SEQ_CST);
}

long fault_injected_total(void)
{
    return __atomic_load_n(&fault_total, __ATOMIC_SEQ_CST);
}

int fault_should_fail(enum fault_kind kind)
{
    long seen, target;

    if (!__atomic_load_n(&fault_armed_any, __ATOMIC_RELAXED)) return 0;
    seen = __atomic_add_fetch(&fault_seen[kind], 1, __ATOMIC_SEQ_CST);
    target = __atomic_load_n(&fault_target[kind], __ATOMIC_SEQ_CST);
    if (!target || seen < target || (seen > target && !fault_persistent[kind])) return 0;
    __atomic_add_fetch(&fault_total, 1, __ATOMIC_SEQ_CST);
    return 1;
}
