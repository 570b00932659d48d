/*
 * What the platform-neutral core of the DLL (the handle table, name lists, name
 * parsing, the token format) shares: UTF-16 string helpers that do not depend on
 * the C library's wchar_t, the BFT codes as the W lists carry them, and the error
 * codes of ntdsbmsg.h.  The core uses nothing of Windows but a few types, SRW
 * locks, Interlocked* and the process heap, so that its native builds (unit
 * tests, sanitizers, valgrind, fuzzers) need only a small stand-in for
 * <windows.h>.
 *
 * It is in common/, beside the headers the tools share, because the pure parts
 * of common/ (config_path.h) build natively with the core and take their types
 * from it there: common/ never reaches into src/.  The wstr_* functions are the
 * DLL's (src/wstr.c); the tools have the C library's wcs* instead.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_PORTABLE_H
#define NTDSBCLI_PORTABLE_H

#include <stddef.h>
#include <stdint.h>
#include <windows.h>
#include "ntdsbmsg.h"

/* The BFT codes as the W lists carry them: one WCHAR, the SDK's byte values. */
#define BFTW_LOG            ((WCHAR)0x21)
#define BFTW_LOG_DIR        ((WCHAR)0x82)
#define BFTW_CHECKPOINT_DIR ((WCHAR)0x83)
#define BFTW_NTDS_DATABASE  ((WCHAR)0x44)
#define BFTW_PATCH_FILE     ((WCHAR)0x25)
#define BFTW_UNKNOWN        ((WCHAR)0x0f)

/* The longest path Windows accepts, in WCHARs, without its terminator. */
#define NTDSBCLI_MAX_PATH 32767

size_t wstr_len(const WCHAR *s);
size_t wstr_len_bounded(const WCHAR *s, size_t max);
int wstr_equal_nocase(const WCHAR *a, const WCHAR *b);
WCHAR wchar_upper_ascii(WCHAR c);
WCHAR *wstr_dup(const WCHAR *s);

#endif
