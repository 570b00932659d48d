/*
 * Conformance tests of the backup family, on a domain controller whose
 * directory is online (run.sh: a Wine prefix with a generated directory
 * database).  One test_X per behaviour; every check shows the value it got.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

static struct dsa_paths paths;

static WCHAR *log_path(const WCHAR *name)
{
    static WCHAR path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", paths.log_dir, name);
    return path;
}

static void test_is_online(void)
{
    WCHAR computer[MAX_COMPUTERNAME_LENGTH + 3] = L"\\\\", lower[MAX_COMPUTERNAME_LENGTH + 1];
    char computer_a[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    BOOL online;

    ok_win32(GetComputerNameW(computer + 2, &n));
    wcscpy(lower, computer + 2);
    _wcslwr(lower);
    WideCharToMultiByte(CP_ACP, 0, computer + 2, -1, computer_a, sizeof(computer_a), NULL, NULL);

    online = 42;
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok_int(online, TRUE);
    online = 42;
    ok_hr(DsIsNTDSOnlineW(L"", &online), S_OK);
    ok_int(online, TRUE);
    ok_hr(DsIsNTDSOnlineW(computer, &online), S_OK);
    ok_int(online, TRUE);
    ok_hr(DsIsNTDSOnlineW(computer + 2, &online), S_OK);
    ok_hr(DsIsNTDSOnlineW(lower, &online), S_OK);
    ok_int(online, TRUE);
    ok_hr(DsIsNTDSOnlineA(computer_a, &online), S_OK);
    ok_int(online, TRUE);
    ok_hr(DsIsNTDSOnlineA(NULL, &online), S_OK);

    /* Names that mean this machine on Windows too. */
    {
        static const WCHAR *const loopback[] = {L"localhost", L"\\\\localhost", L"LOCALHOST.", L"127.0.0.1",
                                                L"\\\\127.0.0.1", L"::1"};
        WCHAR dns[300];
        size_t i;

        for (i = 0; i < ARRAYSIZE(loopback); i++)
        {
            HRESULT hr;

            online = 42;
            hr = DsIsNTDSOnlineW(loopback[i], &online);
            ok(hr == S_OK && online == TRUE, "DsIsNTDSOnlineW(%s): got %#lx, online %d\n", debugstr_w(loopback[i]),
               hr, online);
        }
        ok_hr(DsIsNTDSOnlineA("localhost", &online), S_OK);
        n = ARRAYSIZE(dns) - 1;
        ok_win32(GetComputerNameExW(ComputerNameDnsFullyQualified, dns, &n));
        wcscat(dns, L".");        /* the root's dot */
        ok_hr(DsIsNTDSOnlineW(dns, &online), S_OK);
        ok_int(online, TRUE);
        ok_hr(DsIsNTDSOnlineW(L"localhost..", &online), hrCouldNotConnect);
        ok_hr(DsIsNTDSOnlineW(L"128.0.0.1", &online), hrCouldNotConnect);
    }

    ok_hr(DsIsNTDSOnlineW(L"someotherhost", &online), hrCouldNotConnect);
    ok_hr(DsIsNTDSOnlineW(L"bad_name", &online), hrCouldNotConnect);
    ok_hr(DsIsNTDSOnlineW(L"\\\\", &online), hrCouldNotConnect);
    ok_hr(DsIsNTDSOnlineA("\\\\someotherhost", &online), hrCouldNotConnect);
    ok_hr(DsIsNTDSOnlineW(NULL, NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsIsNTDSOnlineA(NULL, NULL), ERROR_INVALID_PARAMETER);
}

