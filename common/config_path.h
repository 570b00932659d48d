/*
 * The one rule for a path the directory's configuration names (the values of
 * NTDS\Parameters), for the DLL, the NTDS stand-in and dsbackup alike, so that
 * they cannot disagree about whether the database is configured: once its
 * environment strings are expanded, the path must be absolute (X:\... or
 * \\server\share...); "." and ".." are resolved, "/" and doubled separators
 * become one "\", the trailing dots and spaces of the last name go (as Windows
 * drops them), and so does a trailing separator, except the root's.
 *
 * Pure: no system call, so it builds natively and is unit-tested and fuzzed
 * there (tests/unit/test_config_path.c, tests/fuzz).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_CONFIG_PATH_H
#define NTDSBCLI_CONFIG_PATH_H

#include <stddef.h>
#ifdef _WIN32
#include <windows.h>
#else
#include "portable.h"   /* the DLL's native builds (unit tests, fuzzers) */
#endif

enum config_path_status
{
    CONFIG_PATH_OK,
    CONFIG_PATH_EMPTY,        /* an empty value */
    CONFIG_PATH_RELATIVE,     /* not X:\... nor \\server\share...: not configured */
    CONFIG_PATH_TOO_LONG      /* longer than OUT_CHARS - 1 once normalised */
};

/* Normalises EXPANDED into OUT (OUT_CHARS WCHARs, terminator included); OUT
 * holds the path only with CONFIG_PATH_OK. */
enum config_path_status config_path_normalize(const WCHAR *expanded, WCHAR *out, size_t out_chars);

#endif
