/*
 * The lists that DsBackupGetDatabaseNames, DsBackupGetBackupLogs and
 * DsRestoreGetDatabaseLocations return: entries "<BFT><UNC path>\0", then one more
 * NUL.  The list is built in UTF-16 and converted for the A exports, where the BFT
 * code stays one byte with the SDK's value (0x82 is not a character to convert).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_NAME_LIST_H
#define NTDSBCLI_NAME_LIST_H

#include "portable.h"

struct name_list
{
    WCHAR *chars;
    size_t length;     /* WCHARs written, without the final list terminator */
    size_t capacity;
};

void name_list_init(struct name_list *list);
/* Returns FALSE (and leaves the list as it was) when memory runs out. */
BOOL name_list_append(struct name_list *list, WCHAR bft, const WCHAR *path);
/* Hands over the terminated buffer (freed with mem_free) and its size in bytes,
 * terminators included.  An empty list is two NULs. */
BOOL name_list_finish(struct name_list *list, WCHAR **buffer, DWORD *bytes);
void name_list_discard(struct name_list *list);

/* Converts one path (no BFT) to the A code page; returns the bytes written
 * including the NUL, or 0 on failure.  With out == NULL, returns the size needed. */
typedef size_t (*narrow_path_fn)(const WCHAR *path, char *out, size_t out_size);

/* Converts a finished W list to an A list.  Returns S_OK, ERROR_NOT_ENOUGH_MEMORY
 * or ERROR_NO_UNICODE_TRANSLATION (a name with no form in the A code page). */
HRESULT name_list_to_ansi(const WCHAR *list, narrow_path_fn narrow, char **buffer, DWORD *bytes);

/* Finishes the list and hands it to the caller of an export: as it is (narrow ==
 * NULL) or converted for an A export.  On failure the outputs stay NULL/0 and the
 * list is discarded either way. */
HRESULT name_list_deliver(struct name_list *list, narrow_path_fn narrow, void **list_out, DWORD *size_out);

/* Iterates a finished W list: returns the next entry (BFT first) or NULL. */
const WCHAR *name_list_next(const WCHAR *list, const WCHAR *entry);

#endif
