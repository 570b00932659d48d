/*
 * The restore registration (see restore_state.h and docs/behaviour.md, "Restore").
 *
 * It lives in the registry key HKLM\...\Services\NTDS\Restore In Progress, where
 * the directory service looks.  Wine 8 keeps the registry in memory and writes it
 * to disk lazily (its RegFlushKey does nothing), so a registration could be lost
 * if Wine itself died soon after DsRestoreRegister.  The DLL therefore also writes
 * the registration to a journal file, flushed to disk, in
 * %ProgramData%\ntdsbcli\, and whenever it finds the journal without the key it
 * puts the key back.  The journal goes last on completion, so a crash at any point
 * leaves the registration in place, never a directory that starts half-restored.
 *
 * Changes of the registration's state, from any process, are made one at a time
 * under a named mutex: deciding that a registration may be replaced and
 * replacing it must not interleave with another process doing the same.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "restore_state.h"
#include "portable.h"
#include "memory.h"
#include "fault.h"
#include "platform.h"
#include "owner_process.h"
#include "restore_journal_path.h"

#define JOURNAL_MAGIC L"ntdsbcli restore registration 1"
#define JOURNAL_MAX_BYTES (64 * 1024 * 1024)

/* The values of a registration, as stored in the key and in the journal. */
struct stored_registration
{
    WCHAR *checkpoint_path, *log_path, *backup_log_path;
    WCHAR *restore_map;          /* REG_MULTI_SZ: old\0new\0...\0 */
    size_t restore_map_chars;    /* with the final NUL */
    DWORD generation_low, generation_high, status;
    ULONGLONG backup_time, backup_id, registration_time;
    ULONGLONG registration_id;   /* never 0; 0 in a registration made before owners were recorded */
    DWORD owner_process;         /* 0 once the owner ended without completing */
    ULONGLONG owner_start_time;  /* tells a reused process id from the owner */
};

static void stored_registration_free(struct stored_registration *r)
{
    mem_free(r->checkpoint_path);
    mem_free(r->log_path);
    mem_free(r->backup_log_path);
    mem_free(r->restore_map);
    memset(r, 0, sizeof(*r));
}

/* ---- the journal file ------------------------------------------------------------ */

/* Where the journal is does not change while a process runs: found once (three
 * wineserver round trips), since every online check asks whether it exists. */
static INIT_ONCE journal_location_once = INIT_ONCE_STATIC_INIT;
static WCHAR journal_folder[MAX_PATH], journal_file[MAX_PATH];
static BOOL journal_location_known;

static BOOL CALLBACK find_journal_location(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    journal_location_known = restore_journal_path(journal_folder, MAX_PATH, FALSE)
                             && restore_journal_path(journal_file, MAX_PATH, TRUE);
    return TRUE;
}

static BOOL journal_path(WCHAR *path, DWORD size, BOOL create_folder)
{
    InitOnceExecuteOnce(&journal_location_once, find_journal_location, NULL, NULL);
    if (!journal_location_known || size < MAX_PATH) return FALSE;
    if (create_folder) CreateDirectoryW(journal_folder, NULL);
    memcpy(path, journal_file, sizeof(journal_file));
    return TRUE;
}

