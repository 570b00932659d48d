/*
 * Conformance tests of the backup family, run under Wine against a generated
 * directory database (tests/conformance/run.sh).  One test_X per behaviour;
 * every check shows the value it got.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <wchar.h>
#include "conformance.h"

static struct dsa_paths paths;

static WCHAR *log_path(const WCHAR *name)
{
    static WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", paths.log_dir, name);
    return path;
}

static void test_is_online(void **state)
{
    WCHAR computer[MAX_COMPUTERNAME_LENGTH + 3] = L"\\\\", lower[MAX_COMPUTERNAME_LENGTH + 1];
    char computer_a[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    BOOL online;

    (void)state;
    assert_true(GetComputerNameW(computer + 2, &n));
    wcscpy(lower, computer + 2);
    _wcslwr(lower);
    WideCharToMultiByte(CP_ACP, 0, computer + 2, -1, computer_a, sizeof(computer_a), NULL, NULL);

    online = 42;
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_int_equal(online, TRUE);
    online = 42;
    assert_int_equal(DsIsNTDSOnlineW(L"", &online), S_OK);
    assert_int_equal(online, TRUE);
    assert_int_equal(DsIsNTDSOnlineW(computer, &online), S_OK);
    assert_int_equal(online, TRUE);
    assert_int_equal(DsIsNTDSOnlineW(computer + 2, &online), S_OK);
    assert_int_equal(DsIsNTDSOnlineW(lower, &online), S_OK);
    assert_int_equal(online, TRUE);
    assert_int_equal(DsIsNTDSOnlineA(computer_a, &online), S_OK);
    assert_int_equal(online, TRUE);
    assert_int_equal(DsIsNTDSOnlineA(NULL, &online), S_OK);

    /* Names that mean this machine on Windows too. */
    {
        static const WCHAR *const loopback[] = {L"localhost", L"\\\\localhost", L"LOCALHOST.", L"127.0.0.1",
                                                L"\\\\127.0.0.1", L"::1"};
        WCHAR dns[300];
        size_t i;

        for (i = 0; i < ARRAYSIZE(loopback); i++)
        {
            online = 42;
            if (DsIsNTDSOnlineW(loopback[i], &online) != S_OK || online != TRUE)
                fail_msg("DsIsNTDSOnlineW(%ls) refused", loopback[i]);
        }
        assert_int_equal(DsIsNTDSOnlineA("localhost", &online), S_OK);
        n = ARRAYSIZE(dns) - 1;
        assert_true(GetComputerNameExW(ComputerNameDnsFullyQualified, dns, &n));
        wcscat(dns, L".");        /* the root's dot */
        assert_int_equal(DsIsNTDSOnlineW(dns, &online), S_OK);
        assert_int_equal(online, TRUE);
        assert_int_equal(DsIsNTDSOnlineW(L"localhost..", &online), hrCouldNotConnect);
        assert_int_equal(DsIsNTDSOnlineW(L"128.0.0.1", &online), hrCouldNotConnect);
    }

    assert_int_equal(DsIsNTDSOnlineW(L"someotherhost", &online), hrCouldNotConnect);
    assert_int_equal(DsIsNTDSOnlineW(L"bad_name", &online), hrCouldNotConnect);
    assert_int_equal(DsIsNTDSOnlineW(L"\\\\", &online), hrCouldNotConnect);
    assert_int_equal(DsIsNTDSOnlineA("\\\\someotherhost", &online), hrCouldNotConnect);
    assert_int_equal(DsIsNTDSOnlineW(NULL, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsIsNTDSOnlineA(NULL, NULL), ERROR_INVALID_PARAMETER);
}

static void test_prepare(void **state)
{
    void *token = (void *)1;
    DWORD token_size = 1;
    HBC hbc = (HBC)1, second;
    const BYTE *bytes;

    (void)state;
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, NULL),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, NULL, &token_size, &hbc), hrInvalidParam);
    assert_null(hbc);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, NULL, &hbc), hrInvalidParam);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_INCREMENTAL, &token, &token_size, &hbc),
                     ERROR_INVALID_PARAMETER);
    assert_null(token);
    assert_int_equal(token_size, 0);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_LOGS_ONLY, &token, &token_size, &hbc),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupPrepareW(NULL, 0, 0, &token, &token_size, &hbc), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupPrepareW(NULL, 1, BACKUP_TYPE_FULL, &token, &token_size, &hbc),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupPrepareW(L"\\\\elsewhere", 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc),
                     hrCouldNotConnect);
    assert_null(hbc);

    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    assert_non_null(hbc);
    assert_non_null(token);
    /* The token is a self-contained blob (format in docs/behaviour.md). */
    assert_int_equal(token_size, 40);
    bytes = token;
    assert_memory_equal(bytes, "NBXT", 4);
    assert_int_equal(bytes[4] | bytes[5] << 8, 1);
    assert_int_equal(bytes[16] | bytes[17] << 8, 180);
    DsBackupFree(token);

    /* One backup at a time (docs/behaviour.md): a second is refused with
     * nothing handed out, and may start once the first has ended. */
    second = (HBC)1;
    token = (void *)1;
    token_size = 1;
    windows_may_differ_hr(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &second),
                          hrBackupInProgress);
    assert_null(second);
    assert_null(token);
    assert_int_equal(token_size, 0);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    assert_int_equal(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &second), S_OK);
    assert_true(second != hbc);
    DsBackupFree(token);
    assert_int_equal(DsBackupEnd(second), S_OK);
    assert_int_equal(DsBackupEnd(hbc), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupEnd(second), ERROR_INVALID_PARAMETER);
}

