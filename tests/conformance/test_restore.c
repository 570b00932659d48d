/*
 * Conformance tests of the restore family, run under Wine with the NTDS service
 * stand-in installed and stopped (tests/conformance/run.sh).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <wchar.h>
#include "conformance.h"

static struct dsa_paths paths;
static BYTE backup_token[64];
static DWORD backup_token_size;

static ULONGLONG now_filetime(void)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
}

/* A token from a real backup, taken while the directory is online. */
static int take_backup_token(void **state)
{
    void *token;
    HBC hbc;

    (void)state;
    assert_true(read_dsa_paths(&paths));
    if (!ntds_service_set_running(TRUE)) return -1;
    if (DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &backup_token_size, &hbc) != S_OK) return -1;
    if (backup_token_size > sizeof(backup_token)) return -1;
    memcpy(backup_token, token, backup_token_size);
    DsBackupFree(token);
    DsBackupEnd(hbc);
    return ntds_service_set_running(FALSE) ? 0 : -1;
}

static HBC prepare_full(void)
{
    HBC hbc = NULL;
    assert_int_equal(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc), S_OK);
    assert_non_null(hbc);
    return hbc;
}

static void test_online_follows_the_service(void **state)
{
    BOOL online = 42;
    void *token;
    DWORD size;
    HBC hbc = (HBC)1;

    (void)state;
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_int_equal(online, FALSE);
    /* Offline: no backup. */
    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc), hrCouldNotConnect);
    assert_null(hbc);
    assert_true(ntds_service_set_running(TRUE));
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_int_equal(online, TRUE);
    /* Online: no full restore; the locations may still be asked for. */
    windows_may_differ_hr(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc), hrDatabaseInUse);
    assert_null(hbc);
    assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    assert_true(ntds_service_set_running(FALSE));
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_int_equal(online, FALSE);
}

static void test_prepare_arguments(void **state)
{
    BYTE token[64];
    HBC hbc = (HBC)1;
    DWORD i;

    (void)state;
    assert_int_equal(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestorePrepareW(NULL, RESTORE_TYPE_AUTHORATATIVE, backup_token, backup_token_size, &hbc),
                     ERROR_INVALID_PARAMETER);
    assert_null(hbc);
    assert_int_equal(DsRestorePrepareW(NULL, RESTORE_TYPE_ONLINE, backup_token, backup_token_size, &hbc),
                     ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestorePrepareW(NULL, 0x10, backup_token, backup_token_size, &hbc), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 40, &hbc), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestorePrepareW(L"\\\\elsewhere", 0, backup_token, backup_token_size, &hbc), hrCouldNotConnect);
    assert_int_equal(DsRestorePrepareA("elsewhere", 0, NULL, 0, &hbc), hrCouldNotConnect);

    /* RESTORE_TYPE_CATCHUP is the default behaviour and accepted. */
    assert_int_equal(DsRestorePrepareW(NULL, RESTORE_TYPE_CATCHUP, backup_token, backup_token_size, &hbc), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    assert_int_equal(DsRestorePrepareA(NULL, 0, backup_token, backup_token_size, &hbc), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), ERROR_INVALID_PARAMETER);

    /* Every damaged, truncated or foreign token is refused, never a crash. */
    for (i = 0; i < backup_token_size * 8; i++)
    {
        memcpy(token, backup_token, backup_token_size);
        token[i / 8] ^= 1 << (i % 8);
        hbc = (HBC)1;
        if (DsRestorePrepareW(NULL, 0, token, backup_token_size, &hbc) != hrUnknownExpiryTokenFormat)
            fail_msg("token with bit %lu flipped was not refused", i);
        assert_null(hbc);
    }
    for (i = 0; i < backup_token_size; i++)
        windows_may_differ_hr(DsRestorePrepareW(NULL, 0, backup_token, i, &hbc), hrUnknownExpiryTokenFormat);
    memcpy(token, backup_token, backup_token_size);
    windows_may_differ_hr(DsRestorePrepareW(NULL, 0, token, backup_token_size + 1, &hbc), hrUnknownExpiryTokenFormat);
    assert_int_equal(DsRestorePrepareW(NULL, 0, (void *)"not a token at all, forty bytes long...", 40, &hbc),
                     hrUnknownExpiryTokenFormat);
}