static BOOL journal_exists(void)
{
    WCHAR path[MAX_PATH];
    return journal_path(path, MAX_PATH, FALSE) && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* "name=value\n" with value a string. */
static BOOL append_line(WCHAR **text, size_t *used, size_t *capacity, const WCHAR *name, const WCHAR *value)
{
    size_t need = wstr_len(name) + 1 + wstr_len(value) + 1, capacity_new;
    WCHAR *grown;

    if (*used + need + 1 > *capacity)
    {
        capacity_new = (*capacity + need + 1) * 2;
        if (!(grown = mem_realloc(*text, capacity_new * sizeof(WCHAR)))) return FALSE;
        *text = grown;
        *capacity = capacity_new;
    }
    *used += swprintf(*text + *used, *capacity - *used, L"%ls=%ls\n", name, value);
    return TRUE;
}

static BOOL append_number(WCHAR **text, size_t *used, size_t *capacity, const WCHAR *name, ULONGLONG value)
{
    WCHAR digits[24];
    swprintf(digits, ARRAYSIZE(digits), L"%llu", value);
    return append_line(text, used, capacity, name, digits);
}

static WCHAR *journal_text(const struct stored_registration *r)
{
    size_t used = 0, capacity = 0, i;
    WCHAR *text = NULL, *map;
    BOOL ok;

    /* The map's NULs become '|', a character no plain path may hold. */
    if (!(map = mem_alloc(r->restore_map_chars * sizeof(WCHAR)))) return NULL;
    memcpy(map, r->restore_map, r->restore_map_chars * sizeof(WCHAR));
    for (i = 0; i + 2 < r->restore_map_chars; i++) if (!map[i]) map[i] = '|';
    map[r->restore_map_chars - 2 < r->restore_map_chars ? r->restore_map_chars - 2 : 0] = 0;
    ok = append_line(&text, &used, &capacity, L"", JOURNAL_MAGIC)
         && append_line(&text, &used, &capacity, RESTORE_VALUE_CHECKPOINT_PATH, r->checkpoint_path)
         && append_line(&text, &used, &capacity, RESTORE_VALUE_LOG_PATH, r->log_path)
         && append_line(&text, &used, &capacity, RESTORE_VALUE_BACKUP_LOG_PATH, r->backup_log_path)
         && append_line(&text, &used, &capacity, RESTORE_VALUE_MAP, map)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_LOW_LOG, r->generation_low)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_HIGH_LOG, r->generation_high)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_BACKUP_TIME, r->backup_time)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_BACKUP_ID, r->backup_id)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_REGISTRATION_TIME, r->registration_time)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_STATUS, r->status)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_REGISTRATION_ID, r->registration_id)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_OWNER_PROCESS, r->owner_process)
         && append_number(&text, &used, &capacity, RESTORE_VALUE_OWNER_START_TIME, r->owner_start_time);
    mem_free(map);
    if (!ok)
    {
        mem_free(text);
        return NULL;
    }
    return text;
}

