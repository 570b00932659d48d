/*
 * The handle table (see handle_table.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "handle_table.h"
#include "memory.h"

#define SLOT_NONE ((uint32_t)-1)
#define GENERATION_MASK ((uintptr_t)(((uint64_t)1 << HANDLE_GENERATION_BITS) - 1))
#define INDEX_MASK ((uintptr_t)(HANDLE_MAX_SLOTS - 1))

struct slot
{
    struct context_header *context;   /* NULL when free or retired */
    uint32_t generation;              /* never 0 for a usable slot */
    uint32_t next_free;               /* FIFO link while free */
};

static SRWLOCK table_lock = SRWLOCK_INIT;
static struct slot *slots;
static size_t slot_count, live_count;
static uint32_t free_head = SLOT_NONE, free_tail = SLOT_NONE;

void context_init(struct context_header *context, enum context_kind kind,
                  void (*destroy)(struct context_header *))
{
    context->refcount = 1;
    context->kind = kind;
    context->destroy = destroy;
    context->ended = 0;
    InitializeSRWLock(&context->lock);
}

void context_addref(struct context_header *context)
{
    InterlockedIncrement(&context->refcount);
}

void context_release(struct context_header *context)
{
    if (!InterlockedDecrement(&context->refcount)) context->destroy(context);
}

static uintptr_t make_handle(size_t index, uint32_t generation)
{
    return HANDLE_TAG | ((uintptr_t)generation << HANDLE_INDEX_BITS) | (uintptr_t)index;
}

static void push_free(uint32_t index)
{
    slots[index].next_free = SLOT_NONE;
    if (free_tail == SLOT_NONE) free_head = index;
    else slots[free_tail].next_free = index;
    free_tail = index;
}

static int grow_table(void)
{
    size_t new_count = slot_count ? slot_count * 2 : 64, i;
    struct slot *grown;

    if (slot_count >= HANDLE_MAX_SLOTS) return 0;
    if (new_count > HANDLE_MAX_SLOTS) new_count = HANDLE_MAX_SLOTS;
    if (!(grown = mem_realloc(slots, new_count * sizeof(*slots)))) return 0;
    slots = grown;
    for (i = slot_count; i < new_count; i++)
    {
        slots[i].context = NULL;
        slots[i].generation = 1;
        push_free((uint32_t)i);
    }
    slot_count = new_count;
    return 1;
}

HRESULT handle_table_insert(struct context_header *context, uintptr_t *handle)
{
    uint32_t index;

    AcquireSRWLockExclusive(&table_lock);
    if (free_head == SLOT_NONE && !grow_table())
    {
        ReleaseSRWLockExclusive(&table_lock);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    index = free_head;
    free_head = slots[index].next_free;
    if (free_head == SLOT_NONE) free_tail = SLOT_NONE;
    slots[index].context = context;
    live_count++;
    *handle = make_handle(index, slots[index].generation);
    ReleaseSRWLockExclusive(&table_lock);
    return S_OK;
}

/* Called with the lock held. */
static struct slot *find_slot(uintptr_t handle, enum context_kind kind)
{
    size_t index = handle & INDEX_MASK;
    uintptr_t generation = (handle >> HANDLE_INDEX_BITS) & GENERATION_MASK;
    struct slot *slot;

    if ((handle & ~(INDEX_MASK | (GENERATION_MASK << HANDLE_INDEX_BITS))) != HANDLE_TAG)
        return NULL;                                        /* no tag, or stray bits */
    if (index >= slot_count) return NULL;
    slot = &slots[index];
    if (!slot->context || slot->generation != generation || slot->context->kind != kind)
        return NULL;
    return slot;
}

struct context_header *handle_table_lookup(uintptr_t handle, enum context_kind kind)
{
    struct context_header *context = NULL;
    struct slot *slot;

    AcquireSRWLockExclusive(&table_lock);
    if ((slot = find_slot(handle, kind)))
    {
        context = slot->context;
        context_addref(context);
    }
    ReleaseSRWLockExclusive(&table_lock);
    return context;
}

struct context_header *handle_table_remove(uintptr_t handle, enum context_kind kind)
{
    struct context_header *context = NULL;
    struct slot *slot;

    AcquireSRWLockExclusive(&table_lock);
    if ((slot = find_slot(handle, kind)))
    {
        context = slot->context;
        slot->context = NULL;
        live_count--;
        /* A slot whose generation would wrap is never handed out again. */
        if ((uintptr_t)slot->generation < GENERATION_MASK)
        {
            slot->generation++;
            push_free((uint32_t)(slot - slots));
        }
    }
    ReleaseSRWLockExclusive(&table_lock);
    return context;
}

size_t handle_table_live_count(void)
{
    size_t n;
    AcquireSRWLockExclusive(&table_lock);
    n = live_count;
    ReleaseSRWLockExclusive(&table_lock);
    return n;
}

struct context_header *context_acquire(uintptr_t handle, enum context_kind kind)
{
    struct context_header *context = handle_table_lookup(handle, kind);

    if (!context) return NULL;
    AcquireSRWLockExclusive(&context->lock);
    if (context->ended)
    {
        ReleaseSRWLockExclusive(&context->lock);
        context_release(context);
        return NULL;
    }
    return context;
}

void context_unlock_release(struct context_header *context)
{
    ReleaseSRWLockExclusive(&context->lock);
    context_release(context);
}

BOOL context_end(uintptr_t handle, enum context_kind kind, void (*on_end)(struct context_header *))
{
    struct context_header *context = handle_table_remove(handle, kind);

    if (!context) return FALSE;
    AcquireSRWLockExclusive(&context->lock);
    context->ended = 1;
    if (on_end) on_end(context);
    ReleaseSRWLockExclusive(&context->lock);
    context_release(context);
    return TRUE;
}
