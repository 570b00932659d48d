/*
 * Conformance tests: one backup at a time on the machine (docs/behaviour.md,
 * "One backup at a time").  A second backup, from this thread, another thread or
 * another process, is refused at DsBackupPrepare with hrBackupInProgress, so that
 * it never breaks the one that runs (its logs truncated underneath it); a backup
 * whose process died leaves nothing that blocks the next.
 *
 * The other processes are this program again (other_process.c); run.sh also
 * pairs a holder of one architecture with a second backup of the other.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "conformance.h"

static struct dsa_paths paths;

/* DsBackupPrepareW's result, with whatever it handed out given back. */
static HRESULT try_prepare(void)
{
    void *token = (void *)1;
    DWORD token_size = 1;
    HBC hbc = (HBC)1;
    HRESULT hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);

    if (hr == S_OK)
    {
        DsBackupFree(token);
        DsBackupEnd(hbc);
    }
    else
    {
        /* A refused backup hands out nothing. */
        assert_null(hbc);
        assert_null(token);
        assert_int_equal(token_size, 0);
    }
    return hr;
}

static DWORD WINAPI prepare_on_thread(void *result)
{
    *(HRESULT *)result = try_prepare();
    return 0;
}

static DWORD WINAPI end_on_thread(void *hbc)
{
    return DsBackupEnd(hbc);
}

/* Runs FUNCTION(ARGUMENT) on a thread of its own; its exit code. */
static DWORD on_other_thread(LPTHREAD_START_ROUTINE function, void *argument)
{
    HANDLE thread = CreateThread(NULL, 0, function, argument, 0, NULL);
    DWORD code = 0xdeadbeef;

    assert_non_null(thread);
    assert_int_equal(WaitForSingleObject(thread, INFINITE), WAIT_OBJECT_0);
    assert_true(GetExitCodeThread(thread, &code));
    CloseHandle(thread);
    return code;
}

/* Starts this program in MODE with ARGUMENT; the process handle. */
static HANDLE start_self(const char *mode, const char *argument)
{
    char exe[MAX_PATH], command[2 * MAX_PATH + 64];
    STARTUPINFOA startup;
    PROCESS_INFORMATION process;

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    assert_true(GetModuleFileNameA(NULL, exe, MAX_PATH) > 0);
    snprintf(command, sizeof(command), "\"%s\" %s %s", exe, mode, argument ? argument : "");
    assert_true(CreateProcessA(exe, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process));
    CloseHandle(process.hThread);
    return process.hProcess;
}

static DWORD wait_exit_code(HANDLE process)
{
    DWORD code = 0xdeadbeef;

    assert_int_equal(WaitForSingleObject(process, 120000), WAIT_OBJECT_0);
    assert_true(GetExitCodeProcess(process, &code));
    CloseHandle(process);
    return code;
}

/* Waits until FILE exists, or the process ended (then fails). */
static void wait_for_flag(const char *file, HANDLE process)
{
    int i;

    for (i = 0; i < 6000 && GetFileAttributesA(file) == INVALID_FILE_ATTRIBUTES; i++)
    {
        if (WaitForSingleObject(process, 0) == WAIT_OBJECT_0) fail_msg("the holder ended before holding a backup");
        Sleep(20);
    }
    assert_true(GetFileAttributesA(file) != INVALID_FILE_ATTRIBUTES);
}

static void test_second_backup_in_this_process(void **state)
{
    HRESULT on_thread = S_OK;
    WCHAR *list;
    DWORD size;
    HBC first;

    (void)state;
    first = prepare_backup();
    windows_may_differ_hr(try_prepare(), hrBackupInProgress);
    on_other_thread(prepare_on_thread, &on_thread);
    windows_may_differ_hr(on_thread, hrBackupInProgress);
    /* The first goes on as if nothing had happened; its End, from any thread,
     * lets the next one start. */
    assert_int_equal(DsBackupGetDatabaseNamesW(first, &list, &size), S_OK);
    DsBackupFree(list);
    assert_int_equal(on_other_thread(end_on_thread, first), S_OK);
    assert_int_equal(DsBackupEnd(first), ERROR_INVALID_PARAMETER);
    assert_int_equal(try_prepare(), S_OK);
}

/* What broke a backup before: a second backup ran to the end while the first
 * had listed its logs, and truncated them underneath it.  Now the second is
 * refused at its start and the first completes. */
static void test_second_backup_in_another_process(void **state)
{
    WCHAR *database, *logs;
    DWORD database_size, logs_size, got;
    BYTE *copy;
    HRESULT hr;
    int i, n;
    HBC first;

    (void)state;
    first = prepare_backup();
    assert_int_equal(DsBackupGetDatabaseNamesW(first, &database, &database_size), S_OK);
    assert_int_equal(DsBackupGetBackupLogsW(first, &logs, &logs_size), S_OK);
    n = count_list_entries(logs, logs_size);
    assert_true(n >= 2);

    /* The whole documented sequence in another process, truncation included. */
    windows_may_differ_hr((HRESULT)wait_exit_code(start_self("whole-backup", NULL)), hrBackupInProgress);

    copy = backup_whole_file(first, database, 65536, &got, &hr);
    assert_int_equal(hr, S_OK);
    HeapFree(GetProcessHeap(), 0, copy);
    for (i = 0; i < n; i++)
    {
        copy = backup_whole_file(first, list_entry(logs, i), 65536, &got, &hr);
        assert_int_equal(hr, S_OK);
        HeapFree(GetProcessHeap(), 0, copy);
    }
    DsBackupFree(database);
    DsBackupFree(logs);
    assert_int_equal(DsBackupTruncateLogs(first), S_OK);
    assert_int_equal(DsBackupEnd(first), S_OK);
    /* And now the other process may back up. */
    assert_int_equal(wait_exit_code(start_self("whole-backup", NULL)), S_OK);
}

static void test_holder_killed(void **state)
{
    char flag[MAX_PATH];
    HANDLE holder;

    (void)state;
    assert_true(GetTempPathA(MAX_PATH - 32, flag) > 0);
    strcat(flag, "ntdsbcli-holding.flag");
    DeleteFileA(flag);
    holder = start_self("hold-backup", flag);
    wait_for_flag(flag, holder);
    windows_may_differ_hr(try_prepare(), hrBackupInProgress);
    /* Killed half way, with no DsBackupEnd: the next backup may start at once. */
    assert_true(TerminateProcess(holder, 9));
    assert_int_equal(wait_exit_code(holder), 9);
    assert_int_equal(try_prepare(), S_OK);
    DeleteFileA(flag);

    /* A holder that ends without DsBackupEnd, as a tool that forgets it. */
    holder = start_self("hold-backup", flag);
    wait_for_flag(flag, holder);
    DeleteFileA(flag);          /* tells it to exit, still holding */
    assert_int_equal(wait_exit_code(holder), 0);
    assert_int_equal(try_prepare(), S_OK);
}

int run_one_backup_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_backup_in_this_process),
        cmocka_unit_test(test_second_backup_in_another_process),
        cmocka_unit_test(test_holder_killed),
    };
    assert_true(read_dsa_paths(&paths));
    return cmocka_run_group_tests_name("one backup at a time", tests, NULL, NULL);
}