/* Writes the journal through a temporary file, flushed, renamed into place. */
static LONG journal_write(const struct stored_registration *r)
{
    WCHAR path[MAX_PATH], temporary[MAX_PATH + 8];
    WCHAR *text = journal_text(r);
    DWORD bytes, written = 0;
    HANDLE file;
    BOOL ok;

    if (!text) return ERROR_NOT_ENOUGH_MEMORY;
    if (!journal_path(path, MAX_PATH, TRUE))
    {
        mem_free(text);
        return ERROR_PATH_NOT_FOUND;
    }
    swprintf(temporary, ARRAYSIZE(temporary), L"%ls.new", path);
    bytes = (DWORD)(wstr_len(text) * sizeof(WCHAR));
    file = fault_should_fail(FAULT_FILE_WRITE) ? INVALID_HANDLE_VALUE
         : CreateFileW(temporary, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_WRITE_THROUGH, NULL);
    ok = file != INVALID_HANDLE_VALUE && WriteFile(file, text, bytes, &written, NULL) && written == bytes
         && FlushFileBuffers(file);
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    mem_free(text);
    if (!ok || !MoveFileExW(temporary, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        DeleteFileW(temporary);
        return ERROR_WRITE_FAULT;
    }
    return ERROR_SUCCESS;
}

static const WCHAR *field(const WCHAR *text, const WCHAR *name)
{
    size_t length = wstr_len(name);
    const WCHAR *line = text;

    while (line && *line)
    {
        if (!wcsncmp(line, name, length) && line[length] == '=') return line + length + 1;
        line = wcschr(line, '\n');
        if (line) line++;
    }
    return NULL;
}

/* A copy of the value, or NULL with *status set (only ever from success to a failure). */
static WCHAR *field_string(const WCHAR *text, const WCHAR *name, LONG *status)
{
    const WCHAR *value = field(text, name), *end;
    WCHAR *copy;

    if (!value || !(end = wcschr(value, '\n')))
    {
        if (!*status) *status = ERROR_INVALID_DATA;
        return NULL;
    }
    if (!(copy = mem_alloc((end - value + 1) * sizeof(WCHAR))))
    {
        *status = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    memcpy(copy, value, (end - value) * sizeof(WCHAR));
    copy[end - value] = 0;
    return copy;
}

static BOOL field_number(const WCHAR *text, const WCHAR *name, ULONGLONG *out)
{
    const WCHAR *value = field(text, name);
    WCHAR *end;

    if (!value) return FALSE;
    *out = wcstoull(value, &end, 10);
    return end != value && *end == '\n';
}

/* ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_NOT_ENOUGH_MEMORY, ERROR_READ_FAULT or
 * ERROR_INVALID_DATA (a journal this DLL did not write). */
static LONG journal_read(struct stored_registration *r)
{
    WCHAR path[MAX_PATH], *text, *map;
    ULONGLONG low, high, restore_status, owner = 0;
    LARGE_INTEGER size;
    LONG status = ERROR_SUCCESS;
    DWORD got = 0;
    HANDLE file;
    size_t i;

    memset(r, 0, sizeof(*r));
    if (!journal_path(path, MAX_PATH, FALSE)) return ERROR_FILE_NOT_FOUND;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? ERROR_FILE_NOT_FOUND : ERROR_READ_FAULT;
    if (!GetFileSizeEx(file, &size) || size.QuadPart <= 0 || size.QuadPart >= JOURNAL_MAX_BYTES)
    {
        CloseHandle(file);
        return ERROR_INVALID_DATA;
    }
    if (!(text = mem_alloc((size_t)size.QuadPart + sizeof(WCHAR))))
    {
        CloseHandle(file);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!ReadFile(file, text, (DWORD)size.QuadPart, &got, NULL) || got != size.QuadPart) status = ERROR_READ_FAULT;
    CloseHandle(file);
    text[got / sizeof(WCHAR)] = 0;
    if (!status && wcsncmp(text, L"=" JOURNAL_MAGIC L"\n", wstr_len(JOURNAL_MAGIC) + 2)) status = ERROR_INVALID_DATA;
    if (!status)
    {
        r->checkpoint_path = field_string(text, RESTORE_VALUE_CHECKPOINT_PATH, &status);
        r->log_path = field_string(text, RESTORE_VALUE_LOG_PATH, &status);
        r->backup_log_path = field_string(text, RESTORE_VALUE_BACKUP_LOG_PATH, &status);
    }
    map = status ? NULL : field_string(text, RESTORE_VALUE_MAP, &status);
    if (!status && !(field_number(text, RESTORE_VALUE_LOW_LOG, &low) && field_number(text, RESTORE_VALUE_HIGH_LOG, &high)
                     && field_number(text, RESTORE_VALUE_STATUS, &restore_status)
                     && field_number(text, RESTORE_VALUE_BACKUP_TIME, &r->backup_time)
                     && field_number(text, RESTORE_VALUE_BACKUP_ID, &r->backup_id)
                     && field_number(text, RESTORE_VALUE_REGISTRATION_TIME, &r->registration_time)))
        status = ERROR_INVALID_DATA;
    /* A journal written before owners were recorded has no owner: it can be
     * replaced, never completed. */
    if (!status && !(field_number(text, RESTORE_VALUE_REGISTRATION_ID, &r->registration_id)
                     && field_number(text, RESTORE_VALUE_OWNER_PROCESS, &owner)
                     && field_number(text, RESTORE_VALUE_OWNER_START_TIME, &r->owner_start_time)))
        r->registration_id = owner = r->owner_start_time = 0;
    mem_free(text);
    if (!status && !(r->restore_map = mem_alloc((wstr_len(map) + 2) * sizeof(WCHAR))))
        status = ERROR_NOT_ENOUGH_MEMORY;
    if (!status)
    {
        r->restore_map_chars = wstr_len(map) + 2;
        for (i = 0; map[i]; i++) r->restore_map[i] = map[i] == '|' ? 0 : map[i];
        r->restore_map[i] = r->restore_map[i + 1] = 0;
        r->generation_low = (DWORD)low;
        r->generation_high = (DWORD)high;
        r->status = (DWORD)restore_status;
        r->owner_process = (DWORD)owner;
    }
    mem_free(map);
    if (status) stored_registration_free(r);
    return status;
}

static void journal_delete(void)
{
    WCHAR path[MAX_PATH];
    if (journal_path(path, MAX_PATH, FALSE)) DeleteFileW(path);
}

/* ---- the registry key ------------------------------------------------------------ */

static LONG set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegSetValueExW(key, name, 0, type, data, size);
}

static LONG set_string(HKEY key, const WCHAR *name, const WCHAR *value)
{
    return set_value(key, name, REG_SZ, value, (DWORD)((wstr_len(value) + 1) * sizeof(WCHAR)));
}

static LONG write_values(HKEY key, const struct stored_registration *r)
{
    LONG status = set_string(key, RESTORE_VALUE_CHECKPOINT_PATH, r->checkpoint_path);

    if (!status) status = set_string(key, RESTORE_VALUE_LOG_PATH, r->log_path);
    if (!status) status = set_string(key, RESTORE_VALUE_BACKUP_LOG_PATH, r->backup_log_path);
    if (!status) status = set_value(key, RESTORE_VALUE_MAP, REG_MULTI_SZ, r->restore_map,
                                    (DWORD)(r->restore_map_chars * sizeof(WCHAR)));
    if (!status) status = set_value(key, RESTORE_VALUE_LOW_LOG, REG_DWORD, &r->generation_low, sizeof(DWORD));
    if (!status) status = set_value(key, RESTORE_VALUE_HIGH_LOG, REG_DWORD, &r->generation_high, sizeof(DWORD));
    if (!status) status = set_value(key, RESTORE_VALUE_BACKUP_TIME, REG_QWORD, &r->backup_time, sizeof(ULONGLONG));
    if (!status) status = set_value(key, RESTORE_VALUE_BACKUP_ID, REG_QWORD, &r->backup_id, sizeof(ULONGLONG));
    if (!status) status = set_value(key, RESTORE_VALUE_REGISTRATION_TIME, REG_QWORD, &r->registration_time, sizeof(ULONGLONG));
    if (!status) status = set_value(key, RESTORE_VALUE_STATUS, REG_DWORD, &r->status, sizeof(DWORD));
    if (!status) status = set_value(key, RESTORE_VALUE_REGISTRATION_ID, REG_QWORD, &r->registration_id, sizeof(ULONGLONG));
    if (!status) status = set_value(key, RESTORE_VALUE_OWNER_PROCESS, REG_DWORD, &r->owner_process, sizeof(DWORD));
    if (!status) status = set_value(key, RESTORE_VALUE_OWNER_START_TIME, REG_QWORD, &r->owner_start_time,
                                    sizeof(ULONGLONG));
    /* On Windows this writes the hive to disk; under Wine 8 it does nothing, which
     * is what the journal is for. */
    if (!status && !fault_should_fail(FAULT_REGISTRY)) RegFlushKey(key);
    return status;
}

/* Creates the key; ERROR_ALREADY_EXISTS if it was there. */
static LONG create_key(HKEY *key)
{
    DWORD disposition;
    LONG status;

    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                             KEY_READ | KEY_WRITE, NULL, key, &disposition);
    if (status) return status;
    if (disposition != REG_CREATED_NEW_KEY)
    {
        RegCloseKey(*key);
        return ERROR_ALREADY_EXISTS;
    }
    return ERROR_SUCCESS;
}