static void test_expired_token(void **state)
{
    BYTE token[40];
    ULONGLONG day = 864000000000ULL;
    HBC hbc = (HBC)1;

    (void)state;
    /* Tokens in the DLL's own documented format: these checks are project-specific. */
    make_token(token, now_filetime() - 181 * day, 180);
    assert_int_equal(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrContentsExpired);
    assert_null(hbc);
    make_token(token, now_filetime() - 179 * day, 180);
    assert_int_equal(DsRestorePrepareW(NULL, 0, token, 40, &hbc), S_OK);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    /* A shorter lifetime configured since the backup wins. */
    {
        HKEY key;
        DWORD days = 60;
        assert_int_equal(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0);
        assert_int_equal(RegSetValueExW(key, NTDS_VALUE_TOMBSTONE_LIFETIME, 0, REG_DWORD, (BYTE *)&days, 4), 0);
        make_token(token, now_filetime() - 61 * day, 180);
        assert_int_equal(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrContentsExpired);
        make_token(token, now_filetime() - 59 * day, 180);
        assert_int_equal(DsRestorePrepareW(NULL, 0, token, 40, &hbc), S_OK);
        assert_int_equal(DsRestoreEnd(hbc), S_OK);
        /* A value of the wrong type: only the calls that need the lifetime fail. */
        assert_int_equal(RegSetValueExW(key, NTDS_VALUE_TOMBSTONE_LIFETIME, 0, REG_SZ, (BYTE *)L"180", 8), 0);
        {
            BOOL online = TRUE;
            assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
            assert_false(online);
            assert_int_equal(DsSetCurrentBackupLogW(NULL, 7), S_OK);
            assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
            assert_int_equal(DsRestoreEnd(hbc), S_OK);
            make_token(token, now_filetime() - 1 * day, 180);
            windows_may_differ_hr(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrError);
            assert_null(hbc);
        }
        RegDeleteValueW(key, NTDS_VALUE_TOMBSTONE_LIFETIME);
        RegCloseKey(key);
    }
}

static void check_location(const WCHAR *entry, WCHAR bft, const WCHAR *local)
{
    WCHAR unc[MAX_PATH];
    assert_true(expected_unc(local, unc, MAX_PATH));
    assert_int_equal(entry[0], bft);
    if (lstrcmpiW(entry + 1, unc)) fail_msg("got %ls, expected %ls", entry + 1, unc);
}

