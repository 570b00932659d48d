/*
 * Unit tests of the double-NUL-terminated name lists: the W format, the A
 * conversion (BFT codes stay raw bytes), and a failure of every allocation in turn.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "name_list.h"

/* The A side of the tests: plain ASCII, anything else has no form. */
static size_t narrow_ascii(const WCHAR *path, char *out, size_t out_size)
{
    size_t n = wstr_len(path), i;
    for (i = 0; i < n; i++)
        if (path[i] > 0x7f) return 0;
    if (!out) return n + 1;
    if (out_size < n + 1) return 0;
    for (i = 0; i <= n; i++) out[i] = (char)path[i];
    return n + 1;
}

/* Measures correctly, then refuses the second entry when writing: the failure in
 * name_list_to_ansi's second pass. */
static int narrow_calls;
static size_t narrow_fails_on_second_write(const WCHAR *path, char *out, size_t out_size)
{
    if (out && ++narrow_calls == 2) return 0;
    return narrow_ascii(path, out, out_size);
}

static const WCHAR path_dit[] = u"\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit";
static const WCHAR path_log[] = u"\\\\DC01\\C$\\Windows\\NTDS\\edb.log";
static const WCHAR path_dir[] = u"\\\\DC01\\C$\\Windows\\NTDS";

static void test_entry_format(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL, expected[200];
    DWORD bytes = 0;
    size_t n = 0, l1 = wstr_len(path_dit), l2 = wstr_len(path_log);
    (void)state;

    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(name_list_append(&list, BFTW_LOG, path_log));
    assert_true(name_list_finish(&list, &buffer, &bytes));
    assert_non_null(buffer);
    assert_null(list.chars);          /* handed over */
    assert_int_equal(list.length, 0);

    expected[n++] = BFTW_NTDS_DATABASE;
    memcpy(expected + n, path_dit, (l1 + 1) * sizeof(WCHAR)); n += l1 + 1;
    expected[n++] = BFTW_LOG;
    memcpy(expected + n, path_log, (l2 + 1) * sizeof(WCHAR)); n += l2 + 1;
    expected[n++] = 0;
    assert_int_equal(bytes, n * sizeof(WCHAR));
    assert_int_equal(bytes, (1 + l1 + 1 + 1 + l2 + 1 + 1) * 2);
    assert_memory_equal(buffer, expected, bytes);
    mem_free(buffer);
}

static void test_empty_list(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL;
    DWORD bytes = 0;
    char *abuffer = NULL;
    (void)state;

    name_list_init(&list);
    assert_true(name_list_finish(&list, &buffer, &bytes));
    assert_int_equal(bytes, 4);
    assert_int_equal(buffer[0], 0);
    assert_int_equal(buffer[1], 0);
    assert_null(name_list_next(buffer, NULL));

    assert_hr(name_list_to_ansi(buffer, narrow_ascii, &abuffer, &bytes), S_OK);
    assert_int_equal(bytes, 2);
    assert_int_equal(abuffer[0], 0);
    assert_int_equal(abuffer[1], 0);
    mem_free(abuffer);
    mem_free(buffer);
}

static void test_empty_path_entry(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL;
    DWORD bytes = 0;
    const WCHAR *entry;
    char *abuffer = NULL;
    static const char expected_a[] = {0x21, 0, 0x44, 'x', 0, 0};
    (void)state;

    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_LOG, W("")));
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, W("x")));
    assert_true(name_list_finish(&list, &buffer, &bytes));
    assert_int_equal(bytes, (2 + 3 + 1) * 2);
    entry = name_list_next(buffer, NULL);
    assert_ptr_equal(entry, buffer);
    assert_int_equal(entry[0], BFTW_LOG);
    entry = name_list_next(buffer, entry);
    assert_ptr_equal(entry, buffer + 2);
    assert_int_equal(entry[0], BFTW_NTDS_DATABASE);
    assert_null(name_list_next(buffer, entry));

    assert_hr(name_list_to_ansi(buffer, narrow_ascii, &abuffer, &bytes), S_OK);
    assert_int_equal(bytes, sizeof(expected_a));
    assert_memory_equal(abuffer, expected_a, sizeof(expected_a));
    mem_free(abuffer);
    mem_free(buffer);
}

