/*
 * Double-NUL-terminated name lists (see name_list.h and docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "name_list.h"
#include "memory.h"

void name_list_init(struct name_list *list)
{
    list->chars = NULL;
    list->length = 0;
    list->capacity = 0;
}

static BOOL reserve(struct name_list *list, size_t extra)
{
    size_t needed = list->length + extra, capacity;
    WCHAR *grown;

    if (needed <= list->capacity) return TRUE;
    capacity = list->capacity ? list->capacity : 256;
    while (capacity < needed) capacity *= 2;
    if (!(grown = mem_realloc(list->chars, capacity * sizeof(WCHAR)))) return FALSE;
    list->chars = grown;
    list->capacity = capacity;
    return TRUE;
}

BOOL name_list_append(struct name_list *list, WCHAR bft, const WCHAR *path)
{
    size_t length = wstr_len(path);

    if (!reserve(list, length + 2 + 1)) return FALSE;   /* BFT, path, NUL, list NUL */
    list->chars[list->length++] = bft;
    memcpy(list->chars + list->length, path, length * sizeof(WCHAR));
    list->length += length;
    list->chars[list->length++] = 0;
    return TRUE;
}

BOOL name_list_finish(struct name_list *list, WCHAR **buffer, DWORD *bytes)
{
    /* An empty list still has two terminators: an empty entry, then the end. */
    size_t extra = list->length ? 1 : 2;

    if (!reserve(list, extra)) return FALSE;
    while (extra--) list->chars[list->length++] = 0;
    *buffer = list->chars;
    *bytes = (DWORD)(list->length * sizeof(WCHAR));
    name_list_init(list);
    return TRUE;
}

void name_list_discard(struct name_list *list)
{
    mem_free(list->chars);
    name_list_init(list);
}

const WCHAR *name_list_next(const WCHAR *list, const WCHAR *entry)
{
    if (!entry) entry = list;
    else entry += wstr_len(entry) + 1;
    return *entry ? entry : NULL;
}

HRESULT name_list_to_ansi(const WCHAR *list, narrow_path_fn narrow, char **buffer, DWORD *bytes)
{
    const WCHAR *entry;
    size_t total = 0, used = 0, n;
    char *out;

    for (entry = name_list_next(list, NULL); entry; entry = name_list_next(list, entry))
    {
        if (!(n = narrow(entry + 1, NULL, 0))) return ERROR_NO_UNICODE_TRANSLATION;
        total += 1 + n;
    }
    total += total ? 1 : 2;
    if (!(out = mem_alloc(total))) return ERROR_NOT_ENOUGH_MEMORY;
    for (entry = name_list_next(list, NULL); entry; entry = name_list_next(list, entry))
    {
        out[used++] = (char)(BYTE)entry[0];
        if (!(n = narrow(entry + 1, out + used, total - used)))
        {
            mem_free(out);
            return ERROR_NO_UNICODE_TRANSLATION;
        }
        used += n;
    }
    while (used < total) out[used++] = 0;
    *buffer = out;
    *bytes = (DWORD)total;
    return S_OK;
}

HRESULT name_list_deliver(struct name_list *list, narrow_path_fn narrow, void **list_out, DWORD *size_out)
{
    WCHAR *wide;
    DWORD wide_size;
    HRESULT hr;

    if (!name_list_finish(list, &wide, &wide_size))
    {
        name_list_discard(list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!narrow)
    {
        *list_out = wide;
        *size_out = wide_size;
        return S_OK;
    }
    hr = name_list_to_ansi(wide, narrow, (char **)list_out, size_out);
    mem_free(wide);
    return hr;
}