/* The journal survived a crash of Wine that the key did not: put the key back. */
static void recreate_key_from_journal(void)
{
    struct stored_registration r;
    HKEY key;

    if (journal_read(&r)) return;
    if (!create_key(&key))
    {
        if (write_values(key, &r))
        {
            RegCloseKey(key);
            RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY);
        }
        else RegCloseKey(key);
    }
    stored_registration_free(&r);
}

BOOL restore_state_in_progress(void)
{
    HKEY key;

    if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key))
    {
        RegCloseKey(key);
        return TRUE;
    }
    if (!journal_exists()) return FALSE;
    recreate_key_from_journal();
    return TRUE;
}

static HRESULT hr_from_status(LONG status)
{
    if (status == ERROR_ACCESS_DENIED) return ERROR_ACCESS_DENIED;
    if (status == ERROR_NOT_ENOUGH_MEMORY) return ERROR_NOT_ENOUGH_MEMORY;
    return hrError;
}

/* ---- one change at a time, across processes ------------------------------------- */

static HANDLE lock_registration(void)
{
    HANDLE mutex = CreateMutexW(NULL, FALSE, L"Global\\ntdsbcli restore registration");
    DWORD wait;

    if (!mutex) return NULL;
    /* Abandoned: its holder died part way; every change leaves a registration
     * that is whole or absent (key first, journal last), so carry on. */
    wait = WaitForSingleObject(mutex, INFINITE);
    if (wait != WAIT_OBJECT_0 && wait != WAIT_ABANDONED)
    {
        CloseHandle(mutex);
        return NULL;
    }
    return mutex;
}