static void test_database_locations(void **state)
{
    WCHAR *list = NULL, probe[MAX_PATH], *p;
    char *list_a = NULL;
    DWORD size, size_a, attributes;
    HANDLE file;
    HBC limited, full;

    (void)state;
    assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &limited), S_OK);
    assert_int_equal(DsRestoreGetDatabaseLocationsW(limited, &list, &size), S_OK);
    assert_int_equal(count_list_entries(list, size), 3);
    check_location(list_entry(list, 0), 0x44, paths.database);       /* BFT_NTDS_DATABASE */
    check_location(list_entry(list, 1), 0x82, paths.log_dir);        /* BFT_LOG_DIR */
    check_location(list_entry(list, 2), 0x83, paths.working_dir);    /* BFT_CHECKPOINT_DIR */
    assert_int_equal(DsRestoreGetDatabaseLocationsA(limited, &list_a, &size_a), S_OK);
    assert_int_equal(size_a, size / 2);
    assert_int_equal((BYTE)list_a[0], 0x44);
    p = (WCHAR *)list_entry(list, 1);
    assert_int_equal((BYTE)list_a[p - list], 0x82);
    p = (WCHAR *)list_entry(list, 2);
    assert_int_equal((BYTE)list_a[p - list], 0x83);
    assert_int_equal(DsRestoreGetDatabaseLocationsW(limited, NULL, &size), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestoreGetDatabaseLocationsA(limited, &list_a, NULL), ERROR_INVALID_PARAMETER);

    /* A client writes the restore itself, through the returned UNC paths. */
    _snwprintf(probe, MAX_PATH, L"%ls\\probe.tmp", list_entry(list, 2) + 1);
    file = CreateFileW(probe, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) fail_msg("cannot create %ls: error %lu", probe, GetLastError());
    assert_true(WriteFile(file, "x", 1, &size, NULL));
    CloseHandle(file);
    _snwprintf(probe, MAX_PATH, L"%ls\\probe.tmp", paths.working_dir);
    attributes = GetFileAttributesW(probe);
    assert_int_not_equal(attributes, INVALID_FILE_ATTRIBUTES);
    assert_true(DeleteFileW(probe));
    DsBackupFree(list_a);

    /* The limited handle serves only the locations (and its own end). */
    assert_int_equal(DsRestoreRegisterW(limited, list_entry(list, 2) + 1, list_entry(list, 1) + 1, NULL, 0,
                                        paths.log_dir, 1, 2), ERROR_INVALID_PARAMETER);
    {
        EDB_RSTMAPW map = {(WCHAR *)paths.database, (WCHAR *)paths.database};
        assert_int_equal(DsRestoreRegisterW(limited, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 2),
                         hrMissingExpiryToken);
    }
    assert_int_equal(DsRestoreRegisterComplete(limited, S_OK), hrMissingExpiryToken);
    assert_false(restore_registered());

    /* Backup and restore handles are told apart. */
    assert_int_equal(DsBackupClose(limited), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsBackupEnd(limited), ERROR_INVALID_PARAMETER);
    full = prepare_full();
    assert_int_equal(DsRestoreGetDatabaseLocationsW(full, &list, &size), S_OK);
    DsBackupFree(list);
    assert_int_equal(DsRestoreEnd(full), S_OK);
    assert_int_equal(DsRestoreEnd(limited), S_OK);
    assert_int_equal(DsRestoreGetDatabaseLocationsW(limited, &list, &size), ERROR_INVALID_PARAMETER);
    assert_null(list);
    assert_int_equal(DsRestoreEnd(NULL), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsRestoreRegisterComplete(NULL, S_OK), ERROR_INVALID_PARAMETER);
    {
        HBC backup;
        assert_true(ntds_service_set_running(TRUE));
        backup = prepare_backup();
        assert_int_equal(DsRestoreGetDatabaseLocationsW(backup, &list, &size), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsRestoreEnd(backup), ERROR_INVALID_PARAMETER);
        assert_int_equal(DsBackupEnd(backup), S_OK);
        assert_true(ntds_service_set_running(FALSE));
    }
}

static void test_register_validates(void **state)
{
    WCHAR unc_db[MAX_PATH], unc_logs[MAX_PATH], bad[MAX_PATH];
    EDB_RSTMAPW map[17], good = {L"C:\\old\\ntds.dit", NULL};
    HBC hbc = prepare_full();
    int i;

    (void)state;
    good.wszNewDatabaseName = paths.database;
    for (i = 0; i < 17; i++) map[i] = good;
    assert_true(expected_unc(paths.database, unc_db, MAX_PATH));
    assert_true(expected_unc(paths.log_dir, unc_logs, MAX_PATH));
#define REFUSED(call) do { assert_int_equal(call, ERROR_INVALID_PARAMETER); assert_false(restore_registered()); } while (0)
    REFUSED(DsRestoreRegisterW(hbc, NULL, paths.log_dir, map, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, NULL, map, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, NULL, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, L"C:\\no\\such\\folder", 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, L"relative", 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, L"C:\\elsewhere", paths.log_dir, map, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, L"C:\\elsewhere", map, 1, paths.log_dir, 1, 2));
    _snwprintf(bad, MAX_PATH, L"%ls\\..\\NTDS", paths.log_dir);
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, bad, map, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, NULL, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 0, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, -1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 17, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 3, 2));
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 1, 0x100000));
    map[1].wszNewDatabaseName = L"C:\\other\\ntds.dit";
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 2, paths.log_dir, 1, 2));
    map[1] = good;
    map[0].wszDatabaseName = L"ntds.dit";
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 1, 2));
    map[0].wszDatabaseName = NULL;
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 1, 2));
    map[0] = good;
    map[0].wszNewDatabaseName = NULL;
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 1, 2));
    map[0].wszNewDatabaseName = L"C:\\Windows\\NTDS\\ntds.dit::$DATA";
    REFUSED(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, map, 1, paths.log_dir, 1, 2));
    REFUSED(DsRestoreRegisterA(hbc, NULL, NULL, NULL, 1, NULL, 1, 2));
    REFUSED(DsRestoreRegisterW((HBC)1, paths.working_dir, paths.log_dir, &good, 1, paths.log_dir, 1, 2));
