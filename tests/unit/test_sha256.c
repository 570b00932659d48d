/*
 * Unit tests of dsbackup's SHA-256 (tools/dsbackup/sha256.c, sha256_x86.c),
 * each compression function called directly, whatever the processor would
 * choose: the portable one everywhere, the SHA extensions (SHA-NI) wherever
 * cpuid reports them (elsewhere that test is skipped, saying so).
 *
 *   - the examples of FIPS 180-4 (NIST's "SHA-256 examples": one block, two
 *     blocks, a million 'a');
 *   - NIST's byte-oriented vectors, short messages, long messages and the Monte
 *     Carlo test, generated from the .rsp files (tests/unit/sha256_nist_vectors.py);
 *   - messages of pseudo-random lengths from 0 to 4 MiB fed in pieces: every
 *     split in two of every message up to 200 bytes, and many pieces of random
 *     sizes, checked against the whole message in one call, against the other
 *     implementation and, in the PE build, against Windows' own SHA-256 (BCrypt).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "sha256.h"
#ifdef _WIN32
#include <windows.h>
#include <bcrypt.h>
#endif

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

struct sha256_vector
{
    size_t size;
    const char *message_hex, *digest_hex;
};
#include "sha256_nist_vectors.h"

struct implementation
{
    const char *name;
    sha256_compress_fn *compress;
};

static const struct implementation portable = {"portable", sha256_compress_portable};
#ifdef SHA256_HAVE_SHA_NI
static const struct implementation sha_ni = {"SHA-NI", sha256_compress_sha_ni};
#endif

/* The implementation a test runs, or a skip where the processor lacks it. */
static const struct implementation *implementation_of(void **state)
{
    const struct implementation *implementation = *state;
#ifdef SHA256_HAVE_SHA_NI
    if (implementation == &sha_ni && !sha256_cpu_has_sha_ni())
    {
        print_message("SHA-NI: cpuid reports no SHA extensions on this processor (or emulator); skipped\n");
        skip();
    }
#endif
    return implementation;
}

static void digest_hex_with(const struct implementation *implementation, const void *data, size_t size,
                            char hex[65])
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;

    sha256_init_with(&sha, implementation->compress);
    sha256_update(&sha, data, size);
    sha256_final(&sha, digest);
    sha256_hex(digest, hex);
}

static void expect_digest(const struct implementation *implementation, const void *data, size_t size,
                          const char *expected, const char *what)
{
    char hex[65];

    digest_hex_with(implementation, data, size, hex);
    if (strcmp(hex, expected))
        fail_msg("%s: %s, %lu bytes: got %s, expected %s", implementation->name, what, (unsigned long)size, hex,
                 expected);
}

static unsigned char *bytes_of_hex(const char *hex, size_t size)
{
    unsigned char *data = malloc(size ? size : 1);
    size_t i;

    assert_non_null(data);
    for (i = 0; i < size; i++)
    {
        unsigned int byte;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &byte), 1);
        data[i] = (unsigned char)byte;
    }
    return data;
}

/* ---- FIPS 180-4's examples ----------------------------------------------------- */

