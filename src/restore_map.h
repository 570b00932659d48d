/*
 * Validation of what DsRestoreRegister is given: paths, the restore map and the
 * log generation range.  Pure functions, fuzzed natively (tests/fuzz).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_RESTORE_MAP_H
#define NTDSBCLI_RESTORE_MAP_H

#include "portable.h"

#define RESTORE_MAP_MAX_ENTRIES 16
#define LOG_GENERATION_MAX 0xFFFFFu

/* TRUE for an absolute path in plain form: "X:\dir\file" or "\\server\share\...",
 * at most NTDSBCLI_MAX_PATH characters, no "." or ".." component, no '/', no empty
 * component, no component ending in '.' or ' ', no DOS device name (CON, NUL,
 * COM1.txt...), no control or wildcard character and no ':' but the drive's, so it
 * cannot name a stream or a device. */
BOOL path_is_plain_absolute(const WCHAR *path);
/* TRUE if path equals one of the accepted paths, ignoring ASCII case and one
 * trailing '\' on either side. */
BOOL path_matches_any(const WCHAR *path, const WCHAR *const *accepted, size_t accepted_count);
/* TRUE if path names a file directly inside folder (one more component, no
 * trailing '\'), ignoring ASCII case and a trailing '\' on the folder. */
BOOL path_is_in_folder(const WCHAR *path, const WCHAR *folder);

/* Where a restore map may put databases: the places DsRestoreGetDatabaseLocations
 * gave, each in its local and UNC forms. */
struct restore_targets
{
    const WCHAR *const *database;    /* the directory database's file */
    size_t database_count;
    const WCHAR *const *folders;     /* its folder, the log folder, the checkpoint folder */
    size_t folder_count;
};

/* S_OK, or ERROR_INVALID_PARAMETER unless: 1 <= count <= RESTORE_MAP_MAX_ENTRIES,
 * every old name is a plain absolute path, every new name is a plain absolute path
 * that is the database file or a file directly inside one of the folders (the
 * system database of the documentation's two-entry map lives there), and at
 * least one new name is the database file. */
HRESULT restore_map_validate(const WCHAR *const *old_names, const WCHAR *const *new_names, long count,
                             const struct restore_targets *targets);
/* S_OK, or ERROR_INVALID_PARAMETER unless low <= high <= LOG_GENERATION_MAX. */
HRESULT log_generation_range_validate(ULONG low, ULONG high);

#endif
