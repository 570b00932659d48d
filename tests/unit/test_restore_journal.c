/*
 * Unit tests of the restore journal's format (src/standalone/restore_journal.c):
 * what the writer writes, byte for byte as version 0.4 wrote it; that the reader
 * reads it back, and journals of old without owners; what it refuses; and that a
 * failed allocation anywhere gives ERROR_NOT_ENOUGH_MEMORY and leaks nothing.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "restore_journal.h"

#define LINE_MAGIC "=ntdsbcli restore registration 1\n"
#define LINES_PATHS "Checkpoint File Path=C:\\Windows\\NTDS\n" \
                    "Log Path=C:\\Windows\\NTDS\n" \
                    "Backup Log Path=C:\\Restore\n" \
                    "Restore Map=C:\\Windows\\NTDS\\ntds.dit|D:\\NTDS\\ntds.dit|C:\\x\\edb.dit|C:\\Windows\\NTDS\\edb.dit\n"
#define LINES_NUMBERS "Low Log Number=1\n" \
                      "High Log Number=1048575\n" \
                      "Backup Time=134116992000000000\n" \
                      "Backup Id=81985529216486895\n" \
                      "Registration Time=134116992100000000\n" \
                      "Restore Status=3355377668\n"
#define LINES_OWNER "Registration Id=18446744073709551615\n" \
                    "Owner Process=4660\n" \
                    "Owner Start Time=134116991000000000\n"
/* What version 0.4's DLL wrote for sample() (captured from it). */
#define JOURNAL LINE_MAGIC LINES_PATHS LINES_NUMBERS LINES_OWNER

static const WCHAR sample_map[] = u"C:\\Windows\\NTDS\\ntds.dit\0D:\\NTDS\\ntds.dit\0C:\\x\\edb.dit\0"
                                  u"C:\\Windows\\NTDS\\edb.dit\0";

static struct stored_registration sample(void)
{
    struct stored_registration r;

    memset(&r, 0, sizeof(r));
    r.checkpoint_path = (WCHAR *)W("C:\\Windows\\NTDS");
    r.log_path = (WCHAR *)W("C:\\Windows\\NTDS");
    r.backup_log_path = (WCHAR *)W("C:\\Restore");
    r.restore_map = (WCHAR *)sample_map;
    r.restore_map_chars = sizeof(sample_map) / sizeof(WCHAR);
    r.generation_low = 1;
    r.generation_high = 0xfffff;
    r.status = (DWORD)hrRestoreInProgress;
    r.backup_time = 134116992000000000ULL;
    r.backup_id = 0x0123456789abcdefULL;
    r.registration_time = 134116992100000000ULL;
    r.registration_id = ~0ULL;
    r.owner_process = 4660;
    r.owner_start_time = 134116991000000000ULL;
    return r;
}

/* ASCII text as the journal's UTF-16LE bytes, in a buffer of its exact size. */
static BYTE *utf16(const char *text, size_t length, size_t *size)
{
    BYTE *bytes = malloc(length * 2 + 1);
    size_t i;

    for (i = 0; i < length; i++)
    {
        bytes[2 * i] = (BYTE)text[i];
        bytes[2 * i + 1] = 0;
    }
    *size = length * 2;
    return bytes;
}

static LONG decode_text(const char *text, struct stored_registration *r)
{
    size_t size;
    BYTE *bytes = utf16(text, strlen(text), &size);
    LONG status = restore_journal_decode(bytes, size, r);

    free(bytes);
    return status;
}

static void assert_wide_equal(const WCHAR *got, const WCHAR *expected, size_t chars)
{
    assert_non_null(got);
    assert_memory_equal(got, expected, chars * sizeof(WCHAR));
}

static void assert_same_registration(const struct stored_registration *got, const struct stored_registration *expected)
{
    assert_wide_equal(got->checkpoint_path, expected->checkpoint_path, wstr_len(expected->checkpoint_path) + 1);
    assert_wide_equal(got->log_path, expected->log_path, wstr_len(expected->log_path) + 1);
    assert_wide_equal(got->backup_log_path, expected->backup_log_path, wstr_len(expected->backup_log_path) + 1);
    assert_int_equal(got->restore_map_chars, expected->restore_map_chars);
    assert_wide_equal(got->restore_map, expected->restore_map, expected->restore_map_chars);
    assert_int_equal(got->generation_low, expected->generation_low);
    assert_int_equal(got->generation_high, expected->generation_high);
    assert_int_equal(got->status, expected->status);
    assert_true(got->backup_time == expected->backup_time);
    assert_true(got->backup_id == expected->backup_id);
    assert_true(got->registration_time == expected->registration_time);
    assert_true(got->registration_id == expected->registration_id);
    assert_int_equal(got->owner_process, expected->owner_process);
    assert_true(got->owner_start_time == expected->owner_start_time);
}