static void test_prepare(void)
{
    void *token = (void *)1;
    DWORD token_size = 1;
    HBC hbc = (HBC)1, second;
    const BYTE *bytes;

    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, NULL, &token_size, &hbc), hrInvalidParam);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, NULL, &hbc), hrInvalidParam);
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_INCREMENTAL, &token, &token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok(!token, "token: got %p, expected NULL\n", token);
    ok_int(token_size, 0);
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_LOGS_ONLY, &token, &token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupPrepareW(NULL, 0, 0, &token, &token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupPrepareW(NULL, 1, BACKUP_TYPE_FULL, &token, &token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupPrepareW(L"\\\\elsewhere", 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), hrCouldNotConnect);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);

    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    ok(hbc != NULL, "hbc is NULL\n");
    ok(token != NULL, "token is NULL\n");
    /* The token is a self-contained blob, in this DLL's own format
     * (docs/behaviour.md): Windows' differs. */
    ok(token_size == 40 || broken(TRUE), "token_size: got %lu, expected 40\n", token_size);
    bytes = token;
    if (bytes && token_size == 40)
    {
        ok(!memcmp(bytes, "NBXT", 4) || broken(TRUE), "token starts with %s\n", debugstr_an((const char *)bytes, 4));
        ok((bytes[4] | bytes[5] << 8) == 1 || broken(TRUE), "token version: got %u\n", bytes[4] | bytes[5] << 8);
        ok((bytes[16] | bytes[17] << 8) == 180 || broken(TRUE), "token lifetime: got %u days, expected 180\n",
           bytes[16] | bytes[17] << 8);
    }
    DsBackupFree(token);

    /* One backup at a time (docs/behaviour.md): a second is refused with
     * nothing handed out, and may start once the first has ended. */
    second = (HBC)1;
    token = (void *)1;
    token_size = 1;
    ok_hr_choice(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &second), hrBackupInProgress);
    ok(!second, "second: got %p, expected NULL\n", second);
    ok(!token, "token: got %p, expected NULL\n", token);
    ok_int(token_size, 0);
    ok_hr(DsBackupEnd(hbc), S_OK);
    ok_hr(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &second), S_OK);
    ok(second != hbc, "the second context is the first: %p\n", second);
    DsBackupFree(token);
    ok_hr(DsBackupEnd(second), S_OK);
    ok_hr(DsBackupEnd(hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupEnd(second), ERROR_INVALID_PARAMETER);
}

static void test_database_names(void)
{
    WCHAR unc[MAX_PATH];
    WCHAR *list = NULL;
    char *list_a = NULL;
    DWORD size = 0, size_a = 0;
    HBC hbc = prepare_backup();

    ok(expected_unc(paths.database, unc, MAX_PATH), "no computer name\n");
    ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK);
    ok(list != NULL, "list is NULL\n");
    ok_hr(DsBackupGetDatabaseNamesA(hbc, &list_a, &size_a), S_OK);
    ok(list_a != NULL, "list_a is NULL\n");
    if (!list || !list_a)
    {
        DsBackupEnd(hbc);
        return;
    }
    ok_int(count_list_entries(list, size), 1);
    ok_int(list[0], 0x44);   /* BFT_NTDS_DATABASE */
    ok(!lstrcmpiW(list + 1, unc), "got %s, expected %s\n", debugstr_w(list + 1), debugstr_w(unc));
    ok_int(size, (wcslen(unc) + 3) * sizeof(WCHAR));

    ok_int((BYTE)list_a[0], 0x44);
    ok_int(size_a, wcslen(unc) + 3);
    ok_int(list_a[size_a - 1], 0);
    ok_int(list_a[size_a - 2], 0);

    ok_hr(DsBackupGetDatabaseNamesW(hbc, NULL, &size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupEnd(hbc), S_OK);
    /* Lists stay valid after DsBackupEnd, until DsBackupFree. */
    ok_int(list[0], 0x44);
    ok_int((BYTE)list_a[0], 0x44);
    DsBackupFree(list);
    DsBackupFree(list_a);
    DsBackupFree(NULL);
}

