/*
 * dsbackup restore DIR: the documented restore sequence: verify the backup; DsIsNTDSOnline must say offline;
 * DsRestorePrepare with the saved token; DsRestoreGetDatabaseLocations;
 * DsRestoreRegister; replace the files through the UNC paths the DLL gave (the
 * database through a temporary name and MoveFileExW; in the destination folders
 * only the transaction logs edb.log and edbXXXXX.log and the checkpoint edb.chk
 * are deleted); read every written file back; DsRestoreRegisterComplete with
 * S_OK, or with the failure's code so that the directory stays offline;
 * DsRestoreEnd.
 *
 * A restore that failed or stopped half way (the program crashed, was killed)
 * is finished by restoring again: the DLL lets a new registration replace one
 * that can no longer complete (docs/behaviour.md, "Restore").  --resume, which
 * once completed the registration left behind, is still accepted and means the
 * same as a plain restore.
 *
 * Test hook: DSBACKUP_TEST_CRASH_AFTER_REGISTER=1 in the environment makes restore
 * terminate its own process (TerminateProcess, exit code 99) right after
 * DsRestoreRegisterW succeeds, leaving a registered restore that is never
 * completed, as a crash would (tests/roundtrip/run.sh).  Nothing else reads it.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"
#include "ntds_layout.h"

#define RESTORE_TEMP_SUFFIX L".dsbackup-tmp"
#define MAX_TOKEN_SIZE      65536
#define TEST_CRASH_HOOK     L"DSBACKUP_TEST_CRASH_AFTER_REGISTER"


static const char restore_help[] =
    "Usage: dsbackup restore DIR\n"
    "\n"
    "Restores the directory database from the backup in DIR, made by\n"
    "'dsbackup backup DIR', in the documented order of ntdsbcli.dll:\n"
    "  1. checks the backup as 'dsbackup verify DIR' does (the manifest and its\n"
    "     'end' line, the size and SHA-256 of every file and of the expiry token)\n"
    "     before anything is changed;\n"
    "  2. the directory must be offline (DsIsNTDSOnline): take it offline first\n"
    "     with 'dsbackup offline' (which stops the NTDS service, or marks the\n"
    "     directory offline where no service is registered);\n"
    "  3. DsRestorePrepare with DIR\\expiry.token: a damaged token is refused\n"
    "     (hrUnknownExpiryTokenFormat), and so is a backup older than the tombstone\n"
    "     lifetime (hrContentsExpired);\n"
    "  4. DsRestoreGetDatabaseLocations tells where the database, the logs and\n"
    "     the checkpoint go;\n"
    "  5. DsRestoreRegister registers the restore: from now until it completes,\n"
    "     the directory service does not start. A restore registered earlier\n"
    "     that failed or never completed (its program stopped) is replaced;\n"
    "     one still running elsewhere is not (hrRestoreInProgress);\n"
    "  6. replaces the files: in the log folder it deletes the transaction logs\n"
    "     (edb.log and edbXXXXX.log) and in the checkpoint folder the checkpoint\n"
    "     (edb.chk). ONLY these are deleted: every other file in those folders is\n"
    "     left alone. It writes the database under a temporary name in its folder\n"
    "     and renames it over the old one, copies the backed-up logs in, and reads\n"
    "     every written file back to check its SHA-256;\n"
    "  7. DsRestoreRegisterComplete: after success the directory may be brought\n"
    "     online again ('dsbackup online'); after a failure the restore stays\n"
    "     registered and the directory does not start until a restore completes:\n"
    "     correct the cause and run the same restore again.\n"
    "\n"
    "  --resume  accepted for scripts written for earlier versions: the same as\n"
    "            restoring again, which replaces an unfinished registration.\n"
    "\n"
    "Test hook: with DSBACKUP_TEST_CRASH_AFTER_REGISTER=1 in the environment, the\n"
    "program terminates itself (exit code 99) right after step 5, as a crash would.\n"
    "\n"
    "Exit status: 0 restored, 1 refused or failed (nothing was changed unless the\n"
    "restore had been registered), 2 usage error.\n";

/* The refusal of a restore while the directory is online, saying what to do. */
static void report_online(const char *what)
{
    struct ntds_service service;

    query_ntds_service(&service);
    if (service.known && !service.registered)
        report(hrDatabaseInUse, "%s: the directory is online (no NTDS service is registered, so a database "
               "that exists counts as in use until it is marked offline): run 'dsbackup offline', then "
               "restore again", what);
    else
        report(hrDatabaseInUse, "%s: the directory service is online: stop it first with "
               "'dsbackup offline' (or 'net stop NTDS'), then restore again", what);
}

