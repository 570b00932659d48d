/*
 * The DLL's allocator (see memory.h): the process heap.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "portable.h"
#include "memory.h"
#include "fault.h"

static LONG mem_live;

void *mem_alloc(size_t size)
{
    void *p;

    if (fault_should_fail(FAULT_ALLOC)) return NULL;
    if ((p = HeapAlloc(GetProcessHeap(), 0, size ? size : 1))) InterlockedIncrement(&mem_live);
    return p;
}

void *mem_alloc_zero(size_t size)
{
    void *p = mem_alloc(size);
    if (p) memset(p, 0, size);
    return p;
}

void *mem_realloc(void *p, size_t size)
{
    if (!p) return mem_alloc(size);
    if (fault_should_fail(FAULT_ALLOC)) return NULL;
    return HeapReAlloc(GetProcessHeap(), 0, p, size ? size : 1);
}

void mem_free(void *p)
{
    if (!p) return;
    InterlockedDecrement(&mem_live);
    HeapFree(GetProcessHeap(), 0, p);
}

long mem_live_count(void)
{
    return InterlockedCompareExchange(&mem_live, 0, 0);
}
