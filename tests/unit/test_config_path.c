/*
 * Unit tests of the rule for the directory's configured paths (common/config_path.h),
 * which the DLL, the NTDS stand-in and dsbackup all apply.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit.h"
#include "config_path.h"

static enum config_path_status normalize(const WCHAR *in, WCHAR *out, size_t chars)
{
    return config_path_normalize(in, out, chars);
}

/* IN normalises to EXPECTED. */
static void check_path(const WCHAR *in, const WCHAR *expected)
{
    WCHAR out[300];
    enum config_path_status status = normalize(in, out, 300);

    if (status != CONFIG_PATH_OK) fail_msg("status %d for a path that is configured", status);
    if (wstr_len(out) != wstr_len(expected) || memcmp(out, expected, wstr_len(out) * sizeof(WCHAR)))
    {
        char got[300], want[300];
        size_t i;
        for (i = 0; i <= wstr_len(out) && i < 299; i++) got[i] = (char)out[i];
        for (i = 0; i <= wstr_len(expected) && i < 299; i++) want[i] = (char)expected[i];
        got[299] = want[299] = 0;
        fail_msg("got \"%s\", expected \"%s\"", got, want);
    }
}

static void check_status(const WCHAR *in, enum config_path_status expected)
{
    WCHAR out[300];
    assert_int_equal(normalize(in, out, 300), expected);
}

static void test_plain_paths_unchanged(void **state)
{
    (void)state;
    check_path(W("C:\\Windows\\NTDS\\ntds.dit"), W("C:\\Windows\\NTDS\\ntds.dit"));
    check_path(W("c:\\windows\\ntds"), W("c:\\windows\\ntds"));
    check_path(W("C:\\"), W("C:\\"));
    check_path(W("\\\\dc01\\share\\NTDS\\ntds.dit"), W("\\\\dc01\\share\\NTDS\\ntds.dit"));
    check_path(W("\\\\dc01\\C$"), W("\\\\dc01\\C$"));
    check_path(W("D:\\Directory Data\\édition\\ntds.dit"), W("D:\\Directory Data\\édition\\ntds.dit"));
}

static void test_separators(void **state)
{
    (void)state;
    check_path(W("C:\\Windows\\NTDS\\"), W("C:\\Windows\\NTDS"));
    check_path(W("C:\\Windows\\\\NTDS\\\\\\"), W("C:\\Windows\\NTDS"));
    check_path(W("C:/Windows/NTDS/ntds.dit"), W("C:\\Windows\\NTDS\\ntds.dit"));
    check_path(W("C:\\\\"), W("C:\\"));
    check_path(W("//dc01/share/x/"), W("\\\\dc01\\share\\x"));
    check_path(W("\\\\dc01\\share\\"), W("\\\\dc01\\share"));
}

static void test_dots(void **state)
{
    (void)state;
    check_path(W("C:\\Windows\\.\\NTDS"), W("C:\\Windows\\NTDS"));
    check_path(W("C:\\Windows\\System32\\..\\NTDS"), W("C:\\Windows\\NTDS"));
    check_path(W("C:\\a\\b\\c\\..\\..\\d"), W("C:\\a\\d"));
    check_path(W("C:\\..\\..\\Windows"), W("C:\\Windows"));
    check_path(W("C:\\Windows\\.."), W("C:\\"));
    check_path(W("C:\\Windows\\."), W("C:\\Windows"));
    check_path(W("\\\\dc01\\share\\..\\..\\x"), W("\\\\dc01\\share\\x"));
    /* The last name loses its trailing dots and spaces, as Windows opens it. */
    check_path(W("C:\\Windows\\NTDS\\ntds.dit."), W("C:\\Windows\\NTDS\\ntds.dit"));
    check_path(W("C:\\Windows\\NTDS\\ntds.dit . "), W("C:\\Windows\\NTDS\\ntds.dit"));
    check_path(W("C:\\Windows\\NTDS\\..."), W("C:\\Windows\\NTDS"));
    /* Names that merely contain dots are names. */
    check_path(W("C:\\a.b\\..c\\.d"), W("C:\\a.b\\..c\\.d"));
    check_path(W("C:\\a.\\b"), W("C:\\a.\\b"));
}

