/*
 * What the units of dsbackup_tests.exe share: dsbackup's own declarations and
 * a few file helpers.  The units test parts of dsbackup (tools/dsbackup/) that
 * need Windows' threads and files, so they run under Wine only; the parts that
 * do not are in tests/unit/.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef DSBACKUP_TESTS_H
#define DSBACKUP_TESTS_H

#include "dsbackup.h"
#include "wine/test.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* PATH = the temporary folder's NAME. */
static inline void temp_path(WCHAR path[MAX_PATH], const WCHAR *name)
{
    DWORD length = GetTempPathW(MAX_PATH, path);

    if (!length || length + wcslen(name) >= MAX_PATH) path[0] = 0;
    else wcscat(path, name);
}

/* Pseudo-random bytes, the same for the same offset whatever the pieces. */
static inline void generate(ULONGLONG offset, BYTE *buffer, DWORD size)
{
    DWORD i;

    for (i = 0; i < size; i++)
        buffer[i] = (BYTE)(((offset + i) * 2654435761u) >> 13);
}

static inline HANDLE create_for_writing(const WCHAR *path)
{
    return CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* The file holds exactly SIZE bytes, DATA. */
static inline BOOL file_has(const WCHAR *path, const void *data, DWORD size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BYTE buffer[256];
    DWORD got = 0;
    BOOL same;

    if (file == INVALID_HANDLE_VALUE || size > sizeof(buffer)) return FALSE;
    same = ReadFile(file, buffer, sizeof(buffer), &got, NULL) && got == size && !memcmp(buffer, data, size);
    CloseHandle(file);
    return same;
}

#endif
