/*
 * The rule for the directory's configured paths (config_path.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config_path.h"

static int is_separator(WCHAR c)
{
    return c == '\\' || c == '/';
}

static int is_drive_letter(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Length of the name at P, up to the next separator or the end. */
static size_t name_length(const WCHAR *p)
{
    size_t n = 0;
    while (p[n] && !is_separator(p[n])) n++;
    return n;
}

/* "." or "..": no name a server or a share can have. */
static int is_dot_name(const WCHAR *p, size_t n)
{
    return (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
}

/* Copies the root ("X:\" or "\\server\share") into OUT; returns its length and
 * sets *rest to what follows, or 0 if PATH has no root. */
static size_t copy_root(const WCHAR *path, WCHAR *out, size_t out_chars, const WCHAR **rest, int *too_long)
{
    size_t server, share, length, i;

    *too_long = 0;
    if (is_drive_letter(path[0]) && path[1] == ':' && is_separator(path[2]))
    {
        if (out_chars < 4) return *too_long = 1, 0;
        out[0] = path[0];
        out[1] = ':';
        out[2] = '\\';
        *rest = path + 3;
        return 3;
    }
    if (!is_separator(path[0]) || !is_separator(path[1])) return 0;
    server = name_length(path + 2);
    if (!server || !is_separator(path[2 + server]) || is_dot_name(path + 2, server)) return 0;
    share = name_length(path + 3 + server);
    if (!share || is_dot_name(path + 3 + server, share)) return 0;
    length = 2 + server + 1 + share;
    if (length + 1 > out_chars) return *too_long = 1, 0;
    out[0] = out[1] = '\\';
    for (i = 2; i < length; i++) out[i] = is_separator(path[i]) ? '\\' : path[i];
    *rest = path + length;
    return length;
}

enum config_path_status config_path_normalize(const WCHAR *expanded, WCHAR *out, size_t out_chars)
{
    const WCHAR *p, *name;
    size_t root, used, n, i;
    int too_long;

    if (!expanded || !expanded[0] || !out || !out_chars) return CONFIG_PATH_EMPTY;
    if (!(root = copy_root(expanded, out, out_chars, &p, &too_long)))
        return too_long ? CONFIG_PATH_TOO_LONG : CONFIG_PATH_RELATIVE;
    used = root;
    while (*p)
    {
        while (is_separator(*p)) p++;
        name = p;
        n = name_length(p);
        p += n;
        if (!n || (n == 1 && name[0] == '.')) continue;
        if (n == 2 && name[0] == '.' && name[1] == '.')
        {
            /* Up one name, never above the root. */
            while (used > root && out[used - 1] != '\\') used--;
            if (used > root) used--;
            continue;
        }
        if (used + (out[used - 1] != '\\') + n + 1 > out_chars) return CONFIG_PATH_TOO_LONG;
        if (out[used - 1] != '\\') out[used++] = '\\';
        for (i = 0; i < n; i++) out[used++] = name[i];
    }
    /* The last name of what is left: Windows drops its trailing dots and spaces,
     * and a name that was nothing else goes with its separator. */
    for (;;)
    {
        size_t end = used;
        while (used > root && (out[used - 1] == '.' || out[used - 1] == ' ')) used--;
        if (used == end || used == root || out[used - 1] != '\\') break;
        used--;
    }
    out[used] = 0;
    return CONFIG_PATH_OK;
}
