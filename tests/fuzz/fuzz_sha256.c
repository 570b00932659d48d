/*
 * libFuzzer target: dsbackup's SHA-256 (tools/dsbackup/sha256.c, sha256_x86.c)
 * against OpenSSL's (libcrypto), the reference.  The input is
 *
 *   byte 0        how many times the message is repeated, less one (so that runs
 *                 of many blocks are tried too: up to 256 x the message)
 *   byte 1        a seed for the sizes of the pieces the message is fed in
 *   bytes 2..     the message
 *
 * Each implementation this processor runs (the portable one always, SHA-NI
 * where cpuid reports it) hashes the repeated message fed in pieces of sizes
 * drawn from the seed (0, a few bytes, around a block, larger), and must give
 * OpenSSL's digest of the same bytes.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "sha256.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static void reference_digest(const unsigned char *message, size_t size, unsigned repeats,
                             unsigned char digest[SHA256_DIGEST_SIZE])
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    unsigned int length = 0;
    unsigned i;

    CHECK(context && EVP_DigestInit_ex(context, EVP_sha256(), NULL));
    for (i = 0; i < repeats; i++) CHECK(EVP_DigestUpdate(context, message, size));
    CHECK(EVP_DigestFinal_ex(context, digest, &length) && length == SHA256_DIGEST_SIZE);
    EVP_MD_CTX_free(context);
}

static void check_implementation(sha256_compress_fn *compress, const unsigned char *message, size_t size,
                                 unsigned repeats, unsigned seed, const unsigned char *expected)
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    size_t total = size * repeats, done = 0, piece;
    uint32_t random = seed * 2654435761u + 1;
    struct sha256 sha;

    sha256_init_with(&sha, compress);
    while (done < total)
    {
        random = random * 1103515245u + 12345u;
        switch ((random >> 16) % 4)
        {
        case 0:  piece = (random >> 20) % 8; break;
        case 1:  piece = SHA256_BLOCK_SIZE - 2 + (random >> 20) % 5; break;
        case 2:  piece = (random >> 18) % 1000; break;
        default: piece = total; break;
        }
        if (piece > total - done) piece = total - done;
        /* The message repeated: a piece may span copies, so it is fed from each. */
        while (piece)
        {
            size_t offset = done % size, take = size - offset < piece ? size - offset : piece;
            sha256_update(&sha, message + offset, take);
            done += take;
            piece -= take;
        }
        if (!((random >> 24) % 16)) sha256_update(&sha, message, 0);
    }
    sha256_final(&sha, digest);
    CHECK(!memcmp(digest, expected, SHA256_DIGEST_SIZE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char expected[SHA256_DIGEST_SIZE];
    unsigned repeats, seed;

    if (size < 2) return 0;
    repeats = data[0] + 1u;
    seed = data[1];
    data += 2;
    size -= 2;
    if (!size) repeats = 1;
    reference_digest(data, size, repeats, expected);
    check_implementation(sha256_compress_portable, data, size, repeats, seed, expected);
#ifdef SHA256_HAVE_SHA_NI
    if (sha256_cpu_has_sha_ni()) check_implementation(sha256_compress_sha_ni, data, size, repeats, seed, expected);
#endif
    return 0;
}