static void test_backup_logs(void)
{
    static const WCHAR *const expected[] = {L"edb00001.log", L"edb00002.log", L"edb00003.log", L"edb.log"};
    WCHAR unc[MAX_PATH], *list = NULL;
    char *list_a = NULL, expected_a[MAX_PATH];
    const char *entry_a;
    DWORD size, size_a;
    HBC hbc = prepare_backup();
    int i;

    ok_hr(DsBackupGetBackupLogsW(hbc, &list, &size), S_OK);
    ok_hr(DsBackupGetBackupLogsA(hbc, &list_a, &size_a), S_OK);
    if (!list || !list_a)
    {
        DsBackupEnd(hbc);
        return;
    }
    if (!ok_int(count_list_entries(list, size), 4)) return;
    entry_a = list_a;
    for (i = 0; i < 4; i++)
    {
        const WCHAR *entry = list_entry(list, i);
        winetest_push_context("entry %d", i);
        /* Numbered logs in generation order, the current log last; no other files. */
        ok(expected_unc(log_path(expected[i]), unc, MAX_PATH), "no computer name\n");
        ok_int(entry[0], 0x21);   /* BFT_LOG */
        ok(!lstrcmpiW(entry + 1, unc), "got %s, expected %s\n", debugstr_w(entry + 1), debugstr_w(unc));
        ok_int((BYTE)entry_a[0], 0x21);
        WideCharToMultiByte(CP_ACP, 0, unc, -1, expected_a, sizeof(expected_a), NULL, NULL);
        ok(!lstrcmpiA(entry_a + 1, expected_a), "A: got %s, expected %s\n", debugstr_a(entry_a + 1),
           debugstr_a(expected_a));
        entry_a += strlen(entry_a) + 1;
        winetest_pop_context();
    }
    ok_int(*entry_a, 0);
    ok_int((DWORD)(entry_a + 1 - list_a), size_a);
    ok_hr(DsBackupGetBackupLogsW(hbc, NULL, &size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupGetBackupLogsA(hbc, &list_a, NULL), ERROR_INVALID_PARAMETER);
    DsBackupFree(list);
    DsBackupFree(list_a);
    ok_hr(DsBackupEnd(hbc), S_OK);
}

static void set_log_dir(const WCHAR *dir)
{
    HKEY key;
    if (!ok_int(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0)) return;
    ok_int(RegSetValueExW(key, NTDS_VALUE_LOG_DIR, 0, REG_SZ, (const BYTE *)dir,
                          (DWORD)(wcslen(dir) + 1) * sizeof(WCHAR)), 0);
    RegCloseKey(key);
}

/* A running directory always has its current log: a folder without edb.log is
 * no complete backup, and is never given as an empty or partial list. */
static void test_no_current_log(void)
{
    WCHAR *list = (WCHAR *)1, folder[MAX_PATH], log[MAX_PATH];
    char *list_a = (char *)1;
    DWORD size = 1;
    HBC hbc;

    GetTempPathW(MAX_PATH - 32, folder);
    wcscat(folder, L"ntdsbcli-emptylogs");
    _snwprintf(log, MAX_PATH, L"%ls\\edb00001.log", folder);
    CreateDirectoryW(folder, NULL);
    set_log_dir(folder);
    hbc = prepare_backup();
    ok_hr_choice(DsBackupGetBackupLogsW(hbc, &list, &size), hrLogFileNotFound);
    ok(!list, "list: got %p, expected NULL\n", list);
    ok_int(size, 0);
    ok_hr_choice(DsBackupGetBackupLogsA(hbc, &list_a, &size), hrLogFileNotFound);
    ok(!list_a, "list_a: got %p, expected NULL\n", list_a);
    ok_hr_choice(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    ok_hr(DsBackupEnd(hbc), S_OK);
    /* Numbered logs without the current one: the same. */
    write_file(log, "log", 3);
    hbc = prepare_backup();
    ok_hr_choice(DsBackupGetBackupLogsW(hbc, &list, &size), hrLogFileNotFound);
    ok_hr(DsBackupEnd(hbc), S_OK);
    set_log_dir(paths.log_dir);
    ok_win32(DeleteFileW(log));
    ok_win32(RemoveDirectoryW(folder));
}

static void test_open_read_close(void)
{
    WCHAR *list = NULL, *logs = NULL, name[MAX_PATH];
    char name_a[MAX_PATH];
    DWORD size, got;
    LARGE_INTEGER file_size;
    BYTE buffer[65536];
    HBC hbc = prepare_backup();

    if (!ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK))
    {
        DsBackupEnd(hbc);
        return;
    }
    /* With its BFT code, without it, A and W, and several buffer sizes. */
    check_backup_matches(hbc, list, paths.database, 65536);
    check_backup_matches(hbc, list + 1, paths.database, 24576);
    check_backup_matches(hbc, list + 1, paths.database, 4 << 20);
    WideCharToMultiByte(CP_ACP, 0, list, -1, name_a, sizeof(name_a), NULL, NULL);
    name_a[0] = (char)0x44;
    ok_hr(DsBackupOpenFileA(hbc, name_a, 65536, &file_size), S_OK);
    ok_hr(DsBackupClose(hbc), S_OK);
    ok_hr(DsBackupOpenFileA(hbc, name_a + 1, 65536, &file_size), S_OK);

    /* One open file per context. */
    ok_hr_choice(DsBackupOpenFileW(hbc, list, 65536, &file_size), hrAlreadyOpen);
    /* Read's buffer must be a multiple of 8192 and at least 24576 bytes. */
    ok_hr(DsBackupRead(hbc, buffer, 16384, &got), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupRead(hbc, buffer, 24577, &got), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupRead(hbc, NULL, 24576, &got), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupRead(hbc, buffer, 24576, NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupClose(hbc), S_OK);
    ok_hr(DsBackupClose(hbc), hrInvalidHandle);
    ok_hr(DsBackupRead(hbc, buffer, 24576, &got), hrInvalidHandle);

    /* Logs can be opened once listed. */
    wcscpy(name, L"!");
    ok(expected_unc(log_path(L"edb00002.log"), name + 1, MAX_PATH - 1), "no computer name\n");
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupGetBackupLogsW(hbc, &logs, &size), S_OK);
    check_backup_matches(hbc, name, log_path(L"edb00002.log"), 65536);
    check_backup_matches(hbc, list_entry(logs, 3), log_path(L"edb.log"), 1 << 20);
    DsBackupFree(logs);
    DsBackupFree(list);
    /* DsBackupEnd closes a file left open. */
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), S_OK);
    ok_hr(DsBackupEnd(hbc), S_OK);
    ok_hr(DsBackupRead(hbc, buffer, 24576, &got), ERROR_INVALID_PARAMETER);
}

