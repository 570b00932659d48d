/*
 * dsbackup status: whether the directory is online (DsIsNTDSOnline), the
 * database paths the registry records, the NTDS service's state, and any
 * restore registration with what it records.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"
#include "ntds_layout.h"
#include "owner_process.h"

static const char status_help[] =
    "Usage: dsbackup status\n"
    "\n"
    "Shows whether the directory service is online (DsIsNTDSOnline), the database\n"
    "paths recorded under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters,\n"
    "the state of the NTDS service if one is registered, and whether a restore is\n"
    "registered (the key NTDS\\Restore In Progress), with what it records and\n"
    "whether its program still runs; and how to take the directory offline for a\n"
    "restore, or bring it back ('dsbackup offline', 'dsbackup online').\n"
    "\n"
    "Exit status: 0 the status was read, 1 it could not be, 2 usage error.\n";

static void format_filetime(ULONGLONG value, char *buffer, size_t size)
{
    FILETIME filetime;
    SYSTEMTIME time;

    filetime.dwLowDateTime = (DWORD)value;
    filetime.dwHighDateTime = (DWORD)(value >> 32);
    if (!value || !FileTimeToSystemTime(&filetime, &time)) snprintf(buffer, size, "(not a time: %llu)", value);
    else snprintf(buffer, size, "%04u-%02u-%02u %02u:%02u:%02u UTC", time.wYear, time.wMonth, time.wDay,
                  time.wHour, time.wMinute, time.wSecond);
}

static BOOL read_exact_value(HKEY key, const WCHAR *name, DWORD type, void *value, DWORD size)
{
    DWORD got_type, got_size = size;
    return !RegQueryValueExW(key, name, NULL, &got_type, value, &got_size) && got_type == type && got_size == size;
}

/* Restore Status and who owns the registration, with what it means: a live
 * restore, or one a new restore replaces (docs/behaviour.md, "Restore"). */
static void print_restore_status(HKEY key)
{
    DWORD restore_status, owner = 0;
    ULONGLONG start_time = 0;
    char text[1200];

    if (!read_exact_value(key, RESTORE_VALUE_STATUS, REG_DWORD, &restore_status, sizeof(DWORD)))
    {
        print_field("  Restore Status:", "(not recorded)");
        return;
    }
    print_field("  Restore Status:", "%s", describe_code((HRESULT)restore_status, text, sizeof(text)));
    read_exact_value(key, RESTORE_VALUE_OWNER_PROCESS, REG_DWORD, &owner, sizeof(DWORD));
    read_exact_value(key, RESTORE_VALUE_OWNER_START_TIME, REG_QWORD, &start_time, sizeof(ULONGLONG));
    if ((HRESULT)restore_status != hrRestoreInProgress)
        print("%-24s %s\n", "", "(the restore failed, as DsRestoreRegisterComplete reported; a new restore "
              "replaces it)");
    else if (owner && owner_process_runs(owner, start_time))
        print("%-24s (in progress: the restoring program, process %lu, still runs)\n", "", owner);
    else
        print("%-24s %s\n", "", "(never completed: the restoring program stopped or ended; a new restore "
              "replaces it)");
}

/* The three path values; the backup's log folder is kept in backup_log_path. */
static void print_restore_paths(HKEY key, WCHAR *backup_log_path, size_t backup_log_path_size)
{
    static const WCHAR *const strings[] =
        {RESTORE_VALUE_CHECKPOINT_PATH, RESTORE_VALUE_LOG_PATH, RESTORE_VALUE_BACKUP_LOG_PATH};
    char label[64];
    BYTE data[8192];
    DWORD type, size;
    size_t i;

    for (i = 0; i < ARRAYSIZE(strings); i++)
    {
        snprintf(label, sizeof(label), "  %s:", u8(strings[i]));
        size = sizeof(data) - sizeof(WCHAR);
        if (!RegQueryValueExW(key, strings[i], NULL, &type, data, &size) && (type == REG_SZ || type == REG_EXPAND_SZ))
        {
            data[size] = data[size + 1] = 0;
            print_field(label, "%s", u8((const WCHAR *)data));
            if (!wcscmp(strings[i], RESTORE_VALUE_BACKUP_LOG_PATH) && size + sizeof(WCHAR) <= backup_log_path_size)
                memcpy(backup_log_path, data, size + sizeof(WCHAR));
        }
        else print_field(label, "(not recorded)");
    }
}

