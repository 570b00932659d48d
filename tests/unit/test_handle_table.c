/*
 * Unit tests of the handle table: tokens, generations, FIFO reuse, reference
 * counting, growth, allocation failure, a race of lookups against removal, and
 * context_acquire/context_end keeping the calls on one handle one at a time.
 *
 * The table is process-wide, so every test removes what it inserted and checks that
 * the live count is back where it started.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <pthread.h>
#include <stdlib.h>
#include "unit.h"
#include "handle_table.h"

#define INDEX_OF(h) ((h) & (uintptr_t)(HANDLE_MAX_SLOTS - 1))
/* The generation field alone: between the index below and the tag above. */
#define GENERATION_OF(h) (((h) >> HANDLE_INDEX_BITS) & ((((uintptr_t)1) << HANDLE_GENERATION_BITS) - 1))

#define MAGIC_ALIVE 0x414c4956
#define MAGIC_DEAD 0x44454144

struct test_context
{
    struct context_header header;
    int magic;
    long destroyed;            /* times destroy ran */
    long refcount_at_destroy;
};

/* Marks the context dead instead of freeing it, so that a use after the last
 * release is seen even in the plain build; tests free it themselves. */
static void test_context_destroy(struct context_header *header)
{
    struct test_context *ctx = (struct test_context *)header;
    ctx->refcount_at_destroy = __atomic_load_n(&header->refcount, __ATOMIC_SEQ_CST);
    __atomic_store_n(&ctx->magic, MAGIC_DEAD, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&ctx->destroyed, 1, __ATOMIC_SEQ_CST);
}

static struct test_context *new_context(enum context_kind kind)
{
    struct test_context *ctx = calloc(1, sizeof(*ctx));
    assert_non_null(ctx);
    context_init(&ctx->header, kind, test_context_destroy);
    ctx->magic = MAGIC_ALIVE;
    return ctx;
}

static uintptr_t insert_ok(struct test_context *ctx)
{
    uintptr_t handle = 0;
    assert_hr(handle_table_insert(&ctx->header, &handle), S_OK);
    /* Never 0, never a small integer: the generation part is never 0. */
    if (GENERATION_OF(handle) == 0) fail_msg("handle %#llx has generation 0", (unsigned long long)handle);
    /* Never a user-mode address: the tag keeps it above them. */
    if ((handle & HANDLE_TAG) != HANDLE_TAG) fail_msg("handle %#llx has no tag", (unsigned long long)handle);
#if UINTPTR_MAX > 0xffffffffu
    if (handle < ((uintptr_t)1 << 47)) fail_msg("handle %#llx is in the user address range", (unsigned long long)handle);
#endif
    return handle;
}

/* Removes the handle, drops the table's reference and frees the context. */
static void remove_and_free(uintptr_t handle, struct test_context *ctx)
{
    struct context_header *removed = handle_table_remove(handle, ctx->header.kind);
    assert_ptr_equal(removed, &ctx->header);
    context_release(removed);
    assert_int_equal(ctx->destroyed, 1);
    assert_int_equal(ctx->refcount_at_destroy, 0);
    free(ctx);
}

static void test_insert_lookup_remove(void **state)
{
    size_t live = handle_table_live_count();
    struct test_context *ctx = new_context(CONTEXT_BACKUP);
    struct context_header *found;
    uintptr_t handle = insert_ok(ctx);
    (void)state;

    /* insert_ok's "generation is never 0" check sees the generation alone: a
     * value with the tag and an index but generation 0 reads as 0. */
    assert_true(GENERATION_OF(HANDLE_TAG | 5) == 0);
    assert_true(GENERATION_OF(HANDLE_TAG | ((uintptr_t)3 << HANDLE_INDEX_BITS) | 5) == 3);

    assert_int_equal(handle_table_live_count(), live + 1);
    assert_int_equal(ctx->header.refcount, 1);

    found = handle_table_lookup(handle, CONTEXT_BACKUP);
    assert_ptr_equal(found, &ctx->header);
    assert_int_equal(ctx->header.refcount, 2);
    context_release(found);
    assert_int_equal(ctx->header.refcount, 1);
    assert_int_equal(ctx->destroyed, 0);

    found = handle_table_remove(handle, CONTEXT_BACKUP);
    assert_ptr_equal(found, &ctx->header);
    assert_int_equal(ctx->header.refcount, 1);        /* the table's reference, handed over */
    assert_int_equal(handle_table_live_count(), live);
    assert_null(handle_table_lookup(handle, CONTEXT_BACKUP));
    assert_null(handle_table_remove(handle, CONTEXT_BACKUP));
    assert_int_equal(ctx->destroyed, 0);

    context_release(found);
    assert_int_equal(ctx->destroyed, 1);
    free(ctx);
}

