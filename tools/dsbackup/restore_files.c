/*
 * dsbackup restore: replacing the files, the application's part of the
 * documented sequence (restore.h).  In the destination folders only the
 * transaction logs edb.log and edbXXXXX.log and the checkpoint edb.chk are
 * deleted; every file is written under a temporary name, read back, and moved
 * over its target.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "restore.h"
#include "ntds_layout.h"

#define RESTORE_TEMP_SUFFIX L".dsbackup-tmp"

/* Deletes one file, even read-only.  A file already gone is fine. */
static HRESULT delete_one_file(const WCHAR *path)
{
    DWORD attributes = GetFileAttributesW(path), error;

    if (attributes == INVALID_FILE_ATTRIBUTES)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return S_OK;
        report_sys((HRESULT)error, "cannot examine %s", u8(path));
        return (HRESULT)error;
    }
    if (attributes & FILE_ATTRIBUTE_READONLY) SetFileAttributesW(path, attributes & ~FILE_ATTRIBUTE_READONLY);
    if (!DeleteFileW(path))
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return S_OK;
        report_sys((HRESULT)error, "cannot delete %s", u8(path));
        return (HRESULT)error;
    }
    print("deleted %s\n", u8(path));
    return S_OK;
}

/* In the log folder, the transaction logs edb.log and edbXXXXX.log: those
 * names only, files only. */
static HRESULT delete_transaction_logs(const WCHAR *log_dir)
{
    WIN32_FIND_DATAW data;
    WCHAR *pattern = path_join(log_dir, NTDS_LOG_PATTERN, malloc), **names = NULL, *path;
    size_t count = 0, i;
    HRESULT hr = S_OK;
    HANDLE find;
    DWORD error;

    if (!pattern)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot list %s", u8(log_dir));
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    find = FindFirstFileW(pattern, &data);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_NO_MORE_FILES) return S_OK;
        report_sys((HRESULT)error, "cannot list the transaction logs in %s", u8(log_dir));
        return (HRESULT)error;
    }
    /* The names first, the deletions after: a folder is not changed while it is listed. */
    do
    {
        WCHAR **grown;

        if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || ntds_log_name_classify(data.cFileName, NULL) == NTDS_LOG_NAME_OTHER)
            continue;
        if (!(grown = realloc(names, (count + 1) * sizeof(*names))) || !(grown[count] = _wcsdup(data.cFileName)))
        {
            if (grown) names = grown;
            hr = ERROR_NOT_ENOUGH_MEMORY;
            report_sys(hr, "cannot list %s", u8(log_dir));
            break;
        }
        names = grown;
        count++;
    } while (FindNextFileW(find, &data));
    if (!hr && (error = GetLastError()) != ERROR_NO_MORE_FILES)
    {
        hr = (HRESULT)error;
        report_sys(hr, "cannot list the transaction logs in %s", u8(log_dir));
    }
    FindClose(find);
    for (i = 0; i < count && !hr; i++)
    {
        if (!(path = path_join(log_dir, names[i], malloc)))
        {
            hr = ERROR_NOT_ENOUGH_MEMORY;
            report_sys(hr, "cannot delete the logs in %s", u8(log_dir));
            break;
        }
        hr = delete_one_file(path);
        free(path);
    }
    for (i = 0; i < count; i++) free(names[i]);
    free(names);
    return hr;
}

/* The source of a restored file: the backed-up file, which must not grow. */
struct backup_file_source
{
    HANDLE in;
    ULONGLONG size;             /* verified */
    ULONGLONG read_total;
    DWORD error;                /* of a ReadFile that failed */
    BOOL grew;
};

static BOOL read_backup_file(void *arg, BYTE *buffer, DWORD *got)
{
    struct backup_file_source *source = arg;

    if (!ReadFile(source->in, buffer, READ_BUFFER_SIZE, got, NULL))
    {
        source->error = GetLastError();
        *got = 0;
        return FALSE;
    }
    if (*got > source->size - source->read_total)
    {
        source->grew = TRUE;
        *got = 0;
        return FALSE;
    }
    source->read_total += *got;
    return *got != 0;
}