/* The restore map: pairs of names, old -> new. */
static void print_restore_map(HKEY key)
{
    BYTE data[8192];
    DWORD type, size = sizeof(data) - 2 * sizeof(WCHAR);
    const WCHAR *p = (const WCHAR *)data, *end;
    BOOL any = FALSE;

    if (RegQueryValueExW(key, RESTORE_VALUE_MAP, NULL, &type, data, &size) || type != REG_MULTI_SZ)
    {
        print_field("  Restore Map:", "(not recorded)");
        return;
    }
    memset(data + size, 0, 2 * sizeof(WCHAR));
    end = (const WCHAR *)(data + size);
    while (p < end && *p)
    {
        const WCHAR *old_name = p, *new_name;
        p += wcslen(p) + 1;
        new_name = p < end && *p ? p : L"(missing)";
        if (p < end && *p) p += wcslen(p) + 1;
        print_field(any ? "" : "  Restore Map:", "%s -> %s", u8(old_name), u8(new_name));
        any = TRUE;
    }
    if (!any) print_field("  Restore Map:", "(empty)");
}

/* The log generations, the times and the backup's id. */
static void print_restore_numbers(HKEY key)
{
    static const WCHAR *const generations[] = {RESTORE_VALUE_LOW_LOG, RESTORE_VALUE_HIGH_LOG};
    static const WCHAR *const times[] = {RESTORE_VALUE_BACKUP_TIME, RESTORE_VALUE_REGISTRATION_TIME};
    char label[64], text[1200];
    DWORD type, size, generation;
    ULONGLONG qword;
    size_t i;

    for (i = 0; i < ARRAYSIZE(generations); i++)
    {
        snprintf(label, sizeof(label), "  %s:", u8(generations[i]));
        size = sizeof(generation);
        if (!RegQueryValueExW(key, generations[i], NULL, &type, (BYTE *)&generation, &size) && type == REG_DWORD)
        {
            if (generation) print_field(label, "%#lx (edb%05lX.log)", generation, generation);
            else print_field(label, "0 (no numbered log)");
        }
        else print_field(label, "(not recorded)");
    }
    for (i = 0; i < ARRAYSIZE(times); i++)
    {
        snprintf(label, sizeof(label), "  %s:", u8(times[i]));
        size = sizeof(qword);
        if (!RegQueryValueExW(key, times[i], NULL, &type, (BYTE *)&qword, &size) && type == REG_QWORD)
        {
            format_filetime(qword, text, sizeof(text));
            print_field(label, "%s", text);
        }
    }
    size = sizeof(qword);
    if (!RegQueryValueExW(key, RESTORE_VALUE_BACKUP_ID, NULL, &type, (BYTE *)&qword, &size) && type == REG_QWORD)
        print_field("  Backup Id:", "%016llx", qword);
}

/* The values of the restore registration, each on its own line, and how to
 * finish it. */
static void print_restore_registration(HKEY key)
{
    WCHAR backup_log_path[1024] = L"";
    size_t length;

    print_restore_status(key);
    print_restore_paths(key, backup_log_path, sizeof(backup_log_path));
    print_restore_map(key);
    print_restore_numbers(key);
    /* dsbackup registers DIR\logs: its restore is run again from DIR. */
    length = wcslen(backup_log_path);
    if (length > 5 && !_wcsicmp(backup_log_path + length - 5, L"\\logs"))
    {
        backup_log_path[length - 5] = 0;
        print("%-24s finish it by restoring again: dsbackup restore %s\n", "", u8(backup_log_path));
    }
    else print("%-24s %s\n", "", "finish it by restoring again: dsbackup restore DIR (DIR: a backup)");
}

/* The database paths under NTDS\Parameters.  FALSE if one could not be read. */
static BOOL print_parameters(void)
{
    static const WCHAR *const values[] = {NTDS_VALUE_DATABASE_FILE, NTDS_VALUE_LOG_DIR, NTDS_VALUE_WORKING_DIR};
    BOOL ok = TRUE;
    LONG error;
    size_t i;

    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        enum config_path_status status;
        WCHAR *value = config_path_read(values[i], &error, &status), *raw;
        char label[64];

        snprintf(label, sizeof(label), "%s:", u8(values[i]));
        if (value) print("%-24s %s\n", label, u8(value));
        else if (error == ERROR_FILE_NOT_FOUND) print("%-24s (not set)\n", label);
        else if (!error)
        {
            /* By the rule the DLL and the stand-in apply: the directory is not configured. */
            raw = status == CONFIG_PATH_NOT_STRING ? NULL : read_parameter(values[i], &error);
            print("%-24s %s%s(%s: not configured)\n", label, raw ? u8(raw) : "", raw ? " " : "",
                  config_path_status_text(status));
            free(raw);
        }
        else
        {
            print("%-24s (unreadable)\n", label);
            report_sys((HRESULT)error, "cannot read HKLM\\%s\\%s", u8(NTDS_PARAMETERS_KEY), u8(values[i]));
            ok = FALSE;
        }
        free(value);
    }
    return ok;
}

