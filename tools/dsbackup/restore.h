/*
 * dsbackup restore, shared by its parts: the plan (restore_plan.c: what the
 * verified backup holds and where each file goes) and the replacement of the
 * files (restore_files.c); restore.c runs the documented sequence around them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef DSBACKUP_RESTORE_H
#define DSBACKUP_RESTORE_H

#include "dsbackup.h"

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

void restore_plan_free(struct restore_plan *plan);
/* What the verified manifest holds must be something dsbackup can restore. */
BOOL check_restorable(struct restore_plan *plan);
/* The list DsRestoreGetDatabaseLocations gave, into the plan. */
BOOL parse_locations(struct restore_plan *plan, const WCHAR *list, DWORD list_bytes);
/* Where each file of the backup goes. */
BOOL plan_targets(struct restore_plan *plan);
/* Step 6, the application's part: only ever called with the restore registered. */
HRESULT replace_files(const struct restore_plan *plan, struct pipeline_buffers *buffers);

#endif
