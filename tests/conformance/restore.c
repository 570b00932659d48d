/*
 * Conformance tests of the restore family that hold whether the directory is
 * online or not, on a domain controller (run.sh: a Wine prefix with a generated
 * directory database and the NTDS service stand-in installed and stopped).
 * The full restore, which needs the directory taken offline with a backup's
 * token in hand, is tested through the stand-in in standalone_restore.c.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

static struct dsa_paths paths;

static void check_location(const WCHAR *entry, WCHAR bft, const WCHAR *local)
{
    WCHAR unc[MAX_PATH];
    ok(expected_unc(local, unc, MAX_PATH), "no computer name\n");
    if (!entry)
    {
        ok(0, "no entry for %s\n", debugstr_w(local));
        return;
    }
    ok_int(entry[0], bft);
    ok(!lstrcmpiW(entry + 1, unc), "got %s, expected %s\n", debugstr_w(entry + 1), debugstr_w(unc));
}

/* The locations, through a context prepared without a backup's token: that is
 * all it serves, online or offline. */
static void test_database_locations(void)
{
    WCHAR *list = NULL, probe[MAX_PATH], *p;
    char *list_a = NULL;
    DWORD size, size_a;
    HANDLE file;
    BOOL share;
    HBC limited;

    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &limited), S_OK);
    ok_hr(DsRestoreGetDatabaseLocationsW(limited, &list, &size), S_OK);
    if (!ok_int(count_list_entries(list, size), 3))
    {
        DsRestoreEnd(limited);
        return;
    }
    check_location(list_entry(list, 0), 0x44, paths.database);       /* BFT_NTDS_DATABASE */
    check_location(list_entry(list, 1), 0x82, paths.log_dir);        /* BFT_LOG_DIR */
    check_location(list_entry(list, 2), 0x83, paths.working_dir);    /* BFT_CHECKPOINT_DIR */
    if (!ok_hr(DsRestoreGetDatabaseLocationsA(limited, &list_a, &size_a), S_OK))
    {
        DsRestoreEnd(limited);
        return;
    }
    ok_int(size_a, size / 2);
    ok_int((BYTE)list_a[0], 0x44);
    p = (WCHAR *)list_entry(list, 1);
    ok_int((BYTE)list_a[p - list], 0x82);
    p = (WCHAR *)list_entry(list, 2);
    ok_int((BYTE)list_a[p - list], 0x83);
    ok_hr(DsRestoreGetDatabaseLocationsW(limited, NULL, &size), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreGetDatabaseLocationsA(limited, &list_a, NULL), ERROR_INVALID_PARAMETER);

    /* A client writes the restore itself, through the returned UNC paths.  Wine
     * resolves this computer's administrative share only once a link for it is
     * made in the prefix (dsbackup link-share; run.sh makes it). */
    share = GetFileAttributesW(list_entry(list, 2) + 1) != INVALID_FILE_ATTRIBUTES;
    _snwprintf(probe, MAX_PATH, L"%ls\\probe.tmp", list_entry(list, 2) + 1);
    file = CreateFileW(probe, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    todo_wine_if(!share)
    ok(file != INVALID_HANDLE_VALUE, "cannot create %s: error %lu\n", debugstr_w(probe), GetLastError());
    if (file != INVALID_HANDLE_VALUE)
    {
        ok_win32(WriteFile(file, "x", 1, &size, NULL));
        CloseHandle(file);
        _snwprintf(probe, MAX_PATH, L"%ls\\probe.tmp", paths.working_dir);
        ok(GetFileAttributesW(probe) != INVALID_FILE_ATTRIBUTES, "%s was not written\n", debugstr_w(probe));
        ok_win32(DeleteFileW(probe));
    }
    DsBackupFree(list_a);

    /* The limited handle serves only the locations (and its own end). */
    ok_hr(DsRestoreRegisterW(limited, list_entry(list, 2) + 1, list_entry(list, 1) + 1, NULL, 0, paths.log_dir, 1, 2),
          ERROR_INVALID_PARAMETER);
    {
        EDB_RSTMAPW map = {(WCHAR *)paths.database, (WCHAR *)paths.database};
        ok_hr(DsRestoreRegisterW(limited, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 2),
              hrMissingExpiryToken);
    }
    DsBackupFree(list);
    ok_hr(DsRestoreRegisterComplete(limited, S_OK), hrMissingExpiryToken);
    ok(!restore_registered(), "a restore is registered\n");

    /* Backup and restore handles are told apart (a full restore's context:
     * standalone_restore.c). */
    ok_hr(DsBackupClose(limited), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupEnd(limited), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreEnd(limited), S_OK);
    list = (WCHAR *)1;
    ok_hr(DsRestoreGetDatabaseLocationsW(limited, &list, &size), ERROR_INVALID_PARAMETER);
    ok(!list, "list: got %p, expected NULL\n", list);
    ok_hr(DsRestoreEnd(NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreRegisterComplete(NULL, S_OK), ERROR_INVALID_PARAMETER);
}

static void test_set_current_backup_log(void)
{
    DWORD value, size = sizeof(value);
    LONG ret;

    /* Where the value is kept is this DLL's choice (docs/behaviour.md). */
    ok_hr(DsSetCurrentBackupLogW(NULL, 0x1234), S_OK);
    ret = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_CURRENT_BACKUP_LOG, RRF_RT_REG_DWORD, NULL,
                       &value, &size);
    ok((!ret && value == 0x1234) || broken(TRUE), "the value kept: error %ld, %#lx\n", ret, value);
    ok_hr(DsSetCurrentBackupLogA("", BACKUP_DISABLE_INCREMENTAL), S_OK);
    size = sizeof(value);
    ret = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_CURRENT_BACKUP_LOG, RRF_RT_REG_DWORD, NULL,
                       &value, &size);
    ok((!ret && value == BACKUP_DISABLE_INCREMENTAL) || broken(TRUE), "the value kept: error %ld, %#lx\n", ret,
       value);
    ok_hr(DsSetCurrentBackupLogW(L"elsewhere", 1), hrCouldNotConnect);
}

