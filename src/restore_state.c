/*
 * The restore registration (see restore_state.h and docs/behaviour.md, "Restore"):
 * the protocol.  The registration is the registry key RESTORE_IN_PROGRESS_KEY,
 * where the directory service looks; the platform layer reads and writes it.
 *
 *   register    a registration in place that is live: refused; one that can no
 *               longer complete: removed, then the new one written, whole or not
 *               at all
 *   complete    only by the context that registered: with S_OK the registration
 *               goes; with a failure it stays, the failure recorded
 *   owner ends  the registration stays, and may from then on be replaced
 *
 * Changes of the registration's state, from any process, are made one at a time
 * under a named mutex: deciding that a registration may be replaced and replacing
 * it must not interleave with another process doing the same.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <windows.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "restore_state.h"
#include "stored_registration.h"
#include "portable.h"
#include "memory.h"
#include "platform.h"
#include "owner_process.h"
#ifndef __WINESRC__
/* The standalone build also keeps the registration in a journal file
 * (restore_journal_file.h), because Wine 8 does not write the registry when asked
 * to: the key first and the journal last when registering, the journal first when
 * changing, the key first and the journal last when removing, so that a crash at
 * any point leaves the registration in place, never a directory that starts
 * half-restored; a journal found without its key puts the key back.  Wine's tree
 * leaves these blocks out (docs/wine-upstream.md). */
#include "restore_journal_file.h"
#endif

/* ---- the registry key ------------------------------------------------------------ */

static LONG set_string(HKEY key, const WCHAR *name, const WCHAR *value)
{
    return registry_set_value(key, name, REG_SZ, value, (DWORD)((wstr_len(value) + 1) * sizeof(WCHAR)));
}

static LONG write_values(HKEY key, const struct stored_registration *r)
{
    LONG status = set_string(key, RESTORE_VALUE_CHECKPOINT_PATH, r->checkpoint_path);

    if (!status) status = set_string(key, RESTORE_VALUE_LOG_PATH, r->log_path);
    if (!status) status = set_string(key, RESTORE_VALUE_BACKUP_LOG_PATH, r->backup_log_path);
    if (!status) status = registry_set_value(key, RESTORE_VALUE_MAP, REG_MULTI_SZ, r->restore_map,
                                             (DWORD)(r->restore_map_chars * sizeof(WCHAR)));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_LOW_LOG, REG_DWORD, &r->generation_low,
                                             sizeof(DWORD));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_HIGH_LOG, REG_DWORD, &r->generation_high,
                                             sizeof(DWORD));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_BACKUP_TIME, REG_QWORD, &r->backup_time,
                                             sizeof(ULONGLONG));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_BACKUP_ID, REG_QWORD, &r->backup_id,
                                             sizeof(ULONGLONG));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_REGISTRATION_TIME, REG_QWORD,
                                             &r->registration_time, sizeof(ULONGLONG));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_STATUS, REG_DWORD, &r->status, sizeof(DWORD));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_REGISTRATION_ID, REG_QWORD, &r->registration_id,
                                             sizeof(ULONGLONG));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_OWNER_PROCESS, REG_DWORD, &r->owner_process,
                                             sizeof(DWORD));
    if (!status) status = registry_set_value(key, RESTORE_VALUE_OWNER_START_TIME, REG_QWORD,
                                             &r->owner_start_time, sizeof(ULONGLONG));
    if (!status) registry_flush_key(key);
    return status;
}

#ifndef __WINESRC__
/* The journal survived a crash of Wine that the key did not: put the key back. */
static void recreate_key_from_journal(void)
{
    struct stored_registration r;
    HKEY key;

    if (journal_read(&r)) return;
    if (!registry_create_new_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, &key))
    {
        LONG status = write_values(key, &r);

        RegCloseKey(key);
        if (status) registry_discard_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY);
    }
    stored_registration_free(&r);
}
#endif

BOOL restore_state_in_progress(void)
{
    if (registry_key_exists(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY)) return TRUE;
#ifndef __WINESRC__
    if (journal_exists())
    {
        recreate_key_from_journal();
        return TRUE;
    }
#endif
    return FALSE;
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
     * that is whole or absent, so carry on. */
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

/* A value that is absent reads as 0. */
static LONG read_optional_number(HKEY key, const WCHAR *name, DWORD type, void *value)
{
    LONG status = registry_read_number(key, name, type, value);
    return status == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : status;
}

/* Reads the state of the registration in place.  ERROR_FILE_NOT_FOUND if none. */
static LONG read_ownership(struct ownership *o)
{
    HKEY key;
    LONG status;

    memset(o, 0, sizeof(*o));
    if (!restore_state_in_progress()) return ERROR_FILE_NOT_FOUND;
    if ((status = registry_open_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, &key))) return status;
    status = read_optional_number(key, RESTORE_VALUE_STATUS, REG_DWORD, &o->status);
    if (!status) status = read_optional_number(key, RESTORE_VALUE_REGISTRATION_ID, REG_QWORD, &o->registration_id);
    if (!status) status = read_optional_number(key, RESTORE_VALUE_OWNER_PROCESS, REG_DWORD, &o->owner_process);
    if (!status) status = read_optional_number(key, RESTORE_VALUE_OWNER_START_TIME, REG_QWORD, &o->owner_start_time);
    RegCloseKey(key);
    return status;
}

