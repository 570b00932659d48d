/*
 * SHA-256 (FIPS 180-4) for dsbackup's manifests: a streaming interface over one
 * of two compression functions, the SHA extensions of x86 processors (SHA-NI,
 * sha256_x86.c) where the processor has them and a portable one in plain C
 * (sha256.c) everywhere else.  The choice is made once, when the program starts.
 *
 * Pure C with no Windows or system calls: it builds natively too, for the unit
 * tests and the fuzzer, which call each compression function directly.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef DSBACKUP_SHA256_H
#define DSBACKUP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BLOCK_SIZE  64
#define SHA256_DIGEST_SIZE 32

/* Runs the compression function over COUNT whole 64-byte blocks. */
typedef void sha256_compress_fn(uint32_t state[8], const unsigned char *blocks, size_t count);

/* The round constants K of FIPS 180-4, section 4.2.2. */
extern const uint32_t sha256_round_constants[64];

sha256_compress_fn sha256_compress_portable;

#if defined(__x86_64__) || defined(__i386__)
#define SHA256_HAVE_SHA_NI 1
/* Only where sha256_cpu_has_sha_ni() says so: elsewhere it faults. */
sha256_compress_fn sha256_compress_sha_ni;
/* Whether cpuid reports the SHA extensions and the SSSE3 and SSE4.1 they are
 * used with.  An emulator (qemu) may report fewer features than the machine has. */
int sha256_cpu_has_sha_ni(void);
#endif

/* Chooses the fastest compression function this processor runs, for every hash
 * begun with sha256_init from then on; returns its name ("SHA-NI", "portable").
 * Called once at start, before any thread hashes; until then sha256_init uses
 * the portable one. */
const char *sha256_choose_implementation(void);

struct sha256
{
    sha256_compress_fn *compress;
    uint32_t state[8];
    uint64_t length;                    /* bytes hashed so far */
    unsigned char buffer[SHA256_BLOCK_SIZE];  /* the last partial block */
};

/* Begins a hash with the chosen compression function, or with COMPRESS. */
void sha256_init(struct sha256 *sha);
void sha256_init_with(struct sha256 *sha, sha256_compress_fn *compress);
void sha256_update(struct sha256 *sha, const void *data, size_t size);
/* The digest; the state is then spent (begin again to reuse it). */
void sha256_final(struct sha256 *sha, unsigned char digest[SHA256_DIGEST_SIZE]);

/* 64 lower-case hex digits and a NUL, as manifests write them. */
void sha256_hex(const unsigned char digest[SHA256_DIGEST_SIZE], char hex[65]);
void sha256_hex_of_bytes(const void *data, size_t size, char hex[65]);

#endif