/* Copies the verified backup file to the temporary name, hashing on the way;
 * the copy must still be what was verified. */
static HRESULT copy_to_temporary(const struct restore_item *item, const WCHAR *temporary, HANDLE in,
                                 HANDLE out, struct pipeline_buffers *buffers, struct progress *progress)
{
    const struct manifest_entry *entry = item->entry;
    struct backup_file_source source = {0};
    struct pipeline pipeline = {0};
    BYTE digest[SHA256_DIGEST_SIZE];
    char sha256[65];
    HRESULT hr;

    source.in = in;
    source.size = entry->size;
    pipeline.read = read_backup_file;
    pipeline.source = &source;
    pipeline.expected = entry->size;
    pipeline.out = out;
    pipeline.progress = progress;
    if (!pipeline_run(&pipeline, buffers)) return hrError;
    if (pipeline.write_error)
    {
        hr = (HRESULT)pipeline.write_error;
        report_sys(hr, "cannot write %s", u8(temporary));
        return hr;
    }
    if (source.error)
    {
        hr = (HRESULT)source.error;
        report_sys(hr, "cannot read %s", u8(item->source));
        return hr;
    }
    if (source.grew)
    {
        report(hrReadVerifyFailure, "%s grew while it was copied", u8(item->source));
        return hrReadVerifyFailure;
    }
    sha256_final(&pipeline.sha, digest);
    sha256_hex(digest, sha256);
    if (pipeline.bytes != entry->size || _strnicmp(sha256, entry->sha256, 64))
    {
        report(hrReadVerifyFailure, "%s changed after it was verified (%llu bytes, SHA-256 %s; the manifest "
               "says %llu, %s)", u8(item->source), pipeline.bytes, sha256, entry->size, entry->sha256);
        return hrReadVerifyFailure;
    }
    return S_OK;
}

/* Opens the backed-up file, which must still have its verified size, and
 * creates the temporary copy. */
static HRESULT open_source_and_temporary(const struct restore_item *item, const WCHAR *temporary,
                                         HANDLE *in, HANDLE *out)
{
    LARGE_INTEGER size;
    HRESULT hr;

    *in = CreateFileW(item->source, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN,
                      NULL);
    if (*in == INVALID_HANDLE_VALUE)
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot open %s", u8(item->source));
        return hr;
    }
    if (!GetFileSizeEx(*in, &size))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot read %s", u8(item->source));
        return hr;
    }
    if ((ULONGLONG)size.QuadPart != item->entry->size)
    {
        report(hrReadVerifyFailure, "%s has %llu bytes now, not the %llu it had when it was verified",
               u8(item->source), (ULONGLONG)size.QuadPart, item->entry->size);
        return hrReadVerifyFailure;
    }
    *out = CreateFileW(temporary, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (*out == INVALID_HANDLE_VALUE)
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot create %s", u8(temporary));
        return hr;
    }
    return S_OK;
}

/* Flushes and closes the temporary copy, then reads it back: what is on disk,
 * not what was meant to be written. */
static HRESULT check_temporary(const struct restore_item *item, const WCHAR *temporary, HANDLE *out,
                               struct pipeline_buffers *buffers, struct progress *progress)
{
    const struct manifest_entry *entry = item->entry;
    ULONGLONG read_back_size;
    char sha256[65];
    HRESULT hr;

    if (!FlushFileBuffers(*out))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot flush %s", u8(temporary));
        return hr;
    }
    if (!CloseHandle(*out))
    {
        *out = INVALID_HANDLE_VALUE;
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot close %s", u8(temporary));
        return hr;
    }
    *out = INVALID_HANDLE_VALUE;
    progress_begin(progress, "read back", base_name_of(item->target), entry->size);
    if (!hash_file(temporary, buffers, &read_back_size, sha256, progress)) return hrDiskIO;
    if (read_back_size != entry->size || _strnicmp(sha256, entry->sha256, 64))
    {
        report(hrReadVerifyFailure, "%s reads back as %llu bytes with SHA-256 %s, not the %llu bytes with %s "
               "written", u8(temporary), read_back_size, sha256, entry->size, entry->sha256);
        return hrReadVerifyFailure;
    }
    return S_OK;
}

