/*
 * Conformance tests: one backup at a time on the machine (docs/behaviour.md,
 * "One backup at a time").  A second backup, from this thread, another thread or
 * another process, is refused at DsBackupPrepare with hrBackupInProgress, so that
 * it never breaks the one that runs (its logs truncated underneath it); a backup
 * whose process died leaves nothing that blocks the next.  On a domain
 * controller whose directory is online.
 *
 * The other processes are this unit again, in a mode of its own (below); run.sh
 * also pairs a holder of one architecture with a second backup of the other.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
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
        ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
        ok(!token, "token: got %p, expected NULL\n", token);
        ok_int(token_size, 0);
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

    ok(thread != NULL, "CreateThread failed: error %lu\n", GetLastError());
    ok_int(WaitForSingleObject(thread, INFINITE), WAIT_OBJECT_0);
    ok_win32(GetExitCodeThread(thread, &code));
    CloseHandle(thread);
    return code;
}

/* Starts this unit again in MODE with ARGUMENT; the process handle, or NULL. */
static HANDLE start_self(const char *mode, const char *argument)
{
    char **argv, command[2 * MAX_PATH + 64];
    STARTUPINFOA startup;
    PROCESS_INFORMATION process;

    winetest_get_mainargs(&argv);
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    snprintf(command, sizeof(command), "\"%s\" one_backup %s %s", argv[0], mode, argument ? argument : "");
    if (!ok_win32(CreateProcessA(NULL, command, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process))) return NULL;
    CloseHandle(process.hThread);
    return process.hProcess;
}

static DWORD wait_exit_code(HANDLE process)
{
    DWORD code = 0xdeadbeef;

    if (!process) return code;
    ok_int(WaitForSingleObject(process, 120000), WAIT_OBJECT_0);
    ok_win32(GetExitCodeProcess(process, &code));
    CloseHandle(process);
    return code;
}

/* Waits until FILE exists, or the process ended (then fails). */
static void wait_for_flag(const char *file, HANDLE process)
{
    int i;

    for (i = 0; i < 6000 && GetFileAttributesA(file) == INVALID_FILE_ATTRIBUTES; i++)
    {
        if (!process || WaitForSingleObject(process, 0) == WAIT_OBJECT_0) break;
        Sleep(20);
    }
    ok(GetFileAttributesA(file) != INVALID_FILE_ATTRIBUTES, "the holder ended, or never held a backup\n");
}

static void test_second_backup_in_this_process(void)
{
    HRESULT on_thread = S_OK;
    WCHAR *list = NULL;
    DWORD size;
    HBC first;

    first = prepare_backup();
    ok_hr_choice(try_prepare(), hrBackupInProgress);
    on_other_thread(prepare_on_thread, &on_thread);
    ok_hr_choice(on_thread, hrBackupInProgress);
    /* The first goes on as if nothing had happened; its End, from any thread,
     * lets the next one start. */
    ok_hr(DsBackupGetDatabaseNamesW(first, &list, &size), S_OK);
    DsBackupFree(list);
    ok_hr(on_other_thread(end_on_thread, first), S_OK);
    ok_hr(DsBackupEnd(first), ERROR_INVALID_PARAMETER);
    ok_hr(try_prepare(), S_OK);
}

/* What broke a backup before: a second backup ran to the end while the first
 * had listed its logs, and truncated them underneath it.  Now the second is
 * refused at its start and the first completes. */
static void test_second_backup_in_another_process(void)
{
    WCHAR *database = NULL, *logs = NULL;
    DWORD database_size, logs_size, got;
    BYTE *copy;
    HRESULT hr;
    int i, n;
    HBC first;

    first = prepare_backup();
    ok_hr(DsBackupGetDatabaseNamesW(first, &database, &database_size), S_OK);
    ok_hr(DsBackupGetBackupLogsW(first, &logs, &logs_size), S_OK);
    if (!database || !logs)
    {
        DsBackupEnd(first);
        return;
    }
    n = count_list_entries(logs, logs_size);
    ok(n >= 2, "%d logs listed, expected at least 2\n", n);

    /* The whole documented sequence in another process, truncation included. */
    ok_hr_choice((HRESULT)wait_exit_code(start_self("whole-backup", NULL)), hrBackupInProgress);

    copy = backup_whole_file(first, database, 65536, &got, &hr);
    ok_hr(hr, S_OK);
    HeapFree(GetProcessHeap(), 0, copy);
    for (i = 0; i < n; i++)
    {
        copy = backup_whole_file(first, list_entry(logs, i), 65536, &got, &hr);
        ok(hr == S_OK, "backing up %s: got %#lx\n", debugstr_w(list_entry(logs, i)), hr);
        HeapFree(GetProcessHeap(), 0, copy);
    }
    DsBackupFree(database);
    DsBackupFree(logs);
    ok_hr(DsBackupTruncateLogs(first), S_OK);
    ok_hr(DsBackupEnd(first), S_OK);
    /* And now the other process may back up. */
    ok_hr(wait_exit_code(start_self("whole-backup", NULL)), S_OK);
}

