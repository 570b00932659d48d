/*
 * The restore family: DsRestorePrepare, DsRestoreGetDatabaseLocations,
 * DsRestoreRegister, DsRestoreRegisterComplete, DsRestoreEnd and
 * DsSetCurrentBackupLog.  The choices the documentation leaves open are in
 * docs/behaviour.md, "Restore".
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <windows.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "dsa_config.h"
#include "expiry_token.h"
#include "handle_table.h"
#include "memory.h"
#include "name_list.h"
#include "online.h"
#include "platform.h"
#include "restore_map.h"
#include "restore_state.h"
#include "trace.h"

WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli);

struct restore_context
{
    struct context_header header;
    BOOL limited;                   /* prepared without a token: locations only */
    struct dsa_config config;
    struct expiry_token token;
    ULONGLONG registration_id;      /* of the registration this context made, or 0 */
};

static void restore_context_destroy(struct context_header *header)
{
    struct restore_context *context = CONTAINING_RECORD(header, struct restore_context, header);
    dsa_config_free(&context->config);
    mem_free(context);
}

static struct restore_context *lock_restore_context(HBC hbc)
{
    struct context_header *header = context_acquire((uintptr_t)hbc, CONTEXT_RESTORE);
    return header ? CONTAINING_RECORD(header, struct restore_context, header) : NULL;
}

static void unlock_restore_context(struct restore_context *context)
{
    context_unlock_release(&context->header);
}

/* Membership of the Administrators group, which DsRestorePrepare requires. */
static BOOL caller_is_administrator(void)
{
    SID_IDENTIFIER_AUTHORITY nt_authority = {SECURITY_NT_AUTHORITY};
    BOOL member = FALSE;
    PSID administrators;

    if (!AllocateAndInitializeSid(&nt_authority, 2, SECURITY_BUILTIN_DOMAIN_RID,
                                  DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &administrators))
        return FALSE;
    if (!CheckTokenMembership(NULL, administrators, &member)) member = FALSE;
    FreeSid(administrators);
    return member;
}

static HRESULT caller_may_restore(void)
{
    HRESULT hr = caller_holds_privilege(L"SeRestorePrivilege");
    if (!hr && !caller_is_administrator()) hr = ERROR_ACCESS_DENIED;
    return hr;
}

/* The stricter of the lifetime recorded in the token and the one configured now. */
static HRESULT check_token(const void *token_bytes, DWORD token_size, struct expiry_token *token)
{
    struct expiry_token effective;
    DWORD configured_days;
    HRESULT hr;

    if ((hr = expiry_token_decode(token_bytes, token_size, token))) return hr;
    if ((hr = dsa_tombstone_lifetime(&configured_days))) return hr;
    effective = *token;
    if (configured_days < effective.tombstone_lifetime_days) effective.tombstone_lifetime_days = configured_days;
    return expiry_token_check_age(&effective, system_time_now());
}

static HRESULT restore_prepare(const WCHAR *server, ULONG restore_type, const void *token_bytes,
                               DWORD token_size, HBC *phbc)
{
    struct restore_context *context;
    uintptr_t handle;
    HRESULT hr;

    if (!phbc) return ERROR_INVALID_PARAMETER;
    *phbc = NULL;
    /* Authoritative and online restores are documented as not supported. */
    if (restore_type & ~(ULONG)RESTORE_TYPE_CATCHUP) return ERROR_INVALID_PARAMETER;
    if (!token_bytes && token_size) return ERROR_INVALID_PARAMETER;
    if ((hr = check_server_name(server))) return hr;
    if ((hr = caller_may_restore())) return hr;
    if (!(context = mem_alloc_zero(sizeof(*context)))) return ERROR_NOT_ENOUGH_MEMORY;
    if ((hr = dsa_config_load(&context->config)))
    {
        mem_free(context);
        return hr;
    }
    context->limited = !token_bytes;
    if (!context->limited)
    {
        hr = check_token(token_bytes, token_size, &context->token);
        /* A full restore replaces the database: the directory must be offline. */
        if (!hr && !dsa_is_offline(&context->config)) hr = hrDatabaseInUse;
    }
    if (hr)
    {
        dsa_config_free(&context->config);
        mem_free(context);
        return hr;
    }
    context_init(&context->header, CONTEXT_RESTORE, restore_context_destroy);
    if ((hr = handle_table_insert(&context->header, &handle)))
    {
        context_release(&context->header);
        return hr;
    }
    *phbc = (HBC)handle;
    return S_OK;
}