static void test_not_configured(void **state)
{
    (void)state;
    check_status(W(""), CONFIG_PATH_EMPTY);
    check_status(NULL, CONFIG_PATH_EMPTY);
    check_status(W("ntds.dit"), CONFIG_PATH_RELATIVE);
    check_status(W("Windows\\NTDS\\ntds.dit"), CONFIG_PATH_RELATIVE);
    check_status(W("\\Windows\\NTDS"), CONFIG_PATH_RELATIVE);
    check_status(W("C:"), CONFIG_PATH_RELATIVE);
    check_status(W("C:ntds.dit"), CONFIG_PATH_RELATIVE);
    check_status(W(" C:\\Windows"), CONFIG_PATH_RELATIVE);
    check_status(W("1:\\Windows"), CONFIG_PATH_RELATIVE);
    check_status(W("%SystemRoot%\\NTDS"), CONFIG_PATH_RELATIVE);     /* not expanded */
    check_status(W("\\\\"), CONFIG_PATH_RELATIVE);
    check_status(W("\\\\dc01"), CONFIG_PATH_RELATIVE);
    check_status(W("\\\\dc01\\"), CONFIG_PATH_RELATIVE);
    check_status(W("\\\\\\share"), CONFIG_PATH_RELATIVE);
    check_status(W("\\\\dc01\\.\\x"), CONFIG_PATH_RELATIVE);
    check_status(W("\\\\..\\share\\x"), CONFIG_PATH_RELATIVE);
}

static void test_lengths(void **state)
{
    WCHAR out[8], in[40];
    size_t i;

    (void)state;
    assert_int_equal(normalize(W("C:\\abcd"), out, 8), CONFIG_PATH_OK);        /* 7 + terminator */
    assert_int_equal(normalize(W("C:\\abcde"), out, 8), CONFIG_PATH_TOO_LONG);
    assert_int_equal(normalize(W("C:\\x\\..\\abcd"), out, 8), CONFIG_PATH_OK);
    assert_int_equal(normalize(W("C:\\"), out, 3), CONFIG_PATH_TOO_LONG);
    assert_int_equal(normalize(W("\\\\ab\\cd"), out, 8), CONFIG_PATH_OK);
    assert_int_equal(normalize(W("\\\\abc\\cd"), out, 8), CONFIG_PATH_TOO_LONG);
    assert_int_equal(normalize(W("C:\\x"), out, 0), CONFIG_PATH_EMPTY);
    /* Long names of many separators shrink. */
    in[0] = 'C';
    in[1] = ':';
    for (i = 2; i < 38; i++) in[i] = '\\';
    in[38] = 'x';
    in[39] = 0;
    assert_int_equal(normalize(in, out, 8), CONFIG_PATH_OK);
    assert_int_equal(wstr_len(out), 4);
}

/* Normalising twice gives what normalising once gave. */
static void test_idempotent(void **state)
{
    static const WCHAR *const inputs[] = {
        W("C:\\a\\.\\b\\..\\c\\"), W("//s/sh/./x/../y/z. "), W("C:\\..\\"), W("D:/x//y///z"),
    };
    WCHAR once[300], twice[300];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
    {
        assert_int_equal(normalize(inputs[i], once, 300), CONFIG_PATH_OK);
        assert_int_equal(normalize(once, twice, 300), CONFIG_PATH_OK);
        assert_int_equal(wstr_len(once), wstr_len(twice));
        assert_memory_equal(once, twice, wstr_len(once) * sizeof(WCHAR));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_plain_paths_unchanged),
        UNIT_TEST(test_separators),
        UNIT_TEST(test_dots),
        UNIT_TEST(test_not_configured),
        UNIT_TEST(test_lengths),
        UNIT_TEST(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
