/*
 * libFuzzer target: name lists.  Builds a W list from fuzzed paths (optionally with
 * the N-th allocation failing), checks its layout, converts it to an A list with a
 * plain ASCII narrowing, parses that back and compares; nothing may leak.
 *
 * Input: byte 0 arms a fault (bit 7: arm, bit 6: persistent, bits 0-4: N - 1); the
 * rest is UTF-16LE, split at NULs into entries, each a BFT selector and a path.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "name_list.h"
#include "memory.h"
#include "fault.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)
#define MAX_ENTRIES 512

static const WCHAR bft_codes[] = {BFTW_LOG, BFTW_LOG_DIR, BFTW_CHECKPOINT_DIR, BFTW_NTDS_DATABASE,
                                  BFTW_PATCH_FILE, BFTW_UNKNOWN};

static size_t narrow_ascii(const WCHAR *path, char *out, size_t out_size)
{
    size_t n = 0, i;
    while (path[n]) n++;
    for (i = 0; i < n; i++)
        if (path[i] > 0x7f) return 0;
    if (!out) return n + 1;
    if (out_size < n + 1) return 0;
    for (i = 0; i <= n; i++) out[i] = (char)path[i];
    return n + 1;
}

struct entry
{
    WCHAR bft;
    const WCHAR *path;   /* into the input copy, NUL-terminated */
    size_t length;
    int ascii;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct entry entries[MAX_ENTRIES];
    size_t count = 0, n, i, j, pos, expected_bytes = 0;
    long live = mem_live_count(), injected = fault_injected_total();
    int all_ascii = 1, failed = 0;
    struct name_list list;
    WCHAR *input, *buffer = NULL;
    const WCHAR *entry;
    char *abuffer = NULL;
    DWORD bytes = 0, abytes = 0;
    HRESULT hr;

    if (size < 1) return 0;
    n = (size - 1) / 2;
    if (!(input = malloc((n + 1) * sizeof(WCHAR)))) return 0;
    for (i = 0; i < n; i++) input[i] = (WCHAR)(data[1 + 2 * i] | data[2 + 2 * i] << 8);
    input[n] = 0;
    /* Entries: a selector character choosing the BFT, then the path, up to a NUL. */
    for (pos = 0; pos < n && count < MAX_ENTRIES; )
    {
        struct entry *e = &entries[count++];
        if (!input[pos])
        {
            e->bft = BFTW_LOG;          /* an empty segment: an entry with an empty path */
            e->path = input + pos;
            pos++;
        }
        else
        {
            e->bft = bft_codes[input[pos] % 6];
            e->path = input + pos + 1;
            pos++;
            while (pos < n && input[pos]) pos++;
            pos++;
        }
        for (e->length = 0, e->ascii = 1; e->path[e->length]; e->length++)
            if (e->path[e->length] > 0x7f) e->ascii = 0;
        all_ascii &= e->ascii;
        expected_bytes += (e->length + 2) * sizeof(WCHAR);
    }
    expected_bytes += (count ? 1 : 2) * sizeof(WCHAR);

    if (data[0] & 0x80) fault_arm(FAULT_ALLOC, (data[0] & 0x1f) + 1, (data[0] >> 6) & 1);

    name_list_init(&list);
    for (i = 0; i < count; i++)
    {
        size_t before = list.length;
        if (!name_list_append(&list, entries[i].bft, entries[i].path))
        {
            CHECK(list.length == before);   /* a failed append leaves the list as it was */
            failed = 1;
            break;
        }
    }
    if (!failed && !name_list_finish(&list, &buffer, &bytes)) failed = 1;
    if (failed)
    {
        name_list_discard(&list);
        goto done;
    }

    /* The W list: each entry BFT, path, NUL; one more NUL; the size counts them all. */
    CHECK(bytes == expected_bytes);
    CHECK(buffer[bytes / 2 - 1] == 0 && buffer[bytes / 2 - 2] == 0);
    for (i = 0, entry = name_list_next(buffer, NULL); entry; i++, entry = name_list_next(buffer, entry))
    {
        CHECK(i < count);
        CHECK(entry[0] == entries[i].bft);
        CHECK(!memcmp(entry + 1, entries[i].path, (entries[i].length + 1) * sizeof(WCHAR)));
    }
    CHECK(i == count);

    abytes = 12345;
    hr = name_list_to_ansi(buffer, narrow_ascii, &abuffer, &abytes);
    if (!all_ascii)
    {
        CHECK(hr == ERROR_NO_UNICODE_TRANSLATION);
        CHECK(abytes == 12345);
    }
    else if (hr == ERROR_NOT_ENOUGH_MEMORY)
    {
        CHECK(fault_injected_total() > injected);
    }
    else
    {
        CHECK(hr == S_OK);
        /* ASCII: one byte per WCHAR, BFT codes as raw bytes. */
        CHECK(abytes == bytes / 2);
        for (i = 0, pos = 0; abuffer[pos]; i++)
        {
            CHECK(i < count);
            CHECK((BYTE)abuffer[pos] == entries[i].bft);
            pos++;
            for (j = 0; j < entries[i].length; j++, pos++)
                CHECK((WCHAR)(BYTE)abuffer[pos] == entries[i].path[j]);
            CHECK(abuffer[pos] == 0);
            pos++;
        }
        CHECK(i == count);
        CHECK(pos == abytes - (count ? 1 : 2));
        CHECK(abuffer[abytes - 1] == 0);
        mem_free(abuffer);
    }
    mem_free(buffer);

done:
    fault_disarm_all();
    CHECK(mem_live_count() == live);
    free(input);
    return 0;
}
