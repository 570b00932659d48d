/*
 * The one rule for a path the directory's configuration names (the values of
 * NTDS\Parameters), for the DLL, the NTDS stand-in and dsbackup alike, so that
 * they cannot disagree about whether the database is configured
 * (docs/behaviour.md, "The directory database"):
 *
 *   - only a REG_SZ or REG_EXPAND_SZ value names a path; the environment strings
 *     of a REG_EXPAND_SZ value are expanded, those of a REG_SZ value are part of
 *     the name, as Windows takes them;
 *   - the value, as stored and once expanded, is at most CONFIG_PATH_MAX_CHARS
 *     long;
 *   - the path must be absolute (X:\... or \\server\share..., "/" counting as
 *     "\"); "." and ".." are resolved, "/" and doubled separators become one
 *     "\", the trailing dots and spaces of the last name go (as Windows drops
 *     them), and so does a trailing separator, except the root's.
 *
 * config_path_normalize, the last step, is pure: no system call, so it builds
 * natively and is unit-tested and fuzzed there (tests/unit/test_config_path.c,
 * tests/fuzz).  config_path_from_value (config_path_value.c) is the whole rule
 * for a value as the registry holds it, read as a string of its type,
 * unexpanded; the DLL reads it through its platform layer.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_CONFIG_PATH_H
#define NTDSBCLI_CONFIG_PATH_H

#include <stddef.h>
#include "portable.h"   /* the types, natively too (unit tests, fuzzers) */

/* The longest configured path, in WCHARs without its terminator: the longest
 * path Windows accepts. */
#define CONFIG_PATH_MAX_CHARS NTDSBCLI_MAX_PATH

enum config_path_status
{
    CONFIG_PATH_OK,
    CONFIG_PATH_EMPTY,        /* an empty value */
    CONFIG_PATH_RELATIVE,     /* not X:\... nor \\server\share...: not configured */
    CONFIG_PATH_TOO_LONG,     /* longer than the buffer, or than CONFIG_PATH_MAX_CHARS */
    CONFIG_PATH_NOT_STRING    /* a value neither REG_SZ nor REG_EXPAND_SZ */
};

/* Normalises EXPANDED into OUT (OUT_CHARS WCHARs, terminator included); OUT
 * holds the path only with CONFIG_PATH_OK.  The path never grows: OUT may be
 * EXPANDED itself, and as many WCHARs as EXPANDED takes always do. */
enum config_path_status config_path_normalize(const WCHAR *expanded, WCHAR *out, size_t out_chars);

/* The whole rule for VALUE (terminated), a value of type TYPE: expanded if it
 * is REG_EXPAND_SZ, then normalised into OUT (OUT_CHARS WCHARs, terminator
 * included).  OUT holds the path only with CONFIG_PATH_OK. */
enum config_path_status config_path_from_value(DWORD type, const WCHAR *value, WCHAR *out, size_t out_chars);
/* The OUT_CHARS that config_path_from_value needs for VALUE: its length, or its
 * expanded length, with the terminator; never more than CONFIG_PATH_MAX_CHARS + 1
 * (a longer value is CONFIG_PATH_TOO_LONG). */
size_t config_path_value_chars(DWORD type, const WCHAR *value);

#ifndef __WINESRC__
/* For the tools, which Wine's tree does not have (config_path_read.c): a value of
 * HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters by the rule, in a
 * new string (free); NULL if the value cannot be read (*error: ERROR_FILE_NOT_FOUND
 * when it is not there) or names no path (*status other than CONFIG_PATH_OK, and
 * *error 0). */
WCHAR *config_path_read(const WCHAR *value_name, LONG *error, enum config_path_status *status);
/* Why a value names no path: "empty", "not an absolute path", ... */
const char *config_path_status_text(enum config_path_status status);
#endif

#endif
