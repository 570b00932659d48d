/*
 * Unit tests of the rule for the directory's configured paths (common/config_path.h),
 * which the DLL, the NTDS stand-in and dsbackup all apply: its pure part
 * everywhere, the whole rule for a registry value (expansion, types, lengths)
 * in the PE builds.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
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

/* The path never grows, and normalising where it lies gives what normalising
 * into another buffer gives: config_path_from_value relies on both. */
static void test_in_place(void **state)
{
    static const WCHAR *const inputs[] = {
        W("C:\\a\\.\\b\\..\\c\\"), W("//s/sh/./x/../y/z. "), W("C:\\..\\"), W("D:/x//y///z"),
        W("C:\\Windows\\System32\\..\\NTDS/./ntds.dit"), W("\\\\dc01\\share"), W("C:/"),
        W("C:\\a\\b\\c\\..\\..\\d\\e. . "), W("relative\\x"), W(""),
    };
    WCHAR apart[300], here[300];
    size_t i, n;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
    {
        n = wstr_len(inputs[i]);
        memcpy(here, inputs[i], (n + 1) * sizeof(WCHAR));
        assert_int_equal(normalize(here, here, n + 1), normalize(inputs[i], apart, n + 1));
        if (normalize(inputs[i], apart, n + 1) != CONFIG_PATH_OK) continue;
        assert_true(wstr_len(apart) <= n);
        assert_int_equal(wstr_len(here), wstr_len(apart));
        assert_memory_equal(here, apart, wstr_len(apart) * sizeof(WCHAR));
    }
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

#ifdef _WIN32
/* The whole rule for a value as the registry holds it (config_path_value.c),
 * which needs Windows: in the PE builds only. */

/* VALUE of TYPE gives STATUS and, with CONFIG_PATH_OK, EXPECTED (if not NULL), in a buffer of
 * the size config_path_value_chars asks for. */
static void check_value(DWORD type, const WCHAR *value, enum config_path_status status, const WCHAR *expected)
{
    size_t chars = config_path_value_chars(type, value);
    WCHAR *out = malloc(chars * sizeof(WCHAR));

    assert_non_null(out);
    assert_int_equal(config_path_from_value(type, value, out, chars), status);
    if (status == CONFIG_PATH_OK && expected)
    {
        assert_int_equal(wstr_len(out), wstr_len(expected));
        assert_memory_equal(out, expected, wstr_len(out) * sizeof(WCHAR));
    }
    free(out);
}

static void test_value_types(void **state)
{
    WCHAR out[300];

    (void)state;
    check_value(REG_SZ, W("C:\\Windows\\System32\\..\\NTDS/ntds.dit"), CONFIG_PATH_OK, W("C:\\Windows\\NTDS\\ntds.dit"));
    check_value(REG_EXPAND_SZ, W("C:\\Windows\\NTDS\\"), CONFIG_PATH_OK, W("C:\\Windows\\NTDS"));
    check_value(REG_SZ, W(""), CONFIG_PATH_EMPTY, NULL);
    check_value(REG_EXPAND_SZ, W(""), CONFIG_PATH_EMPTY, NULL);
    check_value(REG_SZ, W("Windows\\NTDS\\ntds.dit"), CONFIG_PATH_RELATIVE, NULL);
    check_value(REG_SZ, W("\x01\x7f::*?<>|garbage"), CONFIG_PATH_RELATIVE, NULL);
    /* Whatever the bytes, another type names no path. */
    assert_int_equal(config_path_from_value(REG_DWORD, W("C:\\x"), out, 300), CONFIG_PATH_NOT_STRING);
    assert_int_equal(config_path_from_value(REG_MULTI_SZ, W("C:\\x"), out, 300), CONFIG_PATH_NOT_STRING);
    assert_int_equal(config_path_from_value(REG_BINARY, W("C:\\x"), out, 300), CONFIG_PATH_NOT_STRING);
    assert_int_equal(config_path_from_value(REG_NONE, W("C:\\x"), out, 300), CONFIG_PATH_NOT_STRING);
}

static void test_value_expansion(void **state)
{
    (void)state;
    assert_true(SetEnvironmentVariableW(L"NTDSBCLI_UNIT_ROOT", L"D:\\Directory"));
    assert_true(SetEnvironmentVariableW(L"NTDSBCLI_UNIT_RELATIVE", L"Directory"));
    SetEnvironmentVariableW(L"NTDSBCLI_UNIT_UNSET", NULL);
    check_value(REG_EXPAND_SZ, W("%NTDSBCLI_UNIT_ROOT%\\NTDS\\ntds.dit"), CONFIG_PATH_OK,
                W("D:\\Directory\\NTDS\\ntds.dit"));
    check_value(REG_EXPAND_SZ, W("%NTDSBCLI_UNIT_ROOT%/../x/./y/"), CONFIG_PATH_OK, W("D:\\x\\y"));
    /* A REG_SZ value's environment strings are part of its name. */
    check_value(REG_SZ, W("%NTDSBCLI_UNIT_ROOT%\\NTDS\\ntds.dit"), CONFIG_PATH_RELATIVE, NULL);
    /* Expanded, the path must still be absolute; an unknown name stays as written. */
    check_value(REG_EXPAND_SZ, W("%NTDSBCLI_UNIT_RELATIVE%\\ntds.dit"), CONFIG_PATH_RELATIVE, NULL);
    check_value(REG_EXPAND_SZ, W("%NTDSBCLI_UNIT_UNSET%\\ntds.dit"), CONFIG_PATH_RELATIVE, NULL);
    check_value(REG_EXPAND_SZ, W("C:\\%NTDSBCLI_UNIT_UNSET%"), CONFIG_PATH_OK, W("C:\\%NTDSBCLI_UNIT_UNSET%"));
    SetEnvironmentVariableW(L"NTDSBCLI_UNIT_ROOT", NULL);
    SetEnvironmentVariableW(L"NTDSBCLI_UNIT_RELATIVE", NULL);
}

/* At most CONFIG_PATH_MAX_CHARS, as stored and once expanded. */
static void test_value_lengths(void **state)
{
    size_t chars, i;
    WCHAR *value = malloc((CONFIG_PATH_MAX_CHARS + 2) * sizeof(WCHAR)), *out, small[8];

    (void)state;
    assert_non_null(value);
    value[0] = 'C';
    value[1] = ':';
    value[2] = '\\';
    for (i = 3; i < CONFIG_PATH_MAX_CHARS + 1; i++) value[i] = (WCHAR)(i % 200 ? 'a' : '\\');
    value[CONFIG_PATH_MAX_CHARS + 1] = 0;
    assert_int_equal(config_path_value_chars(REG_SZ, value), CONFIG_PATH_MAX_CHARS + 1);
    check_value(REG_SZ, value, CONFIG_PATH_TOO_LONG, NULL);
    /* One shorter is the longest configured path. */
    value[CONFIG_PATH_MAX_CHARS] = 0;
    assert_int_equal(config_path_value_chars(REG_SZ, value), CONFIG_PATH_MAX_CHARS + 1);
    out = malloc((CONFIG_PATH_MAX_CHARS + 1) * sizeof(WCHAR));
    assert_non_null(out);
    assert_int_equal(config_path_from_value(REG_SZ, value, out, CONFIG_PATH_MAX_CHARS + 1), CONFIG_PATH_OK);
    assert_int_equal(wstr_len(out), CONFIG_PATH_MAX_CHARS);
    free(out);
    /* A short value that expands beyond the limit. */
    value[20000] = 0;
    assert_true(SetEnvironmentVariableW(L"NTDSBCLI_UNIT_LONG", value + 3));
    check_value(REG_EXPAND_SZ, W("C:\\%NTDSBCLI_UNIT_LONG%"), CONFIG_PATH_OK, NULL);
    chars = config_path_value_chars(REG_EXPAND_SZ, W("C:\\%NTDSBCLI_UNIT_LONG%\\%NTDSBCLI_UNIT_LONG%"));
    assert_int_equal(chars, CONFIG_PATH_MAX_CHARS + 1);
    check_value(REG_EXPAND_SZ, W("C:\\%NTDSBCLI_UNIT_LONG%\\%NTDSBCLI_UNIT_LONG%"), CONFIG_PATH_TOO_LONG, NULL);
    SetEnvironmentVariableW(L"NTDSBCLI_UNIT_LONG", NULL);
    /* A buffer too small for the value, or for its expansion. */
    assert_int_equal(config_path_from_value(REG_SZ, W("C:\\abcdefgh"), small, 8), CONFIG_PATH_TOO_LONG);
    assert_int_equal(config_path_from_value(REG_EXPAND_SZ, W("C:\\abcdefgh"), small, 8), CONFIG_PATH_TOO_LONG);
    assert_int_equal(config_path_from_value(REG_EXPAND_SZ, W("C:\\a\\..\\b"), small, 8), CONFIG_PATH_TOO_LONG);
    assert_int_equal(config_path_from_value(REG_SZ, W("C:\\abcd"), small, 8), CONFIG_PATH_OK);
    free(value);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        UNIT_TEST(test_plain_paths_unchanged),
        UNIT_TEST(test_separators),
        UNIT_TEST(test_dots),
        UNIT_TEST(test_not_configured),
        UNIT_TEST(test_lengths),
        UNIT_TEST(test_idempotent),
        UNIT_TEST(test_in_place),
#ifdef _WIN32
        UNIT_TEST(test_value_types),
        UNIT_TEST(test_value_expansion),
        UNIT_TEST(test_value_lengths),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
