/*
 * Durability of the restore registration (docs/behaviour.md, "Restore": "The key
 * is flushed to disk (RegFlushKey) before the call returns, so it survives a crash
 * of the restoring process and of Wine itself").  tests/conformance/ checks the
 * crash of the restoring process, after which Wine shuts down normally and saves
 * the registry anyway.  Here Wine itself dies (run.sh kills this prefix's
 * wineserver with SIGKILL) while the process that registered is still running,
 * as in a power cut during the restore.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "reliability.h"

/* DsRestoreRegister for the sample database, as the restore of a tool would. */
static HRESULT register_sample_restore(HBC hbc)
{
    struct dsa_paths paths;
    EDB_RSTMAPW map;

    if (!read_dsa_paths(&paths)) return E_FAIL;
    map.wszDatabaseName = paths.database;
    map.wszNewDatabaseName = paths.database;
    return DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
}

/* reliability.exe durability register: registers a restore, says so on
 * stdout, and waits to be killed (a step run.sh drives: no checks of its own,
 * the exit code says how far it got). */
static void register_and_wait(void)
{
    struct dsa_paths paths;
    EDB_RSTMAPW map;
    void *token;
    DWORD token_size;
    BYTE saved[40];
    HRESULT hr;
    HBC hbc;

    fault_off();
    if (!read_dsa_paths(&paths)) { printf("durability: the sample database is not configured\n"); exit(1); }
    if (!ntds_service_set_running(TRUE)) { printf("durability: the NTDS service does not start\n"); exit(1); }
    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
    if (hr || token_size != 40) { printf("durability: DsBackupPrepareW returned %s\n", hr_name(hr)); exit(1); }
    memcpy(saved, token, 40);
    DsBackupFree(token);
    DsBackupEnd(hbc);
    if (!ntds_service_set_running(FALSE)) { printf("durability: the NTDS service does not stop\n"); exit(1); }
    hr = DsRestorePrepareW(NULL, 0, saved, 40, &hbc);
    if (hr) { printf("durability: DsRestorePrepareW returned %s\n", hr_name(hr)); exit(1); }
    map.wszDatabaseName = paths.database;
    map.wszNewDatabaseName = paths.database;
    hr = DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
    printf("durability: DsRestoreRegisterW returned %s\n", hr_name(hr));
    if (hr) exit(1);
    printf("REGISTERED\n");
    fflush(stdout);
    /* The restore would now copy files for minutes; Wine dies meanwhile. */
    Sleep(120000);
    DsRestoreEnd(hbc);
    exit(3);
}

/* reliability.exe durability check: after Wine died and started again. */
static void test_after_the_crash(void)
{
    BOOL online = TRUE, key_before = restore_registered(), whole = FALSE;
    BYTE token[40];
    HRESULT hr;
    HBC hbc;

    fault_off();
    trace("after the crash, before any call to the DLL, the key is %s\n", key_before ? "there" : "not there");
    hr = DsIsNTDSOnlineW(NULL, &online);
    ok_property("durability: after the crash the directory is reported offline", hr == S_OK && !online,
                "DsIsNTDSOnlineW returned %s and online = %d: the directory would start on a half-restored "
                "database\n", hr_name(hr), online);
    if (restore_registered())
    {
        HKEY key;
        ULONGLONG id = 0;
        DWORD size = sizeof(id), type = 0;
        if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_KEY, 0, KEY_READ, &key))
        {
            whole = !RegQueryValueExW(key, L"Backup Id", NULL, &type, (BYTE *)&id, &size) && type == REG_QWORD
                    && !RegQueryValueExW(key, RESTORE_VALUE_MAP, NULL, &type, NULL, &size) && type == REG_MULTI_SZ;
            RegCloseKey(key);
        }
        ok_property("durability: after the crash the Restore In Progress key is there, with its values", whole,
                    "the key is there but incomplete\n");
    }
    else
        ok_property("durability: after the crash the Restore In Progress key is there, with its values", FALSE,
                    "a registration that DsRestoreRegister returned S_OK for is lost when Wine dies (SIGKILL of the "
                    "wineserver) while the registering process still runs\n");
    if (ntds_service_exists() && ntds_service_set_running(TRUE))
    {
        ok_property("durability: after the crash the NTDS service refuses to start", FALSE,
                    "the NTDS service starts on a half-restored database\n");
        ntds_service_set_running(FALSE);
    }
    else
        ok_property("durability: after the crash the NTDS service refuses to start", TRUE, "\n");
    /* No other context may complete the restore whose process died... */
    make_token(token, now_filetime(), 180);
    hr = DsRestorePrepareW(NULL, 0, token, 40, &hbc);
    if (hr == S_OK) hr = DsRestoreRegisterComplete(hbc, S_OK);
    ok_property("durability: another context cannot complete the registration of the process that died",
                hr == hrInvalidBackupSequence && restore_registered(), "DsRestoreRegisterComplete(S_OK) of another "
                "context: %s, key %s\n", hr_name(hr), restore_registered() ? "still there" : "gone");
    /* ... the administrator restores again: the new registration replaces it,
     * and completing that one removes the registration for good. */
    if (hr == hrInvalidBackupSequence || hr == S_OK) hr = register_sample_restore(hbc);
    if (hr == S_OK) hr = DsRestoreRegisterComplete(hbc, S_OK);
    DsRestoreEnd(hbc);
    ok_property("durability: a new restore replaces the registration of the process that died, and completes",
                hr == S_OK && !restore_registered() && DsIsNTDSOnlineW(NULL, &online) == S_OK && !restore_registered(),
                "restoring again: %s, key %s\n", hr_name(hr), restore_registered() ? "still there" : "gone");
}

