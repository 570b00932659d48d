/*
 * A file in a folder (path_join.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "path_join.h"

/* Not wcslen: natively, wchar_t is not WCHAR. */
static size_t length_of(const WCHAR *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

WCHAR *path_join(const WCHAR *dir, const WCHAR *name, void *(*alloc)(size_t size))
{
    size_t dir_len = length_of(dir), name_len = length_of(name);
    BOOL separator = dir_len && dir[dir_len - 1] != '\\' && dir[dir_len - 1] != '/';
    WCHAR *joined = alloc((dir_len + separator + name_len + 1) * sizeof(WCHAR));

    if (!joined) return NULL;
    memcpy(joined, dir, dir_len * sizeof(WCHAR));
    if (separator) joined[dir_len] = '\\';
    memcpy(joined + dir_len + separator, name, (name_len + 1) * sizeof(WCHAR));
    return joined;
}