static void test_kind_is_checked(void **state)
{
    size_t live = handle_table_live_count();
    struct test_context *backup = new_context(CONTEXT_BACKUP);
    struct test_context *restore = new_context(CONTEXT_RESTORE);
    uintptr_t hb = insert_ok(backup), hr = insert_ok(restore);
    struct context_header *found;
    (void)state;

    assert_int_not_equal(hb, hr);
    assert_null(handle_table_lookup(hb, CONTEXT_RESTORE));
    assert_null(handle_table_lookup(hr, CONTEXT_BACKUP));
    assert_null(handle_table_remove(hb, CONTEXT_RESTORE));
    assert_null(handle_table_remove(hr, CONTEXT_BACKUP));
    assert_int_equal(handle_table_live_count(), live + 2);
    assert_int_equal(backup->header.refcount, 1);
    assert_int_equal(restore->header.refcount, 1);

    found = handle_table_lookup(hr, CONTEXT_RESTORE);
    assert_ptr_equal(found, &restore->header);
    context_release(found);

    remove_and_free(hb, backup);
    remove_and_free(hr, restore);
    assert_int_equal(handle_table_live_count(), live);
}

static void expect_rejected(uintptr_t value, uintptr_t live_handle)
{
    if (value == live_handle) return;
    if (handle_table_lookup(value, CONTEXT_BACKUP) || handle_table_lookup(value, CONTEXT_RESTORE)
            || handle_table_remove(value, CONTEXT_BACKUP) || handle_table_remove(value, CONTEXT_RESTORE))
        fail_msg("handle %#llx accepted; the only live handle is %#llx", (unsigned long long)value,
                 (unsigned long long)live_handle);
}

static void test_bad_handles_rejected(void **state)
{
    size_t live = handle_table_live_count();
    struct test_context *ctx = new_context(CONTEXT_BACKUP);
    uintptr_t handle = insert_ok(ctx), value;
    void *heap = malloc(16);
    int local = 0;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned i;
    (void)state;

    expect_rejected(0, handle);
    for (value = 1; value < 4096; value++) expect_rejected(value, handle);
    expect_rejected(UINTPTR_MAX, handle);
    expect_rejected(UINTPTR_MAX - 1, handle);
    expect_rejected((uintptr_t)-4096, handle);
    expect_rejected((uintptr_t)&local, handle);
    expect_rejected((uintptr_t)heap, handle);
    expect_rejected((uintptr_t)ctx, handle);
    expect_rejected((uintptr_t)&ctx->header, handle);
    expect_rejected((uintptr_t)test_bad_handles_rejected, handle);
    /* Near misses of the live handle: other slot, other generation, stray high bits. */
    expect_rejected(handle + 1, handle);
    expect_rejected(handle - 1, handle);
    expect_rejected(handle ^ ((uintptr_t)1 << HANDLE_INDEX_BITS), handle);
    expect_rejected(handle + ((uintptr_t)1 << HANDLE_INDEX_BITS), handle);
    expect_rejected(INDEX_OF(handle), handle);                       /* generation 0 */
    expect_rejected(handle ^ ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1)), handle);
#if UINTPTR_MAX > 0xffffffffu
    expect_rejected(handle ^ ((uintptr_t)1 << (HANDLE_INDEX_BITS + HANDLE_GENERATION_BITS)), handle);
#endif
    expect_rejected(((uintptr_t)1 << HANDLE_INDEX_BITS) | (HANDLE_MAX_SLOTS - 1), handle);
    for (i = 0; i < 100000; i++)
    {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        expect_rejected((uintptr_t)x, handle);
    }

    assert_int_equal(handle_table_live_count(), live + 1);
    assert_int_equal(ctx->header.refcount, 1);
    free(heap);
    remove_and_free(handle, ctx);
}

