/*
 * dsbackup backup DIR [--truncate-logs]: a full online backup through the DLL,
 * in the documented order of a backup: DsIsNTDSOnline,
 * DsBackupPrepare, every database file then every log (DsBackupOpenFile,
 * DsBackupRead, DsBackupClose), the expiry token saved, the manifest,
 * DsBackupTruncateLogs if asked, DsBackupEnd.
 *
 * A backup folder holds:
 *   DIR\database\<name>   each file DsBackupGetDatabaseNames listed, by base name
 *   DIR\logs\<name>       each file DsBackupGetBackupLogs listed, by base name
 *   DIR\expiry.token      the expiry token's bytes, exactly as DsBackupPrepare gave them
 *   DIR\manifest.txt      written last (manifest.h), so that a folder without it is
 *                         never taken for a complete backup
 *
 * Each file's data goes through pipeline.c, which reads it (DsBackupRead),
 * hashes it and writes it to the copy, a buffer at a time; flusher.c puts the
 * copies on disk meanwhile, and the manifest waits until they all are.  The
 * reads are judged as a plain loop would and stop at the first failure or at
 * the announced size; a write that fails stops the reads too.  The data before
 * a failure is written, then the failure is reported, and the backup is left
 * without a manifest.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"

#define READ_HINT_SIZE   65536
/* A DsBackupRead that succeeds without data this many times in a row is stuck. */
#define MAX_EMPTY_READS  64

static const char backup_help[] =
    "Usage: dsbackup backup DIR [--truncate-logs]\n"
    "\n"
    "Takes a full online backup of the directory database into the folder DIR,\n"
    "which must be empty or not exist yet (it is created):\n"
    "  DIR\\database\\   the database files\n"
    "  DIR\\logs\\       the transaction logs\n"
    "  DIR\\expiry.token the expiry token a restore needs\n"
    "  DIR\\manifest.txt the size and SHA-256 of every file, written last: a folder\n"
    "                   without it holds an interrupted backup, not a backup\n"
    "\n"
    "  --truncate-logs  once the backup is complete, delete the transaction logs\n"
    "                   it saved (DsBackupTruncateLogs)\n"
    "\n"
    "Exit status: 0 the backup is complete, 1 it failed, 2 usage error.\n";

struct backup_run
{
    const WCHAR *dir;           /* absolute */
    HBC hbc;
    struct pipeline_buffers buffers;
    struct flusher flusher;     /* puts the copies on disk */
    struct manifest manifest;   /* the files copied so far */
    ULONGLONG total_bytes;
};

enum read_outcome
{
    READ_DATA,                  /* got bytes, all expected */
    READ_SHORT,                 /* ERROR_HANDLE_EOF before the announced size */
    READ_FAILED,                /* DsBackupRead failed */
    READ_TOO_LONG,              /* more bytes than the buffer or than still expected */
    READ_STUCK                  /* MAX_EMPTY_READS reads in a row without data */
};

/* One file being copied.  The reader's side (read_from_dll) owns read_total,
 * empty_reads and the outcome of the last read. */
struct file_copy
{
    struct backup_run *run;
    const WCHAR *unc_name, *destination;
    ULONGLONG size;             /* as DsBackupOpenFileW announced it */
    ULONGLONG read_total;       /* bytes DsBackupRead gave so far */
    unsigned empty_reads;
    enum read_outcome outcome;
    HRESULT hr;                 /* of the last DsBackupRead */
    DWORD got;                  /* what it said it gave */
    HANDLE out;
    struct progress progress;
};

