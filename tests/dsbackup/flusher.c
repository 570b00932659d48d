/*
 * dsbackup's flusher (tools/dsbackup/flusher.c): the copies of a backup put on
 * disk and closed on a thread of their own, in the order asked, with at most
 * FLUSH_QUEUE_SIZE requests waiting, and the first failure kept with the name
 * of its file, because a later flush of the same file would not report it again.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include "dsbackup_tests.h"

/* The file is closed: only then can it be opened for exclusive use. */
static BOOL is_closed(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    CloseHandle(file);
    return TRUE;
}

static void test_flush_then_close(void)
{
    static const BYTE data[] = "the first part, then the second";
    struct flusher flusher;
    WCHAR path[MAX_PATH];
    HANDLE file;

    temp_path(path, L"one.bin");
    file = create_for_writing(path);
    ok(file != INVALID_HANDLE_VALUE, "cannot create %s: %lu\n", wine_dbgstr_w(path), GetLastError());
    if (file == INVALID_HANDLE_VALUE) return;
    ok(flusher_start(&flusher), "flusher_start failed\n");
    ok(write_all(file, data, 15), "write failed\n");
    flusher_flush(&flusher, file);
    flusher_flush(&flusher, file);
    ok(write_all(file, data + 15, sizeof(data) - 15), "write failed\n");
    flusher_close(&flusher, file, path);
    ok(flusher_wait(&flusher, TRUE), "flusher_wait reported a failure: %lu\n", flusher.error);
    ok(flusher.done == flusher.asked, "%u of %u requests carried out\n", flusher.done, flusher.asked);
    ok(is_closed(path), "the file is still open after flusher_wait\n");
    ok(file_has(path, data, sizeof(data)), "the file does not hold what was written\n");
    flusher_end(&flusher);
    ok(!flusher.thread, "flusher_end left the thread\n");
    DeleteFileW(path);
}

/* More copies than requests may wait: each still open when handed over, the
 * writer held back rather than the queue growing, every copy closed in the end. */
static void test_many_copies(void)
{
    enum { COPIES = FLUSH_QUEUE_SIZE * 4 };
    struct flusher flusher;
    WCHAR path[COPIES][MAX_PATH], name[32];
    unsigned i, closed = 0, most_waiting = 0, waiting;
    HANDLE file;

    ok(flusher_start(&flusher), "flusher_start failed\n");
    for (i = 0; i < COPIES; i++)
    {
        swprintf(name, ARRAY_SIZE(name), L"copy%u.bin", i);
        temp_path(path[i], name);
        file = create_for_writing(path[i]);
        if (file == INVALID_HANDLE_VALUE) break;
        write_all(file, name, (DWORD)(wcslen(name) * sizeof(WCHAR)));
        flusher_close(&flusher, file, path[i]);
        AcquireSRWLockExclusive(&flusher.lock);
        waiting = flusher.asked - flusher.done;
        ReleaseSRWLockExclusive(&flusher.lock);
        if (waiting > most_waiting) most_waiting = waiting;
    }
    ok(i == COPIES, "only %u of %u copies could be created\n", i, COPIES);
    ok(most_waiting <= FLUSH_QUEUE_SIZE, "%u requests waited at once, more than %u\n", most_waiting,
       FLUSH_QUEUE_SIZE);
    ok(flusher_wait(&flusher, TRUE), "flusher_wait reported a failure: %lu\n", flusher.error);
    for (i = 0; i < COPIES; i++)
    {
        swprintf(name, ARRAY_SIZE(name), L"copy%u.bin", i);
        if (is_closed(path[i]) && file_has(path[i], name, (DWORD)(wcslen(name) * sizeof(WCHAR)))) closed++;
        DeleteFileW(path[i]);
    }
    ok(closed == COPIES, "%u of %u copies closed with their data\n", closed, COPIES);
    flusher_end(&flusher);
}

/* A flush that fails (a handle without write access cannot be flushed) is kept
 * by its file: its name comes with the file's close, although the flush asked
 * for none, and later copies that go to disk do not hide it. */
static void test_failure_kept(void)
{
    struct flusher flusher;
    WCHAR bad[MAX_PATH], good[MAX_PATH];
    HANDLE read_only, file;
    BOOL flushed;
    DWORD error;

    temp_path(bad, L"bad.bin");
    temp_path(good, L"good.bin");
    file = create_for_writing(bad);
    if (file == INVALID_HANDLE_VALUE) { ok(0, "cannot create %s\n", wine_dbgstr_w(bad)); return; }
    CloseHandle(file);
    read_only = CreateFileW(bad, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ok(read_only != INVALID_HANDLE_VALUE, "cannot open %s: %lu\n", wine_dbgstr_w(bad), GetLastError());
    SetLastError(0xdeadbeef);
    flushed = FlushFileBuffers(read_only);
    error = GetLastError();
    ok(!flushed, "FlushFileBuffers succeeded without write access\n");

    ok(flusher_start(&flusher), "flusher_start failed\n");
    flusher_flush(&flusher, read_only);
    flusher_close(&flusher, read_only, bad);
    file = create_for_writing(good);
    write_all(file, "fine", 4);
    flusher_close(&flusher, file, good);
    ok(!flusher_wait(&flusher, FALSE), "flusher_wait says all went to disk\n");
    ok(flusher.error == error, "kept error %lu, expected %lu\n", flusher.error, error);
    ok(flusher.error_name && !wcscmp(flusher.error_name, bad), "the failure is kept for %s, expected %s\n",
       wine_dbgstr_w(flusher.error_name), wine_dbgstr_w(bad));
    ok(!flusher.reported, "reported although not asked to\n");
    trace("dsbackup's report of the failure follows, as it should\n");
    ok(!flusher_wait(&flusher, TRUE), "the failure is forgotten on the second wait\n");
    ok(flusher.reported, "not reported when asked to\n");
    ok(is_closed(bad) && is_closed(good), "a file is still open after a failure\n");
    ok(file_has(good, "fine", 4), "the copy after the failure does not hold its data\n");
    flusher_end(&flusher);
    ok(!flusher.error_name, "flusher_end kept the name\n");
    DeleteFileW(bad);
    DeleteFileW(good);
}

static void test_never_started(void)
{
    struct flusher flusher;

    memset(&flusher, 0, sizeof(flusher));
    flusher_end(&flusher);
    ok(!flusher.thread, "flusher_end of a flusher never started made a thread\n");
}

START_TEST(flusher)
{
    test_flush_then_close();
    test_many_copies();
    test_failure_kept();
    test_never_started();
}
