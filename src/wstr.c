/*
 * UTF-16 string helpers that do not depend on the C library's wchar_t, which is
 * 32 bits wide in the native builds.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "portable.h"
#include "memory.h"

size_t wstr_len(const WCHAR *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

size_t wstr_len_bounded(const WCHAR *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}

/* Path names compare without regard to ASCII case, as NTFS and Wine's mapping of
 * DOS names do for the names this DLL builds itself. */
WCHAR wchar_upper_ascii(WCHAR c)
{
    return (c >= 'a' && c <= 'z') ? (WCHAR)(c - 'a' + 'A') : c;
}

int wstr_equal_nocase(const WCHAR *a, const WCHAR *b)
{
    while (*a && wchar_upper_ascii(*a) == wchar_upper_ascii(*b)) { a++; b++; }
    return wchar_upper_ascii(*a) == wchar_upper_ascii(*b);
}

WCHAR *wstr_dup(const WCHAR *s)
{
    size_t bytes = (wstr_len(s) + 1) * sizeof(WCHAR);
    WCHAR *copy = mem_alloc(bytes);
    if (copy) memcpy(copy, s, bytes);
    return copy;
}
