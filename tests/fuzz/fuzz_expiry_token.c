/*
 * libFuzzer target: the expiry token.  Whatever decodes must re-encode to the very
 * same bytes (the format has one spelling per token), and any token this DLL
 * encodes must decode to the same fields when its lifetime is valid.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "expiry_token.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    while (n--) v = (v << 8) | p[n];
    return v;
}

static void check_age_boundaries(const struct expiry_token *token)
{
    uint64_t lifetime = (uint64_t)token->tombstone_lifetime_days * FILETIME_TICKS_PER_DAY;
    CHECK(expiry_token_check_age(token, token->backup_time) == S_OK);
    if (token->backup_time) CHECK(expiry_token_check_age(token, token->backup_time - 1) == S_OK);
    if (token->backup_time <= UINT64_MAX - lifetime)
        CHECK(expiry_token_check_age(token, token->backup_time + lifetime) == S_OK);
    if (token->backup_time < UINT64_MAX - lifetime)
        CHECK(expiry_token_check_age(token, token->backup_time + lifetime + 1) == hrContentsExpired);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    BYTE again[EXPIRY_TOKEN_SIZE];
    struct expiry_token token, decoded;

    if (!copy) return 0;
    memcpy(copy, data, size);   /* exactly sized, so ASan sees any read past the end */

    /* 1. Arbitrary bytes as a token. */
    if (expiry_token_decode(copy, size, &token) == S_OK)
    {
        CHECK(size == EXPIRY_TOKEN_SIZE);
        CHECK(token.tombstone_lifetime_days >= 1 && token.tombstone_lifetime_days <= NTDS_MAX_TOMBSTONE_LIFETIME_DAYS);
        expiry_token_encode(&token, again);
        if (memcmp(again, copy, EXPIRY_TOKEN_SIZE))
        {
            fprintf(stderr, "decoded token re-encodes differently\n");
            abort();
        }
        check_age_boundaries(&token);
    }
    else
    {
        CHECK(expiry_token_decode(copy, size, &token) == hrUnknownExpiryTokenFormat);
    }

    /* 2. Arbitrary fields as a token. */
    if (size >= 20)
    {
        token.backup_time = le(data, 8);
        token.tombstone_lifetime_days = (uint32_t)le(data + 8, 4);
        token.backup_id = le(data + 12, 8);
        expiry_token_encode(&token, again);
        if (token.tombstone_lifetime_days >= 1 && token.tombstone_lifetime_days <= NTDS_MAX_TOMBSTONE_LIFETIME_DAYS)
        {
            CHECK(expiry_token_decode(again, sizeof(again), &decoded) == S_OK);
            CHECK(decoded.backup_time == token.backup_time);
            CHECK(decoded.tombstone_lifetime_days == token.tombstone_lifetime_days);
            CHECK(decoded.backup_id == token.backup_id);
            check_age_boundaries(&decoded);
        }
        else
        {
            CHECK(expiry_token_decode(again, sizeof(again), &decoded) == hrUnknownExpiryTokenFormat);
        }
        /* Any other length of the same bytes is refused. */
        CHECK(expiry_token_decode(again, sizeof(again) - 1, &decoded) == hrUnknownExpiryTokenFormat);
    }
    free(copy);
    return 0;
}
