/*
 * dsbackup restore: the plan.  What the verified backup holds must be something
 * this program can restore; the locations the DLL gives say where each file
 * goes (restore.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "restore.h"
#include "ntds_layout.h"

void restore_plan_free(struct restore_plan *plan)
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
BOOL check_restorable(struct restore_plan *plan)
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
    if (!(plan->backup_log_path = path_join(plan->dir, L"logs", malloc)))
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
BOOL parse_locations(struct restore_plan *plan, const WCHAR *list, DWORD list_bytes)
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
    if (!(item->source = path_join(plan->dir, entry->path, malloc)))
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
BOOL plan_targets(struct restore_plan *plan)
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

        if (entry->bft == 0x21 && !add_item(plan, entry, "log", path_join(plan->log_dir, base, malloc)))
            goto no_memory;
    }
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->path);

        if (entry->bft == 0x25 && !add_item(plan, entry, "patch file", path_join(plan->checkpoint_dir, base, malloc)))
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