static void test_holder_killed(void)
{
    char flag[MAX_PATH];
    HANDLE holder;

    ok(GetTempPathA(MAX_PATH - 32, flag) > 0, "GetTempPathA failed: error %lu\n", GetLastError());
    strcat(flag, "ntdsbcli-holding.flag");
    DeleteFileA(flag);
    holder = start_self("hold-backup", flag);
    wait_for_flag(flag, holder);
    ok_hr_choice(try_prepare(), hrBackupInProgress);
    /* Killed half way, with no DsBackupEnd: the next backup may start at once. */
    ok_win32(TerminateProcess(holder, 9));
    ok_int(wait_exit_code(holder), 9);
    ok_hr(try_prepare(), S_OK);
    DeleteFileA(flag);

    /* A holder that ends without DsBackupEnd, as a tool that forgets it. */
    holder = start_self("hold-backup", flag);
    wait_for_flag(flag, holder);
    ok_win32(DeleteFileA(flag));    /* tells it to exit, still holding */
    ok_int(wait_exit_code(holder), 0);
    ok_hr(try_prepare(), S_OK);
}

/* conformance.exe one_backup whole-backup: the documented sequence to the end,
 * logs truncated; the exit code is the first failure, or S_OK. */
static HRESULT whole_backup(void)
{
    void *token;
    DWORD token_size, size, got;
    WCHAR *list, *entry;
    BYTE buffer[65536];
    LARGE_INTEGER file_size;
    HRESULT hr;
    HBC hbc;
    int pass;

    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc))) return hr;
    DsBackupFree(token);
    for (pass = 0; pass < 2 && !hr; pass++)
    {
        if ((hr = pass ? DsBackupGetBackupLogsW(hbc, &list, &size) : DsBackupGetDatabaseNamesW(hbc, &list, &size)))
            break;
        for (entry = list; !hr && *entry; entry += wcslen(entry) + 1)
        {
            if ((hr = DsBackupOpenFileW(hbc, entry, sizeof(buffer), &file_size))) break;
            while ((hr = DsBackupRead(hbc, buffer, sizeof(buffer), &got)) == S_OK) ;
            if (hr == ERROR_HANDLE_EOF) hr = DsBackupClose(hbc);
        }
        DsBackupFree(list);
    }
    if (!hr) hr = DsBackupTruncateLogs(hbc);
    DsBackupEnd(hbc);
    return hr;
}

/* conformance.exe one_backup hold-backup FLAG: prepares a backup, creates FLAG,
 * and once FLAG is gone exits without ending the backup (exit code 0; 1 if it
 * could not).  FLAG is made under another name and renamed once closed: seen
 * while still open, it could not be deleted, and the holder would wait for
 * ever. */
static int hold_backup(const char *flag)
{
    char made[MAX_PATH];
    void *token;
    DWORD token_size;
    HANDLE file;
    HBC hbc;
    HRESULT hr;

    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)))
    {
        fprintf(stderr, "hold-backup: DsBackupPrepareW gave %#lx\n", (unsigned long)hr);
        return 1;
    }
    snprintf(made, sizeof(made), "%s.new", flag);
    file = CreateFileA(made, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return 1;
    CloseHandle(file);
    if (!MoveFileExA(made, flag, MOVEFILE_REPLACE_EXISTING)) return 1;
    while (GetFileAttributesA(flag) != INVALID_FILE_ATTRIBUTES) Sleep(20);
    return 0;
}

START_TEST(one_backup)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 2 && !strcmp(argv[2], "whole-backup")) exit(whole_backup());
    if (argc > 3 && !strcmp(argv[2], "hold-backup")) exit(hold_backup(argv[3]));
    if (!directory_online(&paths)) return;
    test_second_backup_in_this_process();
    test_second_backup_in_another_process();
    test_holder_killed();
}