static void test_iterate(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL;
    DWORD bytes = 0;
    const WCHAR *entry;
    (void)state;

    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_LOG_DIR, path_dir));
    assert_true(name_list_append(&list, BFTW_CHECKPOINT_DIR, path_dir));
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(name_list_finish(&list, &buffer, &bytes));

    entry = name_list_next(buffer, NULL);
    assert_int_equal(entry[0], BFTW_LOG_DIR);
    assert_true(wstr_equal_nocase(entry + 1, path_dir));
    entry = name_list_next(buffer, entry);
    assert_int_equal(entry[0], BFTW_CHECKPOINT_DIR);
    assert_true(wstr_equal_nocase(entry + 1, path_dir));
    entry = name_list_next(buffer, entry);
    assert_int_equal(entry[0], BFTW_NTDS_DATABASE);
    assert_memory_equal(entry + 1, path_dit, sizeof(path_dit));
    assert_null(name_list_next(buffer, entry));
    /* The list ends right after the last entry's terminator. */
    assert_int_equal((entry + wstr_len(entry) + 1) - buffer + 1, bytes / 2);
    mem_free(buffer);
}

static void test_to_ansi_keeps_bft_bytes(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL;
    DWORD bytes = 0, abytes = 0;
    char *abuffer = NULL;
    static const char expected[] =
        "\x82\\\\DC01\\C$\\Windows\\NTDS\0"
        "\x83\\\\DC01\\C$\\Windows\\NTDS\0"
        "\x44\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\0"
        "\x21\\\\DC01\\C$\\Windows\\NTDS\\edb.log\0";   /* + the literal's NUL: the list end */
    (void)state;

    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_LOG_DIR, path_dir));
    assert_true(name_list_append(&list, BFTW_CHECKPOINT_DIR, path_dir));
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(name_list_append(&list, BFTW_LOG, path_log));
    assert_true(name_list_finish(&list, &buffer, &bytes));

    assert_hr(name_list_to_ansi(buffer, narrow_ascii, &abuffer, &abytes), S_OK);
    assert_int_equal(abytes, sizeof(expected));
    assert_int_equal(abytes, bytes / 2);     /* one byte per WCHAR for ASCII names */
    assert_memory_equal(abuffer, expected, sizeof(expected));
    assert_int_equal((unsigned char)abuffer[0], 0x82);
    mem_free(abuffer);
    mem_free(buffer);
}

static void test_to_ansi_untranslatable(void **state)
{
    struct name_list list;
    WCHAR *buffer = NULL;
    DWORD bytes = 0, abytes = 1234;
    char *abuffer = (char *)(uintptr_t)0x1234;
    long live;
    (void)state;

    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(name_list_append(&list, BFTW_LOG, W("\\\\DC01\\C$\\caf\u00e9\\edb.log")));
    assert_true(name_list_finish(&list, &buffer, &bytes));
    live = mem_live_count();

    assert_hr(name_list_to_ansi(buffer, narrow_ascii, &abuffer, &abytes), ERROR_NO_UNICODE_TRANSLATION);
    assert_ptr_equal(abuffer, (char *)(uintptr_t)0x1234);
    assert_int_equal(abytes, 1234);
    assert_int_equal(mem_live_count(), live);

    /* A failure while writing (after the buffer exists) frees it. */
    narrow_calls = 0;
    mem_free(buffer);
    name_list_init(&list);
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(name_list_append(&list, BFTW_LOG, path_log));
    assert_true(name_list_finish(&list, &buffer, &bytes));
    live = mem_live_count();
    assert_hr(name_list_to_ansi(buffer, narrow_fails_on_second_write, &abuffer, &abytes),
              ERROR_NO_UNICODE_TRANSLATION);
    assert_int_equal(narrow_calls, 2);
    assert_ptr_equal(abuffer, (char *)(uintptr_t)0x1234);
    assert_int_equal(mem_live_count(), live);
    mem_free(buffer);
}