struct restore_item
{
    const struct manifest_entry *entry;
    const char *kind;           /* "database", "log", "patch file" */
    WCHAR *source;              /* DIR\relative path */
    WCHAR *target;              /* a UNC path from DsRestoreGetDatabaseLocations */
};

struct restore_plan
{
    const WCHAR *dir;
    struct manifest manifest;
    const struct manifest_entry *database;
    ULONG generation_low, generation_high;
    WCHAR *backup_log_path;     /* DIR\logs */
    WCHAR *database_location, *log_dir, *checkpoint_dir;
    struct restore_item *items; /* the database, the logs, the patch files */
    size_t item_count;
    ULONGLONG total_bytes;
};

static void restore_plan_free(struct restore_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->item_count; i++)
    {
        free(plan->items[i].source);
        free(plan->items[i].target);
    }
    free(plan->items);
    free(plan->backup_log_path);
    free(plan->database_location);
    free(plan->log_dir);
    free(plan->checkpoint_dir);
    manifest_free(&plan->manifest);
}

/* What the verified manifest holds must be something this program can restore:
 * one database, transaction logs in DIR\logs, patch files; nothing unknown. */
static BOOL check_restorable(struct restore_plan *plan)
{
    enum ntds_log_name_kind kind;
    BOOL have_generation = FALSE;
    unsigned long generation;
    DWORD attributes;
    size_t i;

    plan->generation_low = plan->generation_high = 0;
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->path);

        switch (entry->bft)
        {
        case 0x44:      /* BFT_NTDS_DATABASE */
            if (plan->database)
            {
                report_sys(ERROR_INVALID_DATA, "the backup holds two database files, %s and %s; the directory "
                           "has one", u8(plan->database->path), u8(entry->path));
                return FALSE;
            }
            plan->database = entry;
            break;
        case 0x21:      /* BFT_LOG */
            if (_wcsnicmp(entry->path, L"logs\\", 5) || wcschr(entry->path + 5, '\\')
                    || wcschr(entry->path + 5, '/'))
            {
                report_sys(ERROR_INVALID_DATA, "the log %s is not in the backup's logs folder, where "
                           "'dsbackup backup' puts logs", u8(entry->path));
                return FALSE;
            }
            if ((kind = ntds_log_name_classify(base, &generation)) == NTDS_LOG_NAME_OTHER)
            {
                report_sys(ERROR_INVALID_DATA, "the backed-up log %s is not named as a transaction log "
                           "(edb.log or edbXXXXX.log)", u8(entry->path));
                return FALSE;
            }
            if (kind == NTDS_LOG_NAME_NUMBERED)
            {
                if (!have_generation || generation < plan->generation_low) plan->generation_low = generation;
                if (!have_generation || generation > plan->generation_high) plan->generation_high = generation;
                have_generation = TRUE;
            }
            break;
        case 0x25:      /* BFT_PATCH_FILE: into the checkpoint folder */
            if (ntds_log_name_classify(base, NULL) != NTDS_LOG_NAME_OTHER || !_wcsicmp(base, NTDS_CHECKPOINT_NAME))
            {
                report_sys(ERROR_INVALID_DATA, "the patch file %s has the name of a log or of the checkpoint",
                           u8(entry->path));
                return FALSE;
            }
            break;
        default:
            report_sys(ERROR_INVALID_DATA, "the backup holds %s with the file type %#x, which this program "
                       "does not know where to restore", u8(entry->path), entry->bft);
            return FALSE;
        }
    }
    if (!plan->database)
    {
        report_sys(ERROR_INVALID_DATA, "the backup in %s holds no database file (type 44)", u8(plan->dir));
        return FALSE;
    }
    if (!(plan->backup_log_path = path_join(plan->dir, L"logs")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
        return FALSE;
    }
    attributes = GetFileAttributesW(plan->backup_log_path);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        report(attributes == INVALID_FILE_ATTRIBUTES ? (HRESULT)GetLastError() : ERROR_DIRECTORY,
               "the backup's log folder %s is missing", u8(plan->backup_log_path));
        return FALSE;
    }
    return TRUE;
}

/* The list of DsRestoreGetDatabaseLocationsW: exactly one database file, one
 * log folder and one checkpoint folder. */
