/*
 * The SHA-NI compression function of tools/dsbackup/sha256_x86.c, built with
 * the three SHA instructions written in C (SHA256_SHA_NI_MODEL), from their
 * definitions in Intel's Software Developer's Manual.  The rest of the function
 * (the loads, byte swaps, shuffles, the schedule and the state's order) is the
 * code that ships, so it is checked on every build this runs in, including
 * 32-bit x86 under qemu-i386 and Wine, whose emulated processor has no SHA
 * extensions (test_sha256 skips the real instructions there).  Where the
 * processor has them, the model is checked against them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "sha256.h"
#include <immintrin.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

#define MODEL __attribute__((target("sse2")))

MODEL static void words_of(__m128i v, uint32_t w[4])
{
    _mm_storeu_si128((__m128i *)w, v);
}

MODEL static __m128i vector_of(const uint32_t w[4])
{
    return _mm_loadu_si128((const __m128i *)w);
}

/* SHA256RNDS2: two rounds; CDGH in the first operand, ABEF in the second, the
 * two message words plus constants in the low half of the third. */
MODEL static __m128i model_rounds2(__m128i cdgh, __m128i abef, __m128i wk)
{
    uint32_t s1[4], s2[4], k[4], out[4], a, b, c, d, e, f, g, h, t;
    int i;

    words_of(cdgh, s1);
    words_of(abef, s2);
    words_of(wk, k);
    a = s2[3]; b = s2[2]; c = s1[3]; d = s1[2];
    e = s2[1]; f = s2[0]; g = s1[1]; h = s1[0];
    for (i = 0; i < 2; i++)
    {
        t = ((e & f) ^ (~e & g)) + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + k[i] + h;
        h = g; g = f; f = e;
        e = t + d;
        d = c; c = b; b = a;
        a = t + ((b & c) ^ (b & d) ^ (c & d)) + (ROTR(b, 2) ^ ROTR(b, 13) ^ ROTR(b, 22));
    }
    out[3] = a; out[2] = b; out[1] = e; out[0] = f;
    return vector_of(out);
}

#define SIGMA0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SIGMA1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/* SHA256MSG1: W[i] + sigma0(W[i+1]) for W0..W3 in the first operand, W4 the
 * low word of the second. */
MODEL static __m128i model_message1(__m128i w0_3, __m128i w4_7)
{
    uint32_t w[5], high[4], out[4];
    int i;

    words_of(w0_3, w);
    words_of(w4_7, high);
    w[4] = high[0];
    for (i = 0; i < 4; i++) out[i] = w[i] + SIGMA0(w[i + 1]);
    return vector_of(out);
}

/* SHA256MSG2: W16..W19 from the partial sums in the first operand and W14, W15
 * in the high words of the second. */
MODEL static __m128i model_message2(__m128i partial, __m128i w12_15)
{
    uint32_t x[4], w[4], out[4];

    words_of(partial, x);
    words_of(w12_15, w);
    out[0] = x[0] + SIGMA1(w[2]);
    out[1] = x[1] + SIGMA1(w[3]);
    out[2] = x[2] + SIGMA1(out[0]);
    out[3] = x[3] + SIGMA1(out[1]);
    return vector_of(out);
}

/* sha256_x86.c itself, with the model for the instructions, under names of its own. */
#define SHA256_SHA_NI_MODEL
#define sha256_rounds2  model_rounds2
#define sha256_message1 model_message1
#define sha256_message2 model_message2
#define sha256_compress_sha_ni sha256_compress_sha_ni_model
#define sha256_cpu_has_sha_ni  sha256_cpu_has_sha_ni_model
#include "sha256_x86.c"
#undef sha256_compress_sha_ni
#undef sha256_cpu_has_sha_ni

struct sha256_vector
{
    size_t size;
    const char *message_hex, *digest_hex;
};
#include "sha256_nist_vectors.h"

static void hex_with(sha256_compress_fn *compress, const unsigned char *data, size_t size, char hex[65])
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;

    sha256_init_with(&sha, compress);
    sha256_update(&sha, data, size);
    sha256_final(&sha, digest);
    sha256_hex(digest, hex);
}

static void expect_vectors(const struct sha256_vector *vectors, size_t count)
{
    unsigned char *message;
    char hex[65];
    size_t i, k;

    for (i = 0; i < count; i++)
    {
        assert_non_null(message = malloc(vectors[i].size + 1));
        for (k = 0; k < vectors[i].size; k++)
        {
            unsigned int byte;
            assert_int_equal(sscanf(vectors[i].message_hex + 2 * k, "%2x", &byte), 1);
            message[k] = (unsigned char)byte;
        }
        hex_with(sha256_compress_sha_ni_model, message, vectors[i].size, hex);
        if (strcmp(hex, vectors[i].digest_hex))
            fail_msg("record %lu (%lu bytes): got %s, expected %s", (unsigned long)i,
                     (unsigned long)vectors[i].size, hex, vectors[i].digest_hex);
        free(message);
    }
}

static void test_model_nist_vectors(void **state)
{
    (void)state;
    expect_vectors(nist_short_messages, COUNT_OF(nist_short_messages));
    expect_vectors(nist_long_messages, COUNT_OF(nist_long_messages));
}

/* Many blocks in one call, against the portable function. */
static void test_model_against_portable(void **state)
{
    size_t size = 1048576 + 55, i;
    unsigned char *data = malloc(size);
    char model[65], portable[65];
    (void)state;

    assert_non_null(data);
    for (i = 0; i < size; i++) data[i] = (unsigned char)(i * 2654435761u >> 13);
    for (i = 0; i < 6; i++)
    {
        size_t n = size >> (i * 3);
        hex_with(sha256_compress_sha_ni_model, data, n, model);
        hex_with(sha256_compress_portable, data, n, portable);
        if (strcmp(model, portable))
            fail_msg("%lu bytes: model %s, portable %s", (unsigned long)n, model, portable);
    }
    free(data);
}

/* The model against the instructions themselves, where there are any. */
__attribute__((target("sha,sse4.1,ssse3")))
static void compare_instructions(const uint32_t *a, const uint32_t *b, const uint32_t *c)
{
    __m128i x = vector_of(a), y = vector_of(b), z = vector_of(c);
    uint32_t real[4], model[4];

    words_of(_mm_sha256rnds2_epu32(x, y, z), real);
    words_of(model_rounds2(x, y, z), model);
    if (memcmp(real, model, sizeof(real))) fail_msg("sha256rnds2 and its model differ");
    words_of(_mm_sha256msg1_epu32(x, y), real);
    words_of(model_message1(x, y), model);
    if (memcmp(real, model, sizeof(real))) fail_msg("sha256msg1 and its model differ");
    words_of(_mm_sha256msg2_epu32(x, y), real);
    words_of(model_message2(x, y), model);
    if (memcmp(real, model, sizeof(real))) fail_msg("sha256msg2 and its model differ");
}

static void test_model_against_instructions(void **state)
{
    uint32_t words[12], random = 12345;
    int i, k;
    (void)state;

    if (!sha256_cpu_has_sha_ni())
    {
        print_message("cpuid reports no SHA extensions: the model cannot be compared with them here\n");
        skip();
    }
    for (i = 0; i < 10000; i++)
    {
        for (k = 0; k < 12; k++) words[k] = random = random * 1103515245u + 12345u + (uint32_t)k;
        compare_instructions(words, words + 4, words + 8);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_model_nist_vectors),
        cmocka_unit_test(test_model_against_portable),
        cmocka_unit_test(test_model_against_instructions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
