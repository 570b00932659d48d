/*
 * The table behind every HBC.  An HBC is a token: a slot index and the slot's
 * generation packed into a pointer-sized integer, never a pointer.  Looking one up
 * is O(1) and reads only the table, so a never-issued value, a pointer into the
 * caller's memory or an ended handle is rejected without touching anything else.
 *
 * Objects are reference counted (as Wine's winhttp handles are): a lookup returns a
 * referenced object, removing a handle clears its slot under the lock, and the last
 * release destroys the object, so a call in flight on another thread never touches
 * freed memory.  Freed slots go to the back of a FIFO queue and their generation is
 * bumped, so a slot is reused as late as possible and an ended handle can never
 * name a newer context; a slot whose generation would wrap is retired for good.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_HANDLE_TABLE_H
#define NTDSBCLI_HANDLE_TABLE_H

#include "portable.h"

enum context_kind
{
    CONTEXT_BACKUP = 1,
    CONTEXT_RESTORE = 2
};

struct context_header
{
    LONG refcount;
    enum context_kind kind;
    void (*destroy)(struct context_header *context);
    SRWLOCK lock;           /* serialises the calls made on one handle */
    int ended;              /* set under the lock when the handle is ended */
};

/* A tag in the top bits keeps handles out of the user-mode address range, so that
 * no handle ever equals a pointer into the caller's memory: on x86-64 user
 * addresses stay below 2^47; on i686 below 2^31 (unless the process is large
 * address aware, docs/behaviour.md). */
#if UINTPTR_MAX > 0xffffffffu
#define HANDLE_INDEX_BITS 24
#define HANDLE_GENERATION_BITS 32
#define HANDLE_TAG ((uintptr_t)0xB5 << 56)
#else
#define HANDLE_INDEX_BITS 20
#define HANDLE_GENERATION_BITS 11
#define HANDLE_TAG ((uintptr_t)1 << 31)
#endif
#define HANDLE_MAX_SLOTS ((size_t)1 << HANDLE_INDEX_BITS)

/* Sets the header's reference count to 1 (the table's own reference). */
void context_init(struct context_header *context, enum context_kind kind,
                  void (*destroy)(struct context_header *));
void context_addref(struct context_header *context);
void context_release(struct context_header *context);

/* Publishes a fully built context.  On success the table owns the caller's
 * reference.  Fails with ERROR_NOT_ENOUGH_MEMORY when no slot can be had. */
HRESULT handle_table_insert(struct context_header *context, uintptr_t *handle);
/* Returns the context with a new reference, or NULL if the handle is not a live
 * handle of this kind. */
struct context_header *handle_table_lookup(uintptr_t handle, enum context_kind kind);
/* Unpublishes the handle and returns the table's reference, or NULL. */
struct context_header *handle_table_remove(uintptr_t handle, enum context_kind kind);
size_t handle_table_live_count(void);

/* Looks the handle up, takes a reference and the context's lock.  Returns NULL,
 * with nothing held, for anything but a live handle of this kind (including one
 * ended by another thread while this call waited for the lock). */
struct context_header *context_acquire(uintptr_t handle, enum context_kind kind);
/* Drops the lock and the reference context_acquire took. */
void context_unlock_release(struct context_header *context);
/* Ends a handle: unpublishes it, then, under the context's lock, marks the context
 * ended and calls on_end (may be NULL) to release what it holds.  Calls in flight
 * keep the memory alive through their references.  FALSE if not a live handle. */
BOOL context_end(uintptr_t handle, enum context_kind kind, void (*on_end)(struct context_header *));

#endif