static BOOL parse_locations(struct restore_plan *plan, const WCHAR *list, DWORD list_bytes)
{
    size_t count = list ? list_bytes / sizeof(WCHAR) : 0, i = 0, end;

    while (i < count && list[i])
    {
        const WCHAR *entry = list + i;
        WCHAR **slot;

        for (end = i; end < count && list[end]; end++) ;
        if (end == count)
        {
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned a list whose last name is "
                       "not terminated");
            return FALSE;
        }
        i = end + 1;
        switch (entry[0])
        {
        case 0x44: slot = &plan->database_location; break;     /* BFT_NTDS_DATABASE */
        case 0x82: slot = &plan->log_dir; break;               /* BFT_LOG_DIR */
        case 0x83: slot = &plan->checkpoint_dir; break;        /* BFT_CHECKPOINT_DIR */
        default:
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned an entry of unknown type "
                       "%#x: %s", (unsigned)entry[0], u8(entry + 1));
            return FALSE;
        }
        if (*slot)
        {
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned two entries of type %#x",
                       (unsigned)entry[0]);
            return FALSE;
        }
        if (!entry[1] || !(*slot = _wcsdup(entry + 1)))
        {
            report(entry[1] ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA,
                   "DsRestoreGetDatabaseLocationsW returned an empty entry of type %#x", (unsigned)entry[0]);
            return FALSE;
        }
    }
    if (!plan->database_location || !plan->log_dir || !plan->checkpoint_dir)
    {
        report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW did not return the %s",
                   !plan->database_location ? "database file (BFT_NTDS_DATABASE)"
                   : !plan->log_dir ? "log folder (BFT_LOG_DIR)" : "checkpoint folder (BFT_CHECKPOINT_DIR)");
        return FALSE;
    }
    return TRUE;
}

/* TRUE if both paths exist and are the very same file or folder. */
static BOOL same_file(const WCHAR *a, const WCHAR *b)
{
    BY_HANDLE_FILE_INFORMATION info_a, info_b;
    HANDLE handle_a, handle_b;
    BOOL same = FALSE;

    handle_a = CreateFileW(a, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (handle_a == INVALID_HANDLE_VALUE) return FALSE;
    handle_b = CreateFileW(b, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (handle_b != INVALID_HANDLE_VALUE)
    {
        if (GetFileInformationByHandle(handle_a, &info_a) && GetFileInformationByHandle(handle_b, &info_b))
            same = info_a.nFileIndexHigh == info_b.nFileIndexHigh && info_a.nFileIndexLow == info_b.nFileIndexLow
                   && info_a.dwVolumeSerialNumber == info_b.dwVolumeSerialNumber;
        CloseHandle(handle_b);
    }
    CloseHandle(handle_a);
    return same;
}

static BOOL add_item(struct restore_plan *plan, const struct manifest_entry *entry, const char *kind,
                     WCHAR *target)
{
    struct restore_item *item;

    if (!target) return FALSE;
    item = &plan->items[plan->item_count];
    item->entry = entry;
    item->kind = kind;
    item->target = target;
    if (!(item->source = path_join(plan->dir, entry->path)))
    {
        free(target);
        return FALSE;
    }
    plan->item_count++;
    plan->total_bytes += entry->size;
    return TRUE;
}

/* Where each backed-up file goes: the database to the database location (the
 * restore map's new name), logs into the log folder, patch files into the
 * checkpoint folder, under their own names. */
static BOOL plan_targets(struct restore_plan *plan)
{
    size_t i, j;

    if (!(plan->items = calloc(plan->manifest.count, sizeof(*plan->items))))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
        return FALSE;
    }
    if (!add_item(plan, plan->database, "database", _wcsdup(plan->database_location))) goto no_memory;
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->path);

        if (entry->bft == 0x21 && !add_item(plan, entry, "log", path_join(plan->log_dir, base)))
            goto no_memory;
    }
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->path);

        if (entry->bft == 0x25 && !add_item(plan, entry, "patch file", path_join(plan->checkpoint_dir, base)))
            goto no_memory;
    }
    for (i = 0; i < plan->item_count; i++)
    {
        for (j = i + 1; j < plan->item_count; j++)
            if (CompareStringOrdinal(plan->items[i].target, -1, plan->items[j].target, -1, TRUE) == CSTR_EQUAL)
            {
                report_sys(ERROR_FILE_EXISTS, "%s and %s would both be restored to %s",
                           u8(plan->items[i].entry->path), u8(plan->items[j].entry->path),
                           u8(plan->items[i].target));
                return FALSE;
            }
        /* A backup kept in the very folders it restores to would delete itself. */
        if (same_file(plan->items[i].source, plan->items[i].target))
        {
            report(hrInvalidPath, "%s is the file it would be restored to, %s: keep the backup "
                   "outside the directory's folders", u8(plan->items[i].source), u8(plan->items[i].target));
            return FALSE;
        }
    }
    return TRUE;
