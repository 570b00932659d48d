/*
 * One chunk of an open file read ahead on a thread-pool thread, into a buffer of
 * the DLL's own, while the client works on the chunk before it.  The owner (the
 * backup context, under its lock) starts a read, then either takes it (a copy
 * into the caller's buffer) or drops it; both wait for a read in flight, so the
 * file handle and the buffer are never used by two threads at once.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_READ_AHEAD_H
#define NTDSBCLI_READ_AHEAD_H

#include <windows.h>

struct read_ahead
{
    PTP_WORK work;          /* created on first use */
    BYTE *buffer;
    DWORD capacity;
    BOOL started;           /* a read was started and not yet taken or dropped */
    /* The read: set by the owner before it starts, results by the pool thread. */
    HANDLE file;
    ULONGLONG offset;
    DWORD length;
    BOOL ok;
    DWORD got, error;
};

/* Starts reading LENGTH bytes at OFFSET; the read moves FILE's pointer.  FALSE
 * if it cannot (no memory, no pool thread): nothing is lost, the chunk is read
 * when it is asked for. */
BOOL read_ahead_start(struct read_ahead *ahead, HANDLE file, ULONGLONG offset, DWORD length);
/* If the read started was of LENGTH bytes at OFFSET: waits for it, copies what it
 * read into BUFFER and returns TRUE, with ReadFile's result in *OK, *GOT and
 * *ERROR.  Otherwise drops it and returns FALSE. */
BOOL read_ahead_take(struct read_ahead *ahead, ULONGLONG offset, DWORD length, void *buffer,
                     BOOL *ok, DWORD *got, DWORD *error);
/* Waits for a read in flight and forgets it; the buffer is kept. */
void read_ahead_drop(struct read_ahead *ahead);
/* Drops, and frees everything. */
void read_ahead_free(struct read_ahead *ahead);

#endif
