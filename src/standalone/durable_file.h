/*
 * The part of the platform layer (platform.h) that only the standalone build
 * needs: a small file replaced so that it is whole on disk or not changed, and
 * read back whole.  The restore journal is its one user (restore_journal_file.c).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_DURABLE_FILE_H
#define NTDSBCLI_DURABLE_FILE_H

#include <windows.h>

/* Writes DATA to PATH through PATH.new, flushed to disk and then renamed over
 * PATH: after a crash PATH holds the old contents or the new, never a part.
 * ERROR_SUCCESS, ERROR_NOT_ENOUGH_MEMORY, or ERROR_WRITE_FAULT with no PATH.new
 * left behind. */
LONG durable_file_replace(const WCHAR *path, const void *data, DWORD size);
/* The whole file, in a new buffer (mem_free), if it has 1 to MAX_SIZE - 1 bytes.
 * ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_INVALID_DATA (empty or too large),
 * ERROR_NOT_ENOUGH_MEMORY or ERROR_READ_FAULT. */
LONG durable_file_read(const WCHAR *path, DWORD max_size, BYTE **data, DWORD *size);

#endif
