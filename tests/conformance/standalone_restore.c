/*
 * Conformance tests of the full restore, which need the directory taken offline
 * with a backup's token in hand: run.sh installs this project's NTDS service
 * stand-in (stopped), and the tests start and stop it.  Also the two halves of
 * a restore whose process, and then Wine itself, dies before completing it,
 * driven by run.sh:
 *   conformance.exe standalone_restore register-and-crash
 *   conformance.exe standalone_restore check-registration-survived
 * Not in Wine's tree: it has no such stand-in (tools/wine-tree).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"
#include "ntds_test_support.h"

static struct dsa_paths paths;
static BYTE backup_token[64];
static DWORD backup_token_size;

static ULONGLONG now_filetime(void)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
}

/* A token from a real backup, taken while the directory is online (the
 * stand-in started, then stopped again). */
static BOOL take_backup_token(void)
{
    void *token;
    HRESULT hr;
    HBC hbc;

    if (!ntds_service_set_running(TRUE)) return FALSE;
    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &backup_token_size, &hbc);
    if (hr != S_OK || backup_token_size > sizeof(backup_token)) return FALSE;
    memcpy(backup_token, token, backup_token_size);
    DsBackupFree(token);
    DsBackupEnd(hbc);
    return ntds_service_set_running(FALSE);
}

static HBC prepare_full(void)
{
    HBC hbc = NULL;
    ok_hr(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc), S_OK);
    ok(hbc != NULL, "hbc is NULL\n");
    return hbc;
}

static void test_online_follows_the_service(void)
{
    BOOL online = 42;
    void *token;
    DWORD size;
    HBC hbc = (HBC)1;

    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok_int(online, FALSE);
    /* Offline: no backup. */
    ok_hr(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc), hrCouldNotConnect);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok(ntds_service_set_running(TRUE), "the NTDS service did not start\n");
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok_int(online, TRUE);
    /* Online: no full restore; the locations may still be asked for. */
    ok_hr_choice(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc), hrDatabaseInUse);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    ok(ntds_service_set_running(FALSE), "the NTDS service did not stop\n");
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok_int(online, FALSE);
}

static void test_prepare_arguments(void)
{
    BYTE token[64];
    HBC hbc = (HBC)1;
    HRESULT hr;
    DWORD i;

    ok_hr(DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, NULL), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestorePrepareW(NULL, RESTORE_TYPE_AUTHORATATIVE, backup_token, backup_token_size, &hbc),
          ERROR_INVALID_PARAMETER);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok_hr(DsRestorePrepareW(NULL, RESTORE_TYPE_ONLINE, backup_token, backup_token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestorePrepareW(NULL, 0x10, backup_token, backup_token_size, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 40, &hbc), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestorePrepareW(L"\\\\elsewhere", 0, backup_token, backup_token_size, &hbc), hrCouldNotConnect);
    ok_hr(DsRestorePrepareA("elsewhere", 0, NULL, 0, &hbc), hrCouldNotConnect);

    /* RESTORE_TYPE_CATCHUP is the default behaviour and accepted. */
    ok_hr(DsRestorePrepareW(NULL, RESTORE_TYPE_CATCHUP, backup_token, backup_token_size, &hbc), S_OK);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    ok_hr(DsRestorePrepareA(NULL, 0, backup_token, backup_token_size, &hbc), S_OK);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    ok_hr(DsRestoreEnd(hbc), ERROR_INVALID_PARAMETER);

    /* Every damaged, truncated or foreign token is refused, never a crash. */
    for (i = 0; i < backup_token_size * 8; i++)
    {
        memcpy(token, backup_token, backup_token_size);
        token[i / 8] ^= 1 << (i % 8);
        hbc = (HBC)1;
        hr = DsRestorePrepareW(NULL, 0, token, backup_token_size, &hbc);
        ok(hr == hrUnknownExpiryTokenFormat && !hbc, "token with bit %lu flipped: got %#lx, context %p\n", i, hr,
           hbc);
        if (hr == S_OK) DsRestoreEnd(hbc);
    }
    for (i = 0; i < backup_token_size; i++)
        ok_hr_choice(DsRestorePrepareW(NULL, 0, backup_token, i, &hbc), hrUnknownExpiryTokenFormat);
    memcpy(token, backup_token, backup_token_size);
    ok_hr_choice(DsRestorePrepareW(NULL, 0, token, backup_token_size + 1, &hbc), hrUnknownExpiryTokenFormat);
    ok_hr(DsRestorePrepareW(NULL, 0, (void *)"not a token at all, forty bytes long...", 40, &hbc),
          hrUnknownExpiryTokenFormat);
}

