/*
 * Name index: open addressing with linear probing, at most half full (see
 * name_index.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "name_index.h"
#include "memory.h"

/* FNV-1a over the ASCII-upper-cased characters, both bytes of each. */
static size_t hash_name(const WCHAR *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (; *name; name++)
    {
        WCHAR c = wchar_upper_ascii(*name);
        h = (h ^ (c & 0xff)) * 0x100000001b3ULL;
        h = (h ^ (c >> 8)) * 0x100000001b3ULL;
    }
    return (size_t)(h ^ (h >> 32));
}

void name_index_init(struct name_index *index)
{
    memset(index, 0, sizeof(*index));
}

void name_index_free(struct name_index *index)
{
    mem_free(index->slots);
    name_index_init(index);
}

long name_index_find(const struct name_index *index, const WCHAR *name, name_of_fn name_of, const void *owner)
{
    size_t hash, i, mask = index->capacity - 1;

    if (!index->count) return -1;
    hash = hash_name(name);
    for (i = hash & mask; index->slots[i].id_plus_one; i = (i + 1) & mask)
    {
        size_t id = index->slots[i].id_plus_one - 1;
        if (index->slots[i].hash == hash && wstr_equal_nocase(name_of(owner, id), name)) return (long)id;
    }
    return -1;
}

static void place(struct name_index_slot *slots, size_t capacity, size_t id_plus_one, size_t hash)
{
    size_t i;

    for (i = hash & (capacity - 1); slots[i].id_plus_one; i = (i + 1) & (capacity - 1)) ;
    slots[i].id_plus_one = id_plus_one;
    slots[i].hash = hash;
}

static BOOL grow(struct name_index *index)
{
    size_t capacity = index->capacity ? index->capacity * 2 : 64, i;
    struct name_index_slot *slots;

    if (capacity > ((size_t)-1) / sizeof(*slots) || !(slots = mem_alloc_zero(capacity * sizeof(*slots))))
        return FALSE;
    for (i = 0; i < index->capacity; i++)
        if (index->slots[i].id_plus_one)
            place(slots, capacity, index->slots[i].id_plus_one, index->slots[i].hash);
    mem_free(index->slots);
    index->slots = slots;
    index->capacity = capacity;
    return TRUE;
}

BOOL name_index_add(struct name_index *index, size_t id, const WCHAR *name)
{
    if (2 * (index->count + 1) > index->capacity && !grow(index)) return FALSE;
    place(index->slots, index->capacity, id + 1, hash_name(name));
    index->count++;
    return TRUE;
}
