/*
 * The restore journal's format: a pure module, bytes in and a registration or an
 * error out, so that it is unit-tested and fuzzed natively (tests/unit,
 * tests/fuzz).  Where the journal lives and how it is written are in
 * restore_journal_file.c; why there is a journal at all is in restore_state.c.
 *
 * The journal is UTF-16LE text: a first line "=ntdsbcli restore registration 1",
 * then one line "name=value" for each value of the registration, named as in the
 * registry (ntds_layout.h), numbers in decimal, the restore map's names joined by
 * '|' (which no plain path holds).  A journal written before owners were recorded
 * has no Registration Id, Owner Process and Owner Start Time: they read as 0.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_RESTORE_JOURNAL_H
#define NTDSBCLI_RESTORE_JOURNAL_H

#include "stored_registration.h"

/* Larger is no journal this DLL wrote. */
#define RESTORE_JOURNAL_MAX_BYTES (64 * 1024 * 1024)

/* The journal of R, in a new buffer (mem_free) of *size bytes.  ERROR_SUCCESS,
 * ERROR_NOT_ENOUGH_MEMORY, or ERROR_INVALID_DATA for a value the format cannot hold
 * (a missing string, a line break, a '|' in a name of the map). */
LONG restore_journal_encode(const struct stored_registration *r, BYTE **bytes, size_t *size);
/* Reads a journal into *r (stored_registration_free frees it).  ERROR_SUCCESS,
 * ERROR_NOT_ENOUGH_MEMORY, or ERROR_INVALID_DATA for bytes this DLL did not write;
 * on failure *r is empty. */
LONG restore_journal_decode(const BYTE *bytes, size_t size, struct stored_registration *r);

#endif