static void test_expired_token(void)
{
    BYTE token[40];
    ULONGLONG day = 864000000000ULL;
    HBC hbc = (HBC)1;

    /* Tokens in the DLL's own documented format: these checks are project-specific. */
    make_token(token, now_filetime() - 181 * day, 180);
    ok_hr(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrContentsExpired);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    make_token(token, now_filetime() - 179 * day, 180);
    ok_hr(DsRestorePrepareW(NULL, 0, token, 40, &hbc), S_OK);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    /* A shorter lifetime configured since the backup wins. */
    {
        HKEY key;
        DWORD days = 60;
        if (!ok_int(RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key), 0)) return;
        ok_int(RegSetValueExW(key, NTDS_VALUE_TOMBSTONE_LIFETIME, 0, REG_DWORD, (BYTE *)&days, 4), 0);
        make_token(token, now_filetime() - 61 * day, 180);
        ok_hr(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrContentsExpired);
        make_token(token, now_filetime() - 59 * day, 180);
        ok_hr(DsRestorePrepareW(NULL, 0, token, 40, &hbc), S_OK);
        ok_hr(DsRestoreEnd(hbc), S_OK);
        /* A value of the wrong type: only the calls that need the lifetime fail. */
        ok_int(RegSetValueExW(key, NTDS_VALUE_TOMBSTONE_LIFETIME, 0, REG_SZ, (BYTE *)L"180", 8), 0);
        {
            BOOL online = TRUE;
            ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
            ok(!online, "online: got %d, expected FALSE\n", online);
            ok_hr(DsSetCurrentBackupLogW(NULL, 7), S_OK);
            ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &hbc), S_OK);
            ok_hr(DsRestoreEnd(hbc), S_OK);
            make_token(token, now_filetime() - 1 * day, 180);
            ok_hr_choice(DsRestorePrepareW(NULL, 0, token, 40, &hbc), hrError);
            ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
        }
        RegDeleteValueW(key, NTDS_VALUE_TOMBSTONE_LIFETIME);
        RegCloseKey(key);
    }
}

/* A full restore's context and a backup's are told apart from each other and
 * from a limited context (restore.c has the limited one alone). */
static void test_handles_told_apart(void)
{
    WCHAR *list = NULL;
    DWORD size;
    HBC limited, full, backup;

    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &limited), S_OK);
    full = prepare_full();
    ok_hr(DsRestoreGetDatabaseLocationsW(full, &list, &size), S_OK);
    DsBackupFree(list);
    ok_hr(DsBackupClose(full), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupEnd(full), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreEnd(full), S_OK);
    ok_hr(DsRestoreEnd(limited), S_OK);
    ok(ntds_service_set_running(TRUE), "the NTDS service did not start\n");
    backup = prepare_backup();
    ok_hr(DsRestoreGetDatabaseLocationsW(backup, &list, &size), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreEnd(backup), ERROR_INVALID_PARAMETER);
    ok_hr(DsRestoreRegisterComplete(backup, S_OK), ERROR_INVALID_PARAMETER);
    ok_hr(DsBackupEnd(backup), S_OK);
    ok(ntds_service_set_running(FALSE), "the NTDS service did not stop\n");
}

