/*
 * The few Windows types the platform-neutral core uses, so that the handle table,
 * name lists, name parsing and the token format also build natively (unit tests,
 * sanitizers, valgrind, fuzzers).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_PORTABLE_H
#define NTDSBCLI_PORTABLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>
#else
typedef uint16_t WCHAR;
typedef char CHAR;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef int32_t HRESULT;
typedef int BOOL;
typedef unsigned char BYTE;
typedef void *PVOID;
#define TRUE 1
#define FALSE 0
#define S_OK ((HRESULT)0)
#define ERROR_ACCESS_DENIED 5
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_HANDLE_EOF 38
#define ERROR_INVALID_PARAMETER 87
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define RPC_S_INVALID_BINDING 1702
#endif

/* ntdsbmsg.h needs only HRESULT; RPC_S_ALREADY_LISTENING is used by one alias. */
#ifndef RPC_S_ALREADY_LISTENING
#define RPC_S_ALREADY_LISTENING 1713
#endif
#include "../include/ntdsbmsg.h"

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
