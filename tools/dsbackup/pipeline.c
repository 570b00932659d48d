/*
 * The data of one file through dsbackup: read, hashed and, for a copy, written,
 * on two threads at once (dsbackup.h, "pipeline").
 *
 * A reader thread fills the buffers of a ring in order; this thread takes them
 * in the same order.  For a copy, the reader also hashes each buffer right after
 * reading it, while it is still in its core's cache, and this thread writes it:
 * hashing (about 1.5 GB/s with the SHA extensions) and writing (a copy into the
 * page cache, about 1.3 GB/s under Wine) are the two slow stages, and they run
 * on different cores.  Without a copy (verify, the read-back of a restore) this
 * thread hashes while the reader reads.  A buffer is filled again once this
 * thread is done with it, so at most PIPELINE_DEPTH buffers are in flight,
 * whatever the file's size.
 *
 * Two threads, not one per stage: a third one, measured, was slower on a busy
 * 2-core machine (each buffer then crosses between cores twice, and every
 * hand-over is one more trip through the scheduler).
 *
 * The threads hand the buffers to each other through two counters under one
 * lock and two condition variables, which Wine implements in the process
 * (futexes): a semaphore or an event would cost a round trip to the wineserver
 * per buffer on each side.  A thread is woken only when it sleeps waiting.
 *
 * A file of at most one buffer gains nothing from a thread and takes none: one
 * read, hash and write in turn (many small logs stay cheap).  So does every file
 * in the benchmark's build with DSBACKUP_SEQUENTIAL_COPY (tests/bench/bench.mk),
 * which measures what the overlap gains; the program that ships has no switch.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "dsbackup.h"

struct pipeline_run
{
    struct pipeline *pipeline;
    BYTE **buffers;
    DWORD got[PIPELINE_DEPTH];      /* bytes in each buffer */
    SRWLOCK lock;
    CONDITION_VARIABLE filled_changed, taken_changed;
    BOOL consumer_waiting, reader_waiting;
    /* Counts of buffers since the start, under the lock: buffer N of the file is
     * buffers[N % PIPELINE_DEPTH]. */
    unsigned filled, taken;
    BOOL reading_done;              /* the reader fills no more */
    BOOL stop;                      /* a write failed: the reader stops */
};