static void test_database_names(void **state)
{
    WCHAR unc[MAX_PATH];
    WCHAR *list = NULL;
    char *list_a = NULL;
    DWORD size = 0, size_a = 0;
    HBC hbc = prepare_backup();

    (void)state;
    assert_true(expected_unc(paths.database, unc, MAX_PATH));
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK);
    assert_non_null(list);
    assert_int_equal(count_list_entries(list, size), 1);
    assert_int_equal(list[0], 0x44);   /* BFT_NTDS_DATABASE */
    if (lstrcmpiW(list + 1, unc)) fail_msg("got %ls, expected %ls", list + 1, unc);
    assert_int_equal(size, (wcslen(unc) + 3) * sizeof(WCHAR));

    assert_int_equal(DsBackupGetDatabaseNamesA(hbc, &list_a, &size_a), S_OK);
    assert_int_equal((BYTE)list_a[0], 0x44);
    assert_int_equal(size_a, wcslen(unc) + 3);
    assert_int_equal(list_a[size_a - 1], 0);
    assert_int_equal(list_a[size_a - 2], 0);

    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, NULL, &size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    /* Lists stay valid after DsBackupEnd, until DsBackupFree. */
    assert_int_equal(list[0], 0x44);
    assert_int_equal((BYTE)list_a[0], 0x44);
    DsBackupFree(list);
    DsBackupFree(list_a);
    DsBackupFree(NULL);
}

static void test_backup_logs(void **state)
{
    static const WCHAR *const expected[] = {L"edb00001.log", L"edb00002.log", L"edb00003.log", L"edb.log"};
    WCHAR unc[MAX_PATH], *list = NULL;
    char *list_a = NULL, expected_a[MAX_PATH];
    const char *entry_a;
    DWORD size, size_a;
    HBC hbc = prepare_backup();
    int i;

    (void)state;
    assert_int_equal(DsBackupGetBackupLogsW(hbc, &list, &size), S_OK);
    assert_int_equal(count_list_entries(list, size), 4);
    assert_int_equal(DsBackupGetBackupLogsA(hbc, &list_a, &size_a), S_OK);
    entry_a = list_a;
    for (i = 0; i < 4; i++)
    {
        const WCHAR *entry = list_entry(list, i);
        /* Numbered logs in generation order, the current log last; no other files. */
        assert_true(expected_unc(log_path(expected[i]), unc, MAX_PATH));
        assert_int_equal(entry[0], 0x21);   /* BFT_LOG */
        if (lstrcmpiW(entry + 1, unc)) fail_msg("entry %d: got %ls, expected %ls", i, entry + 1, unc);
        assert_int_equal((BYTE)entry_a[0], 0x21);
        WideCharToMultiByte(CP_ACP, 0, unc, -1, expected_a, sizeof(expected_a), NULL, NULL);
        if (lstrcmpiA(entry_a + 1, expected_a)) fail_msg("A entry %d: got %s", i, entry_a + 1);
        entry_a += strlen(entry_a) + 1;
    }
    assert_int_equal(*entry_a, 0);
    assert_int_equal((DWORD)(entry_a + 1 - list_a), size_a);
    assert_int_equal(DsBackupGetBackupLogsW(hbc, NULL, &size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupGetBackupLogsA(hbc, &list_a, NULL), ERROR_INVALID_PARAMETER);
    DsBackupFree(list);
    DsBackupFree(list_a);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
}

static void set_log_dir(const WCHAR *dir)
{
    HKEY key;
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0);
    assert_int_equal(RegSetValueExW(key, NTDS_VALUE_LOG_DIR, 0, REG_SZ, (const BYTE *)dir,
                                    (DWORD)(wcslen(dir) + 1) * sizeof(WCHAR)), 0);
    RegCloseKey(key);
}

/* A running directory always has its current log: a folder without edb.log is
 * no complete backup, and is never given as an empty or partial list. */
