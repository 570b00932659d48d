/*
 * libFuzzer target: attachment names, server names and log names from arbitrary
 * UTF-16 (embedded NULs, unpaired surrogates, BFT codes in front, names near and
 * past the longest path).  Each result is checked against a plain restatement of
 * the contract in names.h.
 *
 * Input: three bytes that choose how the name is built (see below), then UTF-16LE.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "attachment_lookup.h"
#include "name_index.h"

#define W(s) ((const WCHAR *)u"" s)
#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static const WCHAR *const listed[] =
{
    W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\edb.log"),
    W("\\\\dc01\\d$\\Patch\\ntds.pat"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log\\x"),
};
static const WCHAR listed_bft[] = {BFTW_NTDS_DATABASE, BFTW_LOG, BFTW_LOG, BFTW_PATCH_FILE, BFTW_LOG};
#define LISTED (sizeof(listed) / sizeof(listed[0]))
static const WCHAR prefixes[] = {BFTW_NTDS_DATABASE, BFTW_LOG, BFTW_PATCH_FILE, BFTW_LOG_DIR};

static WCHAR fold(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
}

static int same_ignoring_ascii_case(const WCHAR *a, const WCHAR *b)
{
    size_t i;
    for (i = 0; a[i] || b[i]; i++)
        if (fold(a[i]) != fold(b[i])) return 0;
    return 1;
}

static size_t length_of(const WCHAR *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* The contract: the listed path exactly (but for ASCII case), optionally preceded by
 * that entry's BFT code; the first listed entry that fits. */
static long expected_find(const WCHAR *name)
{
    size_t i;
    for (i = 0; i < LISTED; i++)
    {
        if (same_ignoring_ascii_case(name, listed[i])) return (long)i;
        if (name[0] && name[0] == listed_bft[i] && same_ignoring_ascii_case(name + 1, listed[i]))
            return (long)i;
    }
    return -1;
}

static const WCHAR *const local_names[] = {W("DC01"), W("dc01"), W("dc01.corp.example.com")};
static const WCHAR *const loopback_names[] = {W("localhost"), W("localhost."), W("::1"), W("0:0:0:0:0:0:0:1")};

/* Four dot-separated decimal numbers of one to three digits, no leading zero,
 * each at most 255, the first 127. */
static BOOL expected_ipv4_loopback(const WCHAR *p)
{
    size_t parts = 0, digits;
    unsigned value;

    for (;;)
    {
        const WCHAR *start = p;
        for (value = 0, digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 4) value = value * 10 + (*p - '0');
        if (digits < 1 || digits > 3 || value > 255 || (digits > 1 && *start == '0')) return FALSE;
        if (parts++ == 0 && value != 127) return FALSE;
        if (!*p) return parts == 4;
        if (*p++ != '.' || parts == 4) return FALSE;
    }
}

static BOOL expected_local(const WCHAR *name)
{
    const WCHAR *p = name;
    WCHAR stripped[300];
    size_t i, n;
    if (!name[0]) return TRUE;
    if (p[0] == '\\' && p[1] == '\\') p += 2;
    for (i = 0; p[i]; i++)
        if (p[i] == '_' || p[i] == '\\' || p[i] == '/') return FALSE;
    if ((n = length_of(p)) >= 256 || !n) return FALSE;
    for (i = 0; i < 3; i++)
        if (same_ignoring_ascii_case(p, local_names[i])) return TRUE;
    for (i = 0; i < 4; i++)
        if (same_ignoring_ascii_case(p, loopback_names[i])) return TRUE;
    if (expected_ipv4_loopback(p)) return TRUE;
    /* The DNS names (not the NetBIOS one) with one trailing dot. */
    if (n < 2 || p[n - 1] != '.' || p[n - 2] == '.') return FALSE;
    memcpy(stripped, p, (n - 1) * sizeof(WCHAR));
    stripped[n - 1] = 0;
    return same_ignoring_ascii_case(stripped, local_names[1]) || same_ignoring_ascii_case(stripped, local_names[2]);
}

