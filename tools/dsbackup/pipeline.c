/*
 * The data of one file through dsbackup: read, hashed and, for a copy, written,
 * the three at once (dsbackup.h, "pipeline").
 *
 * A reader thread fills the buffers of a ring in order; this thread hashes each
 * one; a writer thread, for a copy, writes each one.  A buffer is filled again
 * once it is both hashed and written, so at most PIPELINE_DEPTH buffers are in
 * flight, whatever the file's size.  Hashing (about 1.5 GB/s with the SHA
 * extensions, 0.3 GB/s without) and writing (a copy into the page cache, then
 * as fast as the disk takes it) are the two slow stages and run on different
 * threads, so a 2-core machine runs both at full speed; reading from the page
 * cache is several times faster than either and shares the cores with them.
 *
 * The threads hand the buffers to each other through counters under one lock
 * and one condition variable, which Wine implements in the process (futexes): a
 * semaphore or an event would cost a round trip to the wineserver per buffer on
 * each side.
 *
 * A file of at most one buffer gains nothing from threads and takes none: one
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
    CONDITION_VARIABLE changed;
    /* Counts of buffers since the start, under the lock: buffer N of the file is
     * buffers[N % PIPELINE_DEPTH]. */
    unsigned filled, hashed, written;
    BOOL reading_done;              /* the reader fills no more */
    BOOL stop;                      /* a write failed: everyone stops */
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

/* This thread's part of a buffer, in order. */
static void hash_buffer(struct pipeline *pipeline, const BYTE *data, DWORD size)
{
    sha256_update(&pipeline->sha, data, size);
    pipeline->bytes += size;
    if (pipeline->progress) progress_update(pipeline->progress, pipeline->bytes);
}

/* The writer's part; FALSE (pipeline->write_error set) if the write failed. */
static BOOL write_buffer(struct pipeline *pipeline, const BYTE *data, DWORD size)
{
    if (write_all(pipeline->out, data, size)) return TRUE;
    pipeline->write_error = GetLastError();
    if (!pipeline->write_error) pipeline->write_error = ERROR_WRITE_FAULT;
    return FALSE;
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
        if (writes(pipeline) && !write_buffer(pipeline, buffer, got)) return;
    } while (more);
}

/* ---- three threads ------------------------------------------------------------- */

static void run_changed(struct pipeline_run *run, unsigned *count, BOOL *flag)
{
    AcquireSRWLockExclusive(&run->lock);
    if (count) (*count)++;
    if (flag) *flag = TRUE;
    ReleaseSRWLockExclusive(&run->lock);
    WakeAllConditionVariable(&run->changed);
}

static DWORD WINAPI reader_thread(void *arg)
{
    struct pipeline_run *run = arg;
    BOOL more = TRUE;
    unsigned slot;

    while (more)
    {
        AcquireSRWLockExclusive(&run->lock);
        /* The oldest buffer still in use must be done with before it is filled again. */
        while (!run->stop && (run->filled - run->hashed >= PIPELINE_DEPTH
                              || (writes(run->pipeline) && run->filled - run->written >= PIPELINE_DEPTH)))
            SleepConditionVariableSRW(&run->changed, &run->lock, INFINITE, 0);
        slot = run->filled % PIPELINE_DEPTH;
        more = !run->stop;
        ReleaseSRWLockExclusive(&run->lock);
        if (!more) break;
        run->got[slot] = 0;
        more = run->pipeline->read(run->pipeline->source, run->buffers[slot], &run->got[slot]);
        run_changed(run, &run->filled, NULL);
    }
    run_changed(run, NULL, &run->reading_done);
    return 0;
}

/* Waits for buffer number *DONE to be filled; FALSE when there are no more (or
 * the run stopped). */
static BOOL wait_for_buffer(struct pipeline_run *run, const unsigned *done)
{
    BOOL ready;

    AcquireSRWLockExclusive(&run->lock);
    while (*done == run->filled && !run->reading_done && !run->stop)
        SleepConditionVariableSRW(&run->changed, &run->lock, INFINITE, 0);
    ready = *done != run->filled && !run->stop;
    ReleaseSRWLockExclusive(&run->lock);
    return ready;
}

static DWORD WINAPI writer_thread(void *arg)
{
    struct pipeline_run *run = arg;
    unsigned slot;

    while (wait_for_buffer(run, &run->written))
    {
        slot = run->written % PIPELINE_DEPTH;
        if (!write_buffer(run->pipeline, run->buffers[slot], run->got[slot]))
        {
            run_changed(run, NULL, &run->stop);
            break;
        }
        run_changed(run, &run->written, NULL);
    }
    return 0;
}

static HANDLE start_thread(LPTHREAD_START_ROUTINE function, struct pipeline_run *run)
{
    HANDLE thread = CreateThread(NULL, 0, function, run, 0, NULL);

    if (!thread) report_sys((HRESULT)GetLastError(), "cannot start a thread to copy the data");
    return thread;
}

static BOOL run_overlapped(struct pipeline *pipeline, BYTE **buffers)
{
    struct pipeline_run run = {0};
    HANDLE threads[2];
    DWORD count = 0;
    unsigned slot;

    run.pipeline = pipeline;
    run.buffers = buffers;
    InitializeSRWLock(&run.lock);
    InitializeConditionVariable(&run.changed);
    if (writes(pipeline) && !(threads[count++] = start_thread(writer_thread, &run))) return FALSE;
    if (!(threads[count] = start_thread(reader_thread, &run)))
    {
        /* The writer, if any, finds nothing to write and ends. */
        run_changed(&run, NULL, &run.reading_done);
        if (count) WaitForSingleObject(threads[0], INFINITE);
        if (count) CloseHandle(threads[0]);
        return FALSE;
    }
    count++;
    while (wait_for_buffer(&run, &run.hashed))
    {
        slot = run.hashed % PIPELINE_DEPTH;
        hash_buffer(pipeline, buffers[slot], run.got[slot]);
        run_changed(&run, &run.hashed, NULL);
    }
    /* Nothing reads or writes once this returns: the caller closes the files. */
    WaitForMultipleObjects(count, threads, TRUE, INFINITE);
    while (count) CloseHandle(threads[--count]);
    return TRUE;
}

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
