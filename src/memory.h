/*
 * The one allocator of the DLL.  Every allocation goes through it so that tests can
 * make the N-th one fail (see fault.h), and so that DsBackupFree matches it.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_MEMORY_H
#define NTDSBCLI_MEMORY_H

#include <stddef.h>

void *mem_alloc(size_t size);
void *mem_alloc_zero(size_t size);
void *mem_realloc(void *p, size_t size);
void mem_free(void *p);
/* Number of live allocations: the fault-injection tests check it for leaks. */
long mem_live_count(void);

#endif
