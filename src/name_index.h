/*
 * An index of names, ignoring ASCII case, for the files a backup context has
 * listed: finding the file an attachment name refers to, and whether a name was
 * listed already, costs the same with 20,000 logs as with 3.
 *
 * The index holds ids and hashes only; the names stay with their owner, which
 * the index asks for them through name_of.  Pure code: it builds natively too.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_NAME_INDEX_H
#define NTDSBCLI_NAME_INDEX_H

#include "portable.h"

typedef const WCHAR *(*name_of_fn)(const void *owner, size_t id);

struct name_index_slot
{
    size_t id_plus_one;      /* 0: free */
    size_t hash;
};

struct name_index
{
    struct name_index_slot *slots;
    size_t capacity;         /* 0 or a power of two */
    size_t count;
};

void name_index_init(struct name_index *index);
void name_index_free(struct name_index *index);
/* The id of the name equal to NAME ignoring ASCII case, or -1. */
long name_index_find(const struct name_index *index, const WCHAR *name, name_of_fn name_of, const void *owner);
/* Adds ID, whose name NAME is not in the index yet.  FALSE (and the index as it
 * was) when memory runs out. */
BOOL name_index_add(struct name_index *index, size_t id, const WCHAR *name);

#endif