no_memory:
    report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
    return FALSE;
}

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
    WCHAR *pattern = path_join(log_dir, NTDS_LOG_PATTERN), **names = NULL, *path;
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
        if (!(path = path_join(log_dir, names[i])))
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
static HRESULT replace_files(const struct restore_plan *plan, struct pipeline_buffers *buffers)
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
    if (!(checkpoint = path_join(plan->checkpoint_dir, NTDS_CHECKPOINT_NAME)))
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

struct restore_run
{
    const WCHAR *dir;           /* absolute */
    BOOL resume;
    struct restore_plan plan;
    WCHAR *token_path, *locations;
    char *token;
    size_t token_size;
    struct pipeline_buffers buffers;
    HBC hbc;
};

/* Steps 1 and the service's own state: the directory must be offline. */
static BOOL check_offline(void)
{
    struct ntds_service service;
    BOOL online = TRUE;
    HRESULT hr;

    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed; nothing was changed");
        return FALSE;
    }
    if (online)
    {
        report_online("restore refused, nothing was changed");
        return FALSE;
    }
    /* The DLL calls every state but "running" offline; a service that is still
     * starting or stopping may hold the database, so only "stopped" will do. */
    query_ntds_service(&service);
    if (service.known && service.registered && service.status.dwCurrentState != SERVICE_STOPPED)
    {
        report(hrDatabaseInUse, "restore refused, nothing was changed: the NTDS service is %s; wait until it "
               "is stopped ('sc query NTDS'), then restore again", service_state_name(service.status.dwCurrentState));
        return FALSE;
    }
    return TRUE;
}

/* Step 2: a full restore context, from the token saved with the backup. */
static BOOL prepare_restore(struct restore_run *run)
{
    HRESULT hr = DsRestorePrepareW(NULL, 0, run->token, (DWORD)run->token_size, &run->hbc);

    if (!hr) return TRUE;
    run->hbc = NULL;
    if (hr == hrDatabaseInUse) report_online("DsRestorePrepareW refused the restore, nothing was changed");
    else if (hr == hrContentsExpired)
        report(hr, "DsRestorePrepareW refused the backup in %s: it is older than the tombstone lifetime, "
               "and restoring it could bring back objects the rest of the forest has deleted; nothing "
               "was changed", u8(run->dir));
    else if (hr == hrUnknownExpiryTokenFormat)
        report(hr, "DsRestorePrepareW refused %s: it is not an expiry token this DLL wrote, or it is "
               "damaged; nothing was changed", u8(run->token_path));
    else report(hr, "DsRestorePrepareW failed; nothing was changed");
    return FALSE;
}

/* Step 3: where the files go, and the plan. */
static BOOL locate_targets(struct restore_run *run)
{
    struct restore_plan *plan = &run->plan;
    DWORD locations_size = 0;
    HRESULT hr;

    if ((hr = DsRestoreGetDatabaseLocationsW(run->hbc, &run->locations, &locations_size)))
    {
        run->locations = NULL;
        report(hr, "DsRestoreGetDatabaseLocationsW failed; nothing was changed");
        return FALSE;
    }
    if (!parse_locations(plan, run->locations, locations_size) || !plan_targets(plan)) return FALSE;
    print("restoring %s: database to %s, logs to %s, checkpoint folder %s\n", u8(run->dir),
          u8(plan->database_location), u8(plan->log_dir), u8(plan->checkpoint_dir));
    return TRUE;
}

/* Step 4, register: from here the directory cannot start until the restore
 * completes.  A registration left by a restore that failed or stopped is
 * replaced by the DLL. */
