/*
 * Unit tests of the layers the other tests lean on: fault injection, the
 * allocator's live count, the UTF-16 helpers and the names of return codes.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit.h"
#include "errors.h"

/* The pattern of n operations of one kind: '1' for each that fails. */
static void expect_pattern(enum fault_kind kind, const char *expected)
{
    char got[64];
    size_t i, n = strlen(expected);
    for (i = 0; i < n; i++) got[i] = fault_should_fail(kind) ? '1' : '0';
    got[n] = 0;
    if (strcmp(got, expected)) fail_msg("kind %d: got %s, expected %s", kind, got, expected);
}

static void test_nth_fails_once(void **state)
{
    long total = fault_injected_total();
    (void)state;

    fault_arm(FAULT_ALLOC, 3, 0);
    expect_pattern(FAULT_ALLOC, "0010000000");
    assert_int_equal(fault_count(FAULT_ALLOC), 10);
    assert_int_equal(fault_injected_total(), total + 1);

    fault_arm(FAULT_FILE_READ, 1, 0);
    expect_pattern(FAULT_FILE_READ, "1000");
    /* Arming again restarts the count. */
    fault_arm(FAULT_FILE_READ, 2, 0);
    assert_int_equal(fault_count(FAULT_FILE_READ), 0);
    expect_pattern(FAULT_FILE_READ, "0100");
    assert_int_equal(fault_injected_total(), total + 3);
}

static void test_persistent(void **state)
{
    (void)state;
    fault_arm(FAULT_FILE_WRITE, 4, 1);
    expect_pattern(FAULT_FILE_WRITE, "00011111111");
    fault_arm(FAULT_FILE_WRITE, 1, 1);
    expect_pattern(FAULT_FILE_WRITE, "1111");
    fault_arm(FAULT_FILE_WRITE, 0, 1);          /* 0 disarms */
    expect_pattern(FAULT_FILE_WRITE, "0000");
}

static void test_kinds_independent_and_disarm(void **state)
{
    long total;
    (void)state;

    fault_arm(FAULT_REGISTRY, 2, 0);
    expect_pattern(FAULT_ALLOC, "00000");
    expect_pattern(FAULT_FILE_OPEN, "00000");
    expect_pattern(FAULT_REGISTRY, "01000");
    fault_arm(FAULT_FILE_OPEN, 1, 1);
    fault_disarm_all();
    total = fault_injected_total();
    expect_pattern(FAULT_FILE_OPEN, "00000");
    expect_pattern(FAULT_REGISTRY, "00000");
    assert_int_equal(fault_injected_total(), total);
    assert_int_equal(fault_count(FAULT_FILE_OPEN), 0);
}

/* A size no allocator can give.  Half the address space is not that in a 32-bit
 * process (2 GiB can be had on a 64-bit kernel, as the i386 build found): all of
 * it but a page is.  On 64-bit, half is plenty, and stays below the sizes that
 * valgrind reports as suspect (top bit set). */
#define NEVER_AVAILABLE (sizeof(size_t) > 4 ? SIZE_MAX / 2 : SIZE_MAX - 4096)

static void test_allocator(void **state)
{
    long live = mem_live_count();
    unsigned char *p, *q, *z;
    size_t i;
    (void)state;

    p = mem_alloc(16);
    assert_non_null(p);
    assert_int_equal(mem_live_count(), live + 1);
    memset(p, 0xab, 16);
    q = mem_realloc(p, 4096);                 /* a resize is not a new allocation */
    assert_non_null(q);
    assert_int_equal(mem_live_count(), live + 1);
    for (i = 0; i < 16; i++) assert_int_equal(q[i], 0xab);

    z = mem_alloc_zero(100);
    assert_non_null(z);
    for (i = 0; i < 100; i++) assert_int_equal(z[i], 0);
    assert_int_equal(mem_live_count(), live + 2);
    mem_free(z);
    mem_free(NULL);
    assert_int_equal(mem_live_count(), live + 1);

    /* A failed resize keeps the block. */
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_null(mem_realloc(q, 1 << 20));
    assert_int_equal(mem_live_count(), live + 1);
    for (i = 0; i < 16; i++) assert_int_equal(q[i], 0xab);
    mem_free(q);
    assert_int_equal(mem_live_count(), live);

    /* Every entry point is an injection point. */
    fault_arm(FAULT_ALLOC, 1, 1);
    assert_null(mem_alloc(1));
    assert_null(mem_alloc_zero(1));
    assert_null(mem_realloc(NULL, 1));
    assert_null(wstr_dup(W("abc")));
    assert_int_equal(fault_count(FAULT_ALLOC), 4);
    assert_int_equal(mem_live_count(), live);
    fault_disarm_all();

    p = mem_realloc(NULL, 8);                  /* acts as mem_alloc */
    assert_non_null(p);
    assert_int_equal(mem_live_count(), live + 1);
    mem_free(p);
    /* A real refusal is not counted as a live allocation. */
    assert_null(mem_alloc(NEVER_AVAILABLE));
    assert_null(mem_realloc(NULL, NEVER_AVAILABLE));
    assert_int_equal(mem_live_count(), live);
    p = mem_alloc(0);                          /* a real, freeable block */
    assert_non_null(p);
    mem_free(p);
    assert_int_equal(mem_live_count(), live);
}