/* DIR must not hold a backup, or anything else: an empty or missing folder only. */
static BOOL check_backup_folder(const WCHAR *dir)
{
    WIN32_FIND_DATAW data;
    WCHAR *manifest, *pattern;
    HANDLE find;
    DWORD attributes = GetFileAttributesW(dir), error;
    BOOL empty = TRUE;

    if (attributes == INVALID_FILE_ATTRIBUTES)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return TRUE;
        report_sys((HRESULT)error, "cannot examine the backup folder %s", u8(dir));
        return FALSE;
    }
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        report_sys(ERROR_DIRECTORY, "%s is not a folder", u8(dir));
        return FALSE;
    }
    if (!(manifest = path_join(dir, MANIFEST_FILE_NAME, malloc)) || !(pattern = path_join(dir, L"*", malloc)))
    {
        free(manifest);
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot examine the backup folder %s", u8(dir));
        return FALSE;
    }
    if (GetFileAttributesW(manifest) != INVALID_FILE_ATTRIBUTES)
    {
        report(hrBackupDirectoryNotEmpty, "%s already holds a backup (%s exists); it is never overwritten",
               u8(dir), u8(manifest));
        free(manifest);
        free(pattern);
        return FALSE;
    }
    free(manifest);
    find = FindFirstFileW(pattern, &data);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_NO_MORE_FILES) return TRUE;
        report_sys((HRESULT)error, "cannot list the backup folder %s", u8(dir));
        return FALSE;
    }
    do
    {
        if (wcscmp(data.cFileName, L".") && wcscmp(data.cFileName, L"..")) empty = FALSE;
    } while (empty && FindNextFileW(find, &data));
    FindClose(find);
    if (!empty)
        report(hrBackupDirectoryNotEmpty, "the backup folder %s is not empty (an interrupted backup "
               "leaves files but no manifest.txt); give an empty or new folder", u8(dir));
    return empty;
}

/* The pipeline's source: DsBackupRead until it gives data or fails.  Returns
 * TRUE if more reads are to follow (data, and the file is not complete yet);
 * the data of a read that failed is not passed on. */
static BOOL read_from_dll(void *arg, BYTE *buffer, DWORD *got)
{
    struct file_copy *copy = arg;

    for (;;)
    {
        copy->got = 0;
        copy->hr = DsBackupRead(copy->run->hbc, buffer, READ_BUFFER_SIZE, &copy->got);
        if (copy->hr == ERROR_HANDLE_EOF) copy->outcome = READ_SHORT;
        else if (copy->hr) copy->outcome = READ_FAILED;
        else if (copy->got > READ_BUFFER_SIZE || copy->got > copy->size - copy->read_total)
            copy->outcome = READ_TOO_LONG;
        else if (!copy->got)
        {
            if (++copy->empty_reads < MAX_EMPTY_READS) continue;
            copy->outcome = READ_STUCK;
        }
        else copy->outcome = READ_DATA;
        if (copy->outcome != READ_DATA) return FALSE;
        copy->empty_reads = 0;
        copy->read_total += copy->got;
        *got = copy->got;
        return copy->read_total < copy->size;
    }
}

/* What stopped the copy before the announced size. */
static void report_read_failure(const struct file_copy *copy)
{
    const char *name = u8(copy->unc_name);

    switch (copy->outcome)
    {
    case READ_SHORT:
        report(copy->hr, "short copy of %s: DsBackupRead reached the end after %llu of the %llu bytes "
               "DsBackupOpenFileW announced", name, copy->read_total, copy->size);
        break;
    case READ_FAILED:
        report(copy->hr, "DsBackupRead failed for %s after %llu of %llu bytes", name, copy->read_total,
               copy->size);
        break;
    case READ_TOO_LONG:
        report_sys(ERROR_INVALID_DATA, "DsBackupRead returned %lu bytes for %s, more than the %llu "
                   "still expected", (unsigned long)copy->got, name, copy->size - copy->read_total);
        break;
    case READ_STUCK:
        report(hrError, "DsBackupRead returned no data %u times in a row for %s after %llu of %llu "
               "bytes", (unsigned)MAX_EMPTY_READS, name, copy->read_total, copy->size);
        break;
    case READ_DATA:
        break;
    }
}

/* The file's data, read, hashed and written: TRUE with its SHA-256 once all the
 * announced bytes are in the copy, else FALSE (reported). */
static BOOL copy_data(struct file_copy *copy, char sha256[65])
{
    struct pipeline pipeline = {0};
    BYTE digest[SHA256_DIGEST_SIZE];

    pipeline.read = read_from_dll;
    pipeline.source = copy;
    pipeline.expected = copy->size;
    pipeline.out = copy->out;
    pipeline.flusher = &copy->run->flusher;
    pipeline.progress = &copy->progress;
    /* An empty file is not read at all. */
    if (copy->size && !pipeline_run(&pipeline, &copy->run->buffers)) return FALSE;
    if (!copy->size) sha256_init(&pipeline.sha);
    if (pipeline.write_error)
    {
        report_sys((HRESULT)pipeline.write_error, "cannot write %s", u8(copy->destination));
        return FALSE;
    }
    if (copy->outcome != READ_DATA)
    {
        report_read_failure(copy);
        return FALSE;
    }
    sha256_final(&pipeline.sha, digest);
    sha256_hex(digest, sha256);
    return TRUE;
}