static void test_no_current_log(void **state)
{
    WCHAR *list = (WCHAR *)1;
    char *list_a = (char *)1;
    DWORD size = 1;
    HBC hbc;

    (void)state;
    CreateDirectoryW(L"C:\\tests\\emptylogs", NULL);
    set_log_dir(L"C:\\tests\\emptylogs");
    hbc = prepare_backup();
    windows_may_differ_hr(DsBackupGetBackupLogsW(hbc, &list, &size), hrLogFileNotFound);
    assert_null(list);
    assert_int_equal(size, 0);
    windows_may_differ_hr(DsBackupGetBackupLogsA(hbc, &list_a, &size), hrLogFileNotFound);
    assert_null(list_a);
    windows_may_differ_hr(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    /* Numbered logs without the current one: the same. */
    write_file(L"C:\\tests\\emptylogs\\edb00001.log", "log", 3);
    hbc = prepare_backup();
    windows_may_differ_hr(DsBackupGetBackupLogsW(hbc, &list, &size), hrLogFileNotFound);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    set_log_dir(paths.log_dir);
    assert_true(DeleteFileW(L"C:\\tests\\emptylogs\\edb00001.log"));
    assert_true(RemoveDirectoryW(L"C:\\tests\\emptylogs"));
}

static void check_backup_matches(HBC hbc, const WCHAR *name, const WCHAR *local, DWORD buffer_size)
{
    DWORD size, expected_size;
    HRESULT hr;
    BYTE *copy = backup_whole_file(hbc, name, buffer_size, &size, &hr);
    BYTE *original = read_whole_file(local, &expected_size);

    assert_int_equal(hr, S_OK);
    assert_int_equal(size, expected_size);
    assert_memory_equal(copy, original, size);
    HeapFree(GetProcessHeap(), 0, copy);
    HeapFree(GetProcessHeap(), 0, original);
}

static void test_open_read_close(void **state)
{
    WCHAR *list, *logs, name[MAX_PATH];
    char name_a[MAX_PATH];
    DWORD size, got;
    LARGE_INTEGER file_size;
    BYTE buffer[65536];
    HBC hbc = prepare_backup();

    (void)state;
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK);
    /* With its BFT code, without it, A and W, and several buffer sizes. */
    check_backup_matches(hbc, list, paths.database, 65536);
    check_backup_matches(hbc, list + 1, paths.database, 24576);
    check_backup_matches(hbc, list + 1, paths.database, 4 << 20);
    WideCharToMultiByte(CP_ACP, 0, list, -1, name_a, sizeof(name_a), NULL, NULL);
    name_a[0] = (char)0x44;
    assert_int_equal(DsBackupOpenFileA(hbc, name_a, 65536, &file_size), S_OK);
    assert_int_equal(DsBackupClose(hbc), S_OK);
    assert_int_equal(DsBackupOpenFileA(hbc, name_a + 1, 65536, &file_size), S_OK);

    /* One open file per context. */
    windows_may_differ_hr(DsBackupOpenFileW(hbc, list, 65536, &file_size), hrAlreadyOpen);
    /* Read's buffer must be a multiple of 8192 and at least 24576 bytes. */
    assert_int_equal(DsBackupRead(hbc, buffer, 16384, &got), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupRead(hbc, buffer, 24577, &got), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupRead(hbc, NULL, 24576, &got), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupRead(hbc, buffer, 24576, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupClose(hbc), S_OK);
    assert_int_equal(DsBackupClose(hbc), hrInvalidHandle);
    assert_int_equal(DsBackupRead(hbc, buffer, 24576, &got), hrInvalidHandle);

    /* Logs can be opened once listed. */
    wcscpy(name, L"!");
    assert_true(expected_unc(log_path(L"edb00002.log"), name + 1, MAX_PATH - 1));
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupGetBackupLogsW(hbc, &logs, &size), S_OK);
    check_backup_matches(hbc, name, log_path(L"edb00002.log"), 65536);
    check_backup_matches(hbc, list_entry(logs, 3), log_path(L"edb.log"), 1 << 20);
    DsBackupFree(logs);
    DsBackupFree(list);
    /* DsBackupEnd closes a file left open. */
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), S_OK);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    assert_int_equal(DsBackupRead(hbc, buffer, 24576, &got), ERROR_INVALID_PARAMETER);
}

