/*
 * The backup family: DsBackupPrepare, DsBackupGetDatabaseNames, DsBackupOpenFile,
 * DsBackupRead, DsBackupClose, DsBackupGetBackupLogs, DsBackupTruncateLogs,
 * DsBackupEnd and DsBackupFree.  Every choice the documentation leaves open is
 * written down in docs/behaviour.md.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "backup_slot.h"
#include "dsa_config.h"
#include "expiry_token.h"
#include "handle_table.h"
#include "memory.h"
#include "name_index.h"
#include "name_list.h"
#include "names.h"
#include "online.h"
#include "path_join.h"
#include "platform.h"
#include "restore_state.h"
#include "trace.h"

WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli);

/* A file this context has listed: only these can be opened, and only numbered
 * logs among them can be truncated, once every listed file was read to the end. */
struct listed_file
{
    WCHAR bft;
    WCHAR *unc_path;        /* as the list gave it */
    WCHAR *local_path;      /* what is opened: built by the DLL, never by the caller */
    BOOL read_complete;
    BOOL truncated;         /* deleted by DsBackupTruncateLogs */
    struct file_identity read_identity;   /* the version that was read, if complete */
};

struct open_file
{
    HANDLE handle;
    size_t listed_index;
    struct file_identity identity;   /* at open */
    ULONGLONG offset;
    HRESULT failure;                 /* once a read failed, it keeps failing */
};

struct backup_context
{
    struct context_header header;
    HANDLE slot;                         /* the machine's one backup (backup_slot.h), until End */
    struct dsa_config config;
    struct listed_file *files;
    size_t file_count, file_capacity;
    struct name_index files_by_unc_path;
    size_t complete_count;               /* files read to the end */
    BOOL database_listed, logs_listed;   /* each list given at least once */
    BOOL has_open_file;
    struct open_file open;
};

static void close_open_file(struct backup_context *context)
{
    if (!context->has_open_file) return;
    CloseHandle(context->open.handle);
    context->has_open_file = FALSE;
}

static void backup_context_destroy(struct context_header *header)
{
    struct backup_context *context = CONTAINING_RECORD(header, struct backup_context, header);
    size_t i;

    close_open_file(context);
    backup_slot_give_up(context->slot);
    for (i = 0; i < context->file_count; i++)
    {
        mem_free(context->files[i].unc_path);
        mem_free(context->files[i].local_path);
    }
    mem_free(context->files);
    name_index_free(&context->files_by_unc_path);
    dsa_config_free(&context->config);
    mem_free(context);
}

static struct backup_context *lock_backup_context(HBC hbc)
{
    struct context_header *header = context_acquire((uintptr_t)hbc, CONTEXT_BACKUP);
    return header ? CONTAINING_RECORD(header, struct backup_context, header) : NULL;
}

static void unlock_backup_context(struct backup_context *context)
{
    context_unlock_release(&context->header);
}

/* ------------------------------------------------------------------------- */

static HRESULT backup_prepare(const WCHAR *server, ULONG grbit, ULONG backup_type,
                              void **token_out, DWORD *token_size, HBC *phbc)
{
    struct expiry_token token;
    struct backup_context *context;
    BYTE *token_bytes;
    DWORD lifetime_days;
    uintptr_t handle;
    HRESULT hr;

    if (!phbc) return ERROR_INVALID_PARAMETER;
    *phbc = NULL;
    if (!token_out || !token_size) return hrInvalidParam;
    *token_out = NULL;
    *token_size = 0;
    /* Only full backups exist; incremental and logs-only backups are refused. */
    if (grbit || backup_type != BACKUP_TYPE_FULL) return ERROR_INVALID_PARAMETER;
    if ((hr = check_server_name(server))) return hr;
    if ((hr = caller_holds_privilege(L"SeBackupPrivilege"))) return hr;

    if (!(context = mem_alloc_zero(sizeof(*context)))) return ERROR_NOT_ENOUGH_MEMORY;
    if ((hr = dsa_config_load(&context->config)))
    {
        mem_free(context);
        return hr;
    }
    if (restore_state_in_progress())
        hr = hrRestoreInProgress;
    else if (!dsa_is_online(&context->config))
        hr = hrCouldNotConnect;
    else if ((hr = dsa_tombstone_lifetime(&lifetime_days)))
        ;
    else if (!(token_bytes = mem_alloc(EXPIRY_TOKEN_SIZE)))
        hr = ERROR_NOT_ENOUGH_MEMORY;
    /* Last: a backup that would be refused anyway does not hold up another one. */
    else if ((hr = backup_slot_take(&context->slot)))
        mem_free(token_bytes);
    if (hr)
    {
        dsa_config_free(&context->config);
        mem_free(context);
        return hr;
    }
    context_init(&context->header, CONTEXT_BACKUP, backup_context_destroy);

    token.backup_time = system_time_now();
    token.tombstone_lifetime_days = lifetime_days;
    token.backup_id = random_u64();
    expiry_token_encode(&token, token_bytes);

    if ((hr = handle_table_insert(&context->header, &handle)))
    {
        mem_free(token_bytes);
        context_release(&context->header);
        return hr;
    }
    *token_out = token_bytes;
    *token_size = EXPIRY_TOKEN_SIZE;
    *phbc = (HBC)handle;
    return S_OK;
}