#undef REFUSED
    /* The documentation's two-entry map: the directory database, and the system
     * database into one of the folders the locations list named.  Nothing outside
     * them, and never without the directory database. */
    {
        WCHAR system_db[MAX_PATH], outside[MAX_PATH];
        EDB_RSTMAPW two[2] = {good, {L"D:\\Old\\system.edb", system_db}};

        _snwprintf(system_db, MAX_PATH, L"%ls\\system.edb", paths.working_dir);
        _snwprintf(outside, MAX_PATH, L"%ls\\sub\\system.edb", paths.working_dir);
        assert_int_equal(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two + 1, 1, paths.log_dir, 1, 2),
                         ERROR_INVALID_PARAMETER);
        two[1].wszNewDatabaseName = outside;
        assert_int_equal(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two, 2, paths.log_dir, 1, 2),
                         ERROR_INVALID_PARAMETER);
        assert_false(restore_registered());
        two[1].wszNewDatabaseName = system_db;
        assert_int_equal(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two, 2, paths.log_dir, 1, 2), S_OK);
        assert_true(restore_registered());
        assert_int_equal(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
        assert_false(restore_registered());
    }
    /* The UNC forms the locations list gave are accepted too (and registered). */
    map[0] = good;
    map[0].wszNewDatabaseName = unc_db;
    assert_int_equal(DsRestoreRegisterW(hbc, paths.working_dir, unc_logs, map, 1, paths.log_dir, 0, 0xFFFFF), S_OK);
    assert_true(restore_registered());
    assert_int_equal(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    assert_false(restore_registered());
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
}

static DWORD registration_dword(const WCHAR *name)
{
    DWORD value = 0xdeadbeef, size = sizeof(value);
    assert_int_equal(RegGetValueW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, name, RRF_RT_REG_DWORD, NULL,
                                  &value, &size), 0);
    return value;
}

static ULONGLONG registration_id(void)
{
    ULONGLONG value = 0;
    DWORD size = sizeof(value);
    assert_int_equal(RegGetValueW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, RESTORE_VALUE_REGISTRATION_ID,
                                  RRF_RT_REG_QWORD, NULL, &value, &size), 0);
    return value;
}

static HRESULT register_sample(HBC hbc)
{
    EDB_RSTMAPW map = {(WCHAR *)paths.database, (WCHAR *)paths.database};
    return DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
}

