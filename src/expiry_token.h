/*
 * The expiry token DsBackupPrepare returns and DsRestorePrepare checks.  A
 * self-contained little-endian blob, no pointers (format in docs/behaviour.md):
 *
 *   offset size  field
 *        0    4  magic "NBXT"
 *        4    2  format version (1)
 *        6    2  total size in bytes (40)
 *        8    8  backup time, FILETIME (UTC, 100 ns units since 1601)
 *       16    4  tombstone lifetime in days when the backup was taken
 *       20    4  flags, 0
 *       24    8  backup identifier, random
 *       32    4  reserved, 0
 *       36    4  CRC-32 (IEEE 802.3) of bytes 0..35
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_EXPIRY_TOKEN_H
#define NTDSBCLI_EXPIRY_TOKEN_H

#include "portable.h"
#include "ntds_layout.h"

#define EXPIRY_TOKEN_SIZE 40
#define EXPIRY_TOKEN_VERSION 1
#define FILETIME_TICKS_PER_DAY 864000000000ULL

struct expiry_token
{
    uint64_t backup_time;
    uint32_t tombstone_lifetime_days;
    uint64_t backup_id;
};

uint32_t crc32_ieee(const void *data, size_t size);
void expiry_token_encode(const struct expiry_token *token, BYTE out[EXPIRY_TOKEN_SIZE]);
/* S_OK, or hrUnknownExpiryTokenFormat for anything this DLL did not write. */
HRESULT expiry_token_decode(const void *data, size_t size, struct expiry_token *token);
/* S_OK, or hrContentsExpired when the backup is older than its tombstone lifetime. */
HRESULT expiry_token_check_age(const struct expiry_token *token, uint64_t now);

#endif