/* ---- a full disk while a restore is registered ----------------------------- */

typedef char *(CDECL *wine_get_unix_file_name_fn)(const WCHAR *dos_path);

static char journal_unix_dir[1024];

static BOOL journal_present(const WCHAR *suffix)
{
    WCHAR path[MAX_PATH];
    if (!restore_journal_path(path, MAX_PATH - 16, TRUE)) return FALSE;
    wcscat(path, suffix);
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* Fills the file system of the journal's folder (run.sh mounted a small tmpfs
 * there), or frees it. */
static BOOL disk_fill(BOOL full)
{
    char script[1400];
    if (full)
        snprintf(script, sizeof(script), "dd if=/dev/zero of='%s/filler' bs=1024 2>/dev/null; "
                 "dd if=/dev/zero of='%s/filler2' bs=1 2>/dev/null; df -k '%s' | tail -n 1 | "
                 "awk '{ exit ($4 == 0 ? 0 : 1) }'", journal_unix_dir, journal_unix_dir, journal_unix_dir);
    else
        snprintf(script, sizeof(script), "rm -f '%s/filler' '%s/filler2'", journal_unix_dir, journal_unix_dir);
    return run_unix(script) == 0;
}

/* reliability.exe durability disk-full: run.sh has installed the service
 * stand-in and mounted a small tmpfs on the journal's folder,
 * %ProgramData%\ntdsbcli. */
