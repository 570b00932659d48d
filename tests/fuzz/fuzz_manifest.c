/*
 * libFuzzer target: dsbackup's manifest.txt parser, the tool's only parser of
 * untrusted input (tools/dsbackup/manifest.c).  The input is the manifest's
 * bytes.  Besides "no crash, no leak, no undefined behaviour", it checks:
 *   - every entry the parser returns, whatever the verdict, keeps the rules of
 *     manifest.h, restated here separately (fields, the path staying inside
 *     DIR, valid UTF-16, no path twice, lines in order);
 *   - an accepted manifest has files and a token, and what the writer makes of
 *     it parses back to the very same entries, and writing that again gives the
 *     same bytes (the writer's output is the canonical form);
 *   - a rejected manifest says where, when the error is on a line.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manifest.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static size_t units(const manifest_char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* Valid UTF-16: every surrogate in a pair. */
static int valid_utf16(const manifest_char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
    {
        if (s[i] >= 0xdc00 && s[i] <= 0xdfff) return 0;
        if (s[i] >= 0xd800 && s[i] <= 0xdbff)
        {
            if (!(s[i + 1] >= 0xdc00 && s[i + 1] <= 0xdfff)) return 0;
            i++;
        }
    }
    return 1;
}

/* The path rule, by components: split at '\' and '/', each component is not
 * empty, not "." or "..", and nowhere a ':'. */
static int path_stays_inside(const manifest_char *path)
{
    size_t n = units(path), start = 0, i;

    if (!n) return 0;
    for (i = 0; i <= n; i++)
    {
        if (i < n && path[i] == ':') return 0;
        if (i == n || path[i] == '\\' || path[i] == '/')
        {
            size_t length = i - start;
            if (!length) return 0;
            if (length == 1 && path[start] == '.') return 0;
            if (length == 2 && path[start] == '.' && path[start + 1] == '.') return 0;
            start = i + 1;
        }
    }
    return 1;
}

static int fold(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int same_ignoring_ascii_case(const manifest_char *a, const manifest_char *b)
{
    size_t i;

    for (i = 0; a[i] || b[i]; i++)
        if (fold(a[i]) != fold(b[i])) return 0;
    return 1;
}

static int is_ascii_name(const manifest_char *s, const char *name)
{
    size_t i;

    for (i = 0; s[i] && name[i]; i++)
        if (fold(s[i]) != name[i]) return 0;
    return !s[i] && !name[i];
}

static int is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return s[64] == 0;
}

static void check_entries(const struct manifest *manifest)
{
    size_t i, k;

    for (i = 0; i < manifest->count; i++)
    {
        const struct manifest_entry *entry = &manifest->entries[i];

        CHECK(entry->bft <= 0xff);
        CHECK(is_hex64(entry->sha256));
        CHECK(path_stays_inside(entry->path) == 1);
        CHECK(manifest_path_is_safe(entry->path));
        CHECK(valid_utf16(entry->path) && valid_utf16(entry->unc));
        CHECK(units(entry->unc) > 0);
        CHECK(!is_ascii_name(entry->path, "expiry.token") && !is_ascii_name(entry->path, "manifest.txt"));
        CHECK(entry->line >= 2 && (!i || entry->line > manifest->entries[i - 1].line));
        for (k = 0; k < i; k++) CHECK(!same_ignoring_ascii_case(manifest->entries[k].path, entry->path));
    }
    if (manifest->token_sha256[0])
    {
        CHECK(is_hex64(manifest->token_sha256));
        CHECK(!manifest->count || manifest->token_line > manifest->entries[manifest->count - 1].line);
    }
}

static void check_same(const struct manifest *a, const struct manifest *b)
{
    size_t i;

    CHECK(a->count == b->count);
    CHECK(!strcmp(a->token_sha256, b->token_sha256));
    for (i = 0; i < a->count; i++)
    {
        const struct manifest_entry *x = &a->entries[i], *y = &b->entries[i];

        CHECK(x->bft == y->bft && x->size == y->size && !strcmp(x->sha256, y->sha256));
        CHECK(units(x->path) == units(y->path) && !memcmp(x->path, y->path, units(x->path) * sizeof(manifest_char)));
        CHECK(units(x->unc) == units(y->unc) && !memcmp(x->unc, y->unc, units(x->unc) * sizeof(manifest_char)));
    }
}

/* An accepted manifest survives the writer: same entries, and a fixpoint. */
static void check_round_trip(const struct manifest *manifest)
{
    struct manifest again;
    char *text, *text2;
    size_t length, length2;

    CHECK(manifest_write(manifest, &text, &length, NULL) == MANIFEST_OK);
    CHECK(strlen(text) == length);
    CHECK(manifest_parse(text, length, &again) == MANIFEST_OK);
    check_same(manifest, &again);
    CHECK(manifest_write(&again, &text2, &length2, NULL) == MANIFEST_OK);
    CHECK(length2 == length && !memcmp(text, text2, length));
    free(text);
    free(text2);
    manifest_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manifest manifest;
    enum manifest_status status = manifest_parse((const char *)data, size, &manifest);

    check_entries(&manifest);
    switch (status)
    {
    case MANIFEST_OK:
        CHECK(manifest.count > 0 && manifest.token_sha256[0] && !manifest.error_line && !manifest.error_name);
        check_round_trip(&manifest);
        break;
    case MANIFEST_NO_END: case MANIFEST_EMPTY: case MANIFEST_NO_FILES:
        CHECK(!manifest.error_line);
        CHECK(status != MANIFEST_EMPTY || size == 0);
        break;
    case MANIFEST_NO_MEMORY: case MANIFEST_BAD_NAME:
        CHECK(0);
        break;
    default:
        CHECK(manifest.error_line >= 1);
        CHECK((status == MANIFEST_DUPLICATE) == (manifest.error_name != NULL));
        CHECK(status != MANIFEST_BAD_HEADER || manifest.error_line == 1);
        break;
    }
    manifest_free(&manifest);
    return 0;
}