static void test_register_validates(void)
{
    WCHAR unc_db[MAX_PATH], unc_logs[MAX_PATH], bad[MAX_PATH];
    EDB_RSTMAPW map[17], good = {L"C:\\old\\ntds.dit", NULL};
    HBC hbc = prepare_full();
    int i;

    good.wszNewDatabaseName = paths.database;
    for (i = 0; i < 17; i++) map[i] = good;
    ok(expected_unc(paths.database, unc_db, MAX_PATH), "no computer name\n");
    ok(expected_unc(paths.log_dir, unc_logs, MAX_PATH), "no computer name\n");
#define REFUSED(call) do { ok_hr(call, ERROR_INVALID_PARAMETER); \
                           ok(!restore_registered(), "a restore is registered\n"); } while (0)
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
        ok_hr(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two + 1, 1, paths.log_dir, 1, 2),
              ERROR_INVALID_PARAMETER);
        two[1].wszNewDatabaseName = outside;
        ok_hr(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two, 2, paths.log_dir, 1, 2),
              ERROR_INVALID_PARAMETER);
        ok(!restore_registered(), "a restore is registered\n");
        two[1].wszNewDatabaseName = system_db;
        ok_hr(DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, two, 2, paths.log_dir, 1, 2), S_OK);
        ok(restore_registered(), "no restore is registered\n");
        ok_hr(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
        ok(!restore_registered(), "a restore is registered\n");
    }
    /* The UNC forms the locations list gave are accepted too (and registered). */
    map[0] = good;
    map[0].wszNewDatabaseName = unc_db;
    ok_hr(DsRestoreRegisterW(hbc, paths.working_dir, unc_logs, map, 1, paths.log_dir, 0, 0xFFFFF), S_OK);
    ok(restore_registered(), "no restore is registered\n");
    ok_hr(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    ok(!restore_registered(), "a restore is registered\n");
    ok_hr(DsRestoreEnd(hbc), S_OK);
}

static DWORD registration_dword(const WCHAR *name)
{
    DWORD value = 0xdeadbeef, size = sizeof(value);
    LONG ret = RegGetValueW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, name, RRF_RT_REG_DWORD, NULL, &value, &size);
    ok(!ret, "reading %s: error %ld\n", debugstr_w(name), ret);
    return value;
}

static ULONGLONG registration_id(void)
{
    ULONGLONG value = 0;
    DWORD size = sizeof(value);
    LONG ret = RegGetValueW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, RESTORE_VALUE_REGISTRATION_ID,
                            RRF_RT_REG_QWORD, NULL, &value, &size);
    ok(!ret, "reading the registration id: error %ld\n", ret);
    return value;
}

static HRESULT register_sample(HBC hbc)
{
    EDB_RSTMAPW map = {(WCHAR *)paths.database, (WCHAR *)paths.database};
    return DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
}

