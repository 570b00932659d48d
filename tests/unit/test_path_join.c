/*
 * Unit tests of the naming of a file in a folder (common/path_join.h), which
 * the DLL (with its allocator) and the tools (with malloc) share.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "path_join.h"

/* DIR and NAME join to EXPECTED, through the DLL's allocator. */
static void check_join(const WCHAR *dir, const WCHAR *name, const WCHAR *expected)
{
    WCHAR *joined = path_join(dir, name, mem_alloc);

    assert_non_null(joined);
    assert_int_equal(wstr_len(joined), wstr_len(expected));
    assert_memory_equal(joined, expected, (wstr_len(expected) + 1) * sizeof(WCHAR));
    mem_free(joined);
}

static void test_separator_added_once(void **state)
{
    (void)state;
    check_join(W("C:\\Windows\\NTDS"), W("edb.log"), W("C:\\Windows\\NTDS\\edb.log"));
    check_join(W("C:\\Windows\\NTDS\\"), W("edb.log"), W("C:\\Windows\\NTDS\\edb.log"));
    check_join(W("C:\\"), W("edb.chk"), W("C:\\edb.chk"));
    check_join(W("D:/backup/"), W("manifest.txt"), W("D:/backup/manifest.txt"));
    check_join(W("\\\\DC01\\C$\\NTDS"), W("edb*.log"), W("\\\\DC01\\C$\\NTDS\\edb*.log"));
    /* The name is taken as it is, separators and all. */
    check_join(W("backup"), W("logs\\edb00001.log"), W("backup\\logs\\edb00001.log"));
}

static void test_empty_parts(void **state)
{
    (void)state;
    check_join(W(""), W("ntds.dit"), W("ntds.dit"));
    check_join(W("C:\\NTDS"), W(""), W("C:\\NTDS\\"));
    check_join(W(""), W(""), W(""));
}

static void test_allocator_fails(void **state)
{
    (void)state;
    fault_arm(FAULT_ALLOC, 1, 0);
    assert_null(path_join(W("C:\\NTDS"), W("edb.log"), mem_alloc));
    assert_int_equal(fault_count(FAULT_ALLOC), 1);
}

/* The tools' allocator: the result is theirs to free. */
static void test_other_allocator(void **state)
{
    WCHAR *joined;

    (void)state;
    joined = path_join(W("C:\\NTDS"), W("ntds.dit"), malloc);
    assert_non_null(joined);
    assert_memory_equal(joined, W("C:\\NTDS\\ntds.dit"), sizeof(u"C:\\NTDS\\ntds.dit"));
    free(joined);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_separator_added_once),
        UNIT_TEST(test_empty_parts),
        UNIT_TEST(test_allocator_fails),
        UNIT_TEST(test_other_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
