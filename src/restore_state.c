/*
 * The restore registration in the registry (see restore_state.h and
 * docs/behaviour.md, "Restore").
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "restore_state.h"
#include "portable.h"
#include "memory.h"
#include "fault.h"

BOOL restore_state_in_progress(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

static LONG set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegSetValueExW(key, name, 0, type, data, size);
}

static LONG set_string(HKEY key, const WCHAR *name, const WCHAR *value)
{
    return set_value(key, name, REG_SZ, value, (DWORD)((wstr_len(value) + 1) * sizeof(WCHAR)));
}

/* "old\0new\0old\0new\0\0" */
static LONG set_restore_map(HKEY key, const struct restore_registration *r)
{
    size_t total = 1, used = 0, n;
    WCHAR *multi;
    long i;
    LONG status;

    for (i = 0; i < r->map_count; i++)
        total += wstr_len(r->old_names[i]) + 1 + wstr_len(r->new_names[i]) + 1;
    if (!(multi = mem_alloc(total * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; i < r->map_count; i++)
    {
        n = wstr_len(r->old_names[i]) + 1;
        memcpy(multi + used, r->old_names[i], n * sizeof(WCHAR));
        used += n;
        n = wstr_len(r->new_names[i]) + 1;
        memcpy(multi + used, r->new_names[i], n * sizeof(WCHAR));
        used += n;
    }
    multi[used++] = 0;
    status = set_value(key, L"Restore Map", REG_MULTI_SZ, multi, (DWORD)(used * sizeof(WCHAR)));
    mem_free(multi);
    return status;
}

/* Wine writes its registry to disk lazily; RegFlushKey asks for it now, so that
 * the registration survives a crash of Wine itself. */
static LONG flush(HKEY key)
{
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegFlushKey(key);
}

HRESULT restore_state_register(const struct restore_registration *r)
{
    DWORD disposition, status_value = (DWORD)hrRestoreInProgress;
    ULONGLONG now;
    FILETIME filetime;
    HKEY key;
    LONG status;

    if (fault_should_fail(FAULT_REGISTRY)) return hrError;
    status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                             KEY_READ | KEY_WRITE, NULL, &key, &disposition);
    if (status == ERROR_ACCESS_DENIED) return ERROR_ACCESS_DENIED;
    if (status) return hrError;
    /* Creating the key is the lock: of two racing registrations one creates it. */
    if (disposition != REG_CREATED_NEW_KEY)
    {
        RegCloseKey(key);
        return hrRestoreInProgress;
    }
    GetSystemTimeAsFileTime(&filetime);
    now = ((ULONGLONG)filetime.dwHighDateTime << 32) | filetime.dwLowDateTime;
    status = set_string(key, L"Checkpoint File Path", r->checkpoint_path);
    if (!status) status = set_string(key, L"Log Path", r->log_path);
    if (!status) status = set_string(key, L"Backup Log Path", r->backup_log_path);
    if (!status) status = set_restore_map(key, r);
    if (!status) status = set_value(key, L"Low Log Number", REG_DWORD, &r->generation_low, sizeof(DWORD));
    if (!status) status = set_value(key, L"High Log Number", REG_DWORD, &r->generation_high, sizeof(DWORD));
    if (!status) status = set_value(key, L"Backup Time", REG_QWORD, &r->backup_time, sizeof(ULONGLONG));
    if (!status) status = set_value(key, L"Backup Id", REG_QWORD, &r->backup_id, sizeof(ULONGLONG));
    if (!status) status = set_value(key, L"Registration Time", REG_QWORD, &now, sizeof(ULONGLONG));
    if (!status) status = set_value(key, L"Restore Status", REG_DWORD, &status_value, sizeof(DWORD));
    if (!status) status = flush(key);
    RegCloseKey(key);
    if (status)
    {
        /* The key is ours, just created: remove it, so that a failed registration
         * leaves nothing behind. */
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY);
        return status == ERROR_NOT_ENOUGH_MEMORY ? ERROR_NOT_ENOUGH_MEMORY : hrError;
    }
    return S_OK;
}

HRESULT restore_state_complete(HRESULT restore_status)
{
    DWORD value = (DWORD)restore_status;
    HKEY key, parent;
    LONG status;

    if (fault_should_fail(FAULT_REGISTRY)) return hrError;
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ | KEY_WRITE, &key);
    if (status == ERROR_FILE_NOT_FOUND) return hrInvalidBackupSequence;
    if (status) return status == ERROR_ACCESS_DENIED ? ERROR_ACCESS_DENIED : hrError;
    if (restore_status != S_OK)
    {
        /* The registration stays: the directory must not start on what is there. */
        status = set_value(key, L"Restore Status", REG_DWORD, &value, sizeof(value));
        if (!status) status = flush(key);
        RegCloseKey(key);
        return status ? hrError : S_OK;
    }
    RegCloseKey(key);
    if (fault_should_fail(FAULT_REGISTRY)) return hrError;
    if ((status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY)))
        return status == ERROR_FILE_NOT_FOUND ? hrInvalidBackupSequence : hrError;
    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, 0, KEY_READ, &parent))
    {
        flush(parent);
        RegCloseKey(parent);
    }
    return S_OK;
}
