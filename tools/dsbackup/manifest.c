/*
 * manifest.txt: its one writer and its one parser (the format is described in
 * manifest.h).  Pure C with no Win32 call, so that it builds natively for the
 * unit tests and the fuzzer: the UTF-8 <-> UTF-16 conversions are written here
 * with the strictness of Windows' MB_ERR_INVALID_CHARS and WC_ERR_INVALID_CHARS.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manifest.h"

/* ---- UTF-8 and UTF-16 ------------------------------------------------------- */

/* Decodes strict UTF-8 (no overlong form, no surrogate, nothing above U+10FFFF)
 * into a new NUL-terminated UTF-16 string; NULL if invalid or out of memory
 * (*no_memory says which). */
static manifest_char *utf8_to_utf16(const unsigned char *s, size_t length, int *no_memory)
{
    manifest_char *out = malloc((length + 1) * sizeof(*out));
    size_t i = 0, used = 0;

    *no_memory = !out;
    while (out && i < length)
    {
        unsigned c = s[i], extra, k;
        unsigned long code;

        if (c < 0x80) { out[used++] = (manifest_char)c; i++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { extra = 1; code = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { extra = 2; code = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { extra = 3; code = c & 0x07; }
        else break;
        if (length - i <= extra) break;
        for (k = 1; k <= extra && (s[i + k] & 0xc0) == 0x80; k++) code = (code << 6) | (s[i + k] & 0x3f);
        if (k <= extra) break;
        /* Overlong three- and four-byte forms, surrogates, beyond Unicode. */
        if ((extra == 2 && code < 0x800) || (code >= 0xd800 && code <= 0xdfff)
                || (extra == 3 && (code < 0x10000 || code > 0x10ffff)))
            break;
        if (code >= 0x10000)
        {
            out[used++] = (manifest_char)(0xd800 + ((code - 0x10000) >> 10));
            out[used++] = (manifest_char)(0xdc00 + ((code - 0x10000) & 0x3ff));
        }
        else out[used++] = (manifest_char)code;
        i += extra + 1;
    }
    if (out && i < length)
    {
        free(out);
        return NULL;
    }
    if (out) out[used] = 0;
    return out;
}

/* The code point at s (one or two units); 0 for an unpaired surrogate. */
static unsigned long utf16_code_point(const manifest_char *s, size_t *units)
{
    *units = 1;
    if (s[0] >= 0xdc00 && s[0] <= 0xdfff) return 0;
    if (s[0] < 0xd800 || s[0] > 0xdbff) return s[0];
    if (s[1] < 0xdc00 || s[1] > 0xdfff) return 0;
    *units = 2;
    return 0x10000 + (((unsigned long)s[0] - 0xd800) << 10) + (s[1] - 0xdc00);
}

/* ---- a growing text ---------------------------------------------------------- */

struct text
{
    char *data;
    size_t length, capacity;
    int failed;
};

static void text_append(struct text *text, const char *data, size_t length)
{
    if (text->failed) return;
    if (text->length + length + 1 > text->capacity)
    {
        size_t capacity = text->capacity ? text->capacity : 4096;
        char *grown;

        while (capacity < text->length + length + 1) capacity *= 2;
        if (!(grown = realloc(text->data, capacity)))
        {
            text->failed = 1;
            return;
        }
        text->data = grown;
        text->capacity = capacity;
    }
    memcpy(text->data + text->length, data, length);
    text->length += length;
    text->data[text->length] = 0;
}

static void text_append_string(struct text *text, const char *s)
{
    text_append(text, s, strlen(s));
}

static int byte_needs_escape(unsigned char c)
{
    return c <= ' ' || c == '%' || c == 0x7f;
}

/* One UTF-8 byte as the manifest writes it. */
static void text_append_byte(struct text *text, unsigned char c)
{
    char escape[4];

    if (!byte_needs_escape(c))
    {
        text_append(text, (const char *)&c, 1);
        return;
    }
    snprintf(escape, sizeof(escape), "%%%02X", c);
    text_append(text, escape, 3);
}

/* Appends a UTF-16 string as escaped UTF-8; 0 if it is not valid UTF-16. */
static int text_append_name(struct text *text, const manifest_char *s)
{
    unsigned char utf8[4];
    unsigned long code;
    size_t units, n, k;

    for (; *s; s += units)
    {
        if (!(code = utf16_code_point(s, &units))) return 0;
        if (code < 0x80) { utf8[0] = (unsigned char)code; n = 1; }
        else if (code < 0x800) { utf8[0] = (unsigned char)(0xc0 | (code >> 6)); n = 2; }
        else if (code < 0x10000) { utf8[0] = (unsigned char)(0xe0 | (code >> 12)); n = 3; }
        else { utf8[0] = (unsigned char)(0xf0 | (code >> 18)); n = 4; }
        for (k = 1; k < n; k++) utf8[k] = (unsigned char)(0x80 | ((code >> (6 * (n - 1 - k))) & 0x3f));
        for (k = 0; k < n; k++) text_append_byte(text, utf8[k]);
    }
    return 1;
}

/* ---- fields ------------------------------------------------------------------- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int is_sha256_hex(const char *s, size_t length)
{
    size_t i;

    if (length != 64) return 0;
    for (i = 0; i < 64; i++)
        if (hex_value(s[i]) < 0) return 0;
    return 1;
}

static int parse_decimal(const char *s, size_t length, uint64_t *value)
{
    uint64_t v = 0;
    size_t i;

    if (!length || length > 20) return 0;
    for (i = 0; i < length; i++)
    {
        if (s[i] < '0' || s[i] > '9') return 0;
        if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10) return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *value = v;
    return 1;
}

/* Splits a line at single spaces into at most max fields; returns the count, or
 * max + 1 if there are more. */
static size_t split_fields(const char *line, size_t length, const char **fields, size_t *lengths, size_t max)
{
    size_t count = 0, start = 0, i;

    for (i = 0; i <= length; i++)
    {
        if (i == length || line[i] == ' ')
        {
            if (count == max) return max + 1;
            fields[count] = line + start;
            lengths[count] = i - start;
            count++;
            start = i + 1;
        }
    }
    return count;
}

/* Undoes the escaping of one field; NULL if it is malformed (a bad or %00
 * escape, a byte that should have been escaped, invalid UTF-8) or, with
 * *no_memory set, if memory ran out. */
static manifest_char *unescape_field(const char *field, size_t length, int *no_memory)
{
    unsigned char *utf8 = malloc(length + 1);
    manifest_char *wide = NULL;
    size_t i, used = 0;
    int high, low;

    *no_memory = !utf8;
    for (i = 0; utf8 && i < length; i++)
    {
        if (field[i] == '%')
        {
            if (length - i < 3 || (high = hex_value(field[i + 1])) < 0
                    || (low = hex_value(field[i + 2])) < 0 || !(high | low))
                break;
            utf8[used++] = (unsigned char)(high * 16 + low);
            i += 2;
        }
        else if (byte_needs_escape((unsigned char)field[i])) break;
        else utf8[used++] = (unsigned char)field[i];
    }
    if (utf8 && i == length) wide = utf8_to_utf16(utf8, used, no_memory);
    free(utf8);
    return wide;
}

static manifest_char ascii_lower(manifest_char c)
{
    return c >= 'A' && c <= 'Z' ? (manifest_char)(c + 32) : c;
}

static int names_equal_nocase(const manifest_char *a, const manifest_char *b)
{
    while (*a && ascii_lower(*a) == ascii_lower(*b)) a++, b++;
    return ascii_lower(*a) == ascii_lower(*b);
}

static int name_is(const manifest_char *name, const char *ascii)
{
    while (*name && *ascii && ascii_lower(*name) == (manifest_char)*ascii) name++, ascii++;
    return !*name && !*ascii;
}

int manifest_path_is_safe(const manifest_char *path)
{
    const manifest_char *component = path, *p;

    if (!path[0] || path[0] == '\\' || path[0] == '/') return 0;
    for (p = path;; p++)
    {
        if (*p == ':') return 0;
        if (*p == '\\' || *p == '/' || !*p)
        {
            size_t length = (size_t)(p - component);
            if (!length || (length == 1 && component[0] == '.')
                    || (length == 2 && component[0] == '.' && component[1] == '.'))
                return 0;
            if (!*p) return 1;
            component = p + 1;
        }
    }
}

/* ---- entries ------------------------------------------------------------------ */

static manifest_char *name_copy(const manifest_char *s)
{
    size_t n = 0;
    manifest_char *copy;

    while (s[n]) n++;
    if ((copy = malloc((n + 1) * sizeof(*copy)))) memcpy(copy, s, (n + 1) * sizeof(*copy));
    return copy;
}

/* Takes ownership of path and unc, even on failure. */
static enum manifest_status append_entry(struct manifest *manifest, unsigned bft, uint64_t size,
                                         const char *sha256, manifest_char *path, manifest_char *unc)
{
    struct manifest_entry *entry;

    if (!path || !unc) goto no_memory;
    if (manifest->count == manifest->capacity)
    {
        size_t capacity = manifest->capacity ? manifest->capacity * 2 : 16;
        struct manifest_entry *grown = realloc(manifest->entries, capacity * sizeof(*grown));

        if (!grown) goto no_memory;
        manifest->entries = grown;
        manifest->capacity = capacity;
    }
    entry = &manifest->entries[manifest->count++];
    entry->bft = bft;
    entry->size = size;
    memcpy(entry->sha256, sha256, 64);
    entry->sha256[64] = 0;
    entry->path = path;
    entry->unc = unc;
    entry->line = 0;
    return MANIFEST_OK;
no_memory:
    free(path);
    free(unc);
    return MANIFEST_NO_MEMORY;
}

enum manifest_status manifest_add(struct manifest *manifest, unsigned bft, uint64_t size,
                                  const char *sha256, const manifest_char *path, const manifest_char *unc)
{
    return append_entry(manifest, bft, size, sha256, name_copy(path), name_copy(unc));
}

void manifest_free(struct manifest *manifest)
{
    size_t i;

    for (i = 0; i < manifest->count; i++)
    {
        free(manifest->entries[i].path);
        free(manifest->entries[i].unc);
    }
    free(manifest->entries);
    free(manifest->error_name);
    memset(manifest, 0, sizeof(*manifest));
}

/* ---- the parser ---------------------------------------------------------------- */

struct parse_state
{
    struct manifest *manifest;
    unsigned line_number;
    int have_token, have_end;
};

/* "<bft> <size> <sha256> <path> <unc>", already split. */
static enum manifest_status parse_file_line(struct parse_state *state, const char **fields,
                                            const size_t *lengths, size_t count)
{
    struct manifest *manifest = state->manifest;
    manifest_char *path, *unc;
    enum manifest_status status;
    uint64_t size;
    int no_memory;
    size_t k;

    if (count != 5 || lengths[0] != 2 || hex_value(fields[0][0]) < 0 || hex_value(fields[0][1]) < 0
            || !parse_decimal(fields[1], lengths[1], &size) || !is_sha256_hex(fields[2], lengths[2]))
        return MANIFEST_BAD_LINE;
    if (!(path = unescape_field(fields[3], lengths[3], &no_memory)) || !manifest_path_is_safe(path))
    {
        free(path);
        return no_memory ? MANIFEST_NO_MEMORY : MANIFEST_BAD_PATH;
    }
    if (!(unc = unescape_field(fields[4], lengths[4], &no_memory)) || !unc[0])
    {
        free(path);
        free(unc);
        return no_memory ? MANIFEST_NO_MEMORY : MANIFEST_BAD_UNC;
    }
    for (k = 0; k < manifest->count; k++)
        if (names_equal_nocase(manifest->entries[k].path, path)) break;
    if (k < manifest->count || name_is(path, "expiry.token") || name_is(path, "manifest.txt"))
    {
        free(unc);
        manifest->error_name = path;
        return MANIFEST_DUPLICATE;
    }
    status = append_entry(manifest, (unsigned)(hex_value(fields[0][0]) * 16 + hex_value(fields[0][1])),
                          size, fields[2], path, unc);
    if (!status) manifest->entries[manifest->count - 1].line = state->line_number;
    return status;
}

/* One line, without its line end. */
static enum manifest_status parse_line(struct parse_state *state, const char *line, size_t length)
{
    const char *fields[6];
    size_t lengths[6], count;

    if (memchr(line, 0, length)) return MANIFEST_NUL;
    if (state->have_end) return MANIFEST_AFTER_END;
    if (state->line_number == 1)
        return length == strlen(MANIFEST_HEADER) && !memcmp(line, MANIFEST_HEADER, length)
               ? MANIFEST_OK : MANIFEST_BAD_HEADER;
    if (length == 3 && !memcmp(line, "end", 3))
    {
        state->have_end = 1;
        return state->have_token ? MANIFEST_OK : MANIFEST_END_WITHOUT_TOKEN;
    }
    if (state->have_token) return MANIFEST_AFTER_TOKEN;
    count = split_fields(line, length, fields, lengths, 5);
    if (count != 2 || lengths[0] != 5 || memcmp(fields[0], "token", 5))
        return parse_file_line(state, fields, lengths, count);
    if (!is_sha256_hex(fields[1], lengths[1])) return MANIFEST_BAD_TOKEN;
    memcpy(state->manifest->token_sha256, fields[1], 64);
    state->manifest->token_sha256[64] = 0;
    state->manifest->token_line = state->line_number;
    state->have_token = 1;
    return MANIFEST_OK;
}

enum manifest_status manifest_parse(const char *data, size_t size, struct manifest *manifest)
{
    struct parse_state state = {manifest, 0, 0, 0};
    enum manifest_status status = MANIFEST_OK;
    size_t position = 0;

    memset(manifest, 0, sizeof(*manifest));
    while (position < size && !status)
    {
        const char *line = data + position, *newline = memchr(line, '\n', size - position);
        size_t length;

        state.line_number++;
        /* A last line without its LF is accepted only if it is "end". */
        length = newline ? (size_t)(newline - line) : size - position;
        position += newline ? length + 1 : length;
        if (length && line[length - 1] == '\r') length--;
        status = parse_line(&state, line, length);
    }
    if (status)
    {
        if (status != MANIFEST_NO_MEMORY) manifest->error_line = state.line_number;
        return status;
    }
    if (!state.line_number) return MANIFEST_EMPTY;
    if (!state.have_end) return MANIFEST_NO_END;
    return manifest->count ? MANIFEST_OK : MANIFEST_NO_FILES;
}

/* ---- the writer ----------------------------------------------------------------- */

enum manifest_status manifest_write(const struct manifest *manifest, char **text_out, size_t *length,
                                    const manifest_char **bad_name)
{
    struct text text = {0};
    char line[128];
    size_t i;

    *text_out = NULL;
    *length = 0;
    text_append_string(&text, MANIFEST_HEADER "\n");
    for (i = 0; i < manifest->count; i++)
    {
        const struct manifest_entry *entry = &manifest->entries[i];
        const manifest_char *bad = NULL;

        snprintf(line, sizeof(line), "%02x %llu %.64s ", entry->bft & 0xff, (unsigned long long)entry->size,
                 entry->sha256);
        text_append_string(&text, line);
        if (!text_append_name(&text, entry->path)) bad = entry->path;
        text_append(&text, " ", 1);
        if (!bad && !text_append_name(&text, entry->unc)) bad = entry->unc;
        if (bad)
        {
            if (bad_name) *bad_name = bad;
            free(text.data);
            return MANIFEST_BAD_NAME;
        }
        text_append(&text, "\n", 1);
    }
    text_append_string(&text, "token ");
    text_append_string(&text, manifest->token_sha256);
    text_append_string(&text, "\nend\n");
    if (text.failed)
    {
        free(text.data);
        return MANIFEST_NO_MEMORY;
    }
    *text_out = text.data;
    *length = text.length;
    return MANIFEST_OK;
}