/* Inserts fresh contexts until one lands in the given slot; returns how many were
 * inserted before it.  The fillers are stored in fill[] / fill_handles[]. */
static size_t insert_until_slot(uintptr_t index, struct test_context **fill, uintptr_t *fill_handles,
                                size_t max, uintptr_t *reused_handle, struct test_context **reused)
{
    size_t n = 0;
    for (;;)
    {
        struct test_context *ctx = new_context(CONTEXT_BACKUP);
        uintptr_t handle = insert_ok(ctx);
        if (INDEX_OF(handle) == index)
        {
            *reused_handle = handle;
            *reused = ctx;
            return n;
        }
        assert_true(n < max);
        fill[n] = ctx;
        fill_handles[n] = handle;
        n++;
    }
}

#define MAX_FILL 300000

static void test_stale_handle_after_reuse(void **state)
{
    size_t live = handle_table_live_count(), n, i;
    struct test_context *old = new_context(CONTEXT_BACKUP), *fresh;
    struct test_context **fill = malloc(MAX_FILL * sizeof(*fill));
    uintptr_t *fill_handles = malloc(MAX_FILL * sizeof(*fill_handles));
    uintptr_t stale = insert_ok(old), reused;
    (void)state;

    assert_non_null(fill);
    assert_non_null(fill_handles);
    remove_and_free(stale, old);

    n = insert_until_slot(INDEX_OF(stale), fill, fill_handles, MAX_FILL, &reused, &fresh);
    assert_int_not_equal(reused, stale);
    assert_int_equal(GENERATION_OF(reused), GENERATION_OF(stale) + 1);

    /* The ended handle names nothing, even though its slot is live again. */
    assert_null(handle_table_lookup(stale, CONTEXT_BACKUP));
    assert_null(handle_table_remove(stale, CONTEXT_BACKUP));
    assert_int_equal(fresh->header.refcount, 1);
    {
        struct context_header *found = handle_table_lookup(reused, CONTEXT_BACKUP);
        assert_ptr_equal(found, &fresh->header);
        context_release(found);
    }
    for (i = 0; i < n; i++) remove_and_free(fill_handles[i], fill[i]);
    remove_and_free(reused, fresh);
    assert_int_equal(handle_table_live_count(), live);
    free(fill);
    free(fill_handles);
}

