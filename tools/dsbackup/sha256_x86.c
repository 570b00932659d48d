/*
 * SHA-256 with the SHA extensions of x86 processors (SHA-NI: sha256rnds2,
 * sha256msg1, sha256msg2), for x86-64 and i686, and the cpuid test that says
 * whether the processor has them (sha256.h).
 *
 * The state is kept as two vectors, ABEF and CDGH, the order sha256rnds2 takes;
 * each sha256rnds2 does two rounds, so four rounds are two of them with the
 * message words plus constants of those rounds.  The message schedule of the
 * rounds 16 to 63 is computed four words at a time, a group ahead of its use
 * (its latency hides behind the rounds, which do not depend on it).
 *
 * Only the functions that use the extensions are compiled for them (the target
 * attribute), so the rest of the program still runs on any x86 processor.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sha256.h"

#ifdef SHA256_HAVE_SHA_NI
#include <cpuid.h>
#include <immintrin.h>

#ifndef bit_SHA
#define bit_SHA (1 << 29)
#endif

/* The three instructions of the extensions.  A test build may define
 * SHA256_SHA_NI_MODEL and provide them in C (tests/unit/test_sha256_model.c),
 * so that the rest of this function runs, and is checked, on a processor or
 * an emulator without them (qemu-i386). */
#ifndef SHA256_SHA_NI_MODEL
#define sha256_rounds2   _mm_sha256rnds2_epu32
#define sha256_message1  _mm_sha256msg1_epu32
#define sha256_message2  _mm_sha256msg2_epu32
#endif

int sha256_cpu_has_sha_ni(void)
{
    unsigned int eax, ebx, ecx, edx;

    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_SSSE3) || !(ecx & bit_SSE4_1)) return 0;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & bit_SHA) != 0;
}

/* 32-bit Windows only promises a 4-byte aligned stack, and the vectors this
 * function spills (i686 has 8 vector registers) must be 16-byte aligned. */
#ifdef __i386__
#define SHA_NI_FUNCTION __attribute__((target("sha,sse4.1,ssse3"), force_align_arg_pointer))
#else
#define SHA_NI_FUNCTION __attribute__((target("sha,sse4.1,ssse3")))
#endif

/* W[t..t+3] from the four groups of words before them (FIPS 180-4, 6.2.2):
 * msg1 adds sigma0 of the word after to each of W0..W3, the sum gets W9..W12,
 * and msg2 adds sigma1 of the words two before. */
#define NEXT_WORDS(w0, w1, w2, w3) \
    sha256_message2(_mm_add_epi32(sha256_message1(w0, w1), _mm_alignr_epi8(w3, w2, 4)), w3)

/* Rounds 4G to 4G+3 with the message words W. */
#define FOUR_ROUNDS(g, w) \
    do { \
        __m128i wk_ = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(sha256_round_constants + 4 * (g)))); \
        cdgh = sha256_rounds2(cdgh, abef, wk_); \
        abef = sha256_rounds2(abef, cdgh, _mm_shuffle_epi32(wk_, 0x0e)); \
    } while (0)

/* Rounds 4G to 4G+3, G >= 4: W0 (the oldest group) becomes the group's words. */
#define FOUR_ROUNDS_SCHEDULED(g, w0, w1, w2, w3) \
    do { \
        w0 = NEXT_WORDS(w0, w1, w2, w3); \
        FOUR_ROUNDS(g, w0); \
    } while (0)

SHA_NI_FUNCTION void sha256_compress_sha_ni(uint32_t state[8], const unsigned char *blocks, size_t count)
{
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh, abef_before, cdgh_before, dcba, hgfe, w0, w1, w2, w3;

    /* state[] is A B C D E F G H: to ABEF and CDGH, high word first. */
    dcba = _mm_loadu_si128((const __m128i *)state);
    hgfe = _mm_loadu_si128((const __m128i *)(state + 4));
    dcba = _mm_shuffle_epi32(dcba, 0xb1);            /* CDAB */
    hgfe = _mm_shuffle_epi32(hgfe, 0x1b);            /* EFGH */
    abef = _mm_alignr_epi8(dcba, hgfe, 8);           /* ABEF */
    cdgh = _mm_blend_epi16(hgfe, dcba, 0xf0);        /* CDGH */

    for (; count; count--, blocks += SHA256_BLOCK_SIZE)
    {
        abef_before = abef;
        cdgh_before = cdgh;
        w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)blocks), byte_swap);
        w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16)), byte_swap);
        w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 32)), byte_swap);
        w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 48)), byte_swap);
        FOUR_ROUNDS(0, w0);
        FOUR_ROUNDS(1, w1);
        FOUR_ROUNDS(2, w2);
        FOUR_ROUNDS(3, w3);
        FOUR_ROUNDS_SCHEDULED(4, w0, w1, w2, w3);
        FOUR_ROUNDS_SCHEDULED(5, w1, w2, w3, w0);
        FOUR_ROUNDS_SCHEDULED(6, w2, w3, w0, w1);
        FOUR_ROUNDS_SCHEDULED(7, w3, w0, w1, w2);
        FOUR_ROUNDS_SCHEDULED(8, w0, w1, w2, w3);
        FOUR_ROUNDS_SCHEDULED(9, w1, w2, w3, w0);
        FOUR_ROUNDS_SCHEDULED(10, w2, w3, w0, w1);
        FOUR_ROUNDS_SCHEDULED(11, w3, w0, w1, w2);
        FOUR_ROUNDS_SCHEDULED(12, w0, w1, w2, w3);
        FOUR_ROUNDS_SCHEDULED(13, w1, w2, w3, w0);
        FOUR_ROUNDS_SCHEDULED(14, w2, w3, w0, w1);
        FOUR_ROUNDS_SCHEDULED(15, w3, w0, w1, w2);
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    /* Back to A B C D E F G H. */
    dcba = _mm_shuffle_epi32(abef, 0x1b);            /* FEBA */
    hgfe = _mm_shuffle_epi32(cdgh, 0xb1);            /* DCHG */
    abef = _mm_blend_epi16(dcba, hgfe, 0xf0);        /* DCBA */
    cdgh = _mm_alignr_epi8(hgfe, dcba, 8);           /* HGFE */
    _mm_storeu_si128((__m128i *)state, abef);
    _mm_storeu_si128((__m128i *)(state + 4), cdgh);
}

#endif