static int hex(WCHAR c)
{
    c = fold(c);
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void check_log_name(const WCHAR *name)
{
    unsigned long generation = 0xdeadbeef, value = 0;
    enum ntds_log_name_kind kind = ntds_log_name_classify(name, &generation);
    size_t i;

    if (kind == NTDS_LOG_NAME_CURRENT)
    {
        CHECK(same_ignoring_ascii_case(name, W("EDB.LOG")));
        CHECK(generation == 0xdeadbeef);
    }
    else if (kind == NTDS_LOG_NAME_NUMBERED)
    {
        CHECK(length_of(name) == 12);
        CHECK(fold(name[0]) == 'E' && fold(name[1]) == 'D' && fold(name[2]) == 'B');
        CHECK(same_ignoring_ascii_case(name + 8, W(".LOG")));
        for (i = 3; i < 8; i++)
        {
            CHECK(hex(name[i]) >= 0);
            value = value * 16 + (unsigned long)hex(name[i]);
        }
        CHECK(generation == value);
    }
    else
    {
        CHECK(kind == NTDS_LOG_NAME_OTHER);
        CHECK(generation == 0xdeadbeef);
        CHECK(!same_ignoring_ascii_case(name, W("EDB.LOG")));
    }
}

static const WCHAR *listed_name(const void *owner, size_t id)
{
    (void)owner;
    return listed[id];
}

/* The DLL's way to the same answer: the path through the name index, then the
 * BFT code. */
static long find_through_index(const WCHAR *name)
{
    static struct name_index index;
    static int built;
    const WCHAR *path;
    WCHAR bft;
    long found;
    size_t i;

    if (!built)
    {
        name_index_init(&index);
        for (i = 0; i < LISTED; i++) CHECK(name_index_add(&index, i, listed[i]));
        built = 1;
    }
    if (!(path = attachment_name_parse(name, &bft))) return -1;
    found = name_index_find(&index, path, listed_name, NULL);
    return found >= 0 && attachment_bft_matches(bft, listed_bft[found]) ? found : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t payload, count = 0, total, length, i, j;
    WCHAR *built, *name;
    unsigned mode, mask, choice;
    long found;

    if (size < 3) return 0;
    mode = data[0];
    mask = data[1];
    choice = data[2];
    data += 3;
    payload = (size - 3) / 2;

    /* mode bit 0: a BFT code first (choice bits 0-1 pick it); bit 1: a listed path
     * next (choice bits 2-4), its letters case-flipped by the mask if bit 2 is set;
     * then the payload, or with bit 7 the payload repeated up to 32760..32775
     * characters (mask bits 0-3).  The name handed over is its own heap block ending
     * at its first NUL, so that ASan sees any read past the terminator, unless bit 6
     * keeps what follows the NUL (then a read past it gives a wrong answer instead). */
    total = payload + 1 + 64;
    if (mode & 0x80) total = 32760 + (mask & 15);
    if (!(built = malloc((total + 1) * sizeof(WCHAR)))) return 0;
    if (mode & 1) built[count++] = prefixes[choice & 3];
    if (mode & 2)
    {
        const WCHAR *path = listed[((choice >> 2) & 7) % LISTED];
        for (j = 0; path[j] && count < total; j++)
        {
            WCHAR c = path[j];
            if ((mode & 4) && ((mask >> (j % 8)) & 1) && (c | 32) >= 'a' && (c | 32) <= 'z')
                c ^= 32;
            built[count++] = c;
        }
    }
    if (mode & 0x80)
    {
        for (i = 0; count < total; i++, count++)
            built[count] = payload ? (WCHAR)(data[2 * (i % payload)] | data[2 * (i % payload) + 1] << 8) : 'x';
    }
    else
    {
        for (i = 0; i < payload; i++)
            built[count++] = (WCHAR)(data[2 * i] | data[2 * i + 1] << 8);
    }
    built[count] = 0;
    length = (mode & 0x40) ? count : length_of(built);
    if (!(name = malloc((length + 1) * sizeof(WCHAR)))) { free(built); return 0; }
    memcpy(name, built, length * sizeof(WCHAR));
    name[length] = 0;
    free(built);

    found = attachment_name_find(name, listed, listed_bft, LISTED);
    if (found != expected_find(name))
    {
        fprintf(stderr, "attachment_name_find: got %ld, expected %ld\n", found, expected_find(name));
        abort();
    }
    CHECK(find_through_index(name) == found);
    if (found >= 0)
    {
        const WCHAR *rest = name[0] == listed_bft[found] ? name + 1 : name;
        CHECK(same_ignoring_ascii_case(rest, listed[found]));
    }
    CHECK(server_name_is_local(name, W("DC01"), W("dc01"), W("dc01.corp.example.com"))
          == expected_local(name));
    check_log_name(name);
    free(name);
    return 0;
}
