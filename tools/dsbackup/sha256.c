/*
 * SHA-256 (FIPS 180-4): the streaming interface, the portable compression
 * function and the choice between it and the SHA extensions (sha256.h).
 *
 * The portable function computes the message schedule in a ring of 16 words as
 * the rounds go, with the eight working variables renamed from round to round
 * instead of moved, so that a compiler keeps them all in registers; 16 rounds
 * are written out, the loop runs four times.  At -O2 this is about as fast as
 * C gets without vector instructions.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "sha256.h"

const uint32_t sha256_round_constants[64] =
{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4, section 5.3.3. */
static const uint32_t initial_state[8] =
{
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static inline uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void store_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Round t (0..63) of a block, J = t mod 16: the schedule word W[t] is w[J],
 * computed in place from the ring for t >= 16. */
#define ROUND(a, b, c, d, e, f, g, h, j, first) \
    do { \
        uint32_t t1_; \
        if (!(first)) \
            w[j] += SSIG1(w[((j) + 14) & 15]) + w[((j) + 9) & 15] + SSIG0(w[((j) + 1) & 15]); \
        t1_ = h + BSIG1(e) + CH(e, f, g) + k[j] + w[j]; \
        d += t1_; \
        h = t1_ + BSIG0(a) + MAJ(a, b, c); \
    } while (0)

#define SIXTEEN_ROUNDS(first) \
    do { \
        ROUND(a, b, c, d, e, f, g, h, 0, first);  ROUND(h, a, b, c, d, e, f, g, 1, first); \
        ROUND(g, h, a, b, c, d, e, f, 2, first);  ROUND(f, g, h, a, b, c, d, e, 3, first); \
        ROUND(e, f, g, h, a, b, c, d, 4, first);  ROUND(d, e, f, g, h, a, b, c, 5, first); \
        ROUND(c, d, e, f, g, h, a, b, 6, first);  ROUND(b, c, d, e, f, g, h, a, 7, first); \
        ROUND(a, b, c, d, e, f, g, h, 8, first);  ROUND(h, a, b, c, d, e, f, g, 9, first); \
        ROUND(g, h, a, b, c, d, e, f, 10, first); ROUND(f, g, h, a, b, c, d, e, 11, first); \
        ROUND(e, f, g, h, a, b, c, d, 12, first); ROUND(d, e, f, g, h, a, b, c, 13, first); \
        ROUND(c, d, e, f, g, h, a, b, 14, first); ROUND(b, c, d, e, f, g, h, a, 15, first); \
    } while (0)

void sha256_compress_portable(uint32_t state[8], const unsigned char *blocks, size_t count)
{
    uint32_t a, b, c, d, e, f, g, h, w[16];
    const uint32_t *k;
    int i;

    for (; count; count--, blocks += SHA256_BLOCK_SIZE)
    {
        a = state[0]; b = state[1]; c = state[2]; d = state[3];
        e = state[4]; f = state[5]; g = state[6]; h = state[7];
        for (i = 0; i < 16; i++) w[i] = load_be32(blocks + 4 * i);
        k = sha256_round_constants;
        SIXTEEN_ROUNDS(1);
        for (i = 1; i < 4; i++)
        {
            k += 16;
            SIXTEEN_ROUNDS(0);
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

/* ---- the choice ---------------------------------------------------------------- */

static sha256_compress_fn *chosen_compress = sha256_compress_portable;

const char *sha256_choose_implementation(void)
{
#ifdef SHA256_HAVE_SHA_NI
    if (sha256_cpu_has_sha_ni())
    {
        chosen_compress = sha256_compress_sha_ni;
        return "SHA-NI";
    }
#endif
    chosen_compress = sha256_compress_portable;
    return "portable";
}

/* ---- streaming ---------------------------------------------------------------- */

void sha256_init_with(struct sha256 *sha, sha256_compress_fn *compress)
{
    sha->compress = compress;
    memcpy(sha->state, initial_state, sizeof(initial_state));
    sha->length = 0;
}

void sha256_init(struct sha256 *sha)
{
    sha256_init_with(sha, chosen_compress);
}

void sha256_update(struct sha256 *sha, const void *data, size_t size)
{
    const unsigned char *p = data;
    size_t fill = (size_t)(sha->length % SHA256_BLOCK_SIZE), take;

    sha->length += size;
    if (fill)
    {
        take = SHA256_BLOCK_SIZE - fill < size ? SHA256_BLOCK_SIZE - fill : size;
        memcpy(sha->buffer + fill, p, take);
        p += take;
        size -= take;
        if (fill + take < SHA256_BLOCK_SIZE) return;
        sha->compress(sha->state, sha->buffer, 1);
    }
    /* Whole blocks straight from the caller's data, without a copy. */
    if (size >= SHA256_BLOCK_SIZE)
    {
        sha->compress(sha->state, p, size / SHA256_BLOCK_SIZE);
        p += size & ~(size_t)(SHA256_BLOCK_SIZE - 1);
        size %= SHA256_BLOCK_SIZE;
    }
    if (size) memcpy(sha->buffer, p, size);
}

/* FIPS 180-4, section 5.1.1: a 1 bit, zeros, and the length in bits in the last
 * 8 bytes of the last block. */
void sha256_final(struct sha256 *sha, unsigned char digest[SHA256_DIGEST_SIZE])
{
    size_t fill = (size_t)(sha->length % SHA256_BLOCK_SIZE);
    uint64_t bits = sha->length * 8;
    int i;

    sha->buffer[fill++] = 0x80;
    if (fill > SHA256_BLOCK_SIZE - 8)
    {
        memset(sha->buffer + fill, 0, SHA256_BLOCK_SIZE - fill);
        sha->compress(sha->state, sha->buffer, 1);
        fill = 0;
    }
    memset(sha->buffer + fill, 0, SHA256_BLOCK_SIZE - 8 - fill);
    store_be32(sha->buffer + 56, (uint32_t)(bits >> 32));
    store_be32(sha->buffer + 60, (uint32_t)bits);
    sha->compress(sha->state, sha->buffer, 1);
    for (i = 0; i < 8; i++) store_be32(digest + 4 * i, sha->state[i]);
}

void sha256_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    int i;

    for (i = 0; i < SHA256_DIGEST_SIZE; i++)
    {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = 0;
}

void sha256_hex_of_bytes(const void *data, size_t size, char hex[65])
{
    unsigned char digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;

    sha256_init(&sha);
    sha256_update(&sha, data, size);
    sha256_final(&sha, digest);
    sha256_hex(digest, hex);
}