/* The copy is written: it goes to the flusher, to be put on disk and closed
 * (the manifest waits for it), then DsBackupClose. */
static BOOL finish_file(struct file_copy *copy, BOOL *file_open)
{
    HRESULT hr;

    flusher_close(&copy->run->flusher, copy->out, copy->destination);
    copy->out = INVALID_HANDLE_VALUE;
    *file_open = FALSE;
    if ((hr = DsBackupClose(copy->run->hbc)))
    {
        report(hr, "DsBackupClose failed for %s", u8(copy->unc_name));
        return FALSE;
    }
    return TRUE;
}

/* DsBackupOpenFile and the file's copy: FALSE (reported) if either fails. */
static BOOL open_file(struct file_copy *copy, BOOL *file_open)
{
    LARGE_INTEGER size;
    HRESULT hr;

    /* The legacy way: the name without its BFT code. */
    if ((hr = DsBackupOpenFileW(copy->run->hbc, copy->unc_name, READ_HINT_SIZE, &size)))
    {
        report(hr, "DsBackupOpenFileW failed for %s", u8(copy->unc_name));
        return FALSE;
    }
    *file_open = TRUE;
    if (size.QuadPart < 0)
    {
        report_sys(ERROR_INVALID_DATA, "DsBackupOpenFileW gave a negative size for %s", u8(copy->unc_name));
        return FALSE;
    }
    copy->size = (ULONGLONG)size.QuadPart;
    copy->out = CreateFileW(copy->destination, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                            FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (copy->out == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot create %s", u8(copy->destination));
        return FALSE;
    }
    return TRUE;
}

/* DsBackupOpenFile, DsBackupRead to the announced size, DsBackupClose: one file
 * into DIR\relative_path, hashed on the way, and recorded for the manifest. */
static BOOL copy_one_file(struct backup_run *run, const char *kind, unsigned bft, const WCHAR *unc_name,
                          const WCHAR *relative_path, const WCHAR *base_name)
{
    struct file_copy copy = {0};
    BOOL ok = FALSE, file_open = FALSE;
    WCHAR *destination;
    char sha256[65];

    copy.run = run;
    copy.unc_name = unc_name;

    if (!(destination = path_join(run->dir, relative_path, malloc)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(unc_name));
        return FALSE;
    }
    copy.destination = destination;
    copy.out = INVALID_HANDLE_VALUE;
    if (!open_file(&copy, &file_open)) goto done;
    progress_begin(&copy.progress, kind, base_name, copy.size);
    if (!copy_data(&copy, sha256) || !finish_file(&copy, &file_open)) goto done;
    progress_end(&copy.progress, sha256);
    if (manifest_add(&run->manifest, bft, copy.size, sha256, relative_path, unc_name))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot record %s", u8(unc_name));
        goto done;
    }
    run->total_bytes += copy.size;
    ok = TRUE;
done:
    /* The flusher may still hold a request for it. */
    if (copy.out != INVALID_HANDLE_VALUE) flusher_close(&run->flusher, copy.out, destination);
    if (file_open) DsBackupClose(run->hbc);
    free(destination);
    return ok;
}
/* Copies every entry of a list the DLL returned into DIR\subfolder. */
static BOOL copy_listed_files(struct backup_run *run, const char *list_function, const WCHAR *list,
                              DWORD list_bytes, const WCHAR *subfolder, const char *kind)
{
    size_t count = list ? list_bytes / sizeof(WCHAR) : 0, i = 0, end, j;

    /* "e1\0e2\0...\0\0"; the walk never leaves the size the DLL gave. */
    while (i < count && list[i])
    {
        const WCHAR *entry = list + i, *name, *base, *p;
        WCHAR *relative;
        unsigned bft;
        BOOL ok;

        for (end = i; end < count && list[end]; end++) ;
        if (end == count)
        {
            report_sys(ERROR_INVALID_DATA, "%s returned a list whose last name is not terminated", list_function);
            return FALSE;
        }
        i = end + 1;
        /* UNC names begin with '\', never a BFT code; tolerate a name without one. */
        if (entry[0] == '\\')
        {
            bft = (unsigned)(BYTE)BFT_UNKNOWN;
            name = entry;
        }
        else
        {
            bft = entry[0];
            name = entry + 1;
        }
        if (bft > 0xff || !name[0])
        {
            report_sys(ERROR_INVALID_DATA, "%s returned a malformed entry %s", list_function, u8(entry));
            return FALSE;
        }
        for (base = p = name; *p; p++)
            if (*p == '\\' || *p == '/') base = p + 1;
        /* The base name becomes a file in DIR: it must not lead anywhere else. */
        if (!base[0] || !wcscmp(base, L".") || !wcscmp(base, L"..") || wcschr(base, ':'))
        {
            report_sys(ERROR_INVALID_NAME, "%s listed %s, which has no usable file name", list_function, u8(name));
            return FALSE;
        }
        if (!(relative = path_join(subfolder, base, malloc)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(name));
            return FALSE;
        }
        for (j = 0; j < run->manifest.count; j++)
            if (CompareStringOrdinal(run->manifest.entries[j].path, -1, relative, -1, TRUE) == CSTR_EQUAL)
            {
                report_sys(ERROR_FILE_EXISTS, "%s and %s would both be saved as %s", u8(run->manifest.entries[j].unc),
                           u8(name), u8(relative));
                free(relative);
                return FALSE;
            }
        ok = copy_one_file(run, kind, bft, name, relative, base);
        free(relative);
        if (!ok) return FALSE;
    }
    return TRUE;
}