/* The NTDS service's state, and why its last start failed.  FALSE if unknown. */
static BOOL print_service(void)
{
    struct ntds_service service;
    char description[1200];

    query_ntds_service(&service);
    if (!service.known)
    {
        print_field("NTDS service:", "unknown");
        report_sys((HRESULT)service.error, "cannot query the service NTDS");
        return FALSE;
    }
    if (!service.registered) print_field("NTDS service:", "not registered");
    else if (service.status.dwCurrentState == SERVICE_RUNNING)
        print_field("NTDS service:", "running (process %lu)", service.status.dwProcessId);
    else if (service.status.dwCurrentState == SERVICE_STOPPED
             && service.status.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
        print_field("NTDS service:", "stopped; its last start failed: %s",
                    describe_code((HRESULT)service.status.dwServiceSpecificExitCode, description, sizeof(description)));
    else if (service.status.dwCurrentState == SERVICE_STOPPED && service.status.dwWin32ExitCode
             && service.status.dwWin32ExitCode != ERROR_SERVICE_NEVER_STARTED)
        print_field("NTDS service:", "stopped; its last start failed: %s",
                    describe_code((HRESULT)service.status.dwWin32ExitCode, description, sizeof(description)));
    else print_field("NTDS service:", "%s", service_state_name(service.status.dwCurrentState));
    return TRUE;
}

/* Whether a restore is registered, with what it records.  FALSE if unknown. */
static BOOL print_restore_in_progress(void)
{
    HKEY key;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key);

    if (error == ERROR_SUCCESS)
    {
        print("%-24s yes (HKLM\\%s exists)\n", "restore in progress:", u8(RESTORE_IN_PROGRESS_KEY));
        print_restore_registration(key);
        RegCloseKey(key);
        return TRUE;
    }
    if (error == ERROR_FILE_NOT_FOUND)
    {
        print("%-24s no\n", "restore in progress:");
        return TRUE;
    }
    print("%-24s unknown\n", "restore in progress:");
    report_sys((HRESULT)error, "cannot open HKLM\\%s", u8(RESTORE_IN_PROGRESS_KEY));
    return FALSE;
}

/* How this machine's directory is taken offline for a restore and brought back:
 * the NTDS service, or, without one, the "Directory Offline" mark. */
static void print_how_to_switch(BOOL online)
{
    struct ntds_service service;
    DWORD mark = 0, size = sizeof(mark);
    BOOL marked;

    query_ntds_service(&service);
    if (!service.known) return;
    if (service.registered)
    {
        if (online && service.start_type == SERVICE_AUTO_START)
            print("%-24s %s\n", "", "(the NTDS service runs, and starts with every Wine session of this prefix: "
                  "the directory stays online until 'dsbackup offline' stops it for a restore)");
        else if (online)
            print("%-24s %s\n", "", "(the NTDS service runs: 'dsbackup offline' stops it for a restore; "
                  "'dsbackup online' keeps it online across Wine sessions)");
        else
            print("%-24s %s\n", "", "(it stays offline until 'dsbackup online' starts the NTDS service again)");
        return;
    }
    marked = !RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_OFFLINE, RRF_RT_REG_DWORD, NULL,
                           &mark, &size) && mark == 1;
    if (online)
        print("%-24s %s\n", "", "(no NTDS service is registered, so the database counts as online: "
              "'dsbackup offline' takes it offline for a restore)");
    else if (marked)
        print("%-24s (marked offline: '%s' = 1; 'dsbackup online' brings it back)\n", "", u8(NTDS_VALUE_OFFLINE));
}

int cmd_status(int argc, WCHAR **argv)
{
    int status = EXIT_OK, i;
    BOOL online = FALSE;
    HRESULT hr;

    for (i = 1; i < argc; i++)
    {
        if (is_help_option(argv[i]))
        {
            print("%s", status_help);
            return EXIT_OK;
        }
        return usage_error(status_help, "status takes no arguments, not %s", argv[i]);
    }
    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed");
        status = EXIT_FAILED;
        print("directory service:       unknown\n");
    }
    else
    {
        print("directory service:       %s\n", online ? "online" : "offline");
        print_how_to_switch(online);
    }
    if (!print_parameters()) status = EXIT_FAILED;
    if (!print_service()) status = EXIT_FAILED;
    if (!print_restore_in_progress()) status = EXIT_FAILED;
    return status;
}
