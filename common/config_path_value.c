/*
 * The rule for the directory's configured paths (config_path.h), for a value as
 * the registry holds it: its type, its length, the expansion of a REG_EXPAND_SZ
 * value, then config_path_normalize.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include "config_path.h"

size_t config_path_value_chars(DWORD type, const WCHAR *value)
{
    size_t chars = wcslen(value) + 1;
    DWORD expanded;

    if (type == REG_EXPAND_SZ && chars <= CONFIG_PATH_MAX_CHARS + 1)
        /* 0 only for a result over the 32K characters Windows expands at most. */
        chars = (expanded = ExpandEnvironmentStringsW(value, NULL, 0)) ? expanded : CONFIG_PATH_MAX_CHARS + 1;
    return chars < CONFIG_PATH_MAX_CHARS + 1 ? chars : CONFIG_PATH_MAX_CHARS + 1;
}

enum config_path_status config_path_from_value(DWORD type, const WCHAR *value, WCHAR *out, size_t out_chars)
{
    size_t length;
    DWORD expanded;

    if (type != REG_SZ && type != REG_EXPAND_SZ) return CONFIG_PATH_NOT_STRING;
    if (!value || !value[0] || !out || !out_chars) return CONFIG_PATH_EMPTY;
    if (out_chars > CONFIG_PATH_MAX_CHARS + 1) out_chars = CONFIG_PATH_MAX_CHARS + 1;
    if ((length = wcslen(value)) > CONFIG_PATH_MAX_CHARS) return CONFIG_PATH_TOO_LONG;
    if (type == REG_EXPAND_SZ)
    {
        expanded = ExpandEnvironmentStringsW(value, out, (DWORD)out_chars);
        if (!expanded || expanded > out_chars) return CONFIG_PATH_TOO_LONG;
    }
    else if (length + 1 > out_chars) return CONFIG_PATH_TOO_LONG;
    else memcpy(out, value, (length + 1) * sizeof(WCHAR));
    /* Normalised where it was expanded: the path never grows. */
    return config_path_normalize(out, out, out_chars);
}