static void test_open_refuses_other_names(void)
{
    static const WCHAR *const suffixes[] = {L"\\..\\ntds.dit", L"\\.", L".", L" ", L":x", L"::$DATA",
                                            L":$DATA", L"/", L"\\", L"~1", L"x"};
    WCHAR *list = NULL, name[MAX_PATH], unc[MAX_PATH];
    LARGE_INTEGER file_size;
    DWORD size, i;
    HRESULT hr;
    HBC hbc = prepare_backup();

    if (!ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK))
    {
        DsBackupEnd(hbc);
        return;
    }
    for (i = 0; i < ARRAYSIZE(suffixes); i++)
    {
        _snwprintf(name, MAX_PATH, L"%ls%ls", list + 1, suffixes[i]);
        hr = DsBackupOpenFileW(hbc, name, 65536, &file_size);
        ok(hr == ERROR_INVALID_PARAMETER, "%s: got %#lx, expected ERROR_INVALID_PARAMETER\n", debugstr_w(name), hr);
        if (hr == S_OK) DsBackupClose(hbc);
    }
    /* The checkpoint is in the same folder but was never listed. */
    _snwprintf(name, MAX_PATH, L"%ls\\edb.chk", paths.working_dir);
    ok(expected_unc(name, unc, MAX_PATH), "no computer name\n");
    ok_hr(DsBackupOpenFileW(hbc, unc, 65536, &file_size), ERROR_INVALID_PARAMETER);
    /* The local path of a listed file, a wrong BFT code, a prefix of a name. */
    ok_hr(DsBackupOpenFileW(hbc, paths.database, 65536, &file_size), ERROR_INVALID_PARAMETER);
    wcscpy(name, list);
    name[0] = 0x21;
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    wcscpy(name, list + 1);
    name[wcslen(name) - 1] = 0;
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    /* Forward slashes name the same file on Windows, but are not the listed name. */
    wcscpy(name, list + 1);
    for (i = 2; name[i]; i++) if (name[i] == '\\') name[i] = '/';
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupOpenFileW(hbc, L"", 65536, &file_size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupOpenFileW(hbc, NULL, 65536, &file_size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupOpenFileA(hbc, NULL, 65536, &file_size), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupOpenFileW(hbc, list, 65536, NULL), ERROR_INVALID_PARAMETER);
    /* The case of a listed name does not matter. */
    wcscpy(name, list);
    _wcslwr(name + 1);
    ok_hr(DsBackupOpenFileW(hbc, name, 65536, &file_size), S_OK);
    ok_hr(DsBackupClose(hbc), S_OK);
    DsBackupFree(list);
    ok_hr(DsBackupEnd(hbc), S_OK);
}

static void test_bad_handles(void)
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

    ok_hr(DsBackupEnd(ended), S_OK);
    /* A handle made right after the End may reuse nothing of the ended one. */
    bad[ARRAYSIZE(bad) - 1] = ended;
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        HBC hbc = bad[i];
        winetest_push_context("handle %lu (%p)", i, hbc);
        ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, &size), ERROR_INVALID_PARAMETER);
        ok(!list, "list: got %p, expected NULL\n", list);
        ok_int(size, 0);
        ok_hr(DsBackupGetDatabaseNamesA(hbc, &list_a, &size), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupGetBackupLogsW(hbc, &list, &size), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupGetBackupLogsA(hbc, &list_a, &size), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupOpenFileW(hbc, L"\\\\x\\y", 65536, &file_size), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupOpenFileA(hbc, "\\\\x\\y", 65536, &file_size), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupRead(hbc, buffer, sizeof(buffer), &got), ERROR_INVALID_PARAMETER);
        ok_int(got, 0);
        ok_hr(DsBackupClose(hbc), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupTruncateLogs(hbc), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupEnd(hbc), ERROR_INVALID_PARAMETER);
        winetest_pop_context();
    }
    /* Nothing was written through the pointers that were passed as handles. */
    ok_int(on_stack, 0);
    HeapFree(GetProcessHeap(), 0, on_heap);

    /* A handle made after an End may reuse nothing of the ended one. */
    {
        HBC hbc = prepare_backup(), newer;
        ok_hr(DsBackupEnd(hbc), S_OK);
        newer = prepare_backup();
        ok_hr(DsBackupClose(hbc), ERROR_INVALID_PARAMETER);
        ok_hr(DsBackupClose(newer), hrInvalidHandle);
        ok_hr(DsBackupEnd(newer), S_OK);
    }
}