static void unlock_registration(HANDLE mutex)
{
    ReleaseMutex(mutex);
    CloseHandle(mutex);
}

/* ---- who owns the registration --------------------------------------------------- */

struct ownership
{
    DWORD status;
    ULONGLONG registration_id;
    DWORD owner_process;
    ULONGLONG owner_start_time;
};

static LONG read_registry_number(HKEY key, const WCHAR *name, DWORD flags, void *value, DWORD size)
{
    LONG status;

    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    status = RegGetValueW(key, NULL, name, flags, NULL, value, &size);
    return status == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : status;   /* absent: 0 */
}

/* Reads the state of the registration in place.  ERROR_FILE_NOT_FOUND if none. */
static LONG read_ownership(struct ownership *o)
{
    HKEY key;
    LONG status;

    memset(o, 0, sizeof(*o));
    if (!restore_state_in_progress()) return ERROR_FILE_NOT_FOUND;
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    if ((status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key))) return status;
    status = read_registry_number(key, RESTORE_VALUE_STATUS, RRF_RT_REG_DWORD, &o->status, sizeof(DWORD));
    if (!status) status = read_registry_number(key, RESTORE_VALUE_REGISTRATION_ID, RRF_RT_REG_QWORD,
                                               &o->registration_id, sizeof(ULONGLONG));
    if (!status) status = read_registry_number(key, RESTORE_VALUE_OWNER_PROCESS, RRF_RT_REG_DWORD,
                                               &o->owner_process, sizeof(DWORD));
    if (!status) status = read_registry_number(key, RESTORE_VALUE_OWNER_START_TIME, RRF_RT_REG_QWORD,
                                               &o->owner_start_time, sizeof(ULONGLONG));
    RegCloseKey(key);
    return status;
}

/* Registrations whose owner ended in this process: this process knows it even if
 * recording it in the registry failed.  Only the registration in place matters,
 * and only a few contexts can have owned one since, so a short ring will do. */
static ULONGLONG ended_here[16];
static LONG ended_here_next;

