/*
 * The data of one file through dsbackup: read, hashed and, for a copy, written
 * (dsbackup.h, "pipeline").
 *
 * A reader thread fills the buffers of a ring in order and, for a copy, writes
 * each buffer once it is filled, while this thread hashes them: reading and
 * writing through the page cache take about as long as the hash (about 1.5
 * GB/s with the SHA extensions), and the two run on the two cores at once.
 * Neither side changes a buffer, so the hash and the write read it together;
 * the reader fills it again only once it is hashed and written, so at most
 * PIPELINE_DEPTH buffers are in flight, whatever the file's size.  With a
 * flusher, the reader also asks for the copy to be put on disk every
 * FLUSH_INTERVAL bytes (flusher.c), so that the disk works while the rest is
 * read and hashed.
 *
 * The threads hand the buffers to each other through two counters under one
 * lock and two condition variables, which Wine implements in the process
 * (futexes): a semaphore or an event would cost a round trip to the wineserver
 * per buffer on each side.  A thread is woken only when it sleeps waiting.
 *
 * A file of at most one buffer gains nothing from a thread and takes none (many
 * small logs stay cheap).  Nor does any file in the benchmark's build with
 * DSBACKUP_NO_READER_THREAD (tests/bench/bench.mk), which measures what the
 * reader thread gains; the program that ships has no switch.
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
    BOOL hasher_waiting, reader_waiting;
    /* Counts of buffers since the start, under the lock: buffer N of the file is
     * buffers[N % PIPELINE_DEPTH]. */
    unsigned filled, taken;
    BOOL reading_done;              /* the reader fills no more */
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

/* A buffer into the copy, if there is one: FALSE (write_error set) if the
 * write failed. */
static BOOL write_buffer(struct pipeline *pipeline, const BYTE *data, DWORD size)
{
    if (!writes(pipeline) || write_all(pipeline->out, data, size)) return TRUE;
    pipeline->write_error = GetLastError();
    if (!pipeline->write_error) pipeline->write_error = ERROR_WRITE_FAULT;
    return FALSE;
}

static void count_buffer(struct pipeline *pipeline, DWORD size)
{
    pipeline->bytes += size;
    if (pipeline->progress) progress_update(pipeline->progress, pipeline->bytes);
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
        sha256_update(&pipeline->sha, buffer, got);
        if (!write_buffer(pipeline, buffer, got)) return;
        count_buffer(pipeline, got);
    } while (more);
}

/* ---- a reader thread ------------------------------------------------------------- */

#ifndef DSBACKUP_NO_READER_THREAD

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
    ULONGLONG unflushed = 0;
    BOOL more = TRUE;
    unsigned slot;

    while (more)
    {
        AcquireSRWLockExclusive(&run->lock);
        /* The oldest buffer must be hashed before it is filled again. */
        while (run->filled - run->taken >= PIPELINE_DEPTH)
        {
            run->reader_waiting = TRUE;
            SleepConditionVariableSRW(&run->taken_changed, &run->lock, INFINITE, 0);
            run->reader_waiting = FALSE;
        }
        slot = run->filled % PIPELINE_DEPTH;
        ReleaseSRWLockExclusive(&run->lock);
        run->got[slot] = 0;
        more = pipeline->read(pipeline->source, run->buffers[slot], &run->got[slot]);
        run_changed(run, &run->filled, NULL, &run->filled_changed, &run->hasher_waiting);
        /* A write that fails ends the reads, as in turn; the data given before
         * it is hashed all the same. */
        if (!write_buffer(pipeline, run->buffers[slot], run->got[slot])) break;
        if (pipeline->flusher && writes(pipeline) && (unflushed += run->got[slot]) >= FLUSH_INTERVAL)
        {
            flusher_flush(pipeline->flusher, pipeline->out);
            unflushed = 0;
        }
    }
    run_changed(run, NULL, &run->reading_done, &run->filled_changed, &run->hasher_waiting);
    return 0;
}

/* This thread's side: every buffer in order, hashed, until the reader is done;
 * then it waits for the reader, so that nothing reads once it returns. */
static void hash_buffers(struct pipeline_run *run, HANDLE reader)
{
    unsigned slot;
    BOOL ready;

    for (;;)
    {
        AcquireSRWLockExclusive(&run->lock);
        while (run->taken == run->filled && !run->reading_done)
        {
            run->hasher_waiting = TRUE;
            SleepConditionVariableSRW(&run->filled_changed, &run->lock, INFINITE, 0);
            run->hasher_waiting = FALSE;
        }
        ready = run->taken != run->filled;
        ReleaseSRWLockExclusive(&run->lock);
        if (!ready) break;
        slot = run->taken % PIPELINE_DEPTH;
        sha256_update(&run->pipeline->sha, run->buffers[slot], run->got[slot]);
        count_buffer(run->pipeline, run->got[slot]);
        run_changed(run, &run->taken, NULL, &run->taken_changed, &run->reader_waiting);
    }
    WaitForSingleObject(reader, INFINITE);
}

static BOOL run_with_reader(struct pipeline *pipeline, BYTE **buffers)
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
    hash_buffers(&run, reader);
    CloseHandle(reader);
    return TRUE;
}
#endif

BOOL pipeline_run(struct pipeline *pipeline, struct pipeline_buffers *buffers)
{
    sha256_init(&pipeline->sha);
    pipeline->bytes = 0;
    pipeline->write_error = 0;
#ifndef DSBACKUP_NO_READER_THREAD
    if (!pipeline->expected || pipeline->expected > READ_BUFFER_SIZE)
        return run_with_reader(pipeline, buffers->buffer);
#endif
    run_in_turn(pipeline, buffers->buffer[0]);
    return TRUE;
}