/* One live restore at a time; only the context that registered completes it. */
static void test_registration_lifecycle(void **state)
{
    EDB_RSTMAPA map = {NULL, NULL};
    char database[MAX_PATH], log_dir[MAX_PATH], working_dir[MAX_PATH];
    BOOL online;
    void *token;
    DWORD size;
    HBC hbc, second;

    (void)state;
    WideCharToMultiByte(CP_ACP, 0, paths.database, -1, database, MAX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_ACP, 0, paths.log_dir, -1, log_dir, MAX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_ACP, 0, paths.working_dir, -1, working_dir, MAX_PATH, NULL, NULL);
    map.szDatabaseName = database;
    map.szNewDatabaseName = database;
    hbc = prepare_full();
    second = prepare_full();
    assert_int_equal(DsRestoreRegisterA(hbc, working_dir, log_dir, &map, 1, log_dir, 1, 3), S_OK);
    assert_int_equal(registration_dword(RESTORE_VALUE_OWNER_PROCESS), GetCurrentProcessId());
    /* A live restore: no second one, from any context. */
    windows_may_differ_hr(DsRestoreRegisterA(second, working_dir, log_dir, &map, 1, log_dir, 1, 3), hrRestoreInProgress);
    windows_may_differ_hr(DsRestoreRegisterA(hbc, working_dir, log_dir, &map, 1, log_dir, 1, 3), hrRestoreInProgress);
    /* While registered: offline, no backup, and the service will not start. */
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_false(online);
    windows_may_differ_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &second), hrRestoreInProgress);
    assert_false(ntds_service_set_running(TRUE));
    /* Another context cannot complete it, not even with a failure. */
    second = prepare_full();
    windows_may_differ_hr(DsRestoreRegisterComplete(second, S_OK), hrInvalidBackupSequence);
    windows_may_differ_hr(DsRestoreRegisterComplete(second, E_FAIL), hrInvalidBackupSequence);
    assert_true(restore_registered());
    assert_int_equal(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    /* A failed restore is recorded and the registration stays. */
    assert_int_equal(DsRestoreRegisterComplete(hbc, E_FAIL), S_OK);
    assert_true(restore_registered());
    assert_int_equal(registration_dword(RESTORE_VALUE_STATUS), (DWORD)E_FAIL);
    assert_false(ntds_service_set_running(TRUE));
    /* Success completes it: the directory may start again. */
    assert_int_equal(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    assert_false(restore_registered());
    windows_may_differ_hr(DsRestoreRegisterComplete(hbc, S_OK), hrInvalidBackupSequence);
    windows_may_differ_hr(DsRestoreRegisterComplete(second, S_OK), hrInvalidBackupSequence);
    assert_int_equal(DsRestoreEnd(hbc), S_OK);
    assert_int_equal(DsRestoreEnd(second), S_OK);
    assert_true(ntds_service_set_running(TRUE));
    assert_int_equal(DsIsNTDSOnlineW(NULL, &online), S_OK);
    assert_true(online);
    assert_true(ntds_service_set_running(FALSE));
}

/* What a tool that follows the documentation meets when it restores again: after
 * a failed restore, and after one abandoned without DsRestoreRegisterComplete. */
static void test_restore_retried(void **state)
{
    ULONGLONG first_id;
    HBC first, retry, third;

    (void)state;
    /* Failed: Register, Complete(failure), End.  A new restore replaces it. */
    first = prepare_full();
    assert_int_equal(register_sample(first), S_OK);
    first_id = registration_id();
    assert_int_equal(DsRestoreRegisterComplete(first, hrError), S_OK);
    assert_int_equal(DsRestoreEnd(first), S_OK);
    retry = prepare_full();
    assert_int_equal(register_sample(retry), S_OK);
    assert_true(registration_id() != first_id);
    assert_int_equal(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    assert_int_equal(DsRestoreRegisterComplete(retry, S_OK), S_OK);
    assert_false(restore_registered());
    assert_int_equal(DsRestoreEnd(retry), S_OK);

    /* Failed and replaced while its context lives on: that context's later
     * Complete(S_OK) must not complete the new registration. */
    first = prepare_full();
    assert_int_equal(register_sample(first), S_OK);
    assert_int_equal(DsRestoreRegisterComplete(first, hrError), S_OK);
    retry = prepare_full();
    assert_int_equal(register_sample(retry), S_OK);
    windows_may_differ_hr(DsRestoreRegisterComplete(first, S_OK), hrInvalidBackupSequence);
    assert_true(restore_registered());
    assert_int_equal(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    assert_false(ntds_service_set_running(TRUE));

    /* Abandoned: the owner ends without completing.  The registration stays
     * (DsRestoreEnd never undoes it) until a new restore replaces it. */
    assert_int_equal(DsRestoreEnd(retry), S_OK);
    assert_true(restore_registered());
    assert_int_equal(registration_dword(RESTORE_VALUE_OWNER_PROCESS), 0);
    assert_false(ntds_service_set_running(TRUE));
    windows_may_differ_hr(DsRestoreRegisterComplete(first, S_OK), hrInvalidBackupSequence);
    third = prepare_full();
    windows_may_differ_hr(DsRestoreRegisterComplete(third, S_OK), hrInvalidBackupSequence);
    assert_int_equal(register_sample(third), S_OK);
    assert_int_equal(DsRestoreRegisterComplete(third, S_OK), S_OK);
    assert_false(restore_registered());
    assert_int_equal(DsRestoreEnd(third), S_OK);
    assert_int_equal(DsRestoreEnd(first), S_OK);
    assert_true(ntds_service_set_running(TRUE));
    assert_true(ntds_service_set_running(FALSE));
}

static void test_set_current_backup_log(void **state)
{
    DWORD value, size = sizeof(value);

    (void)state;
    assert_int_equal(DsSetCurrentBackupLogW(NULL, 0x1234), S_OK);
    assert_int_equal(RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_CURRENT_BACKUP_LOG, RRF_RT_REG_DWORD,
                                  NULL, &value, &size), 0);
    assert_int_equal(value, 0x1234);
    assert_int_equal(DsSetCurrentBackupLogA("", BACKUP_DISABLE_INCREMENTAL), S_OK);
    size = sizeof(value);
    assert_int_equal(RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_CURRENT_BACKUP_LOG, RRF_RT_REG_DWORD,
                                  NULL, &value, &size), 0);
    assert_int_equal(value, BACKUP_DISABLE_INCREMENTAL);
    assert_int_equal(DsSetCurrentBackupLogW(L"elsewhere", 1), hrCouldNotConnect);
}

static void test_set_auth_identity(void **state)
{
    WCHAR long_name[600];
    int i;

    (void)state;
    assert_int_equal(DsSetAuthIdentityW(L"Administrator", L"EXAMPLE", L"s3cret-PASSWORD"), S_OK);
    assert_int_equal(DsSetAuthIdentityA("Administrator", NULL, "s3cret-PASSWORD"), S_OK);
    assert_int_equal(DsSetAuthIdentityW(NULL, NULL, NULL), S_OK);
    assert_int_equal(DsSetAuthIdentityW(NULL, L"EXAMPLE", L"x"), ERROR_INVALID_PARAMETER);
    assert_int_equal(DsSetAuthIdentityW(L"", L"EXAMPLE", L"x"), ERROR_INVALID_PARAMETER);
    for (i = 0; i < 599; i++) long_name[i] = 'a';
    long_name[599] = 0;
    assert_int_equal(DsSetAuthIdentityW(long_name, NULL, NULL), ERROR_INVALID_PARAMETER);
    /* The identity changes no result of the local calls that follow. */
    assert_int_equal(DsSetAuthIdentityW(L"nobody", L"NOWHERE", L"s3cret-PASSWORD"), S_OK);
    {
        HBC hbc;
        assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
        assert_int_equal(DsRestoreEnd(hbc), S_OK);
    }
    assert_int_equal(DsSetAuthIdentityW(NULL, NULL, NULL), S_OK);
}

static void test_check_expiry_token_is_a_stub(void **state)
{
    HRESULT (WINAPI *check)(void) = (void *)GetProcAddress(GetModuleHandleA("ntdsbcli.dll"), "DsRestoreCheckExpiryToken");
    (void)state;
    assert_non_null(check);
    windows_may_differ_hr(check(), hrNyi);
}

int run_restore_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_online_follows_the_service),
        cmocka_unit_test(test_prepare_arguments),
        cmocka_unit_test(test_expired_token),
        cmocka_unit_test(test_database_locations),
        cmocka_unit_test(test_register_validates),
        cmocka_unit_test(test_registration_lifecycle),
        cmocka_unit_test(test_restore_retried),
        cmocka_unit_test(test_set_current_backup_log),
        cmocka_unit_test(test_set_auth_identity),
        cmocka_unit_test(test_check_expiry_token_is_a_stub),
    };
    return cmocka_run_group_tests_name("restore", tests, take_backup_token, NULL);
}