static void test_open_refuses_other_names(void **state)
{
    static const WCHAR *const suffixes[] = {L"\\..\\ntds.dit", L"\\.", L".", L" ", L":x", L"::$DATA",
                                            L":$DATA", L"/", L"\\", L"~1", L"x"};
    WCHAR *list, name[MAX_PATH], unc[MAX_PATH];
    LARGE_INTEGER file_size;
    DWORD size, i;
    HBC hbc = prepare_backup();

    (void)state;
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK);
    for (i = 0; i < ARRAYSIZE(suffixes); i++)
    {
        _snwprintf(name, MAX_PATH, L"%ls%ls", list + 1, suffixes[i]);
        if (DsBackupOpenFileW(hbc, name, 65536, &file_size) != ERROR_INVALID_PARAMETER)
            fail_msg("%ls was accepted", name);
    }
    /* The checkpoint is in the same folder but was never listed. */
    _snwprintf(name, MAX_PATH, L"%ls\\edb.chk", paths.working_dir);
    assert_true(expected_unc(name, unc, MAX_PATH));
    assert_int_equal(DsBackupOpenFileW(hbc, unc, 65536, &file_size), ERROR_INVALID_PARAMETER);
    /* The local path of a listed file, a wrong BFT code, a prefix of a name. */
    assert_int_equal(DsBackupOpenFileW(hbc, paths.database, 65536, &file_size), ERROR_INVALID_PARAMETER);
    wcscpy(name, list);
    name[0] = 0x21;
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    wcscpy(name, list + 1);
    name[wcslen(name) - 1] = 0;
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    /* Forward slashes name the same file on Windows, but are not the listed name. */
    wcscpy(name, list + 1);
    for (i = 2; name[i]; i++) if (name[i] == '\\') name[i] = '/';
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupOpenFileW(hbc, L"", 65536, &file_size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupOpenFileW(hbc, NULL, 65536, &file_size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupOpenFileA(hbc, NULL, 65536, &file_size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupOpenFileW(hbc, list, 65536, NULL), ERROR_INVALID_PARAMETER);
    /* The case of a listed name does not matter. */
    wcscpy(name, list);
    _wcslwr(name + 1);
    assert_int_equal(DsBackupOpenFileW(hbc, name, 65536, &file_size), S_OK);
    assert_int_equal(DsBackupClose(hbc), S_OK);
    DsBackupFree(list);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
}

static void test_bad_handles(void **state)
{
    int on_stack = 0;
    void *on_heap = HeapAlloc(GetProcessHeap(), 0, 64);
    HBC ended = prepare_backup();
    HBC bad[] = {NULL, (HBC)1, (HBC)2, (HBC)(ULONG_PTR)-1, (HBC)(ULONG_PTR)0x80000000, &on_stack, on_heap,
                 (HBC)test_bad_handles, ended, NULL};
    WCHAR *list = (WCHAR *)1;
    char *list_a = (char *)1;
    DWORD size = 1, got = 1, i;
    LARGE_INTEGER file_size;
    BYTE buffer[24576];

    (void)state;
    assert_int_equal(DsBackupEnd(ended), S_OK);
    /* A handle made right after the End may reuse nothing of the ended one. */
    bad[ARRAYSIZE(bad) - 1] = ended;
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        HBC hbc = bad[i];
        assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, &size), ERROR_INVALID_PARAMETER);
        assert_null(list);
        assert_int_equal(size, 0);
        assert_int_equal(DsBackupGetDatabaseNamesA(hbc, &list_a, &size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupGetBackupLogsW(hbc, &list, &size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupGetBackupLogsA(hbc, &list_a, &size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupOpenFileW(hbc, L"\\\\x\\y", 65536, &file_size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupOpenFileA(hbc, "\\\\x\\y", 65536, &file_size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupRead(hbc, buffer, sizeof(buffer), &got), ERROR_INVALID_PARAMETER);
        assert_int_equal(got, 0);
        assert_int_equal(DsBackupClose(hbc), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupTruncateLogs(hbc), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupEnd(hbc), ERROR_INVALID_PARAMETER);
    }
    /* Nothing was written through the pointers that were passed as handles. */
    assert_int_equal(on_stack, 0);
    HeapFree(GetProcessHeap(), 0, on_heap);

    /* A handle made after an End may reuse nothing of the ended one. */
    {
        HBC hbc = prepare_backup(), newer;
        assert_int_equal(DsBackupEnd(hbc), S_OK);
        newer = prepare_backup();
        assert_int_equal(DsBackupClose(hbc), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupClose(newer), hrInvalidHandle);
        assert_int_equal(DsBackupEnd(newer), S_OK);
    }
}

/* Reads every file of a list to the end, except the one named SKIP (a base name). */
static void back_up_list(HBC hbc, const WCHAR *list, DWORD size, const WCHAR *skip)
{
    DWORD got;
    HRESULT hr;
    BYTE *copy;
    int i, n = count_list_entries(list, size);

    for (i = 0; i < n; i++)
    {
        const WCHAR *entry = list_entry(list, i);
        if (skip && !lstrcmpiW(wcsrchr(entry, '\\') + 1, skip)) continue;
        copy = backup_whole_file(hbc, entry, 65536, &got, &hr);
        assert_int_equal(hr, S_OK);
        HeapFree(GetProcessHeap(), 0, copy);
    }
}

/* Truncation deletes numbered logs only after a complete backup: both lists
 * given, every listed file read to the end (docs/behaviour.md). */
static void test_truncate_logs(void **state)
{
    static const BYTE content[] = "a numbered log that was backed up";
    static const WCHAR *const sample_logs[] = {L"edb00001.log", L"edb00002.log", L"edb00003.log"};
    BYTE *saved[3];
    DWORD saved_size[3], size, logs_size;
    WCHAR *logs, *database;
    HBC hbc;
    int i;

    (void)state;
    for (i = 0; i < 3; i++) saved[i] = read_whole_file(log_path(sample_logs[i]), &saved_size[i]);
    write_file(log_path(L"edb0000F.log"), content, sizeof(content));
    write_file(log_path(L"edb0000E.log"), content, sizeof(content));
    write_file(log_path(L"edb0000D.log"), content, sizeof(content));
    hbc = prepare_backup();
    /* Nothing listed, nothing read: out of sequence, nothing deleted. */
    windows_may_differ_hr(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    assert_int_not_equal(GetFileAttributesW(log_path(L"edb0000F.log")), INVALID_FILE_ATTRIBUTES);
    /* The logs listed and all but one read, the database neither: still refused. */
    assert_int_equal(DsBackupGetBackupLogsW(hbc, &logs, &logs_size), S_OK);
    back_up_list(hbc, logs, logs_size, L"edb0000D.log");
    windows_may_differ_hr(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &database, &size), S_OK);
    back_up_list(hbc, database, size, NULL);
    windows_may_differ_hr(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    for (i = 0; i < 3; i++) assert_int_not_equal(GetFileAttributesW(log_path(sample_logs[i])), INVALID_FILE_ATTRIBUTES);
    assert_int_not_equal(GetFileAttributesW(log_path(L"edb0000D.log")), INVALID_FILE_ATTRIBUTES);
    /* The last log read: the backup is complete.  edb0000E.log changes after it
     * was read: its new contents were never backed up, so it stays. */
    back_up_list(hbc, logs, logs_size, NULL);
    write_file(log_path(L"edb0000E.log"), "changed", 7);
    assert_int_equal(DsBackupTruncateLogs(hbc), S_OK);
    assert_int_equal(GetFileAttributesW(log_path(L"edb0000F.log")), INVALID_FILE_ATTRIBUTES);
    assert_int_equal(GetFileAttributesW(log_path(L"edb0000D.log")), INVALID_FILE_ATTRIBUTES);
    for (i = 0; i < 3; i++) assert_int_equal(GetFileAttributesW(log_path(sample_logs[i])), INVALID_FILE_ATTRIBUTES);
    assert_int_not_equal(GetFileAttributesW(log_path(L"edb0000E.log")), INVALID_FILE_ATTRIBUTES);
    assert_int_not_equal(GetFileAttributesW(log_path(L"edb.log")), INVALID_FILE_ATTRIBUTES);
    assert_int_not_equal(GetFileAttributesW(paths.database), INVALID_FILE_ATTRIBUTES);
    /* A second truncation finds nothing more to delete. */
    assert_int_equal(DsBackupTruncateLogs(hbc), S_OK);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    DsBackupFree(database);
    DsBackupFree(logs);
    DeleteFileW(log_path(L"edb0000E.log"));
    /* The sample's logs, back for the tests that follow. */
    for (i = 0; i < 3; i++)
    {
        write_file(log_path(sample_logs[i]), saved[i], saved_size[i]);
        HeapFree(GetProcessHeap(), 0, saved[i]);
    }
}

/* A log that changes while it is read never gives a successful copy. */
static void check_change_detected(void (*change)(const WCHAR *path), const char *what)
{
    BYTE *content = HeapAlloc(GetProcessHeap(), 0, 300000), buffer[65536];
    const WCHAR *path = log_path(L"edb0000C.log");
    WCHAR *logs, unc[MAX_PATH];
    LARGE_INTEGER file_size;
    DWORD size, got, total = 0, i;
    HRESULT hr = S_OK;
    HBC hbc;

    for (i = 0; i < 300000; i++) content[i] = (BYTE)(i * 7);
    write_file(path, content, 300000);
    hbc = prepare_backup();
    assert_int_equal(DsBackupGetBackupLogsW(hbc, &logs, &size), S_OK);
    DsBackupFree(logs);
    assert_true(expected_unc(path, unc, MAX_PATH));
    assert_int_equal(DsBackupOpenFileW(hbc, unc, 65536, &file_size), S_OK);
    assert_int_equal(file_size.QuadPart, 300000);
    assert_int_equal(DsBackupRead(hbc, buffer, sizeof(buffer), &got), S_OK);
    total += got;
    change(path);
    while (total < 300000 && (hr = DsBackupRead(hbc, buffer, sizeof(buffer), &got)) == S_OK) total += got;
    if (hr != hrReadVerifyFailure) fail_msg("%s: got %#lx after %lu bytes, expected hrReadVerifyFailure", what, hr, total);
    /* It keeps failing; the context stays usable once the file is closed. */
    windows_may_differ_hr(DsBackupRead(hbc, buffer, sizeof(buffer), &got), hrReadVerifyFailure);
    assert_int_equal(got, 0);
    assert_int_equal(DsBackupClose(hbc), S_OK);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    HeapFree(GetProcessHeap(), 0, content);
    DeleteFileW(path);
}

static void append_bytes(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    DWORD written;
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, "more", 4, &written, NULL));
    CloseHandle(file);
}

static void shrink(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at = {{100000, 0}};
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(SetFilePointerEx(file, at, NULL, FILE_BEGIN));
    assert_true(SetEndOfFile(file));
    CloseHandle(file);
}

static void overwrite_in_place(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at = {{200000, 0}};
    FILETIME later;
    ULARGE_INTEGER t;
    DWORD written;
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(SetFilePointerEx(file, at, NULL, FILE_BEGIN));
    assert_true(WriteFile(file, "torn", 4, &written, NULL));
    /* Make sure the write time moves even on a coarse clock. */
    GetSystemTimeAsFileTime(&later);
    t.LowPart = later.dwLowDateTime; t.HighPart = later.dwHighDateTime;
    t.QuadPart += 20000000;
    later.dwLowDateTime = t.LowPart; later.dwHighDateTime = t.HighPart;
    assert_true(SetFileTime(file, NULL, NULL, &later));
    CloseHandle(file);
}

static void try_delete(const WCHAR *path)
{
    /* The backup holds the file: it cannot be deleted or renamed while read. */
    assert_false(DeleteFileW(path));
    assert_false(MoveFileExW(path, L"C:\\windows\\temp\\moved.log", MOVEFILE_REPLACE_EXISTING));
    overwrite_in_place(path);
}

static void test_file_changes_underneath(void **state)
{
    WCHAR *list, unc[MAX_PATH];
    LARGE_INTEGER file_size;
    DWORD size;
    HBC hbc;

    (void)state;
    check_change_detected(append_bytes, "grown");
    check_change_detected(shrink, "truncated");
    check_change_detected(overwrite_in_place, "overwritten");
    check_change_detected(try_delete, "deleted");

    /* Deleted between listing and opening. */
    write_file(log_path(L"edb0000B.log"), "x", 1);
    hbc = prepare_backup();
    assert_int_equal(DsBackupGetBackupLogsW(hbc, &list, &size), S_OK);
    DsBackupFree(list);
    assert_true(DeleteFileW(log_path(L"edb0000B.log")));
    assert_true(expected_unc(log_path(L"edb0000B.log"), unc, MAX_PATH));
    windows_may_differ_hr(DsBackupOpenFileW(hbc, unc, 65536, &file_size), hrFileNotFound);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
}

static HBC race_handle;
static volatile LONG race_bad_results;

static DWORD WINAPI race_reader(void *arg)
{
    BYTE *buffer = HeapAlloc(GetProcessHeap(), 0, 65536);
    DWORD got;
    HRESULT hr;
    (void)arg;
    for (;;)
    {
        hr = DsBackupRead(race_handle, buffer, 65536, &got);
        if (hr == ERROR_INVALID_PARAMETER) break;
        if (hr != S_OK && hr != ERROR_HANDLE_EOF) InterlockedIncrement(&race_bad_results);
        hr = DsBackupClose(race_handle);
        if (hr == ERROR_INVALID_PARAMETER) break;
        if (hr != S_OK) InterlockedIncrement(&race_bad_results);
        DsBackupOpenFileW(race_handle, L"\\\\nothing", 65536, NULL);
        break;
    }
    HeapFree(GetProcessHeap(), 0, buffer);
    return 0;
}

static void test_end_races_read(void **state)
{
    LARGE_INTEGER file_size;
    WCHAR *list;
    DWORD size;
    HANDLE thread;
    int round;

    (void)state;
    for (round = 0; round < 200; round++)
    {
        race_handle = prepare_backup();
        assert_int_equal(DsBackupGetDatabaseNamesW(race_handle, &list, &size), S_OK);
        assert_int_equal(DsBackupOpenFileW(race_handle, list, 65536, &file_size), S_OK);
        DsBackupFree(list);
        thread = CreateThread(NULL, 0, race_reader, NULL, 0, NULL);
        if (round % 2) Sleep(0);
        assert_int_equal(DsBackupEnd(race_handle), S_OK);
        WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
    }
    assert_int_equal(race_bad_results, 0);
}

#define GET(type, name) ((type)(void *)GetProcAddress(module, name))

/* Every export, called through GetProcAddress as a program that loads the DLL
 * itself would, with the results the import-library tests expect. */
static void test_loadlibrary(void **state)
{
    static const char *const names[] = {
        "DsBackupClose", "DsBackupEnd", "DsBackupFree", "DsBackupGetBackupLogsA", "DsBackupGetBackupLogsW",
        "DsBackupGetDatabaseNamesA", "DsBackupGetDatabaseNamesW", "DsBackupOpenFileA", "DsBackupOpenFileW",
        "DsBackupPrepareA", "DsBackupPrepareW", "DsBackupRead", "DsBackupTruncateLogs", "DsIsNTDSOnlineA",
        "DsIsNTDSOnlineW", "DsRestoreCheckExpiryToken", "DsRestoreEnd", "DsRestoreGetDatabaseLocationsA",
        "DsRestoreGetDatabaseLocationsW", "DsRestorePrepareA", "DsRestorePrepareW", "DsRestoreRegisterA",
        "DsRestoreRegisterComplete", "DsRestoreRegisterW", "DsSetAuthIdentityA", "DsSetAuthIdentityW",
        "DsSetCurrentBackupLogA", "DsSetCurrentBackupLogW"};
    HMODULE module = LoadLibraryA("ntdsbcli.dll");
    void *token;
    char *list_a;
    WCHAR *list_w;
    DWORD token_size, size, got, i;
    LARGE_INTEGER file_size;
    BYTE buffer[24576];
    BOOL online = FALSE;
    HBC hbc;

    (void)state;
    assert_non_null(module);
    for (i = 0; i < ARRAYSIZE(names); i++)
        if (!GetProcAddress(module, names[i])) fail_msg("%s is not exported", names[i]);
    assert_null(GetProcAddress(module, "DsBackupPrepare"));   /* the generic names are macros */

    assert_int_equal(GET(HRESULT (WINAPI *)(LPCWSTR, BOOL *), "DsIsNTDSOnlineW")(NULL, &online), S_OK);
    assert_true(online);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCSTR, BOOL *), "DsIsNTDSOnlineA")("", &online), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *), "DsBackupPrepareA")
                     ("", 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(token);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCWSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *), "DsBackupPrepareW")
                     (NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(token);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsBackupGetDatabaseNamesW")(hbc, &list_w, &size), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPCWSTR, DWORD, LARGE_INTEGER *), "DsBackupOpenFileW")
                     (hbc, list_w, 65536, &file_size), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, PVOID, DWORD, PDWORD), "DsBackupRead")(hbc, buffer, sizeof(buffer), &got), S_OK);
    assert_int_equal(got, sizeof(buffer));
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsBackupClose")(hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsBackupGetDatabaseNamesA")(hbc, &list_a, &size), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPCSTR, DWORD, LARGE_INTEGER *), "DsBackupOpenFileA")
                     (hbc, list_a, 65536, &file_size), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsBackupClose")(hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsBackupGetBackupLogsW")(hbc, &list_w, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsBackupGetBackupLogsA")(hbc, &list_a, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    /* Not a complete backup (most files unread): nothing is truncated. */
    windows_may_differ_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupTruncateLogs")(hbc), hrInvalidBackupSequence);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), ERROR_INVALID_PARAMETER);

    /* The restore family: a limited context works online; the rest are refused
     * while the directory is online, or take no handle. */
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCWSTR, ULONG, PVOID, DWORD, HBC *), "DsRestorePrepareW")
                     (NULL, 0, NULL, 0, &hbc), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsRestoreGetDatabaseLocationsW")(hbc, &list_w, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsRestoreGetDatabaseLocationsA")(hbc, &list_a, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPCWSTR, LPCWSTR, EDB_RSTMAPW *, LONG, LPCWSTR, ULONG, ULONG),
                         "DsRestoreRegisterW")(hbc, NULL, NULL, NULL, 0, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, LPCSTR, LPCSTR, EDB_RSTMAPA *, LONG, LPCSTR, ULONG, ULONG),
                         "DsRestoreRegisterA")(hbc, NULL, NULL, NULL, 0, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC, HRESULT), "DsRestoreRegisterComplete")(hbc, S_OK), hrMissingExpiryToken);
    assert_int_equal(GET(HRESULT (WINAPI *)(HBC), "DsRestoreEnd")(hbc), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCSTR, ULONG, PVOID, DWORD, HBC *), "DsRestorePrepareA")
                     (NULL, RESTORE_TYPE_ONLINE, NULL, 0, &hbc), ERROR_INVALID_PARAMETER);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCWSTR, DWORD), "DsSetCurrentBackupLogW")(L"elsewhere", 1), hrCouldNotConnect);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCSTR, DWORD), "DsSetCurrentBackupLogA")("elsewhere", 1), hrCouldNotConnect);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCWSTR, LPCWSTR, LPCWSTR), "DsSetAuthIdentityW")(NULL, NULL, NULL), S_OK);
    assert_int_equal(GET(HRESULT (WINAPI *)(LPCSTR, LPCSTR, LPCSTR), "DsSetAuthIdentityA")(NULL, "x", NULL),
                     ERROR_INVALID_PARAMETER);
    windows_may_differ_hr(GET(HRESULT (WINAPI *)(void), "DsRestoreCheckExpiryToken")(), hrNyi);
    FreeLibrary(module);
}