/* Reads every file of a list to the end, except the one named EXCEPT (a base name). */
static void back_up_list(HBC hbc, const WCHAR *list, DWORD size, const WCHAR *except)
{
    DWORD got;
    HRESULT hr;
    BYTE *copy;
    int i, n = count_list_entries(list, size);

    for (i = 0; i < n; i++)
    {
        const WCHAR *entry = list_entry(list, i);
        if (except && !lstrcmpiW(wcsrchr(entry, '\\') + 1, except)) continue;
        copy = backup_whole_file(hbc, entry, 65536, &got, &hr);
        ok(hr == S_OK, "backing up %s: got %#lx\n", debugstr_w(entry), hr);
        HeapFree(GetProcessHeap(), 0, copy);
    }
}

#define check_log(name, present) check_log_(__LINE__, name, present)
static void check_log_(int line, const WCHAR *name, BOOL present)
{
    const WCHAR *path = log_path(name);
    BOOL exists = GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
    ok_(__FILE__, line)(exists == present, "%s: %s\n", debugstr_w(path), exists ? "still there" : "deleted");
}

/* Truncation deletes numbered logs only after a complete backup: both lists
 * given, every listed file read to the end (docs/behaviour.md). */
static void test_truncate_logs(void)
{
    static const BYTE content[] = "a numbered log that was backed up";
    static const WCHAR *const sample_logs[] = {L"edb00001.log", L"edb00002.log", L"edb00003.log"};
    BYTE *saved[3];
    DWORD saved_size[3], size, logs_size;
    WCHAR *logs = NULL, *database = NULL;
    HBC hbc;
    int i;

    for (i = 0; i < 3; i++) saved[i] = read_whole_file(log_path(sample_logs[i]), &saved_size[i]);
    write_file(log_path(L"edb0000F.log"), content, sizeof(content));
    write_file(log_path(L"edb0000E.log"), content, sizeof(content));
    write_file(log_path(L"edb0000D.log"), content, sizeof(content));
    hbc = prepare_backup();
    /* Nothing listed, nothing read: out of sequence, nothing deleted. */
    ok_hr_choice(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    check_log(L"edb0000F.log", TRUE);
    /* The logs listed and all but one read, the database neither: still refused. */
    ok_hr(DsBackupGetBackupLogsW(hbc, &logs, &logs_size), S_OK);
    back_up_list(hbc, logs, logs_size, L"edb0000D.log");
    ok_hr_choice(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    ok_hr(DsBackupGetDatabaseNamesW(hbc, &database, &size), S_OK);
    back_up_list(hbc, database, size, NULL);
    ok_hr_choice(DsBackupTruncateLogs(hbc), hrInvalidBackupSequence);
    for (i = 0; i < 3; i++) check_log(sample_logs[i], TRUE);
    check_log(L"edb0000D.log", TRUE);
    /* The last log read: the backup is complete.  edb0000E.log changes after it
     * was read: its new contents were never backed up, so it stays. */
    back_up_list(hbc, logs, logs_size, NULL);
    write_file(log_path(L"edb0000E.log"), "changed", 7);
    ok_hr(DsBackupTruncateLogs(hbc), S_OK);
    check_log(L"edb0000F.log", FALSE);
    check_log(L"edb0000D.log", FALSE);
    for (i = 0; i < 3; i++) check_log(sample_logs[i], FALSE);
    check_log(L"edb0000E.log", TRUE);
    check_log(L"edb.log", TRUE);
    ok(GetFileAttributesW(paths.database) != INVALID_FILE_ATTRIBUTES, "%s was deleted\n", debugstr_w(paths.database));
    /* A second truncation finds nothing more to delete. */
    ok_hr(DsBackupTruncateLogs(hbc), S_OK);
    ok_hr(DsBackupEnd(hbc), S_OK);
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

    winetest_push_context("%s", what);
    for (i = 0; i < 300000; i++) content[i] = (BYTE)(i * 7);
    write_file(path, content, 300000);
    hbc = prepare_backup();
    ok_hr(DsBackupGetBackupLogsW(hbc, &logs, &size), S_OK);
    DsBackupFree(logs);
    ok(expected_unc(path, unc, MAX_PATH), "no computer name\n");
    ok_hr(DsBackupOpenFileW(hbc, unc, 65536, &file_size), S_OK);
    ok_int(file_size.QuadPart, 300000);
    ok_hr(DsBackupRead(hbc, buffer, sizeof(buffer), &got), S_OK);
    total += got;
    change(path);
    while (total < 300000 && (hr = DsBackupRead(hbc, buffer, sizeof(buffer), &got)) == S_OK) total += got;
    ok(hr == hrReadVerifyFailure, "got %#lx after %lu bytes, expected hrReadVerifyFailure\n", hr, total);
    /* It keeps failing; the context stays usable once the file is closed. */
    ok_hr_choice(DsBackupRead(hbc, buffer, sizeof(buffer), &got), hrReadVerifyFailure);
    ok_int(got, 0);
    ok_hr(DsBackupClose(hbc), S_OK);
    ok_hr(DsBackupEnd(hbc), S_OK);
    HeapFree(GetProcessHeap(), 0, content);
    DeleteFileW(path);
    winetest_pop_context();
}

static void append_bytes(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    DWORD written;

    ok(file != INVALID_HANDLE_VALUE, "CreateFileW failed: error %lu\n", GetLastError());
    ok_win32(WriteFile(file, "more", 4, &written, NULL));
    CloseHandle(file);
}

static void shrink(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at = {{100000, 0}};

    ok(file != INVALID_HANDLE_VALUE, "CreateFileW failed: error %lu\n", GetLastError());
    ok_win32(SetFilePointerEx(file, at, NULL, FILE_BEGIN));
    ok_win32(SetEndOfFile(file));
    CloseHandle(file);
}

static void overwrite_in_place(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at = {{200000, 0}};
    FILETIME later;
    ULARGE_INTEGER t;
    DWORD written;

    ok(file != INVALID_HANDLE_VALUE, "CreateFileW failed: error %lu\n", GetLastError());
    ok_win32(SetFilePointerEx(file, at, NULL, FILE_BEGIN));
    ok_win32(WriteFile(file, "torn", 4, &written, NULL));
    /* Make sure the write time moves even on a coarse clock. */
    GetSystemTimeAsFileTime(&later);
    t.LowPart = later.dwLowDateTime; t.HighPart = later.dwHighDateTime;
    t.QuadPart += 20000000;
    later.dwLowDateTime = t.LowPart; later.dwHighDateTime = t.HighPart;
    ok_win32(SetFileTime(file, NULL, NULL, &later));
    CloseHandle(file);
}

static void try_delete(const WCHAR *path)
{
    /* The backup holds the file: it cannot be deleted or renamed while read. */
    ok(!DeleteFileW(path), "a log being read was deleted\n");
    ok(!MoveFileExW(path, L"C:\\windows\\temp\\moved.log", MOVEFILE_REPLACE_EXISTING), "a log being read was renamed\n");
    overwrite_in_place(path);
}

static void test_file_changes_underneath(void)
{
    WCHAR *list, unc[MAX_PATH];
    LARGE_INTEGER file_size;
    DWORD size;
    HBC hbc;

    check_change_detected(append_bytes, "grown");
    check_change_detected(shrink, "truncated");
    check_change_detected(overwrite_in_place, "overwritten");
    check_change_detected(try_delete, "deleted");

    /* Deleted between listing and opening. */
    write_file(log_path(L"edb0000B.log"), "x", 1);
    hbc = prepare_backup();
    ok_hr(DsBackupGetBackupLogsW(hbc, &list, &size), S_OK);
    DsBackupFree(list);
    ok_win32(DeleteFileW(log_path(L"edb0000B.log")));
    ok(expected_unc(log_path(L"edb0000B.log"), unc, MAX_PATH), "no computer name\n");
    ok_hr_choice(DsBackupOpenFileW(hbc, unc, 65536, &file_size), hrFileNotFound);
    ok_hr(DsBackupEnd(hbc), S_OK);
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

static void test_end_races_read(void)
{
    LARGE_INTEGER file_size;
    WCHAR *list;
    DWORD size;
    HANDLE thread;
    int round;

    for (round = 0; round < 200; round++)
    {
        race_handle = prepare_backup();
        list = NULL;
        if (!ok_hr(DsBackupGetDatabaseNamesW(race_handle, &list, &size), S_OK)) break;
        ok_hr(DsBackupOpenFileW(race_handle, list, 65536, &file_size), S_OK);
        DsBackupFree(list);
        thread = CreateThread(NULL, 0, race_reader, NULL, 0, NULL);
        if (round % 2) Sleep(0);
        ok_hr(DsBackupEnd(race_handle), S_OK);
        WaitForSingleObject(thread, INFINITE);
        CloseHandle(thread);
    }
    ok_int(race_bad_results, 0);
}

#define GET(type, name) ((type)(void *)GetProcAddress(module, name))

/* Every export, called through GetProcAddress as a program that loads the DLL
 * itself would, with the results the import-library tests expect. */
static void test_loadlibrary(void)
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

    ok(module != NULL, "LoadLibraryA failed: error %lu\n", GetLastError());
    if (!module) return;
    for (i = 0; i < ARRAYSIZE(names); i++)
        ok(GetProcAddress(module, names[i]) != NULL, "%s is not exported\n", names[i]);
    /* The generic names are macros. */
    ok(!GetProcAddress(module, "DsBackupPrepare"), "DsBackupPrepare is exported\n");

    ok_hr(GET(HRESULT (WINAPI *)(LPCWSTR, BOOL *), "DsIsNTDSOnlineW")(NULL, &online), S_OK);
    ok(online, "online: got %d, expected TRUE\n", online);
    ok_hr(GET(HRESULT (WINAPI *)(LPCSTR, BOOL *), "DsIsNTDSOnlineA")("", &online), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(LPCSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *), "DsBackupPrepareA")
                     ("", 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(token);
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(LPCWSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *), "DsBackupPrepareW")
                     (NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(token);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsBackupGetDatabaseNamesW")(hbc, &list_w, &size), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPCWSTR, DWORD, LARGE_INTEGER *), "DsBackupOpenFileW")
                     (hbc, list_w, 65536, &file_size), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, PVOID, DWORD, PDWORD), "DsBackupRead")(hbc, buffer, sizeof(buffer), &got), S_OK);
    ok_int(got, sizeof(buffer));
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupClose")(hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsBackupGetDatabaseNamesA")(hbc, &list_a, &size), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPCSTR, DWORD, LARGE_INTEGER *), "DsBackupOpenFileA")
                     (hbc, list_a, 65536, &file_size), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupClose")(hbc), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsBackupGetBackupLogsW")(hbc, &list_w, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsBackupGetBackupLogsA")(hbc, &list_a, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    /* Not a complete backup (most files unread): nothing is truncated. */
    ok_hr_choice(GET(HRESULT (WINAPI *)(HBC), "DsBackupTruncateLogs")(hbc), hrInvalidBackupSequence);
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsBackupEnd")(hbc), ERROR_INVALID_PARAMETER);

    /* The restore family: a limited context works online; the rest are refused
     * while the directory is online, or take no handle. */
    ok_hr(GET(HRESULT (WINAPI *)(LPCWSTR, ULONG, PVOID, DWORD, HBC *), "DsRestorePrepareW")
                     (NULL, 0, NULL, 0, &hbc), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPWSTR *, LPDWORD), "DsRestoreGetDatabaseLocationsW")(hbc, &list_w, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_w);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPSTR *, LPDWORD), "DsRestoreGetDatabaseLocationsA")(hbc, &list_a, &size), S_OK);
    GET(VOID (WINAPI *)(PVOID), "DsBackupFree")(list_a);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPCWSTR, LPCWSTR, EDB_RSTMAPW *, LONG, LPCWSTR, ULONG, ULONG),
                         "DsRestoreRegisterW")(hbc, NULL, NULL, NULL, 0, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, LPCSTR, LPCSTR, EDB_RSTMAPA *, LONG, LPCSTR, ULONG, ULONG),
                         "DsRestoreRegisterA")(hbc, NULL, NULL, NULL, 0, NULL, 0, 0), ERROR_INVALID_PARAMETER);
    ok_hr(GET(HRESULT (WINAPI *)(HBC, HRESULT), "DsRestoreRegisterComplete")(hbc, S_OK), hrMissingExpiryToken);
    ok_hr(GET(HRESULT (WINAPI *)(HBC), "DsRestoreEnd")(hbc), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(LPCSTR, ULONG, PVOID, DWORD, HBC *), "DsRestorePrepareA")
                     (NULL, RESTORE_TYPE_ONLINE, NULL, 0, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(GET(HRESULT (WINAPI *)(LPCWSTR, DWORD), "DsSetCurrentBackupLogW")(L"elsewhere", 1), hrCouldNotConnect);
    ok_hr(GET(HRESULT (WINAPI *)(LPCSTR, DWORD), "DsSetCurrentBackupLogA")("elsewhere", 1), hrCouldNotConnect);
    ok_hr(GET(HRESULT (WINAPI *)(LPCWSTR, LPCWSTR, LPCWSTR), "DsSetAuthIdentityW")(NULL, NULL, NULL), S_OK);
    ok_hr(GET(HRESULT (WINAPI *)(LPCSTR, LPCSTR, LPCSTR), "DsSetAuthIdentityA")(NULL, "x", NULL), ERROR_INVALID_PARAMETER);
    ok_hr_choice(GET(HRESULT (WINAPI *)(void), "DsRestoreCheckExpiryToken")(), hrNyi);
    FreeLibrary(module);
}