static void test_wstr(void **state)
{
    WCHAR *copy;
    (void)state;

    assert_int_equal(wstr_len(W("")), 0);
    assert_int_equal(wstr_len(W("abc")), 3);
    assert_int_equal(wstr_len(W("ab\0cd")), 2);
    assert_int_equal(wstr_len_bounded(W("abcdef"), 4), 4);
    assert_int_equal(wstr_len_bounded(W("ab"), 4), 2);
    assert_int_equal(wstr_len_bounded(W("abcd"), 0), 0);

    assert_true(wstr_equal_nocase(W("Hello\\World"), W("hELLO\\wORLD")));
    assert_true(wstr_equal_nocase(W(""), W("")));
    assert_false(wstr_equal_nocase(W("abc"), W("abcd")));
    assert_false(wstr_equal_nocase(W("abcd"), W("abc")));
    assert_false(wstr_equal_nocase(W("abc"), W("")));
    assert_false(wstr_equal_nocase(W("@"), W("`")));          /* next to the letters */
    assert_false(wstr_equal_nocase(W("["), W("{")));
    assert_false(wstr_equal_nocase(W("\u00e9"), W("\u00c9")));  /* only ASCII folds */
    assert_int_equal(wchar_upper_ascii('a'), 'A');
    assert_int_equal(wchar_upper_ascii('z'), 'Z');
    assert_int_equal(wchar_upper_ascii('A'), 'A');
    assert_int_equal(wchar_upper_ascii('{'), '{');
    assert_int_equal(wchar_upper_ascii(0x0161), 0x0161);
    assert_int_equal(wchar_upper_ascii(0x0141), 0x0141);   /* 'A' + 0x100: no wraparound */

    copy = wstr_dup(W("\\\\DC01\\C$"));
    assert_non_null(copy);
    assert_memory_equal(copy, W("\\\\DC01\\C$"), 10 * sizeof(WCHAR));
    mem_free(copy);
}

static void test_error_names(void **state)
{
    (void)state;
    assert_string_equal(hresult_name(hrContentsExpired), "hrContentsExpired");
    assert_string_equal(hresult_name(hrUnknownExpiryTokenFormat), "hrUnknownExpiryTokenFormat");
    assert_string_equal(hresult_name(hrMissingExpiryToken), "hrMissingExpiryToken");
    assert_string_equal(hresult_name(S_OK), "S_OK");
    assert_string_equal(hresult_name(ERROR_INVALID_PARAMETER), "ERROR_INVALID_PARAMETER");
    assert_string_equal(hresult_name(ERROR_NO_UNICODE_TRANSLATION), "ERROR_NO_UNICODE_TRANSLATION");
    assert_string_equal(hresult_name((HRESULT)0x12345678), "unknown code");
    assert_string_equal(hresult_name((HRESULT)0xc7ffffff), "unknown code");
    assert_string_equal(hresult_meaning((HRESULT)0x12345678), "");
    assert_true(strlen(hresult_meaning(hrContentsExpired)) > 0);
    assert_non_null(strstr(hresult_meaning(hrUnknownExpiryTokenFormat), "xpiry token"));
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_nth_fails_once),
        UNIT_TEST(test_persistent),
        UNIT_TEST(test_kinds_independent_and_disarm),
        UNIT_TEST(test_allocator),
        UNIT_TEST(test_wstr),
        UNIT_TEST(test_error_names),
    };
    return cmocka_run_group_tests_name("fault_memory", tests, NULL, NULL);
}