/* manifest.tmp, flushed, then renamed over manifest.txt in one step. */
static BOOL write_manifest(struct backup_run *run, const char *token_sha256)
{
    WCHAR *temporary = path_join(run->dir, L"manifest.tmp", malloc);
    WCHAR *final = path_join(run->dir, MANIFEST_FILE_NAME, malloc);
    const manifest_char *bad_name = NULL;
    enum manifest_status status;
    char *text = NULL;
    size_t length;
    BOOL ok = FALSE;

    memcpy(run->manifest.token_sha256, token_sha256, 65);
    if (!temporary || !final || (status = manifest_write(&run->manifest, &text, &length, &bad_name))
            == MANIFEST_NO_MEMORY)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot write the manifest");
        goto done;
    }
    if (status)
    {
        report_sys(ERROR_NO_UNICODE_TRANSLATION, "cannot write the name %s in the manifest", u8(bad_name));
        goto done;
    }
    if (!write_new_file(temporary, text, length, CREATE_ALWAYS)) goto done;
    if (!MoveFileExW(temporary, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        report_sys((HRESULT)GetLastError(), "cannot rename %s to %s", u8(temporary), u8(final));
        DeleteFileW(temporary);
        goto done;
    }
    ok = TRUE;
done:
    free(text);
    free(temporary);
    free(final);
    return ok;
}

/* Fetches one of the two backup lists and backs up every file on it. */
static BOOL back_up_list(struct backup_run *run, HRESULT (WINAPI *get_list)(HBC, LPWSTR *, LPDWORD),
                         const char *get_list_name, const WCHAR *folder, const char *kind)
{
    WCHAR *list = NULL;
    DWORD list_size = 0;
    HRESULT hr;
    BOOL ok;

    if ((hr = get_list(run->hbc, &list, &list_size)))
    {
        report(hr, "%s failed", get_list_name);
        return FALSE;
    }
    ok = copy_listed_files(run, get_list_name, list, list_size, folder, kind);
    DsBackupFree(list);
    return ok;
}

/* DIR\name, created. */
static BOOL create_subfolder(const WCHAR *dir, const WCHAR *name)
{
    WCHAR *path = path_join(dir, name, malloc);
    DWORD error = path ? create_folder(path) : ERROR_NOT_ENOUGH_MEMORY;

    if (error) report_sys((HRESULT)error, "cannot create %s\\%s", u8(dir), u8(name));
    free(path);
    return !error;
}

/* Steps 1 and 2: the directory must be online; a backup context and its token. */
static BOOL prepare_backup(struct backup_run *run, void **token, DWORD *token_size)
{
    BOOL online = FALSE;
    HRESULT hr;

    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed");
        return FALSE;
    }
    if (!online)
    {
        report(hrCouldNotConnect, "the directory service is not online, so it cannot be backed up");
        return FALSE;
    }
    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, token, token_size, &run->hbc)))
    {
        report(hr, "DsBackupPrepareW failed");
        run->hbc = NULL;
        return FALSE;
    }
    if (!*token || !*token_size)
    {
        report(hrMissingExpiryToken, "DsBackupPrepareW returned no expiry token");
        return FALSE;
    }
    return TRUE;
}

