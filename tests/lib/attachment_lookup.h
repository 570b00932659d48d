/*
 * The attachment-name rule of names.h over plain arrays, for the unit tests and
 * the fuzzer: the index of the listed name an attachment name refers to, or -1.
 * Anything but a listed path with its own BFT code or none (another BFT code, a
 * suffix, "..", "/", a stream) does not match; of two equal listed paths the
 * first wins.  The DLL applies the same two pieces, attachment_name_parse and
 * attachment_bft_matches, through its name index (name_index.h) instead.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_TEST_ATTACHMENT_LOOKUP_H
#define NTDSBCLI_TEST_ATTACHMENT_LOOKUP_H

#include "names.h"

static inline long attachment_name_find(const WCHAR *name, const WCHAR *const *listed_paths,
                                        const WCHAR *listed_bft, size_t listed_count)
{
    const WCHAR *path;
    WCHAR bft;
    size_t i;

    if (!(path = attachment_name_parse(name, &bft))) return -1;
    for (i = 0; i < listed_count; i++)
        if (attachment_bft_matches(bft, listed_bft[i]) && wstr_equal_nocase(path, listed_paths[i])) return (long)i;
    return -1;
}

#endif