/* ------------------------------------------------------------------------- */

/* Buffers of every allowed size, changing from call to call, give exact copies;
 * a file closed part way, or a context ended part way, is no obstacle. */
static void test_buffer_sizes_vary(void)
{
    static const DWORD sizes[] = {65536, 24576, 65536, 1 << 20, 24576, 24576};
    BYTE *buffer = HeapAlloc(GetProcessHeap(), 0, 1 << 20), *original, *copy;
    DWORD size, got, expected_size, total = 0;
    LARGE_INTEGER file_size;
    HBC hbc = prepare_backup();
    WCHAR *list = NULL;
    HRESULT hr;
    int i;

    original = read_whole_file(paths.database, &expected_size);
    ok(expected_size > 8 * 65536, "the database has %lu bytes, expected more than 8 reads of 64 KiB\n", expected_size);
    if (!ok_hr(DsBackupGetDatabaseNamesW(hbc, &list, &size), S_OK) || !original)
    {
        DsBackupEnd(hbc);
        HeapFree(GetProcessHeap(), 0, original);
        HeapFree(GetProcessHeap(), 0, buffer);
        return;
    }
    copy = HeapAlloc(GetProcessHeap(), 0, expected_size);

    ok_hr(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    for (i = 0; (hr = DsBackupRead(hbc, buffer, sizes[i % 6], &got)) == S_OK; i++)
    {
        if (!(got > 0 && got <= sizes[i % 6] && total + got <= expected_size))
        {
            ok(0, "read %d of %lu bytes at %lu of %lu gave %lu\n", i, sizes[i % 6], total, expected_size, got);
            break;
        }
        memcpy(copy + total, buffer, got);
        total += got;
    }
    ok_hr(hr, ERROR_HANDLE_EOF);
    ok_int(total, expected_size);
    ok(total == expected_size && !memcmp(copy, original, expected_size), "the copy differs from the database\n");
    ok_hr(DsBackupClose(hbc), S_OK);

    /* Closed after one chunk, then read again from the start. */
    ok_hr(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    ok_hr(DsBackupRead(hbc, buffer, 24576, &got), S_OK);
    ok_hr(DsBackupClose(hbc), S_OK);
    check_backup_matches(hbc, list, paths.database, 24576);
    /* Ended with a file open part way. */
    ok_hr(DsBackupOpenFileW(hbc, list, 65536, &file_size), S_OK);
    ok_hr(DsBackupRead(hbc, buffer, 1 << 20, &got), S_OK);
    ok_hr(DsBackupEnd(hbc), S_OK);
    ok_hr(DsBackupRead(hbc, buffer, 24576, &got), ERROR_INVALID_PARAMETER);
    DsBackupFree(list);
    HeapFree(GetProcessHeap(), 0, copy);
    HeapFree(GetProcessHeap(), 0, original);
    HeapFree(GetProcessHeap(), 0, buffer);
}

/* The DLL says what it is, for Explorer-style tools and "wine". */
static void test_version_resource(void)
{
    WCHAR path[MAX_PATH], *value;
    DWORD size, ignored;
    UINT length;
    BYTE *info;
    BOOL ret;

    ok_win32(GetModuleFileNameW(GetModuleHandleA("ntdsbcli.dll"), path, MAX_PATH));
    size = GetFileVersionInfoSizeW(path, &ignored);
    ok(size > 0, "GetFileVersionInfoSizeW failed: error %lu\n", GetLastError());
    if (!size) return;
    info = HeapAlloc(GetProcessHeap(), 0, size);
    ok_win32(GetFileVersionInfoW(path, 0, size, info));
    ret = VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\OriginalFilename", (void **)&value, &length);
    ok(ret, "no OriginalFilename\n");
    if (ret) ok(!lstrcmpiW(value, L"ntdsbcli.dll"), "OriginalFilename: got %s\n", debugstr_w(value));
    ret = VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\ProductVersion", (void **)&value, &length);
    ok(ret, "no ProductVersion\n");
    if (ret) ok(length > 1 && value[0] >= '0' && value[0] <= '9', "ProductVersion: got %s\n", debugstr_w(value));
    HeapFree(GetProcessHeap(), 0, info);
}

START_TEST(backup)
{
    if (!directory_online(&paths)) return;

    test_is_online();
    test_prepare();
    test_database_names();
    test_backup_logs();
    test_no_current_log();
    test_open_read_close();
    test_buffer_sizes_vary();
    test_open_refuses_other_names();
    test_bad_handles();
    test_truncate_logs();
    test_file_changes_underneath();
    test_end_races_read();
    test_loadlibrary();
    test_version_resource();
}