static void test_disk_full(void)
{
    wine_get_unix_file_name_fn get_unix_name = (wine_get_unix_file_name_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    struct dsa_paths paths;
    struct check c;
    WCHAR folder[MAX_PATH];
    EDB_RSTMAPW map;
    void *token;
    DWORD token_size;
    BYTE saved[40];
    BOOL online;
    char *unix_name;
    HRESULT hr, hr2;
    HBC hbc, backup;

    fault_off();
    check_init(&c, "a full disk (the journal's file system) during DsRestoreRegister and "
               "DsRestoreRegisterComplete: a documented failure and no registration, or a whole one");
    if (!read_dsa_paths(&paths) || !get_unix_name
            || !restore_journal_path(folder, MAX_PATH, FALSE)
            || !(unix_name = get_unix_name(folder)))
    {
        ok(0, "disk full: setup (paths, Unix name of the journal folder)\n");
        return;
    }
    snprintf(journal_unix_dir, sizeof(journal_unix_dir), "%s", unix_name);
    HeapFree(GetProcessHeap(), 0, unix_name);
    map.wszDatabaseName = paths.database;
    map.wszNewDatabaseName = paths.database;
    if (!ntds_service_set_running(TRUE)
            || DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &backup) != S_OK)
    {
        ok(0, "disk full: no token from a real backup\n");
        return;
    }
    memcpy(saved, token, 40);
    DsBackupFree(token);
    DsBackupEnd(backup);
    ntds_service_set_running(FALSE);

    /* 1. Full before DsRestoreRegister. */
    if (!check_that(&c, disk_fill(TRUE), "the journal's file system could not be filled"))
    {
        check_report(&c);
        return;
    }
    hr = DsRestorePrepareW(NULL, 0, saved, 40, &hbc);
    check_that(&c, hr == S_OK, "DsRestorePrepareW with the disk full: %s", hr_name(hr));
    if (hr == S_OK)
    {
        hr = DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
        trace("DsRestoreRegisterW with the disk full: %s\n", hr_name(hr));
        if (hr == S_OK)
            check_that(&c, restore_registered() && journal_present(L""), "DsRestoreRegisterW returned S_OK with "
                       "the disk full, but the registration is not whole (key %d, journal %d)",
                       restore_registered(), journal_present(L""));
        else
            check_that(&c, (hr == hrError || hr == hrDiskFull) && !restore_registered() && !journal_present(L"")
                       && !journal_present(L".new"), "DsRestoreRegisterW with the disk full returned %s; key %d, "
                       "journal %d, temporary %d", hr_name(hr), restore_registered(), journal_present(L""),
                       journal_present(L".new"));
        if (hr == S_OK) DsRestoreRegisterComplete(hbc, S_OK);
        DsRestoreEnd(hbc);
    }
    /* Nothing is registered (the directory is offline only because the service
     * stand-in is stopped). */
    disk_fill(FALSE);
    online = 42;
    hr = DsIsNTDSOnlineW(NULL, &online);
    check_that(&c, hr == S_OK && !online && !restore_registered(), "after the refused registration: "
               "DsIsNTDSOnline %s, online %d, key %d", hr_name(hr), online, restore_registered());

    /* 2. Registered, then the disk fills up: record a failure, then complete. */
    hr = DsRestorePrepareW(NULL, 0, saved, 40, &hbc);
    if (hr == S_OK) hr = DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
    if (!check_that(&c, hr == S_OK, "registering with free space: %s", hr_name(hr)))
    {
        check_report(&c);
        return;
    }
    check_that(&c, disk_fill(TRUE), "the journal's file system could not be filled");
    hr = DsRestoreRegisterComplete(hbc, E_FAIL);
    trace("DsRestoreRegisterComplete(E_FAIL) with the disk full: %s\n", hr_name(hr));
    check_that(&c, (hr == S_OK || hr == hrError || hr == hrDiskFull) && restore_registered()
               && journal_present(L"") && !journal_present(L".new"), "DsRestoreRegisterComplete(E_FAIL) with the "
               "disk full: %s; key %d, journal %d, temporary %d", hr_name(hr), restore_registered(),
               journal_present(L""), journal_present(L".new"));
    online = 42;
    hr2 = DsIsNTDSOnlineW(NULL, &online);
    check_that(&c, hr2 == S_OK && !online, "while registered with the disk full, DsIsNTDSOnline %s, online %d",
               hr_name(hr2), online);
    hr = DsRestoreRegisterComplete(hbc, S_OK);
    trace("DsRestoreRegisterComplete(S_OK) with the disk full: %s\n", hr_name(hr));
    if (hr == S_OK)
        check_that(&c, !restore_registered() && !journal_present(L""), "DsRestoreRegisterComplete(S_OK) "
                   "returned S_OK with the disk full but left key %d, journal %d", restore_registered(),
                   journal_present(L""));
    else
        check_that(&c, hr_is_documented(hr) && (restore_registered() || journal_present(L"")),
                   "DsRestoreRegisterComplete(S_OK) with the disk full returned %s and the registration is gone",
                   hr_name(hr));
    disk_fill(FALSE);
    if (restore_registered() || journal_present(L""))
    {
        hr = DsRestoreRegisterComplete(hbc, S_OK);
        check_that(&c, hr == S_OK && !restore_registered() && !journal_present(L""), "completing once the disk "
                   "has room: %s", hr_name(hr));
    }
    DsRestoreEnd(hbc);
    check_report(&c);
}

START_TEST(durability)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    const char *step = argc > 2 ? argv[2] : "";

    if (!strcmp(step, "register")) register_and_wait();
    else if (!strcmp(step, "check")) test_after_the_crash();
    else if (!strcmp(step, "disk-full")) test_disk_full();
    else ok(0, "durability: unknown step %s (register, check or disk-full)\n", debugstr_a(step));
}
