/*
 * Unit tests of DsRestoreRegister's argument validation: plain absolute paths, the
 * restore map and the log generation range.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "restore_map.h"

static void test_plain_absolute_accepted(void **state)
{
    static const WCHAR *const good[] =
    {
        W("C:\\"), W("c:\\Windows\\NTDS"), W("C:\\Windows\\NTDS\\"), W("Z:\\a b\\c"),
        W("C:\\Windows\\NTDS\\ntds.dit"), W("C:\\.hidden"), W("C:\\a.b.c"), W("C:\\ x"),
        W("\\\\server\\share"), W("\\\\server\\share\\"), W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
        W("C:\\caf\u00e9\\\u65e5\u672c"), W("C:\\$Extend"), W("C:\\a#b%c&d'e(f)g+h,i;j=k@l[m]n^o_p`q{r}s~t"),
        W("C:\\CONSOLE"), W("C:\\COM0"), W("C:\\COM10"), W("C:\\LPT"), W("C:\\nul_file"), W("C:\\xcon"),
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!path_is_plain_absolute(good[i])) fail_msg("path %lu refused", (unsigned long)i);
}

static void test_plain_absolute_refused(void **state)
{
    static const WCHAR *const bad[] =
    {
        W(""), W("C"), W("C:"), W("C:x"), W("C:x\\y"), W("C:/x"), W("C:\\x/y"), W("1:\\x"), W("\\:\\x"),
        W("C:\\."), W("C:\\.."), W("C:\\a\\..\\b"), W("C:\\a\\.\\b"), W("C:\\a\\.."), W("C:\\..."),
        W("C:\\a."), W("C:\\a "), W("C:\\a\\b."), W("C:\\a\\\\b"), W("C:\\a\\\\"), W("C:\\\\"),
        W("C:\\a:b"), W("C:\\a::$DATA"), W("C:\\a*"), W("C:\\a?"), W("C:\\a\"b"), W("C:\\<"),
        W("C:\\>"), W("C:\\|"), W("C:\\a\tb"), W("C:\\a\x1f"), W("C:\\a\x01"),
        W("\\\\"), W("\\\\server"), W("\\\\server\\"), W("\\\\\\server\\share"), W("\\\\server\\\\share"),
        W("\\\\?\\C:\\x"), W("\\\\.\\C:\\x"), W("\\\\.\\pipe\\x"), W("\\\\?\\UNC\\server\\share"),
        W("\\\\server\\share\\..\\x"), W("\\x\\y"), W("relative\\x"), W("ntds.dit"), W("//server/share"),
        W("C:\\dir\\CON"), W("C:\\nul"), W("C:\\dir\\COM1.txt"), W("C:\\lpt9\\x"), W("C:\\Aux.dit"),
        W("\\\\server\\prn"),
    };
    size_t i;
    (void)state;
    assert_false(path_is_plain_absolute(NULL));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (path_is_plain_absolute(bad[i])) fail_msg("path %lu accepted", (unsigned long)i);
}

static void test_plain_absolute_length(void **state)
{
    WCHAR *path = malloc((NTDSBCLI_MAX_PATH + 10) * sizeof(WCHAR));
    size_t n, i;
    (void)state;
    for (n = NTDSBCLI_MAX_PATH - 2; n <= NTDSBCLI_MAX_PATH + 2; n++)
    {
        path[0] = 'C'; path[1] = ':'; path[2] = '\\';
        for (i = 3; i < n; i++) path[i] = (i % 200) ? 'x' : '\\';
        path[n] = 0;
        assert_int_equal(path_is_plain_absolute(path), n <= NTDSBCLI_MAX_PATH);
    }
    free(path);
}

static void test_paths_match(void **state)
{
    static const WCHAR *const targets[] = {W("C:\\Windows\\NTDS"), NULL, W("\\\\DC01\\C$\\Windows\\NTDS\\")};
    (void)state;
    assert_true(path_matches_any(W("C:\\Windows\\NTDS"), targets, 3));
    assert_true(path_matches_any(W("c:\\windows\\ntds"), targets, 3));
    assert_true(path_matches_any(W("C:\\Windows\\NTDS\\"), targets, 3));
    assert_true(path_matches_any(W("\\\\dc01\\c$\\windows\\ntds"), targets, 3));
    assert_true(path_matches_any(W("\\\\DC01\\C$\\Windows\\NTDS\\"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTDS\\\\"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTD"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTDS\\x"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTDS."), targets, 3));
    assert_false(path_matches_any(W("D:\\Windows\\NTDS"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTD\u0130"), targets, 3));
    assert_false(path_matches_any(W("C:\\Windows\\NTDS"), targets, 0));
    assert_false(path_matches_any(W("C:\\Windows\\NTDS"), targets + 1, 1));
}

static const WCHAR *const map_targets[] = {W("C:\\Windows\\NTDS"), W("\\\\DC01\\C$\\Windows\\NTDS")};
/* The database file's forms alone, no folders: every new name must be it. */
static const struct restore_targets database_only = {map_targets, 2, NULL, 0};
static const struct restore_targets no_targets = {map_targets, 0, NULL, 0};