/* One live restore at a time; only the context that registered completes it. */
static void test_registration_lifecycle(void)
{
    EDB_RSTMAPA map = {NULL, NULL};
    char database[MAX_PATH], log_dir[MAX_PATH], working_dir[MAX_PATH];
    BOOL online;
    void *token;
    DWORD size;
    HBC hbc, second;

    WideCharToMultiByte(CP_ACP, 0, paths.database, -1, database, MAX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_ACP, 0, paths.log_dir, -1, log_dir, MAX_PATH, NULL, NULL);
    WideCharToMultiByte(CP_ACP, 0, paths.working_dir, -1, working_dir, MAX_PATH, NULL, NULL);
    map.szDatabaseName = database;
    map.szNewDatabaseName = database;
    hbc = prepare_full();
    second = prepare_full();
    ok_hr(DsRestoreRegisterA(hbc, working_dir, log_dir, &map, 1, log_dir, 1, 3), S_OK);
    ok_int(registration_dword(RESTORE_VALUE_OWNER_PROCESS), GetCurrentProcessId());
    /* A live restore: no second one, from any context. */
    ok_hr_choice(DsRestoreRegisterA(second, working_dir, log_dir, &map, 1, log_dir, 1, 3), hrRestoreInProgress);
    ok_hr_choice(DsRestoreRegisterA(hbc, working_dir, log_dir, &map, 1, log_dir, 1, 3), hrRestoreInProgress);
    /* While registered: offline, no backup, and the service will not start. */
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(!online, "online: got %d, expected FALSE\n", online);
    ok_hr_choice(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &second), hrRestoreInProgress);
    ok(!ntds_service_set_running(TRUE), "the NTDS service started\n");
    /* Another context cannot complete it, not even with a failure. */
    second = prepare_full();
    ok_hr_choice(DsRestoreRegisterComplete(second, S_OK), hrInvalidBackupSequence);
    ok_hr_choice(DsRestoreRegisterComplete(second, E_FAIL), hrInvalidBackupSequence);
    ok(restore_registered(), "no restore is registered\n");
    ok_int(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    /* A failed restore is recorded and the registration stays. */
    ok_hr(DsRestoreRegisterComplete(hbc, E_FAIL), S_OK);
    ok(restore_registered(), "no restore is registered\n");
    ok_int(registration_dword(RESTORE_VALUE_STATUS), (DWORD)E_FAIL);
    ok(!ntds_service_set_running(TRUE), "the NTDS service started\n");
    /* Success completes it: the directory may start again. */
    ok_hr(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    ok(!restore_registered(), "a restore is registered\n");
    ok_hr_choice(DsRestoreRegisterComplete(hbc, S_OK), hrInvalidBackupSequence);
    ok_hr_choice(DsRestoreRegisterComplete(second, S_OK), hrInvalidBackupSequence);
    ok_hr(DsRestoreEnd(hbc), S_OK);
    ok_hr(DsRestoreEnd(second), S_OK);
    ok(ntds_service_set_running(TRUE), "the NTDS service did not start\n");
    ok_hr(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(online, "online: got %d, expected TRUE\n", online);
    ok(ntds_service_set_running(FALSE), "the NTDS service did not stop\n");
}

/* What a tool that follows the documentation meets when it restores again: after
 * a failed restore, and after one abandoned without DsRestoreRegisterComplete. */
static void test_restore_retried(void)
{
    ULONGLONG first_id;
    HBC first, retry, third;

    /* Failed: Register, Complete(failure), End.  A new restore replaces it. */
    first = prepare_full();
    ok_hr(register_sample(first), S_OK);
    first_id = registration_id();
    ok_hr(DsRestoreRegisterComplete(first, hrError), S_OK);
    ok_hr(DsRestoreEnd(first), S_OK);
    retry = prepare_full();
    ok_hr(register_sample(retry), S_OK);
    ok(registration_id() != first_id, "the new registration has the id of the one it replaced\n");
    ok_int(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    ok_hr(DsRestoreRegisterComplete(retry, S_OK), S_OK);
    ok(!restore_registered(), "a restore is registered\n");
    ok_hr(DsRestoreEnd(retry), S_OK);

    /* Failed and replaced while its context lives on: that context's later
     * Complete(S_OK) must not complete the new registration. */
    first = prepare_full();
    ok_hr(register_sample(first), S_OK);
    ok_hr(DsRestoreRegisterComplete(first, hrError), S_OK);
    retry = prepare_full();
    ok_hr(register_sample(retry), S_OK);
    ok_hr_choice(DsRestoreRegisterComplete(first, S_OK), hrInvalidBackupSequence);
    ok(restore_registered(), "no restore is registered\n");
    ok_int(registration_dword(RESTORE_VALUE_STATUS), (DWORD)hrRestoreInProgress);
    ok(!ntds_service_set_running(TRUE), "the NTDS service started\n");

    /* Abandoned: the owner ends without completing.  The registration stays
     * (DsRestoreEnd never undoes it) until a new restore replaces it. */
    ok_hr(DsRestoreEnd(retry), S_OK);
    ok(restore_registered(), "no restore is registered\n");
    ok_int(registration_dword(RESTORE_VALUE_OWNER_PROCESS), 0);
    ok(!ntds_service_set_running(TRUE), "the NTDS service started\n");
    ok_hr_choice(DsRestoreRegisterComplete(first, S_OK), hrInvalidBackupSequence);
    third = prepare_full();
    ok_hr_choice(DsRestoreRegisterComplete(third, S_OK), hrInvalidBackupSequence);
    ok_hr(register_sample(third), S_OK);
    ok_hr(DsRestoreRegisterComplete(third, S_OK), S_OK);
    ok(!restore_registered(), "a restore is registered\n");
    ok_hr(DsRestoreEnd(third), S_OK);
    ok_hr(DsRestoreEnd(first), S_OK);
    ok(ntds_service_set_running(TRUE), "the NTDS service did not start\n");
    ok(ntds_service_set_running(FALSE), "the NTDS service did not stop\n");
}

/* conformance.exe standalone_restore register-and-crash: registers a restore
 * and dies before completing it (run.sh then kills Wine itself).  A step, not
 * a test: it checks nothing (a process that dies has no closing plan), and its
 * exit code says how far it got if it did not die. */
static void register_and_crash(void)
{
    EDB_RSTMAPW map;
    HANDLE file;
    DWORD written = 0;
    HBC hbc;

    if (!take_backup_token()) exit(2);
    /* The tool keeps its backup, token included, for the restore it retries. */
    file = CreateFileW(L"C:\\tests\\token.bin", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) exit(5);
    WriteFile(file, backup_token, backup_token_size, &written, NULL);
    CloseHandle(file);
    if (written != backup_token_size) exit(5);
    if (DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc)) exit(3);
    map.wszDatabaseName = paths.database;
    map.wszNewDatabaseName = paths.database;
    if (DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3)) exit(4);
    TerminateProcess(GetCurrentProcess(), 99);
}

/* The tool runs again with its saved backup: its new registration replaces the
 * one whose process died, and completes. */
static void test_restore_again_after_crash(void)
{
    BYTE *token;
    DWORD size;
    HBC hbc = NULL;

    token = read_whole_file(L"C:\\tests\\token.bin", &size);
    if (!token) return;
    if (!ok_hr(DsRestorePrepareW(NULL, 0, token, size, &hbc), S_OK)) return;
    ok_hr(register_sample(hbc), S_OK);
    ok_hr(DsRestoreRegisterComplete(hbc, S_OK), S_OK);
    ok(!restore_registered(), "the new restore, completed, is still registered\n");
    DsRestoreEnd(hbc);
    HeapFree(GetProcessHeap(), 0, token);
    ok(!ntds_service_exists() || (ntds_service_set_running(TRUE) && ntds_service_set_running(FALSE)),
       "the service does not start after the completed restore\n");
}

/* conformance.exe standalone_restore check-registration-survived: after the
 * crash and a restart of Wine, still registered, still offline. */
static void test_registration_survived(void)
{
    BOOL online = TRUE;
    HRESULT hr;

    /* The service must refuse before any program has loaded the DLL since. */
    ok(!(ntds_service_exists() && ntds_service_set_running(TRUE)), "the service started after Wine died\n");
    hr = DsIsNTDSOnlineW(NULL, &online);
    ok(hr == S_OK && !online, "after the crash DsIsNTDSOnlineW gave %#lx, online %d\n", hr, online);
    ok(restore_registered(), "the registration was lost\n");
    ok(!(ntds_service_exists() && ntds_service_set_running(TRUE)), "the service started while registered\n");
    test_restore_again_after_crash();
}

START_TEST(standalone_restore)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (!read_dsa_paths(&paths))
    {
        skip("no directory database is configured\n");
        return;
    }
    if (argc > 2 && !strcmp(argv[2], "register-and-crash"))
    {
        register_and_crash();
        return;
    }
    if (argc > 2 && !strcmp(argv[2], "check-registration-survived"))
    {
        test_registration_survived();
        return;
    }
    if (!take_backup_token())
    {
        ok(0, "no token from a backup: the NTDS service stand-in did not start and stop\n");
        return;
    }
    test_online_follows_the_service();
    test_prepare_arguments();
    test_expired_token();
    test_handles_told_apart();
    test_register_validates();
    test_registration_lifecycle();
    test_restore_retried();
}