static void test_append_failure_leaves_list(void **state)
{
    struct name_list list;
    WCHAR *copy;
    size_t length, capacity, i;
    (void)state;

    name_list_init(&list);
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_false(name_list_append(&list, BFTW_LOG, path_log));
    assert_null(list.chars);
    assert_int_equal(list.length, 0);
    fault_disarm_all();

    /* Fill to the first growth, then make that growth fail. */
    for (i = 0; ; i++)
    {
        assert_true(name_list_append(&list, BFTW_LOG, path_log));
        if (list.length + wstr_len(path_log) + 3 > list.capacity) break;
    }
    length = list.length;
    capacity = list.capacity;
    copy = malloc(length * sizeof(WCHAR));
    memcpy(copy, list.chars, length * sizeof(WCHAR));
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_false(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_int_equal(fault_count(FAULT_ALLOC), 1);
    assert_int_equal(list.length, length);
    assert_int_equal(list.capacity, capacity);
    assert_memory_equal(list.chars, copy, length * sizeof(WCHAR));
    fault_disarm_all();
    assert_true(name_list_append(&list, BFTW_NTDS_DATABASE, path_dit));
    assert_true(list.capacity > capacity);
    assert_memory_equal(list.chars, copy, length * sizeof(WCHAR));
    name_list_discard(&list);
    assert_null(list.chars);
    free(copy);
}

static void test_finish_failure_on_empty_list(void **state)
{
    struct name_list list;
    WCHAR *buffer = (WCHAR *)(uintptr_t)0x5678;
    DWORD bytes = 77;
    (void)state;

    name_list_init(&list);
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_false(name_list_finish(&list, &buffer, &bytes));
    assert_ptr_equal(buffer, (WCHAR *)(uintptr_t)0x5678);
    assert_int_equal(bytes, 77);
    name_list_discard(&list);
}

/* Builds a list of `count` generated names, finishes it and converts it; returns
 * the first failure.  Checks the content of whatever succeeded. */
static HRESULT build_and_convert(size_t count)
{
    struct name_list list;
    WCHAR *buffer = NULL, path[64];
    DWORD bytes = 0, abytes = 0;
    char *abuffer = NULL, expected[64];
    const WCHAR *entry;
    size_t i, j, used = 0;
    HRESULT hr;

    name_list_init(&list);
    for (i = 0; i < count; i++)
    {
        int n = snprintf(expected, sizeof(expected), "\\\\DC01\\C$\\Windows\\NTDS\\edb%05zX.log", i);
        for (j = 0; j <= (size_t)n; j++) path[j] = (WCHAR)expected[j];
        if (!name_list_append(&list, i % 2 ? BFTW_LOG : BFTW_NTDS_DATABASE, path))
        {
            name_list_discard(&list);
            return ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    if (!name_list_finish(&list, &buffer, &bytes))
    {
        name_list_discard(&list);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if ((hr = name_list_to_ansi(buffer, narrow_ascii, &abuffer, &abytes)) != S_OK)
    {
        mem_free(buffer);
        return hr;
    }
    /* Everything built: the A list holds the same entries. */
    for (i = 0, entry = name_list_next(buffer, NULL); entry; i++, entry = name_list_next(buffer, entry))
    {
        int n = snprintf(expected, sizeof(expected), "%c\\\\DC01\\C$\\Windows\\NTDS\\edb%05zX.log",
                         i % 2 ? 0x21 : 0x44, i);
        assert_true(used + n + 1 < abytes);
        assert_memory_equal(abuffer + used, expected, n + 1);
        used += n + 1;
    }
    assert_int_equal(i, count);
    assert_int_equal(used + (count ? 1 : 2), abytes);
    assert_int_equal(abuffer[abytes - 1], 0);
    mem_free(abuffer);
    mem_free(buffer);
    return S_OK;
}

/* SQLite's way: fail the first allocation, then the second, ... until a run needs
 * no more than were allowed; every failure must be clean and leak nothing. */
static void fail_every_allocation(size_t count, int persistent)
{
    long n, injected, live = mem_live_count();
    int failures = 0;
    HRESULT hr;

    for (n = 1; ; n++)
    {
        injected = fault_injected_total();
        fault_arm(FAULT_ALLOC, n, persistent);
        hr = build_and_convert(count);
        fault_disarm_all();
        if (mem_live_count() != live)
            fail_msg("count %lu, allocation %ld failing: %ld allocations leaked", (unsigned long)count, n,
                     mem_live_count() - live);
        if (fault_injected_total() == injected)
        {
            assert_hr(hr, S_OK);
            break;
        }
        assert_hr(hr, ERROR_NOT_ENOUGH_MEMORY);
        failures++;
    }
    /* Only name_list_append/finish and name_list_to_ansi allocate: one per growth of
     * the W list, plus the A buffer. */
    assert_true(failures >= 2);
    assert_hr(build_and_convert(count), S_OK);
}

static void test_every_allocation_failure(void **state)
{
    (void)state;
    fail_every_allocation(0, 0);
    fail_every_allocation(1, 0);
    fail_every_allocation(300, 0);     /* several growths of the W buffer */
    fail_every_allocation(300, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_entry_format),
        UNIT_TEST(test_empty_list),
        UNIT_TEST(test_empty_path_entry),
        UNIT_TEST(test_iterate),
        UNIT_TEST(test_to_ansi_keeps_bft_bytes),
        UNIT_TEST(test_to_ansi_untranslatable),
        UNIT_TEST(test_append_failure_leaves_list),
        UNIT_TEST(test_finish_failure_on_empty_list),
        UNIT_TEST(test_every_allocation_failure),
    };
    return cmocka_run_group_tests_name("name_list", tests, NULL, NULL);
}