HRESULT WINAPI DsBackupPrepareW(LPCWSTR szBackupServer, ULONG grbit, ULONG btFlag,
                                PVOID *ppvExpiryToken, LPDWORD pcbExpiryTokenSize, HBC *phbc)
{
    HRESULT hr;

    TRACE("(%s, %#lx, %#lx, %p, %p, %p)\n", debugstr_w(szBackupServer), grbit, btFlag,
          ppvExpiryToken, pcbExpiryTokenSize, phbc);
    hr = backup_prepare(szBackupServer, grbit, btFlag, ppvExpiryToken, pcbExpiryTokenSize, phbc);
    TRACE("-> %s, hbc %p\n", debugstr_hr(hr), phbc ? *phbc : NULL);
    return hr;
}

HRESULT WINAPI DsBackupPrepareA(LPCSTR szBackupServer, ULONG grbit, ULONG btFlag,
                                PVOID *ppvExpiryToken, LPDWORD pcbExpiryTokenSize, HBC *phbc)
{
    WCHAR *server;
    HRESULT hr;

    TRACE("(%s, %#lx, %#lx, %p, %p, %p)\n", debugstr_a(szBackupServer), grbit, btFlag,
          ppvExpiryToken, pcbExpiryTokenSize, phbc);
    if ((hr = ansi_to_wide(szBackupServer, &server))) return hr;
    hr = DsBackupPrepareW(server, grbit, btFlag, ppvExpiryToken, pcbExpiryTokenSize, phbc);
    mem_free(server);
    return hr;
}

/* ------------------------------------------------------------------------- */

static const WCHAR *listed_unc_path(const void *owner, size_t id)
{
    return ((const struct backup_context *)owner)->files[id].unc_path;
}

static long find_listed_file(const struct backup_context *context, const WCHAR *unc_path)
{
    return name_index_find(&context->files_by_unc_path, unc_path, listed_unc_path, context);
}

/* Adds a file to the context's listed files, once; takes ownership of nothing.
 * A UNC path is made from its local path, so the one tells the other. */