HRESULT WINAPI DsRestorePrepareW(LPCWSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken,
                                 DWORD cbExpiryTokenSize, HBC *phbc)
{
    HRESULT hr;

    TRACE("(%s, %#lx, %p, %lu, %p)\n", debugstr_w(szServerName), rtFlag, pvExpiryToken,
          cbExpiryTokenSize, phbc);
    hr = restore_prepare(szServerName, rtFlag, pvExpiryToken, cbExpiryTokenSize, phbc);
    TRACE("-> %s, hbc %p\n", debugstr_hr(hr), phbc ? *phbc : NULL);
    return hr;
}

HRESULT WINAPI DsRestorePrepareA(LPCSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken,
                                 DWORD cbExpiryTokenSize, HBC *phbc)
{
    WCHAR *server;
    HRESULT hr;

    TRACE("(%s, %#lx, %p, %lu, %p)\n", debugstr_a(szServerName), rtFlag, pvExpiryToken,
          cbExpiryTokenSize, phbc);
    if ((hr = ansi_to_wide(szServerName, &server))) return hr;
    hr = DsRestorePrepareW(server, rtFlag, pvExpiryToken, cbExpiryTokenSize, phbc);
    mem_free(server);
    return hr;
}

/* ------------------------------------------------------------------------- */

static HRESULT append_location(struct name_list *list, WCHAR bft, const WCHAR *local_path)
{
    WCHAR *unc;
    HRESULT hr;

    if ((hr = local_path_to_unc(local_path, &unc))) return hr;
    if (!name_list_append(list, bft, unc)) hr = ERROR_NOT_ENOUGH_MEMORY;
    mem_free(unc);
    return hr;
}

static HRESULT get_database_locations(HBC hbc, BOOL ansi, void **list_out, DWORD *size_out)
{
    struct restore_context *context;
    struct name_list list;
    HRESULT hr;

    if (!list_out || !size_out) return ERROR_INVALID_PARAMETER;
    *list_out = NULL;
    *size_out = 0;
    if (!(context = lock_restore_context(hbc))) return ERROR_INVALID_PARAMETER;
    name_list_init(&list);
    hr = append_location(&list, BFTW_NTDS_DATABASE, context->config.database_path);
    if (!hr) hr = append_location(&list, BFTW_LOG_DIR, context->config.log_dir);
    if (!hr) hr = append_location(&list, BFTW_CHECKPOINT_DIR, context->config.working_dir);
    unlock_restore_context(context);
    if (hr)
    {
        name_list_discard(&list);
        return hr;
    }
    return name_list_deliver(&list, ansi ? narrow_path_ansi : NULL, list_out, size_out);
}

