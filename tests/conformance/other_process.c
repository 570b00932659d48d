/*
 * conformance.exe as the other process of a test: a second backup tool, a tool's
 * first call in a new Wine session, a stand-in starting.  Started by the tests
 * themselves (test_one_backup.c) and by the shell suites (tests/conformance/run.sh,
 * tests/service/sessions.sh); each mode's exit code is its result.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include "conformance.h"

/* conformance.exe whole-backup: the documented sequence to the end, logs
 * truncated; the exit code is the first failure, or S_OK. */
int whole_backup(void)
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

/* conformance.exe hold-backup FLAG: prepares a backup, creates FLAG, and once
 * FLAG is gone exits without ending the backup. */
int hold_backup(const char *flag)
{
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
    file = CreateFileA(flag, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return 1;
    CloseHandle(file);
    while (GetFileAttributesA(flag) != INVALID_FILE_ATTRIBUTES) Sleep(20);
    return 0;
}

/* conformance.exe expect-backup HRESULT: exit code 0 if DsBackupPrepareW gives
 * that code now (a backup it starts is ended at once), 1 if not. */
int expect_backup(const char *expected)
{
    HRESULT want = (HRESULT)strtoul(expected, NULL, 0), hr;
    void *token;
    DWORD token_size;
    HBC hbc;

    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
    if (hr == S_OK)
    {
        DsBackupFree(token);
        DsBackupEnd(hbc);
    }
    printf("DsBackupPrepareW gave %#lx, expected %#lx\n", (unsigned long)hr, (unsigned long)want);
    return hr != want;
}

/* conformance.exe expect-online 0|1: exit code 0 if DsIsNTDSOnlineW, the first
 * call of this process, says so (a tool's first call in a new Wine session). */
int expect_online(BOOL expected)
{
    DWORD started = GetTickCount();
    BOOL online = !expected;
    HRESULT hr = DsIsNTDSOnlineW(NULL, &online);

    printf("DsIsNTDSOnlineW gave %#lx, online %d, after %lu ms\n", (unsigned long)hr, online,
           (unsigned long)(GetTickCount() - started));
    return hr != S_OK || !online != !expected;
}

/* conformance.exe stand-in-starting STARTING_MS RUNNING_MS: does what the NTDS
 * stand-in does with its event (common/ntds_layout.h) as it starts: the event
 * exists, not signalled, for STARTING_MS, then signalled for RUNNING_MS. */
int stand_in_starting(int starting_ms, int running_ms)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NTDS_RUNNING_EVENT_NAME);

    if (!event) return 1;
    Sleep(starting_ms);
    SetEvent(event);
    Sleep(running_ms);
    CloseHandle(event);
    return 0;
}