/* Registrations whose owner ended in this process: this process knows it even if
 * recording it in the registry failed.  Only the registration in place matters,
 * and only a few contexts can have owned one since, so a short ring will do. */
static LONGLONG ended_here[16];
static LONG ended_here_next;

static void remember_ended_here(ULONGLONG registration_id)
{
    LONGLONG volatile *slot = &ended_here[InterlockedIncrement(&ended_here_next) & 15];
    LONGLONG old;

    do old = *slot;
    while (InterlockedCompareExchange64(slot, (LONGLONG)registration_id, old) != old);
}

static BOOL ended_in_this_process(const struct ownership *o)
{
    int i;

    if (o->owner_process != GetCurrentProcessId() || o->owner_start_time != process_start_time()) return FALSE;
    for (i = 0; i < 16; i++)
        if (o->registration_id
                && (ULONGLONG)InterlockedCompareExchange64(&ended_here[i], 0, 0) == o->registration_id)
            return TRUE;
    return FALSE;
}

/* A registration that can no longer complete: completed with a failure, or whose
 * owner ended without completing it or is gone (crashed, killed, or Wine died). */
static BOOL registration_is_over(const struct ownership *o)
{
    return o->status != (DWORD)hrRestoreInProgress || !o->owner_process || ended_in_this_process(o)
        || !owner_process_runs(o->owner_process, o->owner_start_time);
}

/* ---- register --------------------------------------------------------------------- */

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

/* Writes a new registration.  One that is not whole (and durable) is removed, so
 * that a failure leaves nothing of it. */
static HRESULT write_registration(const struct stored_registration *r)
{
    HKEY key;
    LONG status;

    /* Creating the key is the lock against a DLL that does not know the mutex. */
    status = registry_create_new_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, &key);
    if (status == ERROR_ALREADY_EXISTS) return hrRestoreInProgress;
    if (!status)
    {
        status = write_values(key, r);
        RegCloseKey(key);
#ifndef __WINESRC__
        if (!status) status = journal_write(r);
#endif
        if (status) registry_discard_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY);
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
        /* Replaced. */
#ifndef __WINESRC__
        /* Its journal stays until the new one is written over it: if this process
         * dies in between, the old registration comes back, and the directory
         * stays offline either way. */
#endif
        if ((status = registry_delete_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY)))
            return hr_from_status(status);
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

/* ---- complete, and the owner's end ------------------------------------------------ */

/* Changes the status or the owner of the registration in place. */
enum registration_field { FIELD_STATUS, FIELD_OWNER_PROCESS };

static LONG update_registration(HKEY key, enum registration_field field, DWORD value)
{
    LONG status = ERROR_SUCCESS;
#ifndef __WINESRC__
    struct stored_registration r;

    /* The journal first, so that the two never disagree in a way that loses a
     * failure. */
    if ((status = journal_read(&r)) == ERROR_FILE_NOT_FOUND) status = ERROR_SUCCESS;   /* a key made by other means */
    else if (!status)
    {
        if (field == FIELD_STATUS) r.status = value;
        else r.owner_process = value;
        status = journal_write(&r);
        stored_registration_free(&r);
    }
#endif
    if (!status) status = registry_set_value(key, field == FIELD_STATUS ? RESTORE_VALUE_STATUS
                                                                        : RESTORE_VALUE_OWNER_PROCESS,
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
    status = registry_open_key_for_write(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, &key);
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
    if ((status = registry_delete_key(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY))) return hr_from_status(status);
#ifndef __WINESRC__
    /* The journal goes last: if this process or Wine dies before, the registration
     * comes back, and the restore is completed again; never the reverse. */
    journal_delete();
    if (journal_exists()) return hrError;
#endif
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
    struct ownership current;
    HANDLE lock;
    HKEY key;

    remember_ended_here(registration_id);
    if (!(lock = lock_registration())) return;
    /* Only a registration still waiting for this owner changes: one completed
     * with a failure can be replaced already. */
    if (!read_ownership(&current) && registration_id && current.registration_id == registration_id
            && current.status == (DWORD)hrRestoreInProgress
            && !registry_open_key_for_write(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, &key))
    {
        update_registration(key, FIELD_OWNER_PROCESS, 0);
        RegCloseKey(key);
    }
    unlock_registration(lock);
}