static void test_fifo_reuse(void **state)
{
    size_t live = handle_table_live_count(), n, i;
    struct test_context *a = new_context(CONTEXT_BACKUP), *b = new_context(CONTEXT_RESTORE);
    struct test_context *c = new_context(CONTEXT_BACKUP), *ra, *rb, *rc, *extra;
    struct test_context **fill = malloc(MAX_FILL * sizeof(*fill));
    uintptr_t *fill_handles = malloc(MAX_FILL * sizeof(*fill_handles));
    uintptr_t ha = insert_ok(a), hb = insert_ok(b), hc = insert_ok(c), hra, hrb, hrc, hextra = 0;
    uintptr_t ia = INDEX_OF(ha), ib = INDEX_OF(hb), ic = INDEX_OF(hc);
    (void)state;

    assert_non_null(fill);
    assert_non_null(fill_handles);
    assert_int_equal(live, 0);   /* so every other slot of the table is free */
    remove_and_free(ha, a);
    remove_and_free(hb, b);
    remove_and_free(hc, c);

    /* Freed slots go to the back of the queue: the table hands out every other free
     * slot (at least 61 of the first 64) before the first of them, and then gives them
     * back in the order they were freed. */
    n = insert_until_slot(ia, fill, fill_handles, MAX_FILL, &hra, &ra);
    assert_true(n >= 61);
    for (i = 0; i < n; i++)
    {
        assert_int_not_equal(INDEX_OF(fill_handles[i]), ib);
        assert_int_not_equal(INDEX_OF(fill_handles[i]), ic);
    }
    rb = new_context(CONTEXT_BACKUP);
    hrb = insert_ok(rb);
    assert_int_equal(INDEX_OF(hrb), ib);
    rc = new_context(CONTEXT_BACKUP);
    hrc = insert_ok(rc);
    assert_int_equal(INDEX_OF(hrc), ic);

    /* And the queue is now empty: the next insert must grow the table. */
    extra = new_context(CONTEXT_BACKUP);
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_hr(handle_table_insert(&extra->header, &hextra), ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(fault_count(FAULT_ALLOC), 1);
    assert_int_equal(hextra, 0);
    fault_disarm_all();
    assert_int_equal(handle_table_live_count(), n + 3);
    hextra = insert_ok(extra);

    for (i = 0; i < n; i++) remove_and_free(fill_handles[i], fill[i]);
    remove_and_free(hra, ra);
    remove_and_free(hrb, rb);
    remove_and_free(hrc, rc);
    remove_and_free(hextra, extra);
    assert_int_equal(handle_table_live_count(), live);
    free(fill);
    free(fill_handles);
}

static void test_insert_fails_when_growth_fails(void **state)
{
    size_t live = handle_table_live_count(), n = 0, i;
    long injected = fault_injected_total();
    struct test_context **fill = malloc(MAX_FILL * sizeof(*fill));
    uintptr_t *fill_handles = malloc(MAX_FILL * sizeof(*fill_handles));
    struct test_context *ctx;
    uintptr_t handle;
    HRESULT hr;
    (void)state;

    assert_non_null(fill);
    assert_non_null(fill_handles);
    /* Inserting needs no allocation until the table is full; the one that must grow
     * it meets the injected failure. */
    fault_arm(FAULT_ALLOC, 1, 0);
    for (;;)
    {
        ctx = new_context(CONTEXT_RESTORE);
        handle = 0;
        hr = handle_table_insert(&ctx->header, &handle);
        if (hr != S_OK) break;
        assert_true(n < MAX_FILL);
        assert_int_equal(fault_count(FAULT_ALLOC), 0);
        fill[n] = ctx;
        fill_handles[n++] = handle;
    }
    assert_hr(hr, ERROR_NOT_ENOUGH_MEMORY);
    assert_int_equal(handle, 0);
    assert_int_equal(fault_count(FAULT_ALLOC), 1);
    assert_int_equal(fault_injected_total(), injected + 1);
    assert_int_equal(handle_table_live_count(), live + n);
    assert_int_equal(ctx->header.refcount, 1);
    assert_int_equal(ctx->destroyed, 0);

    /* The failure is clean: every live handle still works, and the next try grows. */
    handle = insert_ok(ctx);
    assert_int_equal(fault_count(FAULT_ALLOC), 2);
    for (i = 0; i < n; i++)
    {
        struct context_header *found = handle_table_lookup(fill_handles[i], CONTEXT_RESTORE);
        assert_ptr_equal(found, &fill[i]->header);
        context_release(found);
        remove_and_free(fill_handles[i], fill[i]);
    }
    remove_and_free(handle, ctx);
    assert_int_equal(handle_table_live_count(), live);
    free(fill);
    free(fill_handles);
}

#define MANY 100000

static void test_growth_to_many_live_contexts(void **state)
{
    size_t live = handle_table_live_count(), i;
    struct test_context **ctx = malloc(MANY * sizeof(*ctx));
    uintptr_t *handles = malloc(MANY * sizeof(*handles));
    unsigned char *seen = calloc(HANDLE_MAX_SLOTS, 1);
    (void)state;

    assert_non_null(ctx);
    assert_non_null(handles);
    assert_non_null(seen);
    for (i = 0; i < MANY; i++)
    {
        ctx[i] = new_context(i % 3 ? CONTEXT_BACKUP : CONTEXT_RESTORE);
        handles[i] = insert_ok(ctx[i]);
        assert_int_equal(seen[INDEX_OF(handles[i])], 0);   /* no slot given out twice */
        seen[INDEX_OF(handles[i])] = 1;
    }
    assert_int_equal(handle_table_live_count(), live + MANY);
    for (i = 0; i < MANY; i++)
    {
        struct context_header *found = handle_table_lookup(handles[i], ctx[i]->header.kind);
        if (found != &ctx[i]->header)
            fail_msg("handle %lu (%#llx): got %p, expected %p", (unsigned long)i, (unsigned long long)handles[i],
                     (void *)found, (void *)&ctx[i]->header);
        context_release(found);
    }
    for (i = 0; i < MANY; i++) remove_and_free(handles[i], ctx[i]);
    assert_int_equal(handle_table_live_count(), live);
    for (i = 0; i < MANY; i += 997) assert_null(handle_table_lookup(handles[i], CONTEXT_BACKUP));
    free(ctx);
    free(handles);
    free(seen);
}

static void test_last_release_destroys_once(void **state)
{
    struct test_context *ctx = new_context(CONTEXT_BACKUP);
    uintptr_t handle = insert_ok(ctx);
    struct context_header *ref1, *ref2, *table_ref;
    (void)state;

    ref1 = handle_table_lookup(handle, CONTEXT_BACKUP);
    ref2 = handle_table_lookup(handle, CONTEXT_BACKUP);
    assert_ptr_equal(ref1, &ctx->header);
    assert_ptr_equal(ref2, &ctx->header);
    assert_int_equal(ctx->header.refcount, 3);

    table_ref = handle_table_remove(handle, CONTEXT_BACKUP);
    assert_ptr_equal(table_ref, &ctx->header);
    /* Unpublished at once, even with references outstanding. */
    assert_null(handle_table_lookup(handle, CONTEXT_BACKUP));
    context_release(table_ref);
    assert_int_equal(ctx->destroyed, 0);
    context_release(ref1);
    assert_int_equal(ctx->destroyed, 0);
    assert_int_equal(ctx->magic, MAGIC_ALIVE);
    context_release(ref2);
    assert_int_equal(ctx->destroyed, 1);
    assert_int_equal(ctx->refcount_at_destroy, 0);
    assert_int_equal(ctx->magic, MAGIC_DEAD);
    free(ctx);
}

/* --- the race: lookups and removals on several threads --------------------------- */

#define RACE_THREADS 4
#define RACE_ROUNDS 100

struct race
{
    uintptr_t handle;
    struct test_context *ctx;
    long started;           /* threads that have done their first lookup */
    long removals;          /* successful removes, all threads */
    long errors;            /* a dead context seen, or a wrong pointer */
    long lookups_ok;
};

static void *race_thread(void *arg)
{
    struct race *race = arg;
    int counted = 0, i;

    for (i = 0; i < 200000; i++)
    {
        struct context_header *found = handle_table_lookup(race->handle, CONTEXT_BACKUP);
        if (!counted)
        {
            __atomic_add_fetch(&race->started, 1, __ATOMIC_SEQ_CST);
            counted = 1;
        }
        if (handle_table_lookup(race->handle, CONTEXT_RESTORE))
            __atomic_add_fetch(&race->errors, 1, __ATOMIC_SEQ_CST);
        if (!found) break;
        if (found != &race->ctx->header
                || __atomic_load_n(&race->ctx->magic, __ATOMIC_SEQ_CST) != MAGIC_ALIVE
                || __atomic_load_n(&race->ctx->destroyed, __ATOMIC_SEQ_CST))
            __atomic_add_fetch(&race->errors, 1, __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&race->lookups_ok, 1, __ATOMIC_RELAXED);
        /* Some threads end the handle themselves, as DsBackupEnd on another thread. */
        if (i == 1000 + (int)(race->handle % 7))
        {
            struct context_header *removed = handle_table_remove(race->handle, CONTEXT_BACKUP);
            if (removed)
            {
                __atomic_add_fetch(&race->removals, 1, __ATOMIC_SEQ_CST);
                context_release(removed);
            }
        }
        context_release(found);
    }
    return NULL;
}

static void test_lookup_races_remove(void **state)
{
    size_t live = handle_table_live_count();
    pthread_t threads[RACE_THREADS];
    int round, t;
    long total_lookups = 0;
    (void)state;

    for (round = 0; round < RACE_ROUNDS; round++)
    {
        struct race race = {0};
        struct context_header *removed;

        race.ctx = new_context(CONTEXT_BACKUP);
        race.handle = insert_ok(race.ctx);
        for (t = 0; t < RACE_THREADS; t++)
            assert_int_equal(pthread_create(&threads[t], NULL, race_thread, &race), 0);
        /* Half the rounds remove at once, half once the lookups are in full swing. */
        if (round % 2)
        {
            while (__atomic_load_n(&race.started, __ATOMIC_SEQ_CST) < RACE_THREADS
                    || __atomic_load_n(&race.lookups_ok, __ATOMIC_RELAXED) < 300)
                sched_yield();
        }
        removed = handle_table_remove(race.handle, CONTEXT_BACKUP);
        if (removed)
        {
            __atomic_add_fetch(&race.removals, 1, __ATOMIC_SEQ_CST);
            context_release(removed);
        }
        for (t = 0; t < RACE_THREADS; t++) assert_int_equal(pthread_join(threads[t], NULL), 0);

        assert_int_equal(race.errors, 0);
        assert_int_equal(race.removals, 1);
        assert_int_equal(race.ctx->destroyed, 1);
        assert_int_equal(race.ctx->refcount_at_destroy, 0);
        assert_null(handle_table_lookup(race.handle, CONTEXT_BACKUP));
        total_lookups += race.lookups_ok;
        free(race.ctx);
    }
    assert_int_equal(handle_table_live_count(), live);
    print_message("race: %ld successful lookups over %d rounds\n", total_lookups, RACE_ROUNDS);
}

/* --- context_acquire / context_end: one call at a time on a handle --------------- */

static long on_end_calls;
static struct test_context *on_end_expected;
static int on_end_saw_lock_held, on_end_saw_ended;

static int lock_is_held(struct context_header *context)
{
    if (!TryAcquireSRWLockExclusive(&context->lock)) return 1;
    ReleaseSRWLockExclusive(&context->lock);
    return 0;
}

static void record_on_end(struct context_header *context)
{
    on_end_calls++;
    on_end_saw_lock_held = lock_is_held(context);
    on_end_saw_ended = context->ended;
    if (context != &on_end_expected->header) on_end_saw_lock_held = -1;
    if (on_end_expected->destroyed) on_end_saw_lock_held = -2;   /* destroyed before on_end */
}

static void test_acquire_and_end(void **state)
{
    size_t live = handle_table_live_count();
    struct test_context *ctx = new_context(CONTEXT_BACKUP);
    uintptr_t handle = insert_ok(ctx);
    struct context_header *got;
    (void)state;

    got = context_acquire(handle, CONTEXT_BACKUP);
    assert_ptr_equal(got, &ctx->header);
    assert_int_equal(ctx->header.refcount, 2);
    assert_true(lock_is_held(got));
    context_unlock_release(got);
    assert_int_equal(ctx->header.refcount, 1);
    assert_false(lock_is_held(&ctx->header));

    assert_null(context_acquire(handle, CONTEXT_RESTORE));
    assert_null(context_acquire(0, CONTEXT_BACKUP));
    assert_null(context_acquire(handle + 1, CONTEXT_BACKUP));
    assert_null(context_acquire(handle ^ ((uintptr_t)1 << HANDLE_INDEX_BITS), CONTEXT_BACKUP));
    assert_int_equal(ctx->header.refcount, 1);
    assert_false(lock_is_held(&ctx->header));

    on_end_calls = 0;
    on_end_expected = ctx;
    assert_false(context_end(handle, CONTEXT_RESTORE, record_on_end));
    assert_false(context_end(handle + 1, CONTEXT_BACKUP, record_on_end));
    assert_int_equal(on_end_calls, 0);
    assert_int_equal(handle_table_live_count(), live + 1);

    /* A reference held elsewhere (a call in flight) keeps the memory alive. */
    got = handle_table_lookup(handle, CONTEXT_BACKUP);
    assert_true(context_end(handle, CONTEXT_BACKUP, record_on_end));
    assert_int_equal(on_end_calls, 1);
    assert_int_equal(on_end_saw_lock_held, 1);
    assert_int_equal(on_end_saw_ended, 1);
    assert_int_equal(ctx->destroyed, 0);
    assert_int_equal(handle_table_live_count(), live);
    assert_null(context_acquire(handle, CONTEXT_BACKUP));
    assert_false(context_end(handle, CONTEXT_BACKUP, record_on_end));
    assert_int_equal(on_end_calls, 1);
    context_release(got);
    assert_int_equal(ctx->destroyed, 1);
    free(ctx);

    /* Without other references, ending destroys; on_end may be NULL. */
    ctx = new_context(CONTEXT_RESTORE);
    handle = insert_ok(ctx);
    assert_true(context_end(handle, CONTEXT_RESTORE, NULL));
    assert_int_equal(ctx->destroyed, 1);
    assert_int_equal(ctx->refcount_at_destroy, 0);
    free(ctx);
    assert_int_equal(handle_table_live_count(), live);
}

#define SERIAL_THREADS 4
#define SERIAL_ROUNDS 60

struct serial
{
    uintptr_t handle;
    struct test_context *ctx;
    long in_call;           /* threads inside an acquired section: never more than 1 */
    long calls;
    long errors;
    long on_end_calls;
    long started;
};
static struct serial *serial_current;

static void serial_on_end(struct context_header *context)
{
    struct serial *serial = serial_current;
    if (__atomic_load_n(&serial->in_call, __ATOMIC_SEQ_CST) != 0 || context != &serial->ctx->header)
        __atomic_add_fetch(&serial->errors, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&serial->on_end_calls, 1, __ATOMIC_SEQ_CST);
}

static void *serial_thread(void *arg)
{
    struct serial *serial = arg;
    int i;

    __atomic_add_fetch(&serial->started, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < 20000; i++)
    {
        struct context_header *context = context_acquire(serial->handle, CONTEXT_BACKUP);
        if (!context) break;
        if (__atomic_add_fetch(&serial->in_call, 1, __ATOMIC_SEQ_CST) != 1
                || context->ended || __atomic_load_n(&serial->on_end_calls, __ATOMIC_SEQ_CST)
                || __atomic_load_n(&serial->ctx->magic, __ATOMIC_SEQ_CST) != MAGIC_ALIVE)
            __atomic_add_fetch(&serial->errors, 1, __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&serial->calls, 1, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&serial->in_call, 1, __ATOMIC_SEQ_CST);
        context_unlock_release(context);
    }
    return NULL;
}

static void test_acquire_races_end(void **state)
{
    size_t live = handle_table_live_count();
    pthread_t threads[SERIAL_THREADS];
    int round, t;
    long calls = 0;
    (void)state;

    for (round = 0; round < SERIAL_ROUNDS; round++)
    {
        struct serial serial = {0};
        serial.ctx = new_context(CONTEXT_BACKUP);
        serial.handle = insert_ok(serial.ctx);
        serial_current = &serial;
        for (t = 0; t < SERIAL_THREADS; t++)
            assert_int_equal(pthread_create(&threads[t], NULL, serial_thread, &serial), 0);
        while (__atomic_load_n(&serial.started, __ATOMIC_SEQ_CST) < SERIAL_THREADS
                || __atomic_load_n(&serial.calls, __ATOMIC_RELAXED) < (round % 3) * 200)
            sched_yield();
        assert_true(context_end(serial.handle, CONTEXT_BACKUP, serial_on_end));
        for (t = 0; t < SERIAL_THREADS; t++) assert_int_equal(pthread_join(threads[t], NULL), 0);

        assert_int_equal(serial.errors, 0);
        assert_int_equal(serial.on_end_calls, 1);
        assert_int_equal(serial.ctx->destroyed, 1);
        assert_int_equal(serial.ctx->refcount_at_destroy, 0);
        assert_null(context_acquire(serial.handle, CONTEXT_BACKUP));
        calls += serial.calls;
        free(serial.ctx);
    }
    assert_int_equal(handle_table_live_count(), live);
    print_message("acquire/end: %ld calls over %d rounds\n", calls, SERIAL_ROUNDS);
}

/* The table's slot array lives for the whole process: make it exist before the
 * first test measures the allocator. */
static int prime_table(void **state)
{
    struct test_context *ctx = new_context(CONTEXT_BACKUP);
    uintptr_t handle = 0;
    (void)state;
    if (handle_table_insert(&ctx->header, &handle) != S_OK) return -1;
    context_release(handle_table_remove(handle, CONTEXT_BACKUP));
    free(ctx);
    return handle_table_live_count() == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_insert_lookup_remove),
        UNIT_TEST(test_kind_is_checked),
        UNIT_TEST(test_bad_handles_rejected),
        UNIT_TEST(test_stale_handle_after_reuse),
        UNIT_TEST(test_fifo_reuse),
        UNIT_TEST(test_insert_fails_when_growth_fails),
        UNIT_TEST(test_growth_to_many_live_contexts),
        UNIT_TEST(test_last_release_destroys_once),
        UNIT_TEST(test_lookup_races_remove),
        UNIT_TEST(test_acquire_and_end),
        UNIT_TEST(test_acquire_races_end),
    };
    return cmocka_run_group_tests_name("handle_table", tests, prime_table, NULL);
}
