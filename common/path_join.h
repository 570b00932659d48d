/*
 * How the DLL and the tools name a file in a folder: DIR + "\" + NAME.
 *
 * Pure: no system call, so it builds natively with the DLL's core and is
 * unit-tested there (tests/unit/test_path_join.c).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_PATH_JOIN_H
#define NTDSBCLI_PATH_JOIN_H

#include <stddef.h>
#ifdef _WIN32
#include <windows.h>
#else
#include "portable.h"   /* the DLL's native builds (unit tests) */
#endif

/* DIR + "\" + NAME in a new string from ALLOC (the DLL's mem_alloc, the tools'
 * malloc: the caller frees it as it frees the rest of its memory); NULL if
 * ALLOC fails.  No "\" is added to an empty DIR, nor after one that ends with
 * a separator ("\" or "/"). */
WCHAR *path_join(const WCHAR *dir, const WCHAR *name, void *(*alloc)(size_t size));

#endif