static void test_without_restore_privilege(void **state)
{
    HBC hbc = (HBC)1;

    (void)state;
    remove_privilege(L"SeRestorePrivilege");
    assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), ERROR_ACCESS_DENIED);
    assert_null(hbc);
    assert_int_equal(DsRestorePrepareA(NULL, 0, NULL, 0, &hbc), ERROR_ACCESS_DENIED);
}

/* run.sh removes the prefix's link for \\COMPUTER\C$ first: the lists are still
 * given (the DLL reads the files by their local paths), and run.sh checks what
 * the DLL said about the share on stderr, and that it made no link itself. */
static void test_locations_without_share(void **state)
{
    WCHAR *list;
    DWORD size;
    HBC limited;
    int i;

    (void)state;
    assert_int_equal(DsRestorePrepareW(NULL, 0, NULL, 0, &limited), S_OK);
    for (i = 0; i < 2; i++)
    {
        assert_int_equal(DsRestoreGetDatabaseLocationsW(limited, &list, &size), S_OK);
        assert_int_equal(count_list_entries(list, size), 3);
        DsBackupFree(list);
    }
    assert_int_equal(DsRestoreEnd(limited), S_OK);
}

int run_share_not_resolving_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_locations_without_share)};
    return cmocka_run_group_tests_name("share not resolving", tests, NULL, NULL);
}

