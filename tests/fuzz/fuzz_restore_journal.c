/*
 * libFuzzer target: the restore journal's format (src/standalone/restore_journal.c).
 *
 * Input: byte 0 chooses.  Even: the rest is a journal to read.  Whatever reads
 * must write again, and what is written must read back to the very same
 * registration and write to the very same bytes.  Odd: the rest is UTF-16LE,
 * split at NULs into the three paths and the names of a restore map, with numbers
 * taken from byte 0; the writer refuses exactly the values with a line break (or
 * a '|' in a map name), and what it writes reads back unchanged.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "restore_journal.h"

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static int same_string(const WCHAR *a, const WCHAR *b)
{
    size_t n = wstr_len(a);
    return n == wstr_len(b) && !memcmp(a, b, n * sizeof(WCHAR));
}

static int same_registration(const struct stored_registration *a, const struct stored_registration *b)
{
    return same_string(a->checkpoint_path, b->checkpoint_path) && same_string(a->log_path, b->log_path)
        && same_string(a->backup_log_path, b->backup_log_path) && a->restore_map_chars == b->restore_map_chars
        && !memcmp(a->restore_map, b->restore_map, a->restore_map_chars * sizeof(WCHAR))
        && a->generation_low == b->generation_low && a->generation_high == b->generation_high
        && a->status == b->status && a->backup_time == b->backup_time && a->backup_id == b->backup_id
        && a->registration_time == b->registration_time && a->registration_id == b->registration_id
        && a->owner_process == b->owner_process && a->owner_start_time == b->owner_start_time;
}

/* Writes R, reads it back and writes that again: the same registration, the same
 * bytes.  Returns the first write's status. */
static LONG check_round_trip(const struct stored_registration *r)
{
    struct stored_registration again;
    BYTE *bytes, *bytes_again;
    size_t size, size_again;
    LONG status = restore_journal_encode(r, &bytes, &size);

    if (status) return status;
    CHECK(size % 2 == 0 && size > 0);
    CHECK(restore_journal_decode(bytes, size, &again) == ERROR_SUCCESS);
    CHECK(same_registration(&again, r));
    CHECK(restore_journal_encode(&again, &bytes_again, &size_again) == ERROR_SUCCESS);
    CHECK(size_again == size && !memcmp(bytes, bytes_again, size));
    stored_registration_free(&again);
    mem_free(bytes);
    mem_free(bytes_again);
    return ERROR_SUCCESS;
}

static void read_journal(const uint8_t *data, size_t size)
{
    struct stored_registration r;
    LONG status = restore_journal_decode(data, size, &r);

    if (status)
    {
        CHECK(status == ERROR_INVALID_DATA);
        CHECK(!r.checkpoint_path && !r.log_path && !r.backup_log_path && !r.restore_map);
        return;
    }
    CHECK(r.restore_map_chars >= 2 && !r.restore_map[r.restore_map_chars - 1]
          && !r.restore_map[r.restore_map_chars - 2]);
    CHECK(check_round_trip(&r) == ERROR_SUCCESS);
    stored_registration_free(&r);
}

static int holds(const WCHAR *s, size_t n, WCHAR c)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == c) return 1;
    return 0;
}

static void write_journal(uint8_t choice, const uint8_t *data, size_t size)
{
    size_t chars = size / 2, i, field = 0, start = 0;
    WCHAR *text = malloc((chars + 4) * sizeof(WCHAR));
    const WCHAR *paths[3];
    struct stored_registration r;
    int representable = 1;
    LONG status;

    if (!text) return;
    for (i = 0; i < chars; i++) text[i] = (WCHAR)(data[2 * i] | (data[2 * i + 1] << 8));
    text[chars] = text[chars + 1] = text[chars + 2] = text[chars + 3] = 0;
    /* Three paths, then the map, which ends in two NULs (the buffer's own). */
    for (i = 0; field < 3; i++)
    {
        if (text[i]) continue;
        paths[field++] = text + start;
        representable &= !holds(text + start, i - start, '\n');
        start = i + 1;
    }
    if (start > chars) start = chars;
    memset(&r, 0, sizeof(r));
    r.checkpoint_path = (WCHAR *)paths[0];
    r.log_path = (WCHAR *)paths[1];
    r.backup_log_path = (WCHAR *)paths[2];
    r.restore_map = text + start;
    for (i = start; text[i] || text[i + 1]; i++) ;
    r.restore_map_chars = i + 2 - start;
    representable &= !holds(r.restore_map, r.restore_map_chars - 2, '\n')
                     && !holds(r.restore_map, r.restore_map_chars - 2, '|');
    r.generation_low = choice * 0x01010101u;
    r.generation_high = ~r.generation_low;
    r.status = (DWORD)hrRestoreInProgress;
    r.backup_time = (ULONGLONG)choice << 56;
    r.backup_id = ~r.backup_time;
    r.registration_time = choice;
    r.registration_id = choice & 2 ? 0 : ~0ULL;
    r.owner_process = choice & 2 ? 0 : 4;
    r.owner_start_time = choice & 2 ? 0 : 1;
    status = check_round_trip(&r);
    CHECK(representable ? status == ERROR_SUCCESS : status == ERROR_INVALID_DATA);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    long live = mem_live_count();

    if (!size) return 0;
    /* Exactly sized, so that ASan sees any read past the end. */
    if (!(copy = malloc(size - 1 ? size - 1 : 1))) return 0;
    memcpy(copy, data + 1, size - 1);
    if (data[0] & 1) write_journal(data[0], copy, size - 1);
    else read_journal(copy, size - 1);
    free(copy);
    CHECK(mem_live_count() == live);
    return 0;
}
