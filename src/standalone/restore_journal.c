/*
 * The restore journal's format (see restore_journal.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <string.h>
#include "restore_journal.h"
#include "ntds_layout.h"

/* Wide literals are compared and copied one character at a time, so that they
 * serve in the native builds too, where wchar_t is wider than WCHAR. */
#define JOURNAL_MAGIC_LINE L"=ntdsbcli restore registration 1\n"

enum field_kind { FIELD_STRING, FIELD_MAP, FIELD_DWORD, FIELD_QWORD };

struct journal_field
{
    const wchar_t *name;
    enum field_kind kind;
    size_t offset;             /* in struct stored_registration */
    BOOL owner;                /* one of the three a journal of old lacks */
};

/* In the order the journal holds them. */
static const struct journal_field fields[] =
{
    { RESTORE_VALUE_CHECKPOINT_PATH, FIELD_STRING, offsetof(struct stored_registration, checkpoint_path), FALSE },
    { RESTORE_VALUE_LOG_PATH, FIELD_STRING, offsetof(struct stored_registration, log_path), FALSE },
    { RESTORE_VALUE_BACKUP_LOG_PATH, FIELD_STRING, offsetof(struct stored_registration, backup_log_path), FALSE },
    { RESTORE_VALUE_MAP, FIELD_MAP, offsetof(struct stored_registration, restore_map), FALSE },
    { RESTORE_VALUE_LOW_LOG, FIELD_DWORD, offsetof(struct stored_registration, generation_low), FALSE },
    { RESTORE_VALUE_HIGH_LOG, FIELD_DWORD, offsetof(struct stored_registration, generation_high), FALSE },
    { RESTORE_VALUE_BACKUP_TIME, FIELD_QWORD, offsetof(struct stored_registration, backup_time), FALSE },
    { RESTORE_VALUE_BACKUP_ID, FIELD_QWORD, offsetof(struct stored_registration, backup_id), FALSE },
    { RESTORE_VALUE_REGISTRATION_TIME, FIELD_QWORD, offsetof(struct stored_registration, registration_time), FALSE },
    { RESTORE_VALUE_STATUS, FIELD_DWORD, offsetof(struct stored_registration, status), FALSE },
    { RESTORE_VALUE_REGISTRATION_ID, FIELD_QWORD, offsetof(struct stored_registration, registration_id), TRUE },
    { RESTORE_VALUE_OWNER_PROCESS, FIELD_DWORD, offsetof(struct stored_registration, owner_process), TRUE },
    { RESTORE_VALUE_OWNER_START_TIME, FIELD_QWORD, offsetof(struct stored_registration, owner_start_time), TRUE },
};

