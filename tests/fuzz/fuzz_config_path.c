/*
 * libFuzzer target: the rule for the directory's configured paths
 * (common/config_path.h).  The input is a path of 16-bit characters.  Whatever
 * it gives is absolute, holds no "." or ".." name, no "/" and no doubled "\",
 * ends without a separator except the drive's root, fits, is no longer than
 * the input, and normalises to itself; a path that fits once never fails for
 * length when normalised again; with as much room as the input it never fails
 * for length, and normalising in place gives the same.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "config_path.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static void check_shape(const WCHAR *p, size_t n)
{
    size_t i, start;

    CHECK(n >= 3);
    CHECK((p[1] == ':' && p[2] == '\\') || (p[0] == '\\' && p[1] == '\\'));
    for (i = 0; i < n; i++) CHECK(p[i] != '/' && p[i] != 0);
    if (n > 3) CHECK(p[n - 1] != '\\');
    /* No empty, "." or ".." name after the root's "\\". */
    for (start = p[0] == '\\' ? 2 : 3; start < n; )
    {
        size_t end = start;
        while (end < n && p[end] != '\\') end++;
        CHECK(end > start);
        CHECK(!(end - start == 1 && p[start] == '.'));
        CHECK(!(end - start == 2 && p[start] == '.' && p[start + 1] == '.'));
        start = end + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t chars = size / 2, out_chars = 1 + (size ? data[0] % 64 : 0), n;
    WCHAR *in = malloc((chars + 1) * sizeof(WCHAR)), *out = malloc(out_chars * sizeof(WCHAR));
    WCHAR *again = malloc(out_chars * sizeof(WCHAR)), *here = malloc((chars + 1) * sizeof(WCHAR));
    WCHAR *apart = malloc((chars + 1) * sizeof(WCHAR));
    enum config_path_status status;

    memcpy(in, data, chars * sizeof(WCHAR));
    in[chars] = 0;
    status = config_path_normalize(in, out, out_chars);
    CHECK(status <= CONFIG_PATH_TOO_LONG);
    if (status == CONFIG_PATH_OK)
    {
        n = wstr_len(out);
        CHECK(n < out_chars);
        CHECK(n <= wstr_len(in));
        check_shape(out, n);
        CHECK(config_path_normalize(out, again, out_chars) == CONFIG_PATH_OK);
        CHECK(!memcmp(out, again, (n + 1) * sizeof(WCHAR)));
    }
    /* In place, with room for the input: what a buffer of its own gives. */
    memcpy(here, in, (chars + 1) * sizeof(WCHAR));
    status = config_path_normalize(in, apart, chars + 1);
    CHECK(status != CONFIG_PATH_TOO_LONG);
    CHECK(config_path_normalize(here, here, chars + 1) == status);
    if (status == CONFIG_PATH_OK) CHECK(!memcmp(here, apart, (wstr_len(apart) + 1) * sizeof(WCHAR)));
    free(in);
    free(out);
    free(again);
    free(here);
    free(apart);
    return 0;
}
