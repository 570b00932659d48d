/*
 * Unit tests of the name index behind DsBackupOpenFile and the listing of logs:
 * ASCII case ignored and nothing else, absent names, 20,000 names, growth that
 * keeps every entry, and an allocation failure at every growth.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "name_index.h"

#define MANY 20000

struct names
{
    WCHAR (*names)[48];
    size_t count;
};

static const WCHAR *name_of(const void *owner, size_t id)
{
    return ((const struct names *)owner)->names[id];
}

/* \\DC01\C$\Windows\NTDS\edbXXXXX.log, for generation ID + 1. */
static void make_log_name(WCHAR *out, size_t id)
{
    static const char digits[] = "0123456789ABCDEF";
    const char *prefix = "\\\\DC01\\C$\\Windows\\NTDS\\edb";
    size_t n = 0, i;

    for (i = 0; prefix[i]; i++) out[n++] = (WCHAR)prefix[i];
    for (i = 0; i < 5; i++) out[n++] = (WCHAR)digits[((id + 1) >> (4 * (4 - i))) & 15];
    out[n++] = '.'; out[n++] = 'l'; out[n++] = 'o'; out[n++] = 'g';
    out[n] = 0;
}

static struct names make_names(size_t count)
{
    struct names names = {calloc(count, sizeof(*names.names)), count};
    size_t i;

    assert_non_null(names.names);
    for (i = 0; i < count; i++) make_log_name(names.names[i], i);
    return names;
}

static void test_find_ignores_ascii_case_only(void **state)
{
    struct names names = make_names(3);
    struct name_index index;
    (void)state;

    name_index_init(&index);
    assert_int_equal(name_index_find(&index, names.names[0], name_of, &names), -1);   /* empty */
    assert_true(name_index_add(&index, 0, names.names[0]));
    assert_true(name_index_add(&index, 1, names.names[1]));
    assert_int_equal(name_index_find(&index, W("\\\\dc01\\c$\\WINDOWS\\ntds\\EDB00002.LOG"), name_of, &names), 1);
    assert_int_equal(name_index_find(&index, W("\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log"), name_of, &names), 0);
    /* Not ASCII case: the dotless and dotted i, full-width letters. */
    assert_int_equal(name_index_find(&index, W("\\\\DC01\\C$\\W\u0131ndows\\NTDS\\edb00001.log"), name_of, &names), -1);
    assert_int_equal(name_index_find(&index, W("\\\\DC01\\C$\\W\u0130ndows\\NTDS\\edb00001.log"), name_of, &names), -1);
    assert_int_equal(name_index_find(&index, W("\\\\DC01\\C$\\Windows\\NTDS\\edb00003.log"), name_of, &names), -1);
    assert_int_equal(name_index_find(&index, W("\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log "), name_of, &names), -1);
    assert_int_equal(name_index_find(&index, W(""), name_of, &names), -1);
    name_index_free(&index);
    free(names.names);
}

static void test_many_names(void **state)
{
    struct names names = make_names(MANY);
    struct name_index index;
    WCHAR probe[48];
    size_t i;
    (void)state;

    name_index_init(&index);
    for (i = 0; i < MANY; i++) assert_true(name_index_add(&index, i, names.names[i]));
    assert_int_equal(index.count, MANY);
    /* At most half full, so that a probe stays short. */
    assert_true(index.capacity >= 2 * MANY);
    for (i = 0; i < MANY; i++)
    {
        size_t j;
        for (j = 0; (probe[j] = names.names[i][j]); j++)
            if (probe[j] >= 'a' && probe[j] <= 'z' && (i + j) % 3 == 0) probe[j] -= 32;
        if (name_index_find(&index, probe, name_of, &names) != (long)i) fail_msg("name %lu not found", (unsigned long)i);
    }
    make_log_name(probe, MANY);
    assert_int_equal(name_index_find(&index, probe, name_of, &names), -1);
    name_index_free(&index);
    free(names.names);
}

/* Each growth allocates: when it fails, the index is as it was and still works. */
static void test_growth_failure(void **state)
{
    struct names names = make_names(200);
    struct name_index index;
    size_t i, failures = 0;
    (void)state;

    name_index_init(&index);
    for (i = 0; i < 200; i++)
    {
        size_t before = index.count, capacity = index.capacity;
        fault_arm(FAULT_ALLOC, 1, 0);
        if (!name_index_add(&index, i, names.names[i]))
        {
            failures++;
            assert_int_equal(index.count, before);
            assert_int_equal(index.capacity, capacity);
            assert_int_equal(name_index_find(&index, names.names[i], name_of, &names), -1);
            fault_disarm_all();
            assert_true(name_index_add(&index, i, names.names[i]));
        }
        fault_disarm_all();
    }
    /* 64, 128, 256 and 512 slots: four growths, each failed once. */
    assert_int_equal(failures, 4);
    for (i = 0; i < 200; i++) assert_int_equal(name_index_find(&index, names.names[i], name_of, &names), (long)i);
    name_index_free(&index);
    free(names.names);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_find_ignores_ascii_case_only),
        UNIT_TEST(test_many_names),
        UNIT_TEST(test_growth_failure),
    };
    return cmocka_run_group_tests_name("name_index", tests, NULL, NULL);
}