static BOOL register_restore(struct restore_run *run)
{
    struct restore_plan *plan = &run->plan;
    EDB_RSTMAPW map;
    HRESULT hr;

    map.wszDatabaseName = plan->database->unc;
    map.wszNewDatabaseName = plan->database_location;
    hr = DsRestoreRegisterW(run->hbc, plan->checkpoint_dir, plan->log_dir, &map, 1, plan->backup_log_path,
                            plan->generation_low, plan->generation_high);
    if (hr == hrRestoreInProgress)
    {
        report(hr, "DsRestoreRegisterW refused: another restore is registered and its program still "
               "runs; nothing was changed. Wait for it to end ('dsbackup status' shows its process), "
               "then restore again");
        return FALSE;
    }
    if (hr == hrDatabaseInUse) report_online("DsRestoreRegisterW refused the restore, nothing was changed");
    else if (hr) report(hr, "DsRestoreRegisterW failed; nothing was changed");
    if (hr) return FALSE;
    print("registered the restore: %s -> %s, logs %05lX..%05lX from %s\n", u8(map.wszDatabaseName),
          u8(map.wszNewDatabaseName), plan->generation_low, plan->generation_high, u8(plan->backup_log_path));
    if (environment_flag(TEST_CRASH_HOOK))
    {
        print_error_line("dsbackup: test hook DSBACKUP_TEST_CRASH_AFTER_REGISTER: terminating right "
                         "after DsRestoreRegisterW\n");
        TerminateProcess(GetCurrentProcess(), 99);
    }
    return TRUE;
}

/* Steps 5 and 6: replace the files, then report the outcome: only success lets
 * the directory start again.  Returns the exit code. */
static int replace_and_complete(struct restore_run *run)
{
    HRESULT restore_hr = replace_files(&run->plan, &run->buffers), hr;
    char description[1200];

    if ((hr = DsRestoreRegisterComplete(run->hbc, restore_hr ? restore_hr : S_OK)))
    {
        report(hr, "DsRestoreRegisterComplete failed: the restore stays registered and the directory "
               "service will not start; run 'dsbackup restore %s' again", u8(run->dir));
        return EXIT_FAILED;
    }
    if (restore_hr)
    {
        print_error_line("dsbackup: the restore FAILED. It stays registered, so the directory service will "
                         "not start on these files; correct the cause, then run 'dsbackup restore %s' again. "
                         "Status recorded: %s\n", u8(run->dir), describe_code(restore_hr, description, sizeof(description)));
        return EXIT_FAILED;
    }
    print("restore complete: %llu files, %llu bytes; the directory may be brought online again "
          "('dsbackup online')\n", (ULONGLONG)run->plan.item_count, run->plan.total_bytes);
    return EXIT_OK;
}

/* The backup must be whole before anything is touched; then its token. */
static BOOL check_backup(struct restore_run *run)
{
    if (!verify_backup(run->dir, &run->buffers, &run->plan.manifest) || !check_restorable(&run->plan))
    {
        print_error_line("dsbackup: restore refused: %s is not a complete, intact backup; nothing was changed\n",
                         u8(run->dir));
        return FALSE;
    }
    if (!(run->token_path = path_join(run->dir, TOKEN_FILE_NAME)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot read the expiry token");
        return FALSE;
    }
    return read_whole_file(run->token_path, MAX_TOKEN_SIZE, &run->token, &run->token_size);
}

static int run_restore(struct restore_run *run)
{
    int status = EXIT_FAILED;
    HRESULT hr;

    if (!pipeline_buffers_allocate(&run->buffers)) return EXIT_FAILED;
    if (check_backup(run) && check_offline() && prepare_restore(run) && locate_targets(run)
            && register_restore(run))
        status = replace_and_complete(run);
    if (run->locations) DsBackupFree(run->locations);
    /* 7. End the context; it never undoes a registration. */
    if (run->hbc && (hr = DsRestoreEnd(run->hbc)))
    {
        report(hr, "DsRestoreEnd failed");
        status = EXIT_FAILED;
    }
    return status;
}

int cmd_restore(int argc, WCHAR **argv)
{
    struct restore_run run = {0};
    const WCHAR *dir_argument = NULL;
    WCHAR *dir;
    int status, code;

    if ((code = parse_folder_arguments(argc, argv, "restore", restore_help, L"--resume", &run.resume,
                                       &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0]) return usage_error(restore_help, "restore: which folder?%s", L"");
    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    run.dir = run.plan.dir = dir;
    status = run_restore(&run);
    restore_plan_free(&run.plan);
    free(run.token);
    free(run.token_path);
    pipeline_buffers_free(&run.buffers);
    free(dir);
    return status;
}
