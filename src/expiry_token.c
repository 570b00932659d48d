/*
 * Expiry token format (see expiry_token.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "expiry_token.h"

static const BYTE token_magic[4] = {'N', 'B', 'X', 'T'};

uint32_t crc32_ieee(const void *data, size_t size)
{
    const BYTE *p = data;
    uint32_t crc = 0xffffffffu;
    int bit;

    while (size--)
    {
        crc ^= *p++;
        for (bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void put_le(BYTE *out, uint64_t value, int bytes)
{
    int i;
    for (i = 0; i < bytes; i++) out[i] = (BYTE)(value >> (8 * i));
}

static uint64_t get_le(const BYTE *in, int bytes)
{
    uint64_t value = 0;
    int i;
    for (i = bytes - 1; i >= 0; i--) value = (value << 8) | in[i];
    return value;
}

void expiry_token_encode(const struct expiry_token *token, BYTE out[EXPIRY_TOKEN_SIZE])
{
    memset(out, 0, EXPIRY_TOKEN_SIZE);
    memcpy(out, token_magic, 4);
    put_le(out + 4, EXPIRY_TOKEN_VERSION, 2);
    put_le(out + 6, EXPIRY_TOKEN_SIZE, 2);
    put_le(out + 8, token->backup_time, 8);
    put_le(out + 16, token->tombstone_lifetime_days, 4);
    put_le(out + 24, token->backup_id, 8);
    put_le(out + 36, crc32_ieee(out, 36), 4);
}

HRESULT expiry_token_decode(const void *data, size_t size, struct expiry_token *token)
{
    const BYTE *in = data;
    struct expiry_token decoded;

    if (!data || size != EXPIRY_TOKEN_SIZE) return hrUnknownExpiryTokenFormat;
    if (memcmp(in, token_magic, 4) || get_le(in + 4, 2) != EXPIRY_TOKEN_VERSION
            || get_le(in + 6, 2) != EXPIRY_TOKEN_SIZE || get_le(in + 20, 4) != 0
            || get_le(in + 32, 4) != 0 || get_le(in + 36, 4) != crc32_ieee(in, 36))
        return hrUnknownExpiryTokenFormat;
    decoded.backup_time = get_le(in + 8, 8);
    decoded.tombstone_lifetime_days = (uint32_t)get_le(in + 16, 4);
    decoded.backup_id = get_le(in + 24, 8);
    if (!decoded.tombstone_lifetime_days || decoded.tombstone_lifetime_days > NTDS_MAX_TOMBSTONE_LIFETIME_DAYS)
        return hrUnknownExpiryTokenFormat;
    *token = decoded;
    return S_OK;
}

HRESULT expiry_token_check_age(const struct expiry_token *token, uint64_t now)
{
    uint64_t lifetime = token->tombstone_lifetime_days * FILETIME_TICKS_PER_DAY;

    /* A backup time ahead of the clock (the clock was set back) counts as age 0. */
    if (now > token->backup_time && now - token->backup_time > lifetime) return hrContentsExpired;
    return S_OK;
}