int run_no_restore_privilege_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_without_restore_privilege)};
    return cmocka_run_group_tests_name("no SeRestorePrivilege", tests, NULL, NULL);
}

/* Registers a restore and dies before completing it. */
int register_and_crash(void)
{
    EDB_RSTMAPW map;
    HBC hbc;

    assert_true(read_dsa_paths(&paths));
    if (take_backup_token(NULL)) return 2;
    /* The tool keeps its backup, token included, for the restore it retries. */
    write_file(L"C:\\tests\\token.bin", backup_token, backup_token_size);
    if (DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc)) return 3;
    map.wszDatabaseName = paths.database;
    map.wszNewDatabaseName = paths.database;
    if (DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3)) return 4;
    TerminateProcess(GetCurrentProcess(), 99);
    return 5;
}

/* The tool runs again with its saved backup: its new registration replaces the
 * one whose process died, and completes. */
static int restore_again_after_crash(void)
{
    BYTE *token;
    DWORD size;
    HBC hbc = NULL;
    HRESULT hr;
    int failures = 0;

    assert_true(read_dsa_paths(&paths));
    token = read_whole_file(L"C:\\tests\\token.bin", &size);
    hr = DsRestorePrepareW(NULL, 0, token, size, &hbc);
    if (hr) { printf("not ok - DsRestorePrepareW after the crash: %#lx\n", hr); return 1; }
    if ((hr = register_sample(hbc))) { printf("not ok - DsRestoreRegisterW after the crash: %#lx\n", hr); failures++; }
    else printf("ok - a new restore replaces the registration of the process that died\n");
    if ((hr = DsRestoreRegisterComplete(hbc, S_OK)) || restore_registered())
    {
        printf("not ok - DsRestoreRegisterComplete of the new restore: %#lx\n", hr);
        failures++;
    }
    else printf("ok - ... and completes it\n");
    DsRestoreEnd(hbc);
    HeapFree(GetProcessHeap(), 0, token);
    if (ntds_service_exists() && (!ntds_service_set_running(TRUE) || !ntds_service_set_running(FALSE)))
    {
        printf("not ok - the service does not start after the completed restore\n");
        failures++;
    }
    else printf("ok - the service starts after the completed restore\n");
    return failures;
}

/* After the crash (and a restart of Wine): still registered, still offline. */
int check_registration_survived(void)
{
    BOOL online = TRUE;
    int failures = 0;

    /* The service must refuse before any program has loaded the DLL since. */
    if (ntds_service_exists() && ntds_service_set_running(TRUE)) { printf("not ok - service started\n"); failures++; }
    else printf("ok - service refuses to start after Wine died\n");
    if (DsIsNTDSOnlineW(NULL, &online) || online) { printf("not ok - directory reported online\n"); failures++; }
    else printf("ok - directory offline after the crash\n");
    if (!restore_registered()) { printf("not ok - registration lost\n"); failures++; }
    else printf("ok - registration visible after the crash\n");
    if (ntds_service_exists() && ntds_service_set_running(TRUE)) { printf("not ok - service started\n"); failures++; }
    else printf("ok - service refuses to start while registered\n");
    failures += restore_again_after_crash();
    return failures;
}
