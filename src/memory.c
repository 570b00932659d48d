/*
 * The DLL's allocator: the process heap on Windows, malloc natively.  Each call is a
 * fault-injection point.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "memory.h"
#include "fault.h"

static long mem_live;

void *mem_alloc(size_t size)
{
    void *p;

    if (fault_should_fail(FAULT_ALLOC)) return NULL;
#ifdef _WIN32
    p = HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
#else
    p = malloc(size ? size : 1);
#endif
    if (p) __atomic_add_fetch(&mem_live, 1, __ATOMIC_RELAXED);
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
    void *q;

    if (!p) return mem_alloc(size);
    if (fault_should_fail(FAULT_ALLOC)) return NULL;
#ifdef _WIN32
    q = HeapReAlloc(GetProcessHeap(), 0, p, size ? size : 1);
#else
    q = realloc(p, size ? size : 1);
#endif
    return q;
}

void mem_free(void *p)
{
    if (!p) return;
    __atomic_sub_fetch(&mem_live, 1, __ATOMIC_RELAXED);
#ifdef _WIN32
    HeapFree(GetProcessHeap(), 0, p);
#else
    free(p);
#endif
}

long mem_live_count(void)
{
    return __atomic_load_n(&mem_live, __ATOMIC_RELAXED);
}