static void test_writes_the_format_of_0_4(void **state)
{
    struct stored_registration r = sample();
    size_t size, expected_size;
    BYTE *bytes, *expected = utf16(JOURNAL, strlen(JOURNAL), &expected_size);
    (void)state;

    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_SUCCESS);
    assert_int_equal(size, expected_size);
    assert_memory_equal(bytes, expected, size);
    mem_free(bytes);
    free(expected);
}

static void test_reads_what_it_writes(void **state)
{
    struct stored_registration r = sample(), got;
    size_t size;
    BYTE *bytes;
    (void)state;

    assert_int_equal(decode_text(JOURNAL, &got), ERROR_SUCCESS);
    assert_same_registration(&got, &r);
    stored_registration_free(&got);

    /* Extremes of every number. */
    r.generation_low = r.generation_high = r.status = r.owner_process = 0;
    r.backup_time = r.backup_id = r.registration_time = r.owner_start_time = 0;
    r.registration_id = 1;
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_SUCCESS);
    assert_int_equal(restore_journal_decode(bytes, size, &got), ERROR_SUCCESS);
    assert_same_registration(&got, &r);
    stored_registration_free(&got);
    mem_free(bytes);
    r.generation_low = r.generation_high = r.status = r.owner_process = 0xffffffff;
    r.backup_time = r.backup_id = r.registration_time = r.owner_start_time = r.registration_id = ~0ULL;
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_SUCCESS);
    assert_int_equal(restore_journal_decode(bytes, size, &got), ERROR_SUCCESS);
    assert_same_registration(&got, &r);
    stored_registration_free(&got);
    mem_free(bytes);
}

/* The order of the lines is free, and the first of two lines of one name counts;
 * an odd last byte is not part of the text. */
static void test_reading_is_lenient_where_harmless(void **state)
{
    struct stored_registration r = sample(), got;
    size_t size;
    BYTE *bytes;
    (void)state;

    assert_int_equal(decode_text(LINE_MAGIC LINES_OWNER LINES_NUMBERS LINES_PATHS "Low Log Number=7\n", &got),
                     ERROR_SUCCESS);
    assert_same_registration(&got, &r);
    stored_registration_free(&got);

    bytes = utf16(JOURNAL "x", strlen(JOURNAL) + 1, &size);
    assert_int_equal(restore_journal_decode(bytes, size - 1, &got), ERROR_SUCCESS);
    assert_same_registration(&got, &r);
    stored_registration_free(&got);
    free(bytes);
}

/* A journal written before owners were recorded: it can be replaced, never
 * completed, so all three read as 0, also when only some are there. */
static void test_journal_without_owners(void **state)
{
    static const char * const partial[] =
    {
        LINE_MAGIC LINES_PATHS LINES_NUMBERS,
        LINE_MAGIC LINES_PATHS LINES_NUMBERS "Registration Id=5\n",
        LINE_MAGIC LINES_PATHS LINES_NUMBERS "Registration Id=5\nOwner Process=9\n",
        LINE_MAGIC LINES_PATHS LINES_NUMBERS "Registration Id=5\nOwner Process=x\nOwner Start Time=7\n",
        LINE_MAGIC LINES_PATHS LINES_NUMBERS "Registration Id=5\nOwner Process=4294967296\nOwner Start Time=7\n",
        /* cut in the last line, as 0.4 read it too */
        LINE_MAGIC LINES_PATHS LINES_NUMBERS "Registration Id=5\nOwner Process=9\nOwner Start Time=7",
    };
    struct stored_registration expected = sample(), got;
    size_t i;
    (void)state;

    expected.registration_id = expected.owner_start_time = 0;
    expected.owner_process = 0;
    for (i = 0; i < ARRAYSIZE(partial); i++)
    {
        assert_int_equal(decode_text(partial[i], &got), ERROR_SUCCESS);
        assert_same_registration(&got, &expected);
        stored_registration_free(&got);
    }
}

