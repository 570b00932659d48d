/*
 * The restore journal on disk: a durable copy of the restore registration, for a
 * registry that may not have written it yet (restore_state.c says when each is
 * used).  Wine 8 keeps the registry in memory and writes it lazily, and its
 * RegFlushKey does nothing, so a registration could be lost if Wine itself died
 * soon after DsRestoreRegister; the journal, flushed to disk, survives that, and
 * from it the key is put back.  Wine's tree does without it
 * (docs/wine-upstream.md): there RegFlushKey must do its job instead.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_RESTORE_JOURNAL_FILE_H
#define NTDSBCLI_RESTORE_JOURNAL_FILE_H

#include "stored_registration.h"

BOOL journal_exists(void);
/* ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_NOT_ENOUGH_MEMORY, ERROR_READ_FAULT or
 * ERROR_INVALID_DATA (a journal this DLL did not write). */
LONG journal_read(struct stored_registration *r);
/* Replaces the journal, durably (durable_file.h). */
LONG journal_write(const struct stored_registration *r);
void journal_delete(void);

#endif