/* The checked copy replaces the target in one step. */
static HRESULT rename_over_target(const struct restore_item *item, const WCHAR *temporary,
                                  struct progress *progress)
{
    DWORD attributes = GetFileAttributesW(item->target);
    char line[2048];
    HRESULT hr;

    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_READONLY))
        SetFileAttributesW(item->target, attributes & ~FILE_ATTRIBUTE_READONLY);
    if (!MoveFileExW(temporary, item->target, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot rename %s to %s", u8(temporary), u8(item->target));
        return hr;
    }
    snprintf(line, sizeof(line), "restored %s %s %llu bytes sha256 %s (read back: ok) to %s", item->kind,
             u8(item->entry->path), item->entry->size, item->entry->sha256, u8(item->target));
    progress_end_line(progress, line);
    return S_OK;
}

/* One backed-up file to its target: copied to <target>.dsbackup-tmp and hashed on
 * the way, flushed, read back and checked, then renamed over the target. */
static HRESULT restore_one_file(const struct restore_item *item, struct pipeline_buffers *buffers)
{
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    struct progress progress;
    WCHAR *temporary;
    char kind[64];
    HRESULT hr;

    snprintf(kind, sizeof(kind), "restore %s", item->kind);
    if (!(temporary = malloc((wcslen(item->target) + ARRAYSIZE(RESTORE_TEMP_SUFFIX)) * sizeof(WCHAR))))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot restore %s", u8(item->target));
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    wcscpy(temporary, item->target);
    wcscat(temporary, RESTORE_TEMP_SUFFIX);
    if (!(hr = open_source_and_temporary(item, temporary, &in, &out)))
    {
        progress_begin(&progress, kind, base_name_of(item->target), item->entry->size);
        hr = copy_to_temporary(item, temporary, in, out, buffers, &progress);
    }
    if (in != INVALID_HANDLE_VALUE) CloseHandle(in);
    if (!hr) hr = check_temporary(item, temporary, &out, buffers, &progress);
    if (!hr) hr = rename_over_target(item, temporary, &progress);
    if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
    if (hr) DeleteFileW(temporary);
    free(temporary);
    return hr;
}

static HRESULT ensure_folder(const WCHAR *path)
{
    DWORD error = create_folder(path);

    if (error) report_sys((HRESULT)error, "cannot create the folder %s", u8(path));
    return (HRESULT)error;
}

/* Step 6, the application's part: only ever called with the restore registered. */
HRESULT replace_files(const struct restore_plan *plan, struct pipeline_buffers *buffers)
{
    WCHAR *database_dir, *checkpoint;
    size_t length, i;
    HRESULT hr;

    if (!(database_dir = _wcsdup(plan->database_location)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot restore");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    length = base_name_of(database_dir) - database_dir;
    if (length > 1) database_dir[length - 1] = 0;
    hr = ensure_folder(database_dir);
    free(database_dir);
    if (hr || (hr = ensure_folder(plan->log_dir)) || (hr = ensure_folder(plan->checkpoint_dir))) return hr;

    /* The application deletes the files in the destination folders: here the
     * transaction logs and the checkpoint, and nothing else. */
    if ((hr = delete_transaction_logs(plan->log_dir))) return hr;
    if (!(checkpoint = path_join(plan->checkpoint_dir, NTDS_CHECKPOINT_NAME, malloc)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot restore");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    hr = delete_one_file(checkpoint);
    free(checkpoint);
    if (hr) return hr;
    for (i = 0; i < plan->item_count; i++)
        if ((hr = restore_one_file(&plan->items[i], buffers))) return hr;
    return S_OK;
}