static void remember_ended_here(ULONGLONG registration_id)
{
    LONG slot = InterlockedIncrement(&ended_here_next) & 15;
    __atomic_store_n(&ended_here[slot], registration_id, __ATOMIC_SEQ_CST);
}

static BOOL ended_in_this_process(const struct ownership *o)
{
    int i;

    if (o->owner_process != GetCurrentProcessId() || o->owner_start_time != process_start_time()) return FALSE;
    for (i = 0; i < 16; i++)
        if (o->registration_id && __atomic_load_n(&ended_here[i], __ATOMIC_SEQ_CST) == o->registration_id) return TRUE;
    return FALSE;
}

/* A registration that can no longer complete: completed with a failure, or whose
 * owner ended without completing it or is gone (crashed, killed, or Wine died). */
static BOOL registration_is_over(const struct ownership *o)
{
    return o->status != (DWORD)hrRestoreInProgress || !o->owner_process || ended_in_this_process(o)
        || !owner_process_runs(o->owner_process, o->owner_start_time);
}

/* The values of a new registration, owned by this process. */
static HRESULT build_registration(const struct restore_registration *in, struct stored_registration *r)
{
    size_t used = 0, n;
    long i;

    memset(r, 0, sizeof(*r));
    r->restore_map_chars = 1;
    for (i = 0; i < in->map_count; i++)
        r->restore_map_chars += wstr_len(in->old_names[i]) + 1 + wstr_len(in->new_names[i]) + 1;
    if (!(r->restore_map = mem_alloc(r->restore_map_chars * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    for (i = 0; i < in->map_count; i++)
    {
        n = wstr_len(in->old_names[i]) + 1;
        memcpy(r->restore_map + used, in->old_names[i], n * sizeof(WCHAR));
        used += n;
        n = wstr_len(in->new_names[i]) + 1;
        memcpy(r->restore_map + used, in->new_names[i], n * sizeof(WCHAR));
        used += n;
    }
    r->restore_map[used] = 0;
    r->checkpoint_path = (WCHAR *)in->checkpoint_path;
    r->log_path = (WCHAR *)in->log_path;
    r->backup_log_path = (WCHAR *)in->backup_log_path;
    r->generation_low = in->generation_low;
    r->generation_high = in->generation_high;
    r->backup_time = in->backup_time;
    r->backup_id = in->backup_id;
    r->status = (DWORD)hrRestoreInProgress;
    r->registration_time = system_time_now();
    while (!(r->registration_id = random_u64())) ;
    r->owner_process = GetCurrentProcessId();
    r->owner_start_time = process_start_time();
    return S_OK;
}

/* Writes a new registration: the key, then the journal.  A registration that is
 * not complete and durable is removed, so that a failure leaves nothing of it. */
static HRESULT write_registration(const struct stored_registration *r)
{
    HKEY key;
    LONG status;

    /* Creating the key is the lock against a DLL that does not know the mutex. */
    if ((status = create_key(&key)) == ERROR_ALREADY_EXISTS) return hrRestoreInProgress;
    if (!status)
    {
        status = write_values(key, r);
        RegCloseKey(key);
        if (!status) status = journal_write(r);
        if (status) RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY);
    }
    return status ? hr_from_status(status) : S_OK;
}

static HRESULT register_locked(const struct restore_registration *in, ULONGLONG *registration_id)
{
    struct stored_registration r;
    struct ownership current;
    LONG status;
    HRESULT hr;

    if (!(status = read_ownership(&current)))
    {
        if (!registration_is_over(&current)) return hrRestoreInProgress;
        /* Replaced.  Its journal stays until the new one is written over it: if
         * this process dies in between, the old registration comes back, and the
         * directory stays offline either way. */
        if (fault_should_fail(FAULT_REGISTRY)) return hrError;
        if ((status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY))) return hr_from_status(status);
    }
    else if (status != ERROR_FILE_NOT_FOUND) return hr_from_status(status);
    if ((hr = build_registration(in, &r))) return hr;
    if (!(hr = write_registration(&r))) *registration_id = r.registration_id;
    mem_free(r.restore_map);
    return hr;
}

HRESULT restore_state_register(const struct restore_registration *in, ULONGLONG *registration_id)
{
    HANDLE lock = lock_registration();
    HRESULT hr;

    *registration_id = 0;
    if (!lock) return hrError;
    hr = register_locked(in, registration_id);
    unlock_registration(lock);
    return hr;
}

/* Changes the status or the owner of the registration in place: the journal
 * first, so that the two never disagree in a way that loses a failure. */
enum registration_field { FIELD_STATUS, FIELD_OWNER_PROCESS };

static LONG update_registration(HKEY key, enum registration_field field, DWORD value)
{
    struct stored_registration r;
    LONG status = journal_read(&r);

    if (status == ERROR_FILE_NOT_FOUND) status = ERROR_SUCCESS;   /* a key made by other means */
    else if (!status)
    {
        if (field == FIELD_STATUS) r.status = value;
        else r.owner_process = value;
        status = journal_write(&r);
        stored_registration_free(&r);
    }
    if (!status) status = set_value(key, field == FIELD_STATUS ? RESTORE_VALUE_STATUS : RESTORE_VALUE_OWNER_PROCESS,
                                    REG_DWORD, &value, sizeof(value));
    return status;
}

static HRESULT complete_locked(ULONGLONG registration_id, HRESULT restore_status)
{
    struct ownership current;
    HKEY key;
    LONG status;

    if ((status = read_ownership(&current)) == ERROR_FILE_NOT_FOUND) return hrInvalidBackupSequence;
    if (status) return hr_from_status(status);
    /* Only the context that registered completes: a stale registration must never
     * be completed by an unrelated context into one that lets the directory start
     * on a half-restored database. */
    if (!registration_id || current.registration_id != registration_id) return hrInvalidBackupSequence;
    if (fault_should_fail(FAULT_REGISTRY)) return hrError;
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ | KEY_WRITE, &key);
    if (status == ERROR_FILE_NOT_FOUND) return hrInvalidBackupSequence;
    if (status) return hr_from_status(status);
    if (restore_status != S_OK)
    {
        /* The registration stays: the directory must not start on what is there. */
        status = update_registration(key, FIELD_STATUS, (DWORD)restore_status);
        RegCloseKey(key);
        return status ? hr_from_status(status) : S_OK;
    }
    RegCloseKey(key);
    if (fault_should_fail(FAULT_REGISTRY)) return hrError;
    if ((status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY))) return hr_from_status(status);
    /* The journal goes last: if this process or Wine dies before, the registration
     * comes back, and the restore is completed again; never the reverse. */
    journal_delete();
    if (journal_exists()) return hrError;
    return S_OK;
}

HRESULT restore_state_complete(ULONGLONG registration_id, HRESULT restore_status)
{
    HANDLE lock = lock_registration();
    HRESULT hr;

    if (!lock) return hrError;
    hr = complete_locked(registration_id, restore_status);
    unlock_registration(lock);
    return hr;
}

void restore_state_owner_ended(ULONGLONG registration_id)
{
    HANDLE lock;
    struct ownership current;
    HKEY key;

    remember_ended_here(registration_id);
    if (!(lock = lock_registration())) return;
    /* Only a registration still waiting for this owner changes: one completed
     * with a failure can be replaced already. */
    if (!read_ownership(&current) && registration_id && current.registration_id == registration_id
            && current.status == (DWORD)hrRestoreInProgress && !fault_should_fail(FAULT_REGISTRY)
            && !RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ | KEY_WRITE, &key))
    {
        update_registration(key, FIELD_OWNER_PROCESS, 0);
        RegCloseKey(key);
    }
    unlock_registration(lock);
}