static void test_restore_map(void **state)
{
    const WCHAR *old_names[RESTORE_MAP_MAX_ENTRIES + 1], *new_names[RESTORE_MAP_MAX_ENTRIES + 1];
    int i;
    (void)state;

    for (i = 0; i <= RESTORE_MAP_MAX_ENTRIES; i++)
    {
        old_names[i] = W("D:\\OldDC\\NTDS");
        new_names[i] = i % 2 ? W("c:\\windows\\ntds\\") : W("\\\\DC01\\C$\\Windows\\NTDS");
    }
    assert_hr(restore_map_validate(old_names, new_names, 1, &database_only), S_OK);
    assert_hr(restore_map_validate(old_names, new_names, RESTORE_MAP_MAX_ENTRIES, &database_only), S_OK);
    assert_hr(restore_map_validate(old_names, new_names, RESTORE_MAP_MAX_ENTRIES + 1, &database_only),
              ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(old_names, new_names, 0, &database_only), ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(old_names, new_names, -1, &database_only), ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(NULL, new_names, 1, &database_only), ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(old_names, NULL, 1, &database_only), ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(old_names, new_names, 1, &no_targets), ERROR_INVALID_PARAMETER);

    /* One bad entry anywhere spoils the map. */
    old_names[5] = W("D:\\OldDC\\..\\NTDS");
    assert_hr(restore_map_validate(old_names, new_names, 5, &database_only), S_OK);
    assert_hr(restore_map_validate(old_names, new_names, 6, &database_only), ERROR_INVALID_PARAMETER);
    old_names[5] = NULL;
    assert_hr(restore_map_validate(old_names, new_names, 6, &database_only), ERROR_INVALID_PARAMETER);
    old_names[5] = W("D:\\OldDC\\NTDS");
    new_names[3] = W("C:\\Windows\\NTDS2");                      /* plain, but not a target */
    assert_hr(restore_map_validate(old_names, new_names, 4, &database_only), ERROR_INVALID_PARAMETER);
    new_names[3] = W("C:\\Windows\\NTDS:x");                     /* a stream of the target */
    assert_hr(restore_map_validate(old_names, new_names, 4, &database_only), ERROR_INVALID_PARAMETER);
    new_names[3] = NULL;
    assert_hr(restore_map_validate(old_names, new_names, 4, &database_only), ERROR_INVALID_PARAMETER);
    assert_hr(restore_map_validate(old_names, new_names, 3, &database_only), S_OK);
}

/* The documentation's two-entry map: the directory database and the system
 * database, the second into one of the folders the locations list named. */