static HRESULT remember_listed_file(struct backup_context *context, WCHAR bft,
                                    const WCHAR *unc_path, const WCHAR *local_path)
{
    struct listed_file *file;

    if (find_listed_file(context, unc_path) >= 0) return S_OK;
    if (context->file_count == context->file_capacity)
    {
        size_t capacity = context->file_capacity ? context->file_capacity * 2 : 16;
        struct listed_file *grown = mem_realloc(context->files, capacity * sizeof(*grown));
        if (!grown) return ERROR_NOT_ENOUGH_MEMORY;
        context->files = grown;
        context->file_capacity = capacity;
    }
    file = &context->files[context->file_count];
    memset(file, 0, sizeof(*file));
    file->bft = bft;
    if (!(file->unc_path = wstr_dup(unc_path)) || !(file->local_path = wstr_dup(local_path))
            || !name_index_add(&context->files_by_unc_path, context->file_count, unc_path))
    {
        mem_free(file->unc_path);
        mem_free(file->local_path);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    context->file_count++;
    return S_OK;
}

/* Appends one file to the list being built and to the context's listed files. */
static HRESULT list_file(struct backup_context *context, struct name_list *list, WCHAR bft,
                         const WCHAR *local_path)
{
    WCHAR *unc_path;
    HRESULT hr;

    if ((hr = local_path_to_unc(local_path, &unc_path))) return hr;
    if (!name_list_append(list, bft, unc_path)) hr = ERROR_NOT_ENOUGH_MEMORY;
    else hr = remember_listed_file(context, bft, unc_path, local_path);
    mem_free(unc_path);
    return hr;
}

static HRESULT list_database(struct backup_context *context, struct name_list *list)
{
    return list_file(context, list, BFTW_NTDS_DATABASE, context->config.database_path);
}

struct found_log
{
    ULONG generation;
    BOOL current;
    WCHAR name[13];
};

/* Numbered logs by generation, then edb.log: the order the engine wrote them. */
static int compare_logs(const void *a, const void *b)
{
    const struct found_log *x = a, *y = b;
    if (x->current != y->current) return x->current ? 1 : -1;
    return x->generation < y->generation ? -1 : x->generation > y->generation;
}

static HRESULT find_logs(const WCHAR *log_dir, struct found_log **logs_out, size_t *count_out)
{
    struct found_log *logs = NULL, *grown;
    size_t count = 0, capacity = 0;
    WIN32_FIND_DATAW data;
    WCHAR *pattern;
    HANDLE find;
    HRESULT hr = S_OK;
    DWORD error;

    *logs_out = NULL;
    *count_out = 0;
    if (!(pattern = path_join(log_dir, NTDS_LOG_PATTERN, mem_alloc))) return ERROR_NOT_ENOUGH_MEMORY;
    find = file_find_first(pattern, &data);
    mem_free(pattern);
    if (find == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_NO_MORE_FILES) return S_OK;
        return error == ERROR_ACCESS_DENIED ? ERROR_ACCESS_DENIED : hr_from_file_error(error);
    }
    do
    {
        unsigned long generation = 0;
        enum ntds_log_name_kind kind = ntds_log_name_classify(data.cFileName, &generation);

        if (kind == NTDS_LOG_NAME_OTHER || (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) continue;
        if (count == capacity)
        {
            capacity = capacity ? capacity * 2 : 32;
            if (!(grown = mem_realloc(logs, capacity * sizeof(*logs))))
            {
                hr = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            logs = grown;
        }
        logs[count].generation = generation;
        logs[count].current = kind == NTDS_LOG_NAME_CURRENT;
        memcpy(logs[count].name, data.cFileName, sizeof(logs[count].name) - sizeof(WCHAR));
        logs[count].name[12] = 0;
        count++;
    } while (FindNextFileW(find, &data));
    if (!hr && (error = GetLastError()) != ERROR_NO_MORE_FILES) hr = hr_from_file_error(error);
    FindClose(find);
    if (hr)
    {
        mem_free(logs);
        return hr;
    }
    qsort(logs, count, sizeof(*logs), compare_logs);
    *logs_out = logs;
    *count_out = count;
    return S_OK;
}

static HRESULT list_logs(struct backup_context *context, struct name_list *list)
{
    struct found_log *logs;
    size_t count, i;
    WCHAR *path;
    HRESULT hr;

    if ((hr = find_logs(context->config.log_dir, &logs, &count))) return hr;
    /* A running directory always has its current log: without it, a list would
     * look like a complete backup and be none (docs/behaviour.md, Lists). */
    if (!count || !logs[count - 1].current) hr = hrLogFileNotFound;
    for (i = 0; i < count && !hr; i++)
    {
        if (!(path = path_join(context->config.log_dir, logs[i].name, mem_alloc))) hr = ERROR_NOT_ENOUGH_MEMORY;
        else hr = list_file(context, list, BFTW_LOG, path);
        mem_free(path);
    }
    mem_free(logs);
    return hr;
}

enum backup_list { DATABASE_LIST, LOG_LIST };

/* Shared by the four list exports: validates, builds the list, hands it over,
 * and notes that the caller has it (DsBackupTruncateLogs asks). */
static HRESULT get_backup_list(HBC hbc, enum backup_list which, BOOL ansi, void **list_out, DWORD *size_out)
{
    struct backup_context *context;
    struct name_list list;
    HRESULT hr;

    if (!list_out || !size_out) return ERROR_INVALID_PARAMETER;
    *list_out = NULL;
    *size_out = 0;
    if (!(context = lock_backup_context(hbc))) return ERROR_INVALID_PARAMETER;
    name_list_init(&list);
    hr = which == DATABASE_LIST ? list_database(context, &list) : list_logs(context, &list);
    if (hr) name_list_discard(&list);
    else hr = name_list_deliver(&list, ansi ? narrow_path_ansi : NULL, list_out, size_out);
    if (!hr) *(which == DATABASE_LIST ? &context->database_listed : &context->logs_listed) = TRUE;
    unlock_backup_context(context);
    return hr;
}

HRESULT WINAPI DsBackupGetDatabaseNamesW(HBC hbc, LPWSTR *pszAttachmentInfo, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszAttachmentInfo, pcbSize);
    hr = get_backup_list(hbc, DATABASE_LIST, FALSE, (void **)pszAttachmentInfo, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsBackupGetDatabaseNamesA(HBC hbc, LPSTR *pszAttachmentInfo, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszAttachmentInfo, pcbSize);
    hr = get_backup_list(hbc, DATABASE_LIST, TRUE, (void **)pszAttachmentInfo, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsBackupGetBackupLogsW(HBC hbc, LPWSTR *pszBackupLogFiles, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszBackupLogFiles, pcbSize);
    hr = get_backup_list(hbc, LOG_LIST, FALSE, (void **)pszBackupLogFiles, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsBackupGetBackupLogsA(HBC hbc, LPSTR *pszBackupLogFiles, LPDWORD pcbSize)
{
    HRESULT hr;
    TRACE("(%p, %p, %p)\n", hbc, pszBackupLogFiles, pcbSize);
    hr = get_backup_list(hbc, LOG_LIST, TRUE, (void **)pszBackupLogFiles, pcbSize);
    TRACE_RESULT(hr);
    return hr;
}

/* ------------------------------------------------------------------------- */

static HRESULT backup_open_file(HBC hbc, const WCHAR *name, LARGE_INTEGER *size_out)
{
    struct backup_context *context;
    struct open_file open = {0};
    const WCHAR *path;
    long index = -1;
    WCHAR bft;
    HRESULT hr = S_OK;

    if (!name || !size_out) return ERROR_INVALID_PARAMETER;
    if (!(context = lock_backup_context(hbc))) return ERROR_INVALID_PARAMETER;
    if (context->has_open_file)
    {
        unlock_backup_context(context);
        return hrAlreadyOpen;
    }
    /* Only a name this context listed (names.h): found by its path, in the index. */
    if ((path = attachment_name_parse(name, &bft))) index = find_listed_file(context, path);
    if (index < 0 || !attachment_bft_matches(bft, context->files[index].bft)) hr = ERROR_INVALID_PARAMETER;
    /* No privilege check: the context holds the rights checked when it was made
     * (docs/behaviour.md, Privileges). */
    if (!hr)
    {
        open.listed_index = (size_t)index;
        open.handle = file_open_for_read(context->files[index].local_path);
        if (open.handle == INVALID_HANDLE_VALUE) hr = hr_from_file_error(GetLastError());
        else if (!file_get_identity(open.handle, &open.identity)) hr = hr_from_file_error(GetLastError());
        else if (open.identity.is_directory) hr = hrFileNotFound;
        if (hr && open.handle != INVALID_HANDLE_VALUE) CloseHandle(open.handle);
    }
    if (!hr)
    {
        context->open = open;
        context->has_open_file = TRUE;
        size_out->QuadPart = (LONGLONG)open.identity.size;
    }
    unlock_backup_context(context);
    return hr;
}

HRESULT WINAPI DsBackupOpenFileW(HBC hbc, LPCWSTR szAttachmentName, DWORD cbReadHintSize,
                                 LARGE_INTEGER *pliFileSize)
{
    HRESULT hr;

    TRACE("(%p, %s, %lu, %p)\n", hbc, debugstr_w(szAttachmentName), cbReadHintSize, pliFileSize);
    hr = backup_open_file(hbc, szAttachmentName, pliFileSize);
    TRACE("-> %s, size %lld\n", debugstr_hr(hr), hr ? -1LL : (long long)pliFileSize->QuadPart);
    return hr;
}

HRESULT WINAPI DsBackupOpenFileA(HBC hbc, LPCSTR szAttachmentName, DWORD cbReadHintSize,
                                 LARGE_INTEGER *pliFileSize)
{
    WCHAR *name;
    HRESULT hr;

    TRACE("(%p, %s, %lu, %p)\n", hbc, debugstr_a(szAttachmentName), cbReadHintSize, pliFileSize);
    if (!szAttachmentName) return DsBackupOpenFileW(hbc, NULL, cbReadHintSize, pliFileSize);
    /* The BFT code in front of a listed name is a byte, not a character: keep it
     * out of the code-page conversion. */
    if (szAttachmentName[0] && szAttachmentName[0] != '\\')
    {
        WCHAR *rest;
        size_t len;

        if ((hr = ansi_to_wide(szAttachmentName + 1, &rest))) return hr;
        len = wstr_len(rest);
        if (!(name = mem_alloc((len + 2) * sizeof(WCHAR))))
        {
            mem_free(rest);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
        name[0] = (BYTE)szAttachmentName[0];
        memcpy(name + 1, rest, (len + 1) * sizeof(WCHAR));
        mem_free(rest);
    }
    else if ((hr = ansi_to_wide(szAttachmentName, &name))) return hr;
    hr = DsBackupOpenFileW(hbc, name, cbReadHintSize, pliFileSize);
    mem_free(name);
    return hr;
}

/* TRUE if the file that was opened is still, unchanged, the file at the listed
 * path: the same size and times through the open handle, and the path still
 * leads to a file with these.  Held without FILE_SHARE_DELETE, the file cannot
 * be replaced through Win32; a Unix process under Wine can, and the change
 * times tell (see file_path_has_stamp). */
static BOOL open_file_unchanged(struct backup_context *context)
{
    struct file_identity now = context->open.identity;

    return file_get_contents_stamp(context->open.handle, &now)
        && file_identity_equal(&now, &context->open.identity)
        && file_path_has_stamp(context->files[context->open.listed_index].local_path, &now);
}

/* The open file was read to the end, and is still the version opened. */
static void mark_read_complete(struct backup_context *context)
{
    struct listed_file *file = &context->files[context->open.listed_index];

    if (!file->read_complete) context->complete_count++;
    file->read_complete = TRUE;
    file->read_identity = context->open.identity;
}

static HRESULT backup_read(HBC hbc, void *buffer, DWORD buffer_size, DWORD *read_out)
{
    struct backup_context *context;
    struct open_file *open;
    ULONGLONG remaining;
    DWORD wanted, got = 0;
    HRESULT hr = S_OK;

    if (!read_out) return ERROR_INVALID_PARAMETER;
    *read_out = 0;
    if (!buffer || buffer_size < 24576 || buffer_size % 8192) return ERROR_INVALID_PARAMETER;
    if (!(context = lock_backup_context(hbc))) return ERROR_INVALID_PARAMETER;
    open = &context->open;
    if (!context->has_open_file) hr = hrInvalidHandle;
    else if (open->failure) hr = open->failure;
    else if (open->offset == open->identity.size)
    {
        /* An empty file is checked here; any other was checked with its last chunk. */
        if (!open->identity.size && !context->files[open->listed_index].read_complete
                && !open_file_unchanged(context))
            hr = open->failure = hrReadVerifyFailure;
        else
        {
            mark_read_complete(context);
            hr = ERROR_HANDLE_EOF;
        }
    }
    else
    {
        remaining = open->identity.size - open->offset;
        wanted = remaining < buffer_size ? (DWORD)remaining : buffer_size;
        /* Straight into the caller's buffer, at the file pointer: reads follow
         * one another, so no seek is needed (see file_read). */
        if (!file_read(open->handle, buffer, wanted, &got))
            hr = open->failure = hr_from_file_error(GetLastError());
        else if (got != wanted)      /* the file shrank under us */
            hr = open->failure = hrReadVerifyFailure;
        else if (open->offset + got == open->identity.size && !open_file_unchanged(context))
            hr = open->failure = hrReadVerifyFailure;
        if (!hr)
        {
            open->offset += got;
            *read_out = got;
            remaining = open->identity.size - open->offset;
            if (!remaining) mark_read_complete(context);
        }
    }
    unlock_backup_context(context);
    return hr;
}

HRESULT WINAPI DsBackupRead(HBC hbc, PVOID pvBuffer, DWORD cbBuffer, PDWORD pcbRead)
{
    HRESULT hr;

    TRACE("(%p, %p, %lu, %p)\n", hbc, pvBuffer, cbBuffer, pcbRead);
    hr = backup_read(hbc, pvBuffer, cbBuffer, pcbRead);
    TRACE("-> %s, read %lu\n", debugstr_hr(hr), pcbRead ? *pcbRead : 0);
    return hr;
}

HRESULT WINAPI DsBackupClose(HBC hbc)
{
    struct backup_context *context;
    HRESULT hr = S_OK;

    TRACE("(%p)\n", hbc);
    if (!(context = lock_backup_context(hbc))) hr = ERROR_INVALID_PARAMETER;
    else
    {
        if (!context->has_open_file) hr = hrInvalidHandle;
        else close_open_file(context);
        unlock_backup_context(context);
    }
    TRACE_RESULT(hr);
    return hr;
}

/* ------------------------------------------------------------------------- */

/* Deletes one log if it is still the version that was read; a log that changed
 * since is kept, since its new contents were never backed up.  A log already
 * gone is not an error. */
static HRESULT truncate_one_log(struct listed_file *file)
{
    struct file_identity identity;
    HANDLE handle;
    HRESULT hr = S_OK;

    handle = file_open_for_delete(file->local_path);
    if (handle == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? S_OK : hrDeleteBackupFileFail;
    if (!file_get_identity(handle, &identity)) hr = hrDeleteBackupFileFail;
    else if (!file_identity_equal(&identity, &file->read_identity))
        TRACE("keeping %s: it changed after it was read\n", debugstr_w(file->local_path));
    else if (!file_delete_by_handle(handle)) hr = hrDeleteBackupFileFail;
    else file->truncated = TRUE;
    CloseHandle(handle);
    return hr;
}

/* Truncation deletes what only a complete backup holds: the database and the
 * logs listed, every listed file read to the end (docs/behaviour.md). */
static BOOL backup_is_complete(const struct backup_context *context)
{
    return context->database_listed && context->logs_listed && context->complete_count == context->file_count;
}

static HRESULT truncate_logs(struct backup_context *context)
{
    HRESULT hr = S_OK, file_hr;
    size_t i;

    if (!backup_is_complete(context)) return hrInvalidBackupSequence;
    for (i = 0; i < context->file_count; i++)
    {
        struct listed_file *file = &context->files[i];
        const WCHAR *base = wcsrchr(file->local_path, '\\');

        /* Only numbered logs, listed here (so found in the log folder); every
         * one is tried even when another fails. */
        if (file->bft != BFTW_LOG || file->truncated || !base
                || ntds_log_name_classify(base + 1, NULL) != NTDS_LOG_NAME_NUMBERED)
            continue;
        if ((file_hr = truncate_one_log(file)) && !hr) hr = file_hr;
    }
    return hr;
}

HRESULT WINAPI DsBackupTruncateLogs(HBC hbc)
{
    struct backup_context *context;
    HRESULT hr;

    TRACE("(%p)\n", hbc);
    if (!(context = lock_backup_context(hbc))) hr = ERROR_INVALID_PARAMETER;
    else
    {
        hr = truncate_logs(context);
        unlock_backup_context(context);
    }
    TRACE_RESULT(hr);
    return hr;
}

static void backup_context_end(struct context_header *header)
{
    struct backup_context *context = CONTAINING_RECORD(header, struct backup_context, header);

    close_open_file(context);
    backup_slot_give_up(context->slot);
    context->slot = NULL;
}

HRESULT WINAPI DsBackupEnd(HBC hbc)
{
    HRESULT hr;

    TRACE("(%p)\n", hbc);
    hr = context_end((uintptr_t)hbc, CONTEXT_BACKUP, backup_context_end) ? S_OK : ERROR_INVALID_PARAMETER;
    TRACE_RESULT(hr);
    return hr;
}

VOID WINAPI DsBackupFree(PVOID pvBuffer)
{
    TRACE("(%p)\n", pvBuffer);
    mem_free(pvBuffer);
}