/* ------------------------------------------------------------------------- */

/* Run with the database unconfigured: this machine is not a domain controller. */
static void test_not_a_domain_controller(void **state)
{
    BOOL online = 42;
    void *token = (void *)1;
    DWORD token_size = 1;
    HBC hbc = (HBC)1;

    (void)state;
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_int_equal(online, FALSE);
    assert_int_equal(DsIsNTDSOnlineA("", &online), S_OK);
    assert_int_equal(online, FALSE);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), hrCouldNotConnect);
    assert_null(hbc);
    assert_null(token);
    assert_int_equal(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), hrCouldNotConnect);
}

/* Buffers of every allowed size, changing from call to call, give exact copies;
 * a file closed part way, or a context ended part way, is no obstacle. */
static void test_buffer_sizes_vary(void **state)
{
    static const DWORD sizes[] = {65536, 24576, 65536, 1 << 20, 24576, 24576};
    BYTE *buffer = HeapAlloc(GetProcessHeap(), 0, 1 << 20), *original, *copy;
    DWORD size, got, expected_size, total = 0;
    LARGE_INTEGER file_size;
    HBC hbc = prepare_backup();
    WCHAR *list;
    HRESULT hr;
    int i;

    (void)state;
    assert_int_equal(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK);
    original = read_whole_file(paths.database, &expected_size);
    assert_true(expected_size > 8 * 65536);
    copy = HeapAlloc(GetProcessHeap(), 0, expected_size);

    assert_int_equal(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    for (i = 0; (hr = DsBackupRead(hbc, buffer, sizes[i % 6], &got)) == S_OK; i++)
    {
        assert_true(got > 0 && got <= sizes[i % 6] && total + got <= expected_size);
        memcpy(copy + total, buffer, got);
        total += got;
    }
    assert_int_equal(hr, ERROR_HANDLE_EOF);
    assert_int_equal(total, expected_size);
    assert_memory_equal(copy, original, expected_size);
    assert_int_equal(DsBackupClose(hbc), S_OK);

    /* Closed after one chunk, then read again from the start. */
    assert_int_equal(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    assert_int_equal(DsBackupRead(hbc, buffer, 24576, &got), S_OK);
    assert_int_equal(DsBackupClose(hbc), S_OK);
    check_backup_matches(hbc, list, paths.database, 24576);
    /* Ended with a file open part way. */
    assert_int_equal(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    assert_int_equal(DsBackupRead(hbc, buffer, 1 << 20, &got), S_OK);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    assert_int_equal(DsBackupRead(hbc, buffer, 24576, &got), ERROR_INVALID_PARAMETER);
    DsBackupFree(list);
    HeapFree(GetProcessHeap(), 0, copy);
    HeapFree(GetProcessHeap(), 0, original);
    HeapFree(GetProcessHeap(), 0, buffer);
}

/* Removes SeBackupPrivilege from the process token: no new context, while one
 * made before keeps the rights it was made with (docs/behaviour.md, Privileges). */
static void test_without_backup_privilege(void **state)
{
    void *expiry = NULL;
    DWORD expiry_size;
    HBC hbc = NULL, made_before = prepare_backup();
    WCHAR *list, *logs;
    DWORD size;

    (void)state;
    remove_privilege(L"SeBackupPrivilege");
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &expiry, &expiry_size, &hbc), ERROR_ACCESS_DENIED);
    assert_null(hbc);
    assert_int_equal(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &expiry, &expiry_size, &hbc), ERROR_ACCESS_DENIED);

    assert_int_equal(DsBackupGetDatabaseNamesW(made_before, &list, &size), S_OK);
    check_backup_matches(made_before, list, paths.database, 65536);
    assert_int_equal(DsBackupGetBackupLogsW(made_before, &logs, &size), S_OK);
    /* edb.log: the logs before it may have been truncated by the backup tests. */
    check_backup_matches(made_before, list_entry(logs, count_list_entries(logs, size) - 1), log_path(L"edb.log"), 65536);
    DsBackupFree(logs);
    DsBackupFree(list);
    assert_int_equal(DsBackupEnd(made_before), S_OK);
}