static size_t literal_length(const wchar_t *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

/* ---- writing ---------------------------------------------------------------------- */

struct text
{
    WCHAR *chars;
    size_t used, capacity;
    LONG status;               /* the first failure */
};

static void append(struct text *t, const WCHAR *s, size_t n)
{
    size_t capacity;
    WCHAR *grown;

    if (t->status) return;
    if (t->used + n > t->capacity)
    {
        capacity = (t->used + n) * 2 + 64;
        if (!(grown = mem_realloc(t->chars, capacity * sizeof(WCHAR))))
        {
            t->status = ERROR_NOT_ENOUGH_MEMORY;
            return;
        }
        t->chars = grown;
        t->capacity = capacity;
    }
    memcpy(t->chars + t->used, s, n * sizeof(WCHAR));
    t->used += n;
}

static void append_literal(struct text *t, const wchar_t *s)
{
    WCHAR c;

    while (*s)
    {
        c = (WCHAR)*s++;
        append(t, &c, 1);
    }
}

static void append_number(struct text *t, ULONGLONG value)
{
    WCHAR digits[20];
    size_t n = 0;

    do digits[sizeof(digits) / sizeof(digits[0]) - ++n] = (WCHAR)('0' + value % 10);
    while ((value /= 10));
    append(t, digits + sizeof(digits) / sizeof(digits[0]) - n, n);
}

/* A string value: no line break can be in it, since a line ends the value. */
static void append_string(struct text *t, const WCHAR *s)
{
    size_t i;

    if (!s)
    {
        if (!t->status) t->status = ERROR_INVALID_DATA;
        return;
    }
    for (i = 0; s[i]; i++)
        if (s[i] == '\n' && !t->status) t->status = ERROR_INVALID_DATA;
    append(t, s, i);
}

/* old\0new\0...\0 as old|new|...: the NULs between the names become '|'. */
static void append_map(struct text *t, const WCHAR *map, size_t chars)
{
    WCHAR c;
    size_t i;

    if (!map || !chars)
    {
        if (!t->status) t->status = ERROR_INVALID_DATA;
        return;
    }
    for (i = 0; i + 2 < chars; i++)
    {
        c = map[i] ? map[i] : '|';
        if ((map[i] == '|' || map[i] == '\n') && !t->status) t->status = ERROR_INVALID_DATA;
        append(t, &c, 1);
    }
}

LONG restore_journal_encode(const struct stored_registration *r, BYTE **bytes, size_t *size)
{
    struct text t = { NULL, 0, 0, ERROR_SUCCESS };
    const BYTE *base = (const BYTE *)r;
    const struct journal_field *f;
    BYTE *out;
    size_t i;

    *bytes = NULL;
    *size = 0;
    append_literal(&t, JOURNAL_MAGIC_LINE);
    for (f = fields; f < fields + ARRAYSIZE(fields); f++)
    {
        append_literal(&t, f->name);
        append_literal(&t, L"=");
        switch (f->kind)
        {
        case FIELD_STRING: append_string(&t, *(WCHAR * const *)(base + f->offset)); break;
        case FIELD_MAP:    append_map(&t, r->restore_map, r->restore_map_chars); break;
        case FIELD_DWORD:  append_number(&t, *(const DWORD *)(base + f->offset)); break;
        case FIELD_QWORD:  append_number(&t, *(const ULONGLONG *)(base + f->offset)); break;
        }
        append_literal(&t, L"\n");
    }
    if (!t.status && !(out = mem_alloc(t.used * sizeof(WCHAR)))) t.status = ERROR_NOT_ENOUGH_MEMORY;
    if (!t.status)
    {
        for (i = 0; i < t.used; i++)
        {
            out[2 * i] = (BYTE)t.chars[i];
            out[2 * i + 1] = (BYTE)(t.chars[i] >> 8);
        }
        *bytes = out;
        *size = t.used * sizeof(WCHAR);
    }
    mem_free(t.chars);
    return t.status;
}

/* ---- reading ---------------------------------------------------------------------- */

struct span
{
    const WCHAR *start;
    size_t length;
};

static BOOL starts_with(const WCHAR *s, size_t length, const wchar_t *prefix, size_t prefix_length)
{
    size_t i;

    if (length < prefix_length) return FALSE;
    for (i = 0; i < prefix_length; i++)
        if (s[i] != (WCHAR)prefix[i]) return FALSE;
    return TRUE;
}

/* The value of the first line "NAME=value\n", without its line break. */
static BOOL find_value(const WCHAR *text, size_t length, const wchar_t *name, struct span *value)
{
    size_t name_length = literal_length(name), line = 0, end;

    while (line < length)
    {
        for (end = line; end < length && text[end] != '\n'; end++) ;
        if (end == length) return FALSE;           /* a value ends with a line break */
        if (starts_with(text + line, end - line, name, name_length) && line + name_length < end
                && text[line + name_length] == '=')
        {
            value->start = text + line + name_length + 1;
            value->length = end - line - name_length - 1;
            return TRUE;
        }
        line = end + 1;
    }
    return FALSE;
}

/* Decimal digits only, no more than MAX. */
static BOOL parse_number(const struct span *value, ULONGLONG max, ULONGLONG *out)
{
    ULONGLONG n = 0;
    size_t i;

    if (!value->length) return FALSE;
    for (i = 0; i < value->length; i++)
    {
        WCHAR c = value->start[i];
        if (c < '0' || c > '9' || n > (max - (c - '0')) / 10) return FALSE;
        n = n * 10 + (c - '0');
    }
    *out = n;
    return TRUE;
}

/* A copy of a value, '|' turned into NUL for the map, which ends in two NULs. */
static WCHAR *copy_value(const struct span *value, BOOL map, size_t *chars)
{
    size_t n = value->length + (map ? 2 : 1), i;
    WCHAR *copy = mem_alloc(n * sizeof(WCHAR));

    if (!copy) return NULL;
    for (i = 0; i < value->length; i++) copy[i] = map && value->start[i] == '|' ? 0 : value->start[i];
    copy[value->length] = 0;
    if (map) copy[value->length + 1] = 0;
    *chars = n;
    return copy;
}

static LONG read_field(const WCHAR *text, size_t length, const struct journal_field *f,
                       struct stored_registration *r)
{
    BYTE *base = (BYTE *)r;
    struct span value;
    ULONGLONG number;
    size_t chars;
    WCHAR *copy;

    if (!find_value(text, length, f->name, &value)) return ERROR_INVALID_DATA;
    switch (f->kind)
    {
    case FIELD_STRING:
    case FIELD_MAP:
        if (!(copy = copy_value(&value, f->kind == FIELD_MAP, &chars))) return ERROR_NOT_ENOUGH_MEMORY;
        *(WCHAR **)(base + f->offset) = copy;
        if (f->kind == FIELD_MAP) r->restore_map_chars = chars;
        return ERROR_SUCCESS;
    case FIELD_DWORD:
        if (!parse_number(&value, 0xffffffff, &number)) return ERROR_INVALID_DATA;
        *(DWORD *)(base + f->offset) = (DWORD)number;
        return ERROR_SUCCESS;
    case FIELD_QWORD:
        if (!parse_number(&value, ~(ULONGLONG)0, &number)) return ERROR_INVALID_DATA;
        *(ULONGLONG *)(base + f->offset) = number;
        return ERROR_SUCCESS;
    }
    return ERROR_INVALID_DATA;
}

static LONG read_fields(const WCHAR *text, size_t length, struct stored_registration *r)
{
    const struct journal_field *f;
    BOOL owner_known = TRUE;
    LONG status;

    if (!starts_with(text, length, JOURNAL_MAGIC_LINE, literal_length(JOURNAL_MAGIC_LINE)))
        return ERROR_INVALID_DATA;
    for (f = fields; f < fields + ARRAYSIZE(fields); f++)
    {
        status = read_field(text, length, f, r);
        if (status == ERROR_INVALID_DATA && f->owner) owner_known = FALSE;
        else if (status) return status;
    }
    /* Written before owners were recorded: replaceable, never completed. */
    if (!owner_known) r->registration_id = r->owner_process = r->owner_start_time = 0;
    return ERROR_SUCCESS;
}

LONG restore_journal_decode(const BYTE *bytes, size_t size, struct stored_registration *r)
{
    size_t length = size / sizeof(WCHAR), i;
    WCHAR *text;
    LONG status;

    memset(r, 0, sizeof(*r));
    if (!size || size >= RESTORE_JOURNAL_MAX_BYTES) return ERROR_INVALID_DATA;
    if (!(text = mem_alloc((length ? length : 1) * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    status = ERROR_SUCCESS;
    for (i = 0; i < length && !status; i++)
    {
        text[i] = (WCHAR)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        if (!text[i]) status = ERROR_INVALID_DATA;
    }
    if (!status) status = read_fields(text, length, r);
    mem_free(text);
    if (status) stored_registration_free(r);
    return status;
}