BOOL pipeline_buffers_allocate(struct pipeline_buffers *buffers)
{
    unsigned i;

    for (i = 0; i < PIPELINE_DEPTH; i++)
        if (!(buffers->buffer[i] = malloc(READ_BUFFER_SIZE)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot allocate the copy buffers");
            pipeline_buffers_free(buffers);
            return FALSE;
        }
    return TRUE;
}

void pipeline_buffers_free(struct pipeline_buffers *buffers)
{
    unsigned i;

    for (i = 0; i < PIPELINE_DEPTH; i++)
    {
        free(buffers->buffer[i]);
        buffers->buffer[i] = NULL;
    }
}

static BOOL writes(const struct pipeline *pipeline)
{
    return pipeline->out && pipeline->out != INVALID_HANDLE_VALUE;
}

static void hash_buffer(struct pipeline *pipeline, const BYTE *data, DWORD size)
{
    sha256_update(&pipeline->sha, data, size);
}

/* The last part of a buffer, in order, on this thread: FALSE (write_error set)
 * if its write failed. */
static BOOL finish_buffer(struct pipeline *pipeline, const BYTE *data, DWORD size)
{
    if (writes(pipeline) && !write_all(pipeline->out, data, size))
    {
        pipeline->write_error = GetLastError();
        if (!pipeline->write_error) pipeline->write_error = ERROR_WRITE_FAULT;
        return FALSE;
    }
    pipeline->bytes += size;
    if (pipeline->progress) progress_update(pipeline->progress, pipeline->bytes);
    return TRUE;
}

/* One buffer, read, hashed and written in turn, until the source says it is
 * done or a write fails. */
static void run_in_turn(struct pipeline *pipeline, BYTE *buffer)
{
    BOOL more;
    DWORD got;

    do
    {
        got = 0;
        more = pipeline->read(pipeline->source, buffer, &got);
        hash_buffer(pipeline, buffer, got);
        if (!finish_buffer(pipeline, buffer, got)) return;
    } while (more);
}

/* ---- two threads ------------------------------------------------------------------ */

#ifndef DSBACKUP_SEQUENTIAL_COPY

static void run_changed(struct pipeline_run *run, unsigned *count, BOOL *flag, CONDITION_VARIABLE *changed,
                        const BOOL *waiting)
{
    BOOL wake;

    AcquireSRWLockExclusive(&run->lock);
    if (count) (*count)++;
    if (flag) *flag = TRUE;
    wake = *waiting;
    ReleaseSRWLockExclusive(&run->lock);
    if (wake) WakeConditionVariable(changed);
}

static DWORD WINAPI reader_thread(void *arg)
{
    struct pipeline_run *run = arg;
    struct pipeline *pipeline = run->pipeline;
    BOOL more = TRUE;
    unsigned slot;

    while (more)
    {
        AcquireSRWLockExclusive(&run->lock);
        /* The oldest buffer must be taken before it is filled again. */
        while (!run->stop && run->filled - run->taken >= PIPELINE_DEPTH)
        {
            run->reader_waiting = TRUE;
            SleepConditionVariableSRW(&run->taken_changed, &run->lock, INFINITE, 0);
            run->reader_waiting = FALSE;
        }
        slot = run->filled % PIPELINE_DEPTH;
        more = !run->stop;
        ReleaseSRWLockExclusive(&run->lock);
        if (!more) break;
        run->got[slot] = 0;
        more = pipeline->read(pipeline->source, run->buffers[slot], &run->got[slot]);
        if (writes(pipeline)) hash_buffer(pipeline, run->buffers[slot], run->got[slot]);
        run_changed(run, &run->filled, NULL, &run->filled_changed, &run->consumer_waiting);
    }
    run_changed(run, NULL, &run->reading_done, &run->filled_changed, &run->consumer_waiting);
    return 0;
}

/* This thread's side: every buffer in order, until the reader is done or a
 * write fails; then it waits for the reader, so that nothing reads once it
 * returns. */
static void take_buffers(struct pipeline_run *run, HANDLE reader)
{
    struct pipeline *pipeline = run->pipeline;
    unsigned slot;
    BOOL ready;

    for (;;)
    {
        AcquireSRWLockExclusive(&run->lock);
        while (run->taken == run->filled && !run->reading_done)
        {
            run->consumer_waiting = TRUE;
            SleepConditionVariableSRW(&run->filled_changed, &run->lock, INFINITE, 0);
            run->consumer_waiting = FALSE;
        }
        ready = run->taken != run->filled;
        ReleaseSRWLockExclusive(&run->lock);
        if (!ready) break;
        slot = run->taken % PIPELINE_DEPTH;
        if (!writes(pipeline)) hash_buffer(pipeline, run->buffers[slot], run->got[slot]);
        if (!finish_buffer(pipeline, run->buffers[slot], run->got[slot]))
        {
            run_changed(run, NULL, &run->stop, &run->taken_changed, &run->reader_waiting);
            break;
        }
        run_changed(run, &run->taken, NULL, &run->taken_changed, &run->reader_waiting);
    }
    WaitForSingleObject(reader, INFINITE);
}

static BOOL run_overlapped(struct pipeline *pipeline, BYTE **buffers)
{
    struct pipeline_run run = {0};
    HANDLE reader;

    run.pipeline = pipeline;
    run.buffers = buffers;
    InitializeSRWLock(&run.lock);
    InitializeConditionVariable(&run.filled_changed);
    InitializeConditionVariable(&run.taken_changed);
    if (!(reader = CreateThread(NULL, 0, reader_thread, &run, 0, NULL)))
    {
        report_sys((HRESULT)GetLastError(), "cannot start a thread to read the data");
        return FALSE;
    }
    take_buffers(&run, reader);
    CloseHandle(reader);
    return TRUE;
}
#endif

BOOL pipeline_run(struct pipeline *pipeline, struct pipeline_buffers *buffers)
{
    sha256_init(&pipeline->sha);
    pipeline->bytes = 0;
    pipeline->write_error = 0;
#ifndef DSBACKUP_SEQUENTIAL_COPY
    if (!pipeline->expected || pipeline->expected > READ_BUFFER_SIZE)
        return run_overlapped(pipeline, buffers->buffer);
#endif
    run_in_turn(pipeline, buffers->buffer[0]);
    return TRUE;
}
