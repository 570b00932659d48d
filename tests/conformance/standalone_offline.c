/*
 * The directory on a machine with no NTDS service (this DLL copied next to a
 * tool): online while its database is configured, until the administrator
 * marks it offline with this project's registry value ("dsbackup offline").
 * Not in Wine's tree: the mark is this project's (tools/wine-tree).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"
#include "ntds_test_support.h"

static struct dsa_paths paths;

static void set_offline_mark(DWORD type, const void *data, DWORD size)
{
    HKEY key;
    if (!ok_int(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0)) return;
    if (data) ok_int(RegSetValueExW(key, NTDS_VALUE_OFFLINE, 0, type, data, size), 0);
    else RegDeleteValueW(key, NTDS_VALUE_OFFLINE);
    RegCloseKey(key);
}

/* No NTDS service (the DLL copied next to a tool): the directory is online
 * until the administrator marks it offline ("dsbackup offline"), and then a
 * whole restore runs as documented. */
static void test_offline_without_service(void)
{
    static const DWORD one = 1, zero = 0;
    EDB_RSTMAPW map = {paths.database, paths.database};
    BYTE token_copy[64];
    DWORD token_size, refused_size;
    void *token;
    BOOL online;
    HBC hbc;

    ok(!ntds_service_exists(), "there is an NTDS service\n");
    if (!ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK)) return;
    ok(token_size <= sizeof(token_copy), "token of %lu bytes\n", token_size);
    memcpy(token_copy, token, min(token_size, sizeof(token_copy)));
    DsBackupFree(token);
    ok_hr(DsBackupEnd(hbc), S_OK);
    ok_hr_choice(DsRestorePrepareW(NULL, 0, token_copy, token_size, &hbc), hrDatabaseInUse);

    set_offline_mark(REG_DWORD, &one, sizeof(one));
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(!online, "online: got %d, expected FALSE\n", online);
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &refused_size, &hbc), hrCouldNotConnect);
    ok_hr(DsRestorePrepareW(NULL, 0, token_copy, token_size, &hbc), S_OK);
    ok_hr(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3), S_OK);
    ok_hr(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    ok(!restore_registered(), "a restore is registered\n");

    /* Only the value 1 means offline. */
    set_offline_mark(REG_DWORD, &zero, sizeof(zero));
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(online, "online: got %d, expected TRUE\n", online);
    set_offline_mark(REG_SZ, L"1", 4);
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(online, "online: got %d, expected TRUE\n", online);
    set_offline_mark(REG_DWORD, NULL, 0);
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(online, "online: got %d, expected TRUE\n", online);
}

START_TEST(standalone_offline)
{
    if (!directory_online(&paths)) return;
    test_offline_without_service();
}