static void test_restore_map_folders(void **state)
{
    static const WCHAR *const database[] = {W("C:\\Windows\\NTDS\\ntds.dit"), W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit")};
    static const WCHAR *const folders[] = {W("C:\\Windows\\NTDS"), W("\\\\DC01\\C$\\Windows\\NTDS"),
                                           W("C:\\Logs\\"), W("\\\\DC01\\C$\\Logs")};
    static const struct restore_targets targets = {database, 2, folders, 4};
    const WCHAR *old_names[2] = {W("D:\\Old\\ntds.dit"), W("D:\\Old\\edb.chk")};
    const WCHAR *new_names[2] = {W("c:\\windows\\ntds\\NTDS.DIT"), W("\\\\DC01\\C$\\Windows\\NTDS\\system.edb")};
    size_t i;
    (void)state;

    assert_hr(restore_map_validate(old_names, new_names, 2, &targets), S_OK);
    new_names[1] = W("C:\\Logs\\system.edb");
    assert_hr(restore_map_validate(old_names, new_names, 2, &targets), S_OK);
    /* Order does not matter; the database must be among them. */
    assert_hr(restore_map_validate(old_names + 1, new_names + 1, 1, &targets), ERROR_INVALID_PARAMETER);
    {
        const WCHAR *swapped_old[2] = {old_names[1], old_names[0]}, *swapped_new[2] = {new_names[1], new_names[0]};
        assert_hr(restore_map_validate(swapped_old, swapped_new, 2, &targets), S_OK);
    }
    /* Anything outside the folders, or not directly in them, is refused. */
    {
        static const WCHAR *const outside[] =
        {
            W("C:\\Windows\\system.edb"), W("C:\\Windows\\NTDS\\sub\\system.edb"), W("C:\\Windows\\NTDS\\"),
            W("C:\\Windows\\NTDS"), W("C:\\Windows\\NTDSx\\system.edb"), W("C:\\Logs"), W("D:\\Logs\\system.edb"),
            W("\\\\DC02\\C$\\Logs\\system.edb"), W("C:\\Logs\\..\\system.edb"), W("C:\\Logs\\x\\"),
            W("C:\\Logs\\sys:tem"), W("C:\\Logs\\NUL"),
        };
        for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
        {
            new_names[1] = outside[i];
            if (restore_map_validate(old_names, new_names, 2, &targets) != ERROR_INVALID_PARAMETER)
                fail_msg("new name %lu accepted", (unsigned long)i);
        }
    }
}

static void test_path_is_in_folder(void **state)
{
    (void)state;
    assert_true(path_is_in_folder(W("C:\\a\\b"), W("C:\\a")));
    assert_true(path_is_in_folder(W("c:\\A\\b"), W("C:\\a\\")));
    assert_true(path_is_in_folder(W("C:\\b"), W("C:\\")));
    assert_false(path_is_in_folder(W("C:\\a"), W("C:\\a")));
    assert_false(path_is_in_folder(W("C:\\a\\"), W("C:\\a")));
    assert_false(path_is_in_folder(W("C:\\ab"), W("C:\\a")));
    assert_false(path_is_in_folder(W("C:\\a\\b\\c"), W("C:\\a")));
    assert_false(path_is_in_folder(W("C:\\a\\b\\"), W("C:\\a")));
    assert_false(path_is_in_folder(W("C:"), W("C:\\a")));
}

static void test_log_generation_range(void **state)
{
    (void)state;
    assert_hr(log_generation_range_validate(0, 0), S_OK);
    assert_hr(log_generation_range_validate(1, 1), S_OK);
    assert_hr(log_generation_range_validate(1, 5), S_OK);
    assert_hr(log_generation_range_validate(0, LOG_GENERATION_MAX), S_OK);
    assert_hr(log_generation_range_validate(LOG_GENERATION_MAX, LOG_GENERATION_MAX), S_OK);
    assert_hr(log_generation_range_validate(5, 4), ERROR_INVALID_PARAMETER);
    assert_hr(log_generation_range_validate(0, LOG_GENERATION_MAX + 1), ERROR_INVALID_PARAMETER);
    assert_hr(log_generation_range_validate(LOG_GENERATION_MAX + 1, LOG_GENERATION_MAX + 1),
              ERROR_INVALID_PARAMETER);
    assert_hr(log_generation_range_validate(0xffffffffu, 0xffffffffu), ERROR_INVALID_PARAMETER);
    assert_hr(log_generation_range_validate(0xffffffffu, 0), ERROR_INVALID_PARAMETER);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_plain_absolute_accepted),
        UNIT_TEST(test_plain_absolute_refused),
        UNIT_TEST(test_plain_absolute_length),
        UNIT_TEST(test_restore_map_folders),
        UNIT_TEST(test_path_is_in_folder),
        UNIT_TEST(test_paths_match),
        UNIT_TEST(test_restore_map),
        UNIT_TEST(test_log_generation_range),
    };
    return cmocka_run_group_tests_name("restore_map", tests, NULL, NULL);
}
