/*
 * Conformance tests without the privileges the functions need, on a domain
 * controller whose directory is online: SeBackupPrivilege, then
 * SeRestorePrivilege, each removed from the process token for the rest of the
 * process.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

static struct dsa_paths paths;

/* Removes SeBackupPrivilege from the process token: no new context, while one
 * made before keeps the rights it was made with (docs/behaviour.md, Privileges). */
static void test_without_backup_privilege(void)
{
    void *expiry = NULL;
    DWORD expiry_size;
    HBC hbc = NULL, made_before = prepare_backup();
    WCHAR *list = NULL, *logs = NULL, edb_log[MAX_PATH];
    DWORD size;
    int n;

    remove_privilege(L"SeBackupPrivilege");
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &expiry, &expiry_size, &hbc), ERROR_ACCESS_DENIED);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok_hr(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &expiry, &expiry_size, &hbc), ERROR_ACCESS_DENIED);

    if (ok_hr(DsBackupGetDatabaseNamesW(made_before, &list, &size), S_OK))
        check_backup_matches(made_before, list, paths.database, 65536);
    /* edb.log: the logs before it may have been truncated by the backup tests. */
    _snwprintf(edb_log, MAX_PATH, L"%ls\\edb.log", paths.log_dir);
    if (ok_hr(DsBackupGetBackupLogsW(made_before, &logs, &size), S_OK) && (n = count_list_entries(logs, size)))
        check_backup_matches(made_before, list_entry(logs, n - 1), edb_log, 65536);
    DsBackupFree(logs);
    DsBackupFree(list);
    ok_hr(DsBackupEnd(made_before), S_OK);
}

static void test_without_restore_privilege(void)
{
    HBC hbc = (HBC)1;

    remove_privilege(L"SeRestorePrivilege");
    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), ERROR_ACCESS_DENIED);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok_hr(DsRestorePrepareA(NULL, 0, NULL, 0, &hbc), ERROR_ACCESS_DENIED);
}

START_TEST(privileges)
{
    if (!directory_online(&paths)) return;
    test_without_backup_privilege();
    test_without_restore_privilege();
}