/* Step 6: the token is kept with the backup, for a restore; then the manifest
 * makes the backup complete. */
static BOOL save_token_and_manifest(struct backup_run *run, const void *token, DWORD token_size)
{
    WCHAR *path = path_join(run->dir, TOKEN_FILE_NAME, malloc);
    char token_sha256[65];
    BOOL ok;

    if (!path)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot save the expiry token");
        return FALSE;
    }
    sha256_hex_of_bytes(token, token_size, token_sha256);
    ok = write_new_file(path, token, token_size, CREATE_NEW) && write_manifest(run, token_sha256);
    free(path);
    return ok;
}

/* Steps 3 to 6 into the folder, created.  *folder_created says whether it was. */
static BOOL back_up_into(struct backup_run *run, const void *token, DWORD token_size, BOOL *folder_created)
{
    DWORD error;

    if ((error = create_folder(run->dir)))
    {
        report_sys((HRESULT)error, "cannot create the backup folder %s", u8(run->dir));
        return FALSE;
    }
    *folder_created = TRUE;
    if (!create_subfolder(run->dir, L"database") || !create_subfolder(run->dir, L"logs")) return FALSE;
    /* 3. Every database file. */
    if (!back_up_list(run, DsBackupGetDatabaseNamesW, "DsBackupGetDatabaseNamesW", L"database", "database"))
        return FALSE;
    /* 4. Then the logs, which hold what changed while the database was read. */
    if (!back_up_list(run, DsBackupGetBackupLogsW, "DsBackupGetBackupLogsW", L"logs", "log"))
        return FALSE;
    /* The manifest makes the backup complete, so it comes before step 5, the one
     * step that destroys anything: logs are deleted only once their copies are
     * recorded as a complete backup, never for a backup that then fails. */
    return flusher_wait(&run->flusher, TRUE) && save_token_and_manifest(run, token, token_size);
}

/* The whole backup of a checked folder; returns the exit code. */
static int run_backup(struct backup_run *run, BOOL truncate_logs)
{
    BOOL folder_created = FALSE, complete = FALSE;
    DWORD token_size = 0;
    void *token = NULL;
    int status = EXIT_FAILED;
    HRESULT hr;

    if (pipeline_buffers_allocate(&run->buffers) && flusher_start(&run->flusher)
            && prepare_backup(run, &token, &token_size) && back_up_into(run, token, token_size, &folder_created))
    {
        complete = TRUE;
        print("backup complete: %llu files, %llu bytes, in %s\n", (ULONGLONG)run->manifest.count,
              run->total_bytes, u8(run->dir));
        status = EXIT_OK;
        /* 5. Delete the logs that were backed up. */
        if (truncate_logs && (hr = DsBackupTruncateLogs(run->hbc)))
        {
            report(hr, "the backup is complete, but DsBackupTruncateLogs failed");
            status = EXIT_FAILED;
        }
        else if (truncate_logs) print("logs truncated\n");
    }
    flusher_end(&run->flusher);
    if (token) DsBackupFree(token);
    /* 7. End the backup, whether it succeeded or not. */
    if (run->hbc && (hr = DsBackupEnd(run->hbc)))
    {
        report(hr, "DsBackupEnd failed");
        status = EXIT_FAILED;
    }
    if (folder_created && !complete)
        print_error_line("dsbackup: the backup in %s is incomplete: it has no manifest.txt\n", u8(run->dir));
    return status;
}

int cmd_backup(int argc, WCHAR **argv)
{
    struct backup_run run = {0};
    const WCHAR *dir_argument = NULL;
    BOOL truncate_logs = FALSE;
    WCHAR *dir;
    int status = EXIT_FAILED, code;

    if ((code = parse_folder_arguments(argc, argv, "backup", backup_help, L"--truncate-logs", &truncate_logs,
                                       &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0])
        return usage_error(backup_help, "backup: which folder?%s", L"");
    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    run.dir = dir;
    if (check_backup_folder(dir)) status = run_backup(&run, truncate_logs);
    manifest_free(&run.manifest);
    pipeline_buffers_free(&run.buffers);
    free(dir);
    return status;
}
