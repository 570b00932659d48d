/*
 * The tools' reading of the directory's configured paths (config_path.h): the
 * value as stored, of whatever length, and the rule applied to it.  The DLL
 * reads through its own platform layer, and applies the same rule.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <windows.h>
#include "config_path.h"
#include "ntds_layout.h"

/* The value as stored, unexpanded, with its type: NULL with *error set, or
 * with *error 0 if it is longer than any path the rule takes. */
static WCHAR *read_string_value(const WCHAR *value_name, DWORD *type, LONG *error)
{
    static const DWORD flags = RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND;
    DWORD size = 0;
    WCHAR *value = NULL, *grown;
    int attempt;

    /* Asked for its size, then read; again if it grew in between. */
    for (attempt = 0; attempt < 4; attempt++)
    {
        *error = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, value_name, flags, type, value, &size);
        if (*error == ERROR_SUCCESS && value)
        {
            value[size / sizeof(WCHAR)] = 0;
            return value;
        }
        if (*error != ERROR_SUCCESS && *error != ERROR_MORE_DATA) break;
        if (size > (CONFIG_PATH_MAX_CHARS + 1) * sizeof(WCHAR))
        {
            *error = ERROR_SUCCESS;
            break;
        }
        /* Room for the terminator RegGetValueW may add, and for one of ours. */
        if (!(grown = realloc(value, size + 2 * sizeof(WCHAR))))
        {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        value = grown;
        size += sizeof(WCHAR);
    }
    free(value);
    return NULL;
}

WCHAR *config_path_read(const WCHAR *value_name, LONG *error, enum config_path_status *status)
{
    WCHAR *value, *path = NULL;
    size_t chars;
    DWORD type;

    *status = CONFIG_PATH_EMPTY;
    if (!(value = read_string_value(value_name, &type, error)))
    {
        if (*error == ERROR_SUCCESS) *status = CONFIG_PATH_TOO_LONG;
        else if (*error == ERROR_UNSUPPORTED_TYPE)
        {
            *error = ERROR_SUCCESS;
            *status = CONFIG_PATH_NOT_STRING;
        }
        return NULL;
    }
    chars = config_path_value_chars(type, value);
    if (!(path = malloc(chars * sizeof(WCHAR)))) *error = ERROR_NOT_ENOUGH_MEMORY;
    else if ((*status = config_path_from_value(type, value, path, chars)) != CONFIG_PATH_OK)
    {
        free(path);
        path = NULL;
    }
    free(value);
    return path;
}

const char *config_path_status_text(enum config_path_status status)
{
    switch (status)
    {
    case CONFIG_PATH_OK:         return "a path";
    case CONFIG_PATH_EMPTY:      return "empty";
    case CONFIG_PATH_RELATIVE:   return "not an absolute path";
    case CONFIG_PATH_TOO_LONG:   return "too long";
    case CONFIG_PATH_NOT_STRING: return "not a string";
    }
    return "not a path";
}
