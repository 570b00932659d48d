/*
 * One chunk read ahead on a thread-pool thread (see read_ahead.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "read_ahead.h"
#include "memory.h"
#include "platform.h"

static void CALLBACK read_ahead_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct read_ahead *ahead = context;

    (void)instance; (void)work;
    ahead->got = 0;
    ahead->ok = file_seek(ahead->file, ahead->offset)
             && file_read(ahead->file, ahead->buffer, ahead->length, &ahead->got);
    ahead->error = ahead->ok ? ERROR_SUCCESS : GetLastError();
}

static BOOL create_work(struct read_ahead *ahead)
{
    TP_CALLBACK_ENVIRON environment;
    HMODULE module;

    /* The pool holds a reference to this DLL while the callback runs, so a
     * client that unloads it with a read in flight does not pull the code away. */
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                            (const WCHAR *)read_ahead_work, &module))
        return FALSE;
    InitializeThreadpoolEnvironment(&environment);
    SetThreadpoolCallbackLibrary(&environment, module);
    ahead->work = CreateThreadpoolWork(read_ahead_work, ahead, &environment);
    DestroyThreadpoolEnvironment(&environment);
    return ahead->work != NULL;
}

BOOL read_ahead_start(struct read_ahead *ahead, HANDLE file, ULONGLONG offset, DWORD length)
{
    read_ahead_drop(ahead);
    if (length > ahead->capacity)
    {
        BYTE *buffer = mem_alloc(length);

        if (!buffer) return FALSE;
        mem_free(ahead->buffer);
        ahead->buffer = buffer;
        ahead->capacity = length;
    }
    if (!ahead->work && !create_work(ahead)) return FALSE;
    ahead->file = file;
    ahead->offset = offset;
    ahead->length = length;
    ahead->started = TRUE;
    SubmitThreadpoolWork(ahead->work);
    return TRUE;
}

BOOL read_ahead_take(struct read_ahead *ahead, ULONGLONG offset, DWORD length, void *buffer,
                     BOOL *ok, DWORD *got, DWORD *error)
{
    BOOL wanted = ahead->started && ahead->offset == offset && ahead->length == length;

    read_ahead_drop(ahead);
    if (!wanted) return FALSE;
    *ok = ahead->ok;
    *got = ahead->got;
    *error = ahead->error;
    if (ahead->ok) memcpy(buffer, ahead->buffer, ahead->got);
    return TRUE;
}

void read_ahead_drop(struct read_ahead *ahead)
{
    /* Returns once the callback has returned: afterwards the pool thread touches
     * neither the handle nor this structure. */
    if (ahead->started) WaitForThreadpoolWorkCallbacks(ahead->work, FALSE);
    ahead->started = FALSE;
}

void read_ahead_free(struct read_ahead *ahead)
{
    read_ahead_drop(ahead);
    if (ahead->work) CloseThreadpoolWork(ahead->work);
    mem_free(ahead->buffer);
    memset(ahead, 0, sizeof(*ahead));
}