static void test_set_auth_identity(void)
{
    WCHAR long_name[600];
    int i;

    ok_hr(DsSetAuthIdentityW(L"Administrator", L"EXAMPLE", L"s3cret-PASSWORD"), S_OK);
    ok_hr(DsSetAuthIdentityA("Administrator", NULL, "s3cret-PASSWORD"), S_OK);
    ok_hr(DsSetAuthIdentityW(NULL, NULL, NULL), S_OK);
    ok_hr(DsSetAuthIdentityW(NULL, L"EXAMPLE", L"x"), ERROR_INVALID_PARAMETER);
    ok_hr(DsSetAuthIdentityW(L"", L"EXAMPLE", L"x"), ERROR_INVALID_PARAMETER);
    for (i = 0; i < 599; i++) long_name[i] = 'a';
    long_name[599] = 0;
    ok_hr(DsSetAuthIdentityW(long_name, NULL, NULL), ERROR_INVALID_PARAMETER);
    /* The identity changes no result of the local calls that follow. */
    ok_hr(DsSetAuthIdentityW(L"nobody", L"NOWHERE", L"s3cret-PASSWORD"), S_OK);
    {
        HBC hbc;
        ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
        ok_hr(DsRestoreEnd(hbc), S_OK);
    }
    ok_hr(DsSetAuthIdentityW(NULL, NULL, NULL), S_OK);
}

static void test_check_expiry_token_is_a_stub(void)
{
    HRESULT (WINAPI *check)(void) = (void *)GetProcAddress(GetModuleHandleA("ntdsbcli.dll"), "DsRestoreCheckExpiryToken");
    ok(check != NULL, "DsRestoreCheckExpiryToken is not exported\n");
    /* Undocumented: the DLL answers that it is not implemented. */
    if (check) ok_hr_choice(check(), hrNyi);
}

START_TEST(restore)
{
    if (!read_dsa_paths(&paths))
    {
        skip("not a domain controller: no directory database is configured\n");
        return;
    }
    test_database_locations();
    test_set_current_backup_log();
    test_set_auth_identity();
    test_check_expiry_token_is_a_stub();
}
