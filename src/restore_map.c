/*
 * DsRestoreRegister argument validation (see restore_map.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "restore_map.h"

static BOOL is_drive_letter(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static BOOL is_forbidden_char(WCHAR c)
{
    return c < 0x20 || c == '/' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<'
           || c == '>' || c == '|';
}

/* CON, PRN, AUX, NUL, COM1-9 and LPT1-9, alone or with an extension, name
 * devices in every folder. */
static BOOL is_device_name(const WCHAR *component, size_t length)
{
    static const char *const names[] = {"CON", "PRN", "AUX", "NUL"};
    size_t stem = 0, i, j;

    while (stem < length && component[stem] != '.') stem++;
    for (i = 0; i < 4; i++)
    {
        if (stem != 3) break;
        for (j = 0; j < 3 && wchar_upper_ascii(component[j]) == (WCHAR)names[i][j]; j++) ;
        if (j == 3) return TRUE;
    }
    if (stem == 4 && component[3] >= '1' && component[3] <= '9')
    {
        WCHAR a = wchar_upper_ascii(component[0]), b = wchar_upper_ascii(component[1]),
              c = wchar_upper_ascii(component[2]);
        if ((a == 'C' && b == 'O' && c == 'M') || (a == 'L' && b == 'P' && c == 'T')) return TRUE;
    }
    return FALSE;
}

/* Checks the components of "a\b\c" (no leading separator). */
static BOOL components_are_plain(const WCHAR *p, size_t min_components)
{
    size_t components = 0, length;

    while (*p)
    {
        length = 0;
        while (p[length] && p[length] != '\\')
        {
            if (is_forbidden_char(p[length])) return FALSE;
            length++;
        }
        if (!length) return FALSE;                                   /* "\\" inside */
        if (p[length - 1] == '.' || p[length - 1] == ' ') return FALSE;  /* ".", "..", "x." */
        if (is_device_name(p, length)) return FALSE;
        components++;
        p += length;
        if (*p == '\\')
        {
            p++;
            if (!*p) break;      /* one trailing separator is allowed */
        }
    }
    return components >= min_components;
}

BOOL path_is_plain_absolute(const WCHAR *path)
{
    size_t length;

    if (!path) return FALSE;
    length = wstr_len_bounded(path, NTDSBCLI_MAX_PATH + 1);
    if (length > NTDSBCLI_MAX_PATH || length < 3) return FALSE;
    if (is_drive_letter(path[0]) && path[1] == ':' && path[2] == '\\')
        return !path[3] || components_are_plain(path + 3, 1);
    if (path[0] == '\\' && path[1] == '\\')
        return components_are_plain(path + 2, 2);     /* server and share at least */
    return FALSE;
}

static BOOL paths_equal(const WCHAR *a, const WCHAR *b)
{
    while (*a && *b && wchar_upper_ascii(*a) == wchar_upper_ascii(*b)) { a++; b++; }
    if (*a == '\\' && !a[1]) a++;
    if (*b == '\\' && !b[1]) b++;
    return !*a && !*b;
}

BOOL path_matches_any(const WCHAR *path, const WCHAR *const *accepted, size_t accepted_count)
{
    size_t i;

    for (i = 0; i < accepted_count; i++)
        if (accepted[i] && paths_equal(path, accepted[i])) return TRUE;
    return FALSE;
}

BOOL path_is_in_folder(const WCHAR *path, const WCHAR *folder)
{
    size_t folder_length = wstr_len(folder), i;

    if (folder_length && folder[folder_length - 1] == '\\') folder_length--;
    for (i = 0; i < folder_length; i++)
        if (wchar_upper_ascii(path[i]) != wchar_upper_ascii(folder[i])) return FALSE;
    path += folder_length;
    if (*path++ != '\\' || !*path) return FALSE;
    for (; *path; path++)
        if (*path == '\\') return FALSE;
    return TRUE;
}

static BOOL path_in_any_folder(const WCHAR *path, const WCHAR *const *folders, size_t folder_count)
{
    size_t i;

    for (i = 0; i < folder_count; i++)
        if (folders[i] && path_is_in_folder(path, folders[i])) return TRUE;
    return FALSE;
}

HRESULT restore_map_validate(const WCHAR *const *old_names, const WCHAR *const *new_names, long count,
                             const struct restore_targets *targets)
{
    BOOL database_mapped = FALSE, is_database;
    long i;

    if (count < 1 || count > RESTORE_MAP_MAX_ENTRIES || !old_names || !new_names)
        return ERROR_INVALID_PARAMETER;
    for (i = 0; i < count; i++)
    {
        if (!path_is_plain_absolute(old_names[i]) || !path_is_plain_absolute(new_names[i]))
            return ERROR_INVALID_PARAMETER;
        is_database = path_matches_any(new_names[i], targets->database, targets->database_count);
        if (!is_database && !path_in_any_folder(new_names[i], targets->folders, targets->folder_count))
            return ERROR_INVALID_PARAMETER;
        database_mapped |= is_database;
    }
    return database_mapped ? S_OK : ERROR_INVALID_PARAMETER;
}

HRESULT log_generation_range_validate(ULONG low, ULONG high)
{
    return (low <= high && high <= LOG_GENERATION_MAX) ? S_OK : ERROR_INVALID_PARAMETER;
}