/* The DLL says what it is, for Explorer-style tools and "wine". */
static void test_version_resource(void **state)
{
    WCHAR path[MAX_PATH], *value;
    DWORD size, ignored;
    UINT length;
    BYTE *info;

    (void)state;
    assert_true(GetModuleFileNameW(GetModuleHandleA("ntdsbcli.dll"), path, MAX_PATH));
    size = GetFileVersionInfoSizeW(path, &ignored);
    assert_true(size > 0);
    info = HeapAlloc(GetProcessHeap(), 0, size);
    assert_true(GetFileVersionInfoW(path, 0, size, info));
    assert_true(VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\OriginalFilename", (void **)&value, &length));
    assert_int_equal(lstrcmpiW(value, L"ntdsbcli.dll"), 0);
    assert_true(VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\ProductVersion", (void **)&value, &length));
    assert_true(length > 1 && value[0] >= '0' && value[0] <= '9');
    HeapFree(GetProcessHeap(), 0, info);
}

static void set_offline_mark(DWORD type, const void *data, DWORD size)
{
    HKEY key;
    assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0);
    if (data) assert_int_equal(RegSetValueExW(key, NTDS_VALUE_OFFLINE, 0, type, data, size), 0);
    else RegDeleteValueW(key, NTDS_VALUE_OFFLINE);
    RegCloseKey(key);
}

/* No NTDS service (the DLL copied next to a tool): the directory is online
 * until the administrator marks it offline ("dsbackup offline"), and then a
 * whole restore runs as documented. */
static void test_offline_without_service(void **state)
{
    static const DWORD one = 1, zero = 0;
    EDB_RSTMAPW map = {paths.database, paths.database};
    BYTE token_copy[64];
    DWORD token_size, refused_size;
    void *token;
    BOOL online;
    HBC hbc;

    (void)state;
    assert_false(ntds_service_exists());
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    assert_true(token_size <= sizeof(token_copy));
    memcpy(token_copy, token, token_size);
    DsBackupFree(token);
    assert_int_equal(DsBackupEnd(hbc), S_OK);
    windows_may_differ_hr(DsRestorePrepareW(NULL, 0, token_copy, token_size, &hbc), hrDatabaseInUse);

    set_offline_mark(REG_DWORD, &one, sizeof(one));
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_false(online);
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &refused_size, &hbc), hrCouldNotConnect);
    assert_int_equal(DsRestorePrepareW(NULL, 0, token_copy, token_size, &hbc), S_OK);
    assert_int_equal(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3), S_OK);
    assert_int_equal(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    assert_false(restore_registered());

    /* Only the value 1 means offline. */
    set_offline_mark(REG_DWORD, &zero, sizeof(zero));
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_true(online);
    set_offline_mark(REG_SZ, L"1", 4);
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_true(online);
    set_offline_mark(REG_DWORD, NULL, 0);
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_true(online);
}

