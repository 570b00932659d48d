/*
 * The restore journal on disk (see restore_journal_file.h), in the machine's
 * ProgramData folder (restore_journal_path.h), in the format of restore_journal.h.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <windows.h>
#include "ntds_layout.h"
#include "restore_journal_path.h"
#include "restore_journal.h"
#include "restore_journal_file.h"
#include "durable_file.h"

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

static const WCHAR *journal_path(void)
{
    InitOnceExecuteOnce(&journal_location_once, find_journal_location, NULL, NULL);
    return journal_location_known ? journal_file : NULL;
}

BOOL journal_exists(void)
{
    const WCHAR *path = journal_path();
    return path && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

LONG journal_read(struct stored_registration *r)
{
    const WCHAR *path = journal_path();
    BYTE *bytes;
    DWORD size;
    LONG status;

    memset(r, 0, sizeof(*r));
    if (!path) return ERROR_FILE_NOT_FOUND;
    if ((status = durable_file_read(path, RESTORE_JOURNAL_MAX_BYTES, &bytes, &size))) return status;
    status = restore_journal_decode(bytes, size, r);
    mem_free(bytes);
    return status;
}

LONG journal_write(const struct stored_registration *r)
{
    const WCHAR *path = journal_path();
    BYTE *bytes;
    size_t size;
    LONG status;

    if ((status = restore_journal_encode(r, &bytes, &size))) return status;
    if (!path) status = ERROR_PATH_NOT_FOUND;
    else
    {
        CreateDirectoryW(journal_folder, NULL);
        status = durable_file_replace(path, bytes, (DWORD)size);
    }
    mem_free(bytes);
    return status;
}

void journal_delete(void)
{
    const WCHAR *path = journal_path();
    if (path) DeleteFileW(path);
}