static void test_fips_examples(void **state)
{
    const struct implementation *implementation = implementation_of(state);
    unsigned char *million = malloc(1000000), digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;
    char hex[65];
    int i;

    expect_digest(implementation, "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                  "the empty message");
    expect_digest(implementation, "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                  "one block");
    expect_digest(implementation, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "two blocks");
    expect_digest(implementation, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
                  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1", "896 bits");
    assert_non_null(million);
    memset(million, 'a', 1000000);
    expect_digest(implementation, million, 1000000,
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "a million 'a'");
    /* The same, 1,000 bytes per call. */
    sha256_init_with(&sha, implementation->compress);
    for (i = 0; i < 1000; i++) sha256_update(&sha, million, 1000);
    sha256_final(&sha, digest);
    sha256_hex(digest, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* ---- NIST's byte-oriented vectors ------------------------------------------------ */

static void expect_vectors(const struct implementation *implementation, const struct sha256_vector *vectors,
                           size_t count, const char *file)
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;
    char hex[65], what[64];
    size_t i, split;

    for (i = 0; i < count; i++)
    {
        unsigned char *message = bytes_of_hex(vectors[i].message_hex, vectors[i].size);

        snprintf(what, sizeof(what), "%s, record %lu", file, (unsigned long)i);
        expect_digest(implementation, message, vectors[i].size, vectors[i].digest_hex, what);
        /* And in two pieces, split somewhere else for each record. */
        split = vectors[i].size ? (i * 37) % vectors[i].size : 0;
        sha256_init_with(&sha, implementation->compress);
        sha256_update(&sha, message, split);
        sha256_update(&sha, message + split, vectors[i].size - split);
        sha256_final(&sha, digest);
        sha256_hex(digest, hex);
        if (strcmp(hex, vectors[i].digest_hex))
            fail_msg("%s: %s split at %lu: got %s, expected %s", implementation->name, what, (unsigned long)split, hex,
                     vectors[i].digest_hex);
        free(message);
    }
}

static void test_nist_short_messages(void **state)
{
    expect_vectors(implementation_of(state), nist_short_messages, COUNT_OF(nist_short_messages),
                   "SHA256ShortMsg.rsp");
}

static void test_nist_long_messages(void **state)
{
    expect_vectors(implementation_of(state), nist_long_messages, COUNT_OF(nist_long_messages),
                   "SHA256LongMsg.rsp");
}

/* SHA256Monte.rsp: from the seed, each checkpoint is the 1000th digest of the
 * previous three digests concatenated, and seeds the next. */
static void test_nist_monte_carlo(void **state)
{
    const struct implementation *implementation = implementation_of(state);
    unsigned char *seed = bytes_of_hex(nist_monte_seed, SHA256_DIGEST_SIZE), md[3][SHA256_DIGEST_SIZE];
    struct sha256 sha;
    char hex[65];
    int j, i;

    for (j = 0; j < 100; j++)
    {
        memcpy(md[0], seed, SHA256_DIGEST_SIZE);
        memcpy(md[1], seed, SHA256_DIGEST_SIZE);
        memcpy(md[2], seed, SHA256_DIGEST_SIZE);
        for (i = 0; i < 1000; i++)
        {
            sha256_init_with(&sha, implementation->compress);
            sha256_update(&sha, md, sizeof(md));
            memmove(md[0], md[1], 2 * SHA256_DIGEST_SIZE);
            sha256_final(&sha, md[2]);
        }
        memcpy(seed, md[2], SHA256_DIGEST_SIZE);
        sha256_hex(seed, hex);
        if (strcmp(hex, nist_monte_digests[j]))
            fail_msg("%s: Monte Carlo checkpoint %d: got %s, expected %s", implementation->name, j, hex,
                     nist_monte_digests[j]);
    }
    free(seed);
}

/* ---- pieces, random lengths, and the other implementations ---------------------------- */

/* xorshift64*, seeded: the same messages on every run. */
static uint64_t random_state = 0x6a09e667f3bcc908ULL;

static uint32_t next_random(void)
{
    random_state ^= random_state >> 12;
    random_state ^= random_state << 25;
    random_state ^= random_state >> 27;
    return (uint32_t)((random_state * 0x2545F4914F6CDD1DULL) >> 32);
}

#ifdef _WIN32
/* Windows' own SHA-256. */
static void bcrypt_hex(const void *data, size_t size, char hex[65])
{
    BCRYPT_ALG_HANDLE provider;
    BCRYPT_HASH_HANDLE hash;
    unsigned char digest[SHA256_DIGEST_SIZE];

    assert_true(BCryptOpenAlgorithmProvider(&provider, BCRYPT_SHA256_ALGORITHM, NULL, 0) >= 0);
    assert_true(BCryptCreateHash(provider, &hash, NULL, 0, NULL, 0, 0) >= 0);
    assert_true(BCryptHashData(hash, (UCHAR *)data, (ULONG)size, 0) >= 0);
    assert_true(BCryptFinishHash(hash, digest, sizeof(digest), 0) >= 0);
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(provider, 0);
    sha256_hex(digest, hex);
}
#endif

/* The digest of DATA in one call, which every other way must give. */
static void reference_hex(const struct implementation *implementation, const unsigned char *data, size_t size,
                          char hex[65])
{
    char other[65];

    digest_hex_with(implementation, data, size, hex);
#ifdef _WIN32
    bcrypt_hex(data, size, other);
    if (strcmp(hex, other))
        fail_msg("%s: %lu bytes: got %s, BCrypt says %s", implementation->name, (unsigned long)size, hex, other);
#endif
#ifdef SHA256_HAVE_SHA_NI
    if (implementation == &portable && sha256_cpu_has_sha_ni())
    {
        digest_hex_with(&sha_ni, data, size, other);
        if (strcmp(hex, other))
            fail_msg("%lu bytes: portable %s, SHA-NI %s", (unsigned long)size, hex, other);
    }
#endif
    (void)other;
}

/* DATA fed in pieces of the sizes SPLITS gives, in turn (0 included). */
static void expect_pieces(const struct implementation *implementation, const unsigned char *data, size_t size,
                          const size_t *pieces, size_t piece_count, const char *expected)
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;
    size_t done = 0, i;
    char hex[65];

    sha256_init_with(&sha, implementation->compress);
    for (i = 0; i < piece_count; i++)
    {
        sha256_update(&sha, data + done, pieces[i]);
        done += pieces[i];
    }
    assert_true(done == size);
    sha256_final(&sha, digest);
    sha256_hex(digest, hex);
    if (strcmp(hex, expected))
        fail_msg("%s: %lu bytes in %lu pieces (the first %lu): got %s, expected %s", implementation->name,
                 (unsigned long)size, (unsigned long)piece_count, (unsigned long)pieces[0], hex, expected);
}

static void test_every_split_of_short_messages(void **state)
{
    const struct implementation *implementation = implementation_of(state);
    unsigned char data[200];
    size_t size, split, pieces[2];
    char expected[65];

    for (size = 0; size < sizeof(data); size++) data[size] = (unsigned char)next_random();
    for (size = 0; size <= sizeof(data); size++)
    {
        reference_hex(implementation, data, size, expected);
        for (split = 0; split <= size; split++)
        {
            pieces[0] = split;
            pieces[1] = size - split;
            expect_pieces(implementation, data, size, pieces, 2, expected);
        }
    }
}

#define LARGEST_MESSAGE (4u * 1048576 + 61)

static void test_random_lengths_and_pieces(void **state)
{
    const struct implementation *implementation = implementation_of(state);
    unsigned char *data = malloc(LARGEST_MESSAGE);
    size_t size, pieces[64], count, left, i;
    char expected[65];
    int message;

    assert_non_null(data);
    for (i = 0; i < LARGEST_MESSAGE; i++) data[i] = (unsigned char)next_random();
    for (message = 0; message < 40; message++)
    {
        /* Mostly short and mid-sized messages, a few of several MiB, and the edges. */
        switch (message % 4)
        {
        case 0:  size = next_random() % 1024; break;
        case 1:  size = next_random() % 65536; break;
        case 2:  size = next_random() % 1048576; break;
        default: size = message == 3 ? LARGEST_MESSAGE : next_random() % LARGEST_MESSAGE; break;
        }
        reference_hex(implementation, data, size, expected);
        /* In pieces: small ones, ones around a block, whole buffers, and what is left. */
        for (count = 0, left = size; left && count < COUNT_OF(pieces) - 1; count++)
        {
            switch (next_random() % 4)
            {
            case 0:  pieces[count] = next_random() % 8; break;
            case 1:  pieces[count] = SHA256_BLOCK_SIZE - 2 + next_random() % 5; break;
            case 2:  pieces[count] = next_random() % 100000; break;
            default: pieces[count] = 1048576; break;
            }
            if (pieces[count] > left) pieces[count] = left;
            left -= pieces[count];
        }
        pieces[count++] = left;
        expect_pieces(implementation, data, size, pieces, count, expected);
    }
    free(data);
}

/* ---- the choice ------------------------------------------------------------------ */

static void test_choice(void **state)
{
    const char *name = sha256_choose_implementation();
    struct sha256 sha;
    (void)state;

    sha256_init(&sha);
#ifdef SHA256_HAVE_SHA_NI
    if (sha256_cpu_has_sha_ni())
    {
        assert_string_equal(name, "SHA-NI");
        assert_ptr_equal(sha.compress, sha256_compress_sha_ni);
    }
    else
#endif
    {
        assert_string_equal(name, "portable");
        assert_ptr_equal(sha.compress, sha256_compress_portable);
    }
    print_message("this processor: %s\n", name);
}

/* cmocka_unit_test_prestate, with the implementation in the test's name. */
#define FOR_IMPLEMENTATION(f, implementation, label) {#f " (" label ")", f, NULL, NULL, (void *)&(implementation)}
#define EVERY_TEST(implementation, label) \
    FOR_IMPLEMENTATION(test_fips_examples, implementation, label), \
    FOR_IMPLEMENTATION(test_nist_short_messages, implementation, label), \
    FOR_IMPLEMENTATION(test_nist_long_messages, implementation, label), \
    FOR_IMPLEMENTATION(test_nist_monte_carlo, implementation, label), \
    FOR_IMPLEMENTATION(test_every_split_of_short_messages, implementation, label), \
    FOR_IMPLEMENTATION(test_random_lengths_and_pieces, implementation, label)

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        EVERY_TEST(portable, "portable"),
#ifdef SHA256_HAVE_SHA_NI
        EVERY_TEST(sha_ni, "SHA-NI"),
#endif
        cmocka_unit_test(test_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
