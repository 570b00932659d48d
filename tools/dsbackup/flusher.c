/*
 * Copies put on disk while the next data is copied (dsbackup.h, "flusher").
 *
 * A backup is complete only once every copy is on disk, and the disk is the
 * slowest part of it: flushing each copy as it is finished would leave the disk
 * idle while the data is read and hashed, and the hash idle while the disk
 * writes.  So one thread of the backup does nothing but flush: the pipeline
 * asks it to flush the copy being written every FLUSH_INTERVAL bytes, and a
 * finished copy is handed to it to flush and close, in order.  The backup waits
 * for it only before its manifest, which must describe data that is on disk.
 *
 * A flush of a file on Linux reports a failure of its earlier writes once: a
 * later flush of the same file may succeed although data was lost.  So the
 * first failure is kept, with the file it belongs to, and reported by
 * flusher_wait; nothing is retried.
 *
 * At most FLUSH_QUEUE_SIZE requests wait, so that many small logs, each copied
 * faster than it is flushed, keep a bounded number of files open.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"

/* Keeps the first failure, by the file it belongs to. */
static void note_failure(struct flusher *flusher, HANDLE file, DWORD error)
{
    if (flusher->error) return;
    flusher->error = error ? error : ERROR_WRITE_FAULT;
    flusher->error_file = file;
}

static void carry_out(struct flusher *flusher, struct flush_request *request)
{
    if (!FlushFileBuffers(request->file)) note_failure(flusher, request->file, GetLastError());
    if (!request->close) return;
    if (!CloseHandle(request->file)) note_failure(flusher, request->file, GetLastError());
    /* A failure gets its name with its file's close, the one request that has
     * it; the handle's value may be given to another file from now on. */
    if (flusher->error && flusher->error_file == request->file)
    {
        flusher->error_name = request->name;
        request->name = NULL;
        flusher->error_file = NULL;
    }
    free(request->name);
}

static DWORD WINAPI flusher_thread(void *arg)
{
    struct flusher *flusher = arg;
    struct flush_request request;

    for (;;)
    {
        AcquireSRWLockExclusive(&flusher->lock);
        while (flusher->taken == flusher->asked && !flusher->stopping)
            SleepConditionVariableSRW(&flusher->asked_changed, &flusher->lock, INFINITE, 0);
        if (flusher->taken == flusher->asked)
        {
            ReleaseSRWLockExclusive(&flusher->lock);
            return 0;
        }
        request = flusher->queue[flusher->taken % FLUSH_QUEUE_SIZE];
        flusher->taken++;
        ReleaseSRWLockExclusive(&flusher->lock);

        carry_out(flusher, &request);

        AcquireSRWLockExclusive(&flusher->lock);
        flusher->done++;
        ReleaseSRWLockExclusive(&flusher->lock);
        WakeAllConditionVariable(&flusher->done_changed);
    }
}

BOOL flusher_start(struct flusher *flusher)
{
    memset(flusher, 0, sizeof(*flusher));
    InitializeSRWLock(&flusher->lock);
    InitializeConditionVariable(&flusher->asked_changed);
    InitializeConditionVariable(&flusher->done_changed);
    if (!(flusher->thread = CreateThread(NULL, 0, flusher_thread, flusher, 0, NULL)))
    {
        report_sys((HRESULT)GetLastError(), "cannot start a thread to flush the copies");
        return FALSE;
    }
    return TRUE;
}

static void ask(struct flusher *flusher, HANDLE file, BOOL close, WCHAR *name)
{
    struct flush_request *last, *slot;

    AcquireSRWLockExclusive(&flusher->lock);
    last = flusher->asked != flusher->taken ? &flusher->queue[(flusher->asked - 1) % FLUSH_QUEUE_SIZE] : NULL;
    /* A flush still waiting covers what was written since it was asked. */
    if (!close && last && last->file == file && !last->close)
    {
        ReleaseSRWLockExclusive(&flusher->lock);
        return;
    }
    while (flusher->asked - flusher->done >= FLUSH_QUEUE_SIZE)
        SleepConditionVariableSRW(&flusher->done_changed, &flusher->lock, INFINITE, 0);
    slot = &flusher->queue[flusher->asked % FLUSH_QUEUE_SIZE];
    slot->file = file;
    slot->close = close;
    slot->name = name;
    flusher->asked++;
    ReleaseSRWLockExclusive(&flusher->lock);
    WakeConditionVariable(&flusher->asked_changed);
}

void flusher_flush(struct flusher *flusher, HANDLE file)
{
    ask(flusher, file, FALSE, NULL);
}

void flusher_close(struct flusher *flusher, HANDLE file, const WCHAR *name)
{
    /* Without memory for its name, a failure is reported without it. */
    ask(flusher, file, TRUE, _wcsdup(name));
}

BOOL flusher_wait(struct flusher *flusher, BOOL report_failure)
{
    AcquireSRWLockExclusive(&flusher->lock);
    while (flusher->done != flusher->asked)
        SleepConditionVariableSRW(&flusher->done_changed, &flusher->lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&flusher->lock);
    if (!flusher->error) return TRUE;
    if (report_failure && !flusher->reported)
    {
        report_sys((HRESULT)flusher->error, "cannot write %s to disk",
                   flusher->error_name ? u8(flusher->error_name) : "a copy");
        flusher->reported = TRUE;
    }
    return FALSE;
}

void flusher_end(struct flusher *flusher)
{
    if (!flusher->thread) return;
    flusher_wait(flusher, FALSE);
    AcquireSRWLockExclusive(&flusher->lock);
    flusher->stopping = TRUE;
    ReleaseSRWLockExclusive(&flusher->lock);
    WakeConditionVariable(&flusher->asked_changed);
    WaitForSingleObject(flusher->thread, INFINITE);
    CloseHandle(flusher->thread);
    flusher->thread = NULL;
    free(flusher->error_name);
    flusher->error_name = NULL;
}