HRESULT WINAPI DsRestoreGetDatabaseLocationsW(HBC hbc, LPWSTR *pszDatabaseLocationList, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszDatabaseLocationList, pcbSize);
    hr = get_database_locations(hbc, FALSE, (void **)pszDatabaseLocationList, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsRestoreGetDatabaseLocationsA(HBC hbc, LPSTR *pszDatabaseLocationList, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszDatabaseLocationList, pcbSize);
    hr = get_database_locations(hbc, TRUE, (void **)pszDatabaseLocationList, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

/* ------------------------------------------------------------------------- */

/* A configured folder or file, in the two forms a caller may give it back. */
struct accepted_path
{
    const WCHAR *forms[2];   /* local, UNC */
    WCHAR *unc;
};

static HRESULT accepted_path_init(struct accepted_path *accepted, const WCHAR *local_path)
{
    HRESULT hr = local_path_to_unc(local_path, &accepted->unc);
    accepted->forms[0] = local_path;
    accepted->forms[1] = accepted->unc;
    return hr;
}

static BOOL is_directory(const WCHAR *path)
{
    DWORD attributes = GetFileAttributesW(path);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* The folder of a file path, in a new string ("C:\\" for "C:\\x"). */
static WCHAR *folder_of(const WCHAR *path)
{
    const WCHAR *slash = wcsrchr(path, '\\');
    size_t length = slash ? (size_t)(slash - path) : 0;
    WCHAR *folder;

    if (length == 2 && path[1] == ':') length = 3;    /* keep the root's separator */
    if (!(folder = mem_alloc((length + 1) * sizeof(WCHAR)))) return NULL;
    memcpy(folder, path, length * sizeof(WCHAR));
    folder[length] = 0;
    return folder;
}

static HRESULT restore_register(HBC hbc, const WCHAR *checkpoint_path, const WCHAR *log_path,
                                const WCHAR *const *old_names, const WCHAR *const *new_names, LONG map_count,
                                const WCHAR *backup_log_path, ULONG generation_low, ULONG generation_high)
{
    struct accepted_path database, database_dir, log_dir, checkpoint_dir;
    struct restore_registration registration;
    struct restore_targets targets;
    const WCHAR *folders[6];
    struct restore_context *context;
    WCHAR *database_folder = NULL;
    ULONGLONG registration_id;
    HRESULT hr;

    memset(&database, 0, sizeof(database));
    memset(&database_dir, 0, sizeof(database_dir));
    memset(&log_dir, 0, sizeof(log_dir));
    memset(&checkpoint_dir, 0, sizeof(checkpoint_dir));
    if (!(context = lock_restore_context(hbc))) return ERROR_INVALID_PARAMETER;
    if (context->limited) hr = hrMissingExpiryToken;
    else if (!(hr = caller_may_restore())
             && !(hr = accepted_path_init(&database, context->config.database_path))
             && !(hr = (database_folder = folder_of(context->config.database_path)) ? S_OK : ERROR_NOT_ENOUGH_MEMORY)
             && !(hr = accepted_path_init(&database_dir, database_folder))
             && !(hr = accepted_path_init(&log_dir, context->config.log_dir))
             && !(hr = accepted_path_init(&checkpoint_dir, context->config.working_dir)))
    {
        /* A map entry may put the directory database in its place, and another
         * database (the system database of the documentation's two-entry map)
         * into one of the folders DsRestoreGetDatabaseLocations gave. */
        memcpy(folders, database_dir.forms, sizeof(database_dir.forms));
        memcpy(folders + 2, log_dir.forms, sizeof(log_dir.forms));
        memcpy(folders + 4, checkpoint_dir.forms, sizeof(checkpoint_dir.forms));
        targets.database = database.forms;
        targets.database_count = 2;
        targets.folders = folders;
        targets.folder_count = 6;
        /* The engine replays logs from these places only: the paths must be the
         * locations DsRestoreGetDatabaseLocations gave, in local or UNC form. */
        if (!path_is_plain_absolute(checkpoint_path) || !path_matches_any(checkpoint_path, checkpoint_dir.forms, 2)
                || !path_is_plain_absolute(log_path) || !path_matches_any(log_path, log_dir.forms, 2)
                || !path_is_plain_absolute(backup_log_path) || !is_directory(backup_log_path))
            hr = ERROR_INVALID_PARAMETER;
        else if (!(hr = restore_map_validate(old_names, new_names, map_count, &targets))
                 && !(hr = log_generation_range_validate(generation_low, generation_high)))
        {
            if (!dsa_is_offline(&context->config)) hr = hrDatabaseInUse;
            else
            {
                registration.checkpoint_path = checkpoint_path;
                registration.log_path = log_path;
                registration.backup_log_path = backup_log_path;
                registration.old_names = old_names;
                registration.new_names = new_names;
                registration.map_count = map_count;
                registration.generation_low = generation_low;
                registration.generation_high = generation_high;
                registration.backup_time = context->token.backup_time;
                registration.backup_id = context->token.backup_id;
                if (!(hr = restore_state_register(&registration, &registration_id)))
                    context->registration_id = registration_id;
            }
        }
    }
    mem_free(database.unc);
    mem_free(database_dir.unc);
    mem_free(database_folder);
    mem_free(log_dir.unc);
    mem_free(checkpoint_dir.unc);
    unlock_restore_context(context);
    return hr;
}

HRESULT WINAPI DsRestoreRegisterW(HBC hbc, LPCWSTR szCheckPointFilePath, LPCWSTR szLogPath,
                                  EDB_RSTMAPW rgrstmap[], LONG crstmap, LPCWSTR szBackupLogPath,
                                  ULONG genLow, ULONG genHigh)
{
    const WCHAR *old_names[RESTORE_MAP_MAX_ENTRIES], *new_names[RESTORE_MAP_MAX_ENTRIES];
    HRESULT hr = S_OK;
    LONG i;

    TRACE("(%p, %s, %s, %p, %ld, %s, %#lx, %#lx)\n", hbc, debugstr_w(szCheckPointFilePath),
          debugstr_w(szLogPath), rgrstmap, crstmap, debugstr_w(szBackupLogPath), genLow, genHigh);
    if (!rgrstmap || crstmap < 1 || crstmap > RESTORE_MAP_MAX_ENTRIES) hr = ERROR_INVALID_PARAMETER;
    for (i = 0; !hr && i < crstmap; i++)
    {
        old_names[i] = rgrstmap[i].wszDatabaseName;
        new_names[i] = rgrstmap[i].wszNewDatabaseName;
    }
    if (!hr) hr = restore_register(hbc, szCheckPointFilePath, szLogPath, old_names, new_names, crstmap,
                                   szBackupLogPath, genLow, genHigh);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsRestoreRegisterA(HBC hbc, LPCSTR szCheckPointFilePath, LPCSTR szLogPath,
                                  EDB_RSTMAPA rgrstmap[], LONG crstmap, LPCSTR szBackupLogPath,
                                  ULONG genLow, ULONG genHigh)
{
    WCHAR *checkpoint = NULL, *log_path = NULL, *backup_log_path = NULL;
    WCHAR *names[2 * RESTORE_MAP_MAX_ENTRIES] = {0};
    EDB_RSTMAPW map[RESTORE_MAP_MAX_ENTRIES];
    HRESULT hr;
    LONG i;

    TRACE("(%p, %s, %s, %p, %ld, %s, %#lx, %#lx)\n", hbc, debugstr_a(szCheckPointFilePath),
          debugstr_a(szLogPath), rgrstmap, crstmap, debugstr_a(szBackupLogPath), genLow, genHigh);
    if (!rgrstmap || crstmap < 1 || crstmap > RESTORE_MAP_MAX_ENTRIES)
        return DsRestoreRegisterW(hbc, NULL, NULL, NULL, crstmap, NULL, genLow, genHigh);
    hr = ansi_to_wide(szCheckPointFilePath, &checkpoint);
    if (!hr) hr = ansi_to_wide(szLogPath, &log_path);
    if (!hr) hr = ansi_to_wide(szBackupLogPath, &backup_log_path);
    for (i = 0; !hr && i < crstmap; i++)
    {
        hr = ansi_to_wide(rgrstmap[i].szDatabaseName, &names[2 * i]);
        if (!hr) hr = ansi_to_wide(rgrstmap[i].szNewDatabaseName, &names[2 * i + 1]);
        map[i].wszDatabaseName = names[2 * i];
        map[i].wszNewDatabaseName = names[2 * i + 1];
    }
    if (!hr) hr = DsRestoreRegisterW(hbc, checkpoint, log_path, map, crstmap, backup_log_path, genLow, genHigh);
    for (i = 0; i < 2 * RESTORE_MAP_MAX_ENTRIES; i++) mem_free(names[i]);
    mem_free(checkpoint);
    mem_free(log_path);
    mem_free(backup_log_path);
    return hr;
}

HRESULT WINAPI DsRestoreRegisterComplete(HBC hbc, HRESULT hrRestoreState)
{
    struct restore_context *context;
    HRESULT hr;

    TRACE("(%p, %s)\n", hbc, debugstr_hr(hrRestoreState));
    if (!(context = lock_restore_context(hbc))) hr = ERROR_INVALID_PARAMETER;
    else
    {
        if (context->limited) hr = hrMissingExpiryToken;
        else if (!(hr = caller_may_restore())) hr = restore_state_complete(context->registration_id, hrRestoreState);
        unlock_restore_context(context);
    }
    TRACE_RESULT(hr);
    return hr;
}

/* Ending the context never undoes or completes a registration; one it made and
 * left in progress can from now on be replaced by a new restore. */
static void restore_context_end(struct context_header *header)
{
    struct restore_context *context = CONTAINING_RECORD(header, struct restore_context, header);
    if (context->registration_id) restore_state_owner_ended(context->registration_id);
}

HRESULT WINAPI DsRestoreEnd(HBC hbc)
{
    HRESULT hr;

    TRACE("(%p)\n", hbc);
    hr = context_end((uintptr_t)hbc, CONTEXT_RESTORE, restore_context_end) ? S_OK : ERROR_INVALID_PARAMETER;
    TRACE_RESULT(hr);
    return hr;
}

/* ------------------------------------------------------------------------- */

static HRESULT set_current_backup_log(const WCHAR *server, DWORD log_number)
{
    struct dsa_config config;
    HKEY key;
    LONG status;
    HRESULT hr;

    if ((hr = check_server_name(server))) return hr;
    if ((hr = caller_holds_privilege(L"SeBackupPrivilege")) == ERROR_ACCESS_DENIED)
        hr = caller_holds_privilege(L"SeRestorePrivilege");
    if (hr) return hr;
    if ((hr = dsa_config_load(&config))) return hr;
    dsa_config_free(&config);
    if ((status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key)))
        return status == ERROR_ACCESS_DENIED ? ERROR_ACCESS_DENIED : hrError;
    status = RegSetValueExW(key, NTDS_VALUE_CURRENT_BACKUP_LOG, 0, REG_DWORD, (const BYTE *)&log_number,
                            sizeof(log_number));
    RegCloseKey(key);
    return status ? hrError : S_OK;
}

HRESULT WINAPI DsSetCurrentBackupLogW(LPCWSTR szServerName, DWORD dwCurrentLog)
{
    HRESULT hr;

    TRACE("(%s, %#lx)\n", debugstr_w(szServerName), dwCurrentLog);
    hr = set_current_backup_log(szServerName, dwCurrentLog);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsSetCurrentBackupLogA(LPCSTR szServerName, DWORD dwCurrentLog)
{
    WCHAR *server;
    HRESULT hr;

    TRACE("(%s, %#lx)\n", debugstr_a(szServerName), dwCurrentLog);
    if ((hr = ansi_to_wide(szServerName, &server))) return hr;
    hr = DsSetCurrentBackupLogW(server, dwCurrentLog);
    mem_free(server);
    return hr;
}

/* Exported by Microsoft's DLL, but its prototype is in no public header or page.
 * It takes no arguments here (i686: DsRestoreCheckExpiryToken@0), reads none, and
 * says it is not implemented (docs/behaviour.md). */
HRESULT WINAPI DsRestoreCheckExpiryToken(void)
{
    FIXME("() stub: no public prototype\n");
    return hrNyi;
}
