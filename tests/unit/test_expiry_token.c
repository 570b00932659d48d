/*
 * Unit tests of the expiry token: layout, round trip, every corruption refused, and
 * the age check at its boundaries.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit.h"
#include "expiry_token.h"

/* 2026-01-01 00:00:00 UTC as a FILETIME. */
#define JAN_2026 134116992000000000ull

static const struct expiry_token sample =
{
    JAN_2026 + 123456789ull, NTDS_DEFAULT_TOMBSTONE_LIFETIME_DAYS, 0x0123456789abcdefull
};

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(crc32_ieee("123456789", 9), 0xcbf43926u);
    assert_int_equal(crc32_ieee("", 0), 0);
    assert_int_equal(crc32_ieee("a", 1), 0xe8b7be43u);
    assert_int_equal(crc32_ieee("The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
}

static uint64_t le(const BYTE *p, int n)
{
    uint64_t v = 0;
    while (n--) v = (v << 8) | p[n];
    return v;
}

static void test_layout(void **state)
{
    BYTE token[EXPIRY_TOKEN_SIZE];
    (void)state;

    memset(token, 0xcc, sizeof(token));
    expiry_token_encode(&sample, token);
    assert_memory_equal(token, "NBXT", 4);
    assert_int_equal(le(token + 4, 2), 1);
    assert_int_equal(le(token + 6, 2), 40);
    assert_int_equal(le(token + 8, 8), sample.backup_time);
    assert_int_equal(le(token + 16, 4), 180);
    assert_int_equal(le(token + 20, 4), 0);
    assert_int_equal(le(token + 24, 8), sample.backup_id);
    assert_int_equal(le(token + 32, 4), 0);
    assert_int_equal(le(token + 36, 4), crc32_ieee(token, 36));
    /* Little-endian byte by byte, whatever the host. */
    assert_int_equal(token[24], 0xef);
    assert_int_equal(token[31], 0x01);
}

static void test_round_trip(void **state)
{
    static const struct expiry_token tokens[] =
    {
        {JAN_2026, 180, 0x0123456789abcdefull},
        {0, 1, 0},
        {UINT64_MAX, NTDS_MAX_TOMBSTONE_LIFETIME_DAYS, UINT64_MAX},
        {1, 60, 0x8000000000000000ull},
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
    {
        BYTE bytes[EXPIRY_TOKEN_SIZE], again[EXPIRY_TOKEN_SIZE];
        struct expiry_token decoded;
        memset(&decoded, 0x55, sizeof(decoded));
        expiry_token_encode(&tokens[i], bytes);
        assert_hr(expiry_token_decode(bytes, sizeof(bytes), &decoded), S_OK);
        assert_int_equal(decoded.backup_time, tokens[i].backup_time);
        assert_int_equal(decoded.tombstone_lifetime_days, tokens[i].tombstone_lifetime_days);
        assert_int_equal(decoded.backup_id, tokens[i].backup_id);
        expiry_token_encode(&decoded, again);
        assert_memory_equal(again, bytes, sizeof(bytes));
    }
}

static void test_every_bit_flip_refused(void **state)
{
    BYTE good[EXPIRY_TOKEN_SIZE], bad[EXPIRY_TOKEN_SIZE];
    struct expiry_token decoded;
    int byte, bit;
    (void)state;

    expiry_token_encode(&sample, good);
    for (byte = 0; byte < EXPIRY_TOKEN_SIZE; byte++)
        for (bit = 0; bit < 8; bit++)
        {
            HRESULT hr;
            memcpy(bad, good, sizeof(bad));
            bad[byte] ^= (BYTE)(1u << bit);
            hr = expiry_token_decode(bad, sizeof(bad), &decoded);
            if (hr != hrUnknownExpiryTokenFormat)
                fail_msg("byte %d bit %d flipped: got %#x, expected %#x", byte, bit,
                         (unsigned)hr, (unsigned)hrUnknownExpiryTokenFormat);
        }
    assert_hr(expiry_token_decode(good, sizeof(good), &decoded), S_OK);
}

static void test_wrong_sizes_refused(void **state)
{
    BYTE buffer[EXPIRY_TOKEN_SIZE + 8];
    struct expiry_token decoded;
    size_t size;
    (void)state;

    memset(buffer, 0, sizeof(buffer));
    expiry_token_encode(&sample, buffer);
    for (size = 0; size < EXPIRY_TOKEN_SIZE; size++)
        assert_hr(expiry_token_decode(buffer, size, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(buffer, EXPIRY_TOKEN_SIZE + 1, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(buffer, EXPIRY_TOKEN_SIZE + 8, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(buffer, (size_t)-1, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(NULL, EXPIRY_TOKEN_SIZE, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(NULL, 0, &decoded), hrUnknownExpiryTokenFormat);
    assert_hr(expiry_token_decode(buffer, EXPIRY_TOKEN_SIZE, &decoded), S_OK);
}

/* A well-formed token (right CRC) with a field this DLL never writes. */
static HRESULT decode_patched(int offset, int size, uint64_t value)
{
    BYTE token[EXPIRY_TOKEN_SIZE];
    struct expiry_token decoded;
    int i;
    expiry_token_encode(&sample, token);
    for (i = 0; i < size; i++) token[offset + i] = (BYTE)(value >> (8 * i));
    value = crc32_ieee(token, 36);
    for (i = 0; i < 4; i++) token[36 + i] = (BYTE)(value >> (8 * i));
    return expiry_token_decode(token, sizeof(token), &decoded);
}

static void test_fields_checked(void **state)
{
    (void)state;
    assert_hr(decode_patched(16, 4, 180), S_OK);                       /* control */
    assert_hr(decode_patched(0, 4, 0x5458424e + 1), hrUnknownExpiryTokenFormat);  /* magic */
    assert_hr(decode_patched(4, 2, 0), hrUnknownExpiryTokenFormat);    /* version */
    assert_hr(decode_patched(4, 2, 2), hrUnknownExpiryTokenFormat);
    assert_hr(decode_patched(6, 2, 39), hrUnknownExpiryTokenFormat);   /* size */
    assert_hr(decode_patched(6, 2, 41), hrUnknownExpiryTokenFormat);
    assert_hr(decode_patched(20, 4, 1), hrUnknownExpiryTokenFormat);   /* flags */
    assert_hr(decode_patched(32, 4, 0x80000000u), hrUnknownExpiryTokenFormat);  /* reserved */
    assert_hr(decode_patched(16, 4, 0), hrUnknownExpiryTokenFormat);   /* lifetime 0 */
    assert_hr(decode_patched(16, 4, 1), S_OK);
    assert_hr(decode_patched(16, 4, NTDS_MAX_TOMBSTONE_LIFETIME_DAYS), S_OK);
    assert_hr(decode_patched(16, 4, NTDS_MAX_TOMBSTONE_LIFETIME_DAYS + 1), hrUnknownExpiryTokenFormat);
    assert_hr(decode_patched(16, 4, 0xffffffffu), hrUnknownExpiryTokenFormat);
}

static void test_lifetime_zero_refused(void **state)
{
    struct expiry_token token = sample, decoded;
    BYTE bytes[EXPIRY_TOKEN_SIZE];
    (void)state;
    token.tombstone_lifetime_days = 0;
    expiry_token_encode(&token, bytes);
    assert_hr(expiry_token_decode(bytes, sizeof(bytes), &decoded), hrUnknownExpiryTokenFormat);
}

static void test_check_age(void **state)
{
    struct expiry_token token = sample;
    uint64_t lifetime = (uint64_t)token.tombstone_lifetime_days * FILETIME_TICKS_PER_DAY;
    (void)state;

    assert_hr(expiry_token_check_age(&token, token.backup_time), S_OK);
    assert_hr(expiry_token_check_age(&token, token.backup_time + 1), S_OK);
    assert_hr(expiry_token_check_age(&token, token.backup_time + lifetime - 1), S_OK);
    assert_hr(expiry_token_check_age(&token, token.backup_time + lifetime), S_OK);
    assert_hr(expiry_token_check_age(&token, token.backup_time + lifetime + 1), hrContentsExpired);
    assert_hr(expiry_token_check_age(&token, UINT64_MAX), hrContentsExpired);
    /* A backup "from the future" (the clock was set back) is not expired. */
    assert_hr(expiry_token_check_age(&token, token.backup_time - 1), S_OK);
    assert_hr(expiry_token_check_age(&token, 0), S_OK);

    /* The longest lifetime, where days * ticks is largest. */
    token.tombstone_lifetime_days = NTDS_MAX_TOMBSTONE_LIFETIME_DAYS;
    token.backup_time = 1000;
    lifetime = (uint64_t)NTDS_MAX_TOMBSTONE_LIFETIME_DAYS * FILETIME_TICKS_PER_DAY;
    assert_hr(expiry_token_check_age(&token, 1000 + lifetime), S_OK);
    assert_hr(expiry_token_check_age(&token, 1000 + lifetime + 1), hrContentsExpired);
    token.backup_time = UINT64_MAX - 5;
    assert_hr(expiry_token_check_age(&token, UINT64_MAX), S_OK);

    token.tombstone_lifetime_days = 1;
    token.backup_time = JAN_2026;
    assert_hr(expiry_token_check_age(&token, JAN_2026 + FILETIME_TICKS_PER_DAY), S_OK);
    assert_hr(expiry_token_check_age(&token, JAN_2026 + FILETIME_TICKS_PER_DAY + 1), hrContentsExpired);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_crc32),
        UNIT_TEST(test_layout),
        UNIT_TEST(test_round_trip),
        UNIT_TEST(test_every_bit_flip_refused),
        UNIT_TEST(test_wrong_sizes_refused),
        UNIT_TEST(test_fields_checked),
        UNIT_TEST(test_lifetime_zero_refused),
        UNIT_TEST(test_check_age),
    };
    return cmocka_run_group_tests_name("expiry_token", tests, NULL, NULL);
}
