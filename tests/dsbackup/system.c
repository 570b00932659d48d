/*
 * dsbackup's system helpers (tools/dsbackup/system.c): write_all hands a file
 * every byte, in order, in writes of at most WRITE_CHUNK_SIZE bytes.
 *
 * The writes are seen through a message-mode pipe, which keeps each write a
 * message of its own: write_all writes into the pipe's server end, and a thread
 * reads the messages from the client end.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "dsbackup_tests.h"

#define PIPE_NAME L"\\\\.\\pipe\\dsbackup_tests_write_all"

/* What the far end of the pipe received, message by message. */
struct received
{
    HANDLE pipe;
    BYTE *data;
    DWORD capacity, size;
    DWORD messages, largest;
    DWORD error;            /* of the read that ended the messages */
};

static DWORD WINAPI receive_messages(void *arg)
{
    struct received *received = arg;
    DWORD got;

    for (;;)
    {
        got = 0;
        /* Room for more than the largest write, so a message is never split. */
        if (received->capacity - received->size < 2 * WRITE_CHUNK_SIZE)
        {
            received->error = ERROR_INSUFFICIENT_BUFFER;
            return 0;
        }
        if (!ReadFile(received->pipe, received->data + received->size, 2 * WRITE_CHUNK_SIZE, &got, NULL))
        {
            received->error = GetLastError();
            return 0;
        }
        received->size += got;
        received->messages++;
        if (got > received->largest) received->largest = got;
    }
}

/* SIZE bytes through write_all into a message-mode pipe: the far end gets the
 * same bytes in the fewest writes of at most WRITE_CHUNK_SIZE. */
static void check_write_all(DWORD size)
{
    DWORD expected_messages = (size + WRITE_CHUNK_SIZE - 1) / WRITE_CHUNK_SIZE;
    struct received received = {0};
    DWORD mode = PIPE_READMODE_MESSAGE;
    HANDLE server, thread;
    BYTE *data;

    data = malloc(size + 1);
    received.capacity = size + 2 * WRITE_CHUNK_SIZE;
    received.data = malloc(received.capacity);
    if (!data || !received.data)
    {
        ok(0, "%lu bytes: out of memory\n", size);
        free(data);
        free(received.data);
        return;
    }
    generate(0, data, size);

    server = CreateNamedPipeW(PIPE_NAME, PIPE_ACCESS_OUTBOUND, PIPE_TYPE_MESSAGE | PIPE_WAIT, 1,
                              4 * WRITE_CHUNK_SIZE, 0, 0, NULL);
    ok(server != INVALID_HANDLE_VALUE, "CreateNamedPipeW failed: %lu\n", GetLastError());
    if (server == INVALID_HANDLE_VALUE) goto done;
    received.pipe = CreateFileW(PIPE_NAME, GENERIC_READ | FILE_WRITE_ATTRIBUTES, 0, NULL, OPEN_EXISTING, 0, NULL);
    ok(received.pipe != INVALID_HANDLE_VALUE, "cannot open the pipe: %lu\n", GetLastError());
    if (received.pipe == INVALID_HANDLE_VALUE)
    {
        CloseHandle(server);
        goto done;
    }
    ok(ConnectNamedPipe(server, NULL) || GetLastError() == ERROR_PIPE_CONNECTED,
       "ConnectNamedPipe failed: %lu\n", GetLastError());
    ok(SetNamedPipeHandleState(received.pipe, &mode, NULL, NULL), "cannot read messages: %lu\n", GetLastError());
    thread = CreateThread(NULL, 0, receive_messages, &received, 0, NULL);
    ok(thread != NULL, "CreateThread failed: %lu\n", GetLastError());
    if (thread)
    {
        ok(write_all(server, data, size), "%lu bytes: write_all failed: %lu\n", size, GetLastError());
        CloseHandle(server);            /* the reads end with ERROR_BROKEN_PIPE */
        WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
    }
    else CloseHandle(server);
    CloseHandle(received.pipe);
    if (!thread) goto done;

    ok(received.error == ERROR_BROKEN_PIPE, "%lu bytes: the reads ended with %lu\n", size, received.error);
    ok(received.size == size && !memcmp(received.data, data, size),
       "%lu bytes: %lu received, or not the same\n", size, received.size);
    ok(received.largest <= WRITE_CHUNK_SIZE, "%lu bytes: a write of %lu\n", size, received.largest);
    ok(received.messages == expected_messages, "%lu bytes: %lu writes, expected %lu\n", size,
       received.messages, expected_messages);
done:
    free(data);
    free(received.data);
}

START_TEST(system)
{
    /* A read buffer's worth and more: whole pieces and a short last one. */
    check_write_all(READ_BUFFER_SIZE + 1000);
    check_write_all(READ_BUFFER_SIZE);
    check_write_all(WRITE_CHUNK_SIZE + 1);
    /* Less than a piece, and nothing at all: one write, and none. */
    check_write_all(1000);
    check_write_all(0);
}