static void test_refuses_what_it_did_not_write(void **state)
{
    static const char * const bad[] =
    {
        "",
        "=ntdsbcli restore registration 2\n" LINES_PATHS LINES_NUMBERS LINES_OWNER,
        "ntdsbcli restore registration 1\n" LINES_PATHS LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_NUMBERS LINES_OWNER,                                   /* no paths */
        LINE_MAGIC LINES_PATHS LINES_OWNER,                                     /* no numbers */
        LINE_MAGIC LINES_PATHS "Low Log Number=-1\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Low Log Number=+1\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Low Log Number= 1\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Low Log Number=\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Low Log Number=4294967296\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Backup Time=18446744073709551616\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC LINES_PATHS "Restore Status=1x\n" LINES_NUMBERS LINES_OWNER,
        LINE_MAGIC "Log Path=C:\\Windows\\NTDS",                                    /* cut in a line */
    };
    struct stored_registration got;
    size_t i, size;
    BYTE *bytes;
    (void)state;

    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        /* The first line of a name counts, so a bad first one spoils the journal. */
        if (decode_text(bad[i], &got) != ERROR_INVALID_DATA)
            fail_msg("journal %lu was read: \"%s\"", (unsigned long)i, bad[i]);
        assert_null(got.checkpoint_path);
        assert_null(got.restore_map);
    }

    /* A NUL inside the text. */
    bytes = utf16(JOURNAL, strlen(JOURNAL), &size);
    bytes[40] = 0;
    assert_int_equal(restore_journal_decode(bytes, size, &got), ERROR_INVALID_DATA);
    free(bytes);
    /* Sizes this DLL never writes: nothing, one byte, the limit (not read). */
    bytes = utf16(JOURNAL, strlen(JOURNAL), &size);
    assert_int_equal(restore_journal_decode(bytes, 0, &got), ERROR_INVALID_DATA);
    assert_int_equal(restore_journal_decode(bytes, 1, &got), ERROR_INVALID_DATA);
    assert_int_equal(restore_journal_decode(bytes, RESTORE_JOURNAL_MAX_BYTES, &got), ERROR_INVALID_DATA);
    free(bytes);
}

/* Values the format cannot hold are refused, not written ambiguously. */
static void test_refuses_what_it_cannot_write(void **state)
{
    static const WCHAR map_with_bar[] = u"C:\\a|b\0C:\\c\0";
    static const WCHAR map_with_line[] = u"C:\\a\nb\0C:\\c\0";
    struct stored_registration r;
    BYTE *bytes = (BYTE *)"unchanged";
    size_t size = 5;
    (void)state;

    r = sample();
    r.log_path = (WCHAR *)W("C:\\Windows\nLow Log Number=9");
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_INVALID_DATA);
    assert_null(bytes);
    assert_int_equal(size, 0);
    r = sample();
    r.backup_log_path = NULL;
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_INVALID_DATA);
    r = sample();
    r.restore_map = (WCHAR *)map_with_bar;
    r.restore_map_chars = sizeof(map_with_bar) / sizeof(WCHAR);
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_INVALID_DATA);
    r.restore_map = (WCHAR *)map_with_line;
    r.restore_map_chars = sizeof(map_with_line) / sizeof(WCHAR);
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_INVALID_DATA);
    r.restore_map = NULL;
    assert_int_equal(restore_journal_encode(&r, &bytes, &size), ERROR_INVALID_DATA);
}

/* Every allocation of both directions, failing in turn (and from then on). */
static void test_every_allocation_failure(void **state)
{
    struct stored_registration r = sample(), got;
    size_t size, journal_size;
    BYTE *bytes, *journal = utf16(JOURNAL, strlen(JOURNAL), &journal_size);
    long n, live = mem_live_count();
    int persistent;
    LONG status;
    (void)state;

    for (persistent = 0; persistent < 2; persistent++)
    {
        for (n = 1; ; n++)
        {
            fault_arm(FAULT_ALLOC, n, persistent);
            status = restore_journal_encode(&r, &bytes, &size);
            fault_disarm_all();
            if (!status)
            {
                mem_free(bytes);
                break;
            }
            assert_int_equal(status, ERROR_NOT_ENOUGH_MEMORY);
            assert_null(bytes);
            assert_int_equal(mem_live_count(), live);
        }
        assert_true(n > 1);
        for (n = 1; ; n++)
        {
            fault_arm(FAULT_ALLOC, n, persistent);
            status = restore_journal_decode(journal, journal_size, &got);
            fault_disarm_all();
            if (!status)
            {
                assert_same_registration(&got, &r);
                stored_registration_free(&got);
                break;
            }
            assert_int_equal(status, ERROR_NOT_ENOUGH_MEMORY);
            assert_null(got.checkpoint_path);
            assert_int_equal(mem_live_count(), live);
        }
        assert_true(n > 5);
    }
    free(journal);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_writes_the_format_of_0_4),
        UNIT_TEST(test_reads_what_it_writes),
        UNIT_TEST(test_reading_is_lenient_where_harmless),
        UNIT_TEST(test_journal_without_owners),
        UNIT_TEST(test_refuses_what_it_did_not_write),
        UNIT_TEST(test_refuses_what_it_cannot_write),
        UNIT_TEST(test_every_allocation_failure),
    };
    return cmocka_run_group_tests_name("restore_journal", tests, NULL, NULL);
}