int run_backup_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_online),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_database_names),
        cmocka_unit_test(test_backup_logs),
        cmocka_unit_test(test_no_current_log),
        cmocka_unit_test(test_open_read_close),
        cmocka_unit_test(test_buffer_sizes_vary),
        cmocka_unit_test(test_open_refuses_other_names),
        cmocka_unit_test(test_bad_handles),
        cmocka_unit_test(test_truncate_logs),
        cmocka_unit_test(test_file_changes_underneath),
        cmocka_unit_test(test_end_races_read),
        cmocka_unit_test(test_loadlibrary),
        cmocka_unit_test(test_version_resource),
    };
    assert_true(read_dsa_paths(&paths));
    return cmocka_run_group_tests_name("backup", tests, NULL, NULL);
}

int run_offline_without_service_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_offline_without_service)};
    assert_true(read_dsa_paths(&paths));
    return cmocka_run_group_tests_name("offline without a service", tests, NULL, NULL);
}

int run_not_a_dc_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_not_a_domain_controller)};
    return cmocka_run_group_tests_name("not a domain controller", tests, NULL, NULL);
}

int run_no_backup_privilege_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_without_backup_privilege)};
    assert_true(read_dsa_paths(&paths));
    return cmocka_run_group_tests_name("no SeBackupPrivilege", tests, NULL, NULL);
}
