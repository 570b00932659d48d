/*
 * Unit tests of dsbackup's manifest.txt writer and parser
 * (tools/dsbackup/manifest.c): the format's rules, the errors and where they
 * are, and that what the writer writes the parser reads back unchanged.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "manifest.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define SHA_T "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEADER MANIFEST_HEADER "\n"
#define DIT_LINE "44 4198403 " SHA_A " database\\ntds.dit \\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\n"
#define LOG_LINE "21 1052675 " SHA_B " logs\\edb00001.log \\\\DC01\\C$\\Windows\\NTDS\\edb00001.log\n"
#define TAIL "token " SHA_T "\nend\n"
#define GOOD HEADER DIT_LINE LOG_LINE TAIL

static int name_equals(const manifest_char *got, const WCHAR *expected)
{
    size_t i;
    for (i = 0; got[i] && got[i] == expected[i]; i++) ;
    return got[i] == expected[i];
}

/* Parses TEXT and expects STATUS (and, for an error on a line, that line). */
static void expect_parse(const char *text, enum manifest_status status, unsigned line)
{
    struct manifest manifest;
    enum manifest_status got = manifest_parse(text, strlen(text), &manifest);

    if (got != status || manifest.error_line != line)
        fail_msg("got status %d line %u, expected %d line %u, for \"%s\"", got, manifest.error_line, status,
                 line, text);
    manifest_free(&manifest);
}

/* A file line with the given path field, in an otherwise good manifest. */
static void expect_path(const char *path_field, enum manifest_status status)
{
    char text[1024];

    snprintf(text, sizeof(text), HEADER "21 1 " SHA_A " %s \\\\DC01\\C$\\x\n" TAIL, path_field);
    expect_parse(text, status, status ? 2 : 0);
}

static void test_parse_good(void **state)
{
    struct manifest manifest;
    (void)state;

    assert_int_equal(manifest_parse(GOOD, strlen(GOOD), &manifest), MANIFEST_OK);
    assert_int_equal(manifest.count, 2);
    assert_int_equal(manifest.entries[0].bft, 0x44);
    assert_true(manifest.entries[0].size == 4198403);
    assert_string_equal(manifest.entries[0].sha256, SHA_A);
    assert_true(name_equals(manifest.entries[0].path, W("database\\ntds.dit")));
    assert_true(name_equals(manifest.entries[0].unc, W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit")));
    assert_int_equal(manifest.entries[0].line, 2);
    assert_int_equal(manifest.entries[1].bft, 0x21);
    assert_int_equal(manifest.entries[1].line, 3);
    assert_string_equal(manifest.token_sha256, SHA_T);
    assert_int_equal(manifest.token_line, 4);
    assert_int_equal(manifest.error_line, 0);
    assert_null(manifest.error_name);
    manifest_free(&manifest);
}

static void test_line_ends(void **state)
{
    (void)state;
    expect_parse(MANIFEST_HEADER "\r\n" DIT_LINE "token " SHA_T "\r\nend\r\n", MANIFEST_OK, 0);
    expect_parse(HEADER DIT_LINE "token " SHA_T "\nend", MANIFEST_OK, 0);
    /* A last line without its LF is taken only if it is "end". */
    expect_parse(HEADER DIT_LINE "token " SHA_T, MANIFEST_NO_END, 0);
    expect_parse(HEADER DIT_LINE TAIL "\n", MANIFEST_AFTER_END, 5);
    /* One CR is a line end's; a second belongs to the line. */
    expect_parse(HEADER DIT_LINE "token " SHA_T "\nend\r\r\n", MANIFEST_AFTER_TOKEN, 4);
}

static void test_structure_errors(void **state)
{
    (void)state;
    expect_parse("", MANIFEST_EMPTY, 0);
    expect_parse("ntdsbcli-backup 2\n" DIT_LINE TAIL, MANIFEST_BAD_HEADER, 1);
    expect_parse(" " GOOD, MANIFEST_BAD_HEADER, 1);
    expect_parse(HEADER DIT_LINE LOG_LINE "token " SHA_T "\n", MANIFEST_NO_END, 0);
    expect_parse(HEADER DIT_LINE "end\n", MANIFEST_END_WITHOUT_TOKEN, 3);
    expect_parse(HEADER DIT_LINE "token " SHA_T "\n" LOG_LINE "end\n", MANIFEST_AFTER_TOKEN, 4);
    expect_parse(HEADER DIT_LINE "token " SHA_T "\ntoken " SHA_T "\nend\n", MANIFEST_AFTER_TOKEN, 4);
    expect_parse(HEADER DIT_LINE "token abc\nend\n", MANIFEST_BAD_TOKEN, 3);
    expect_parse(HEADER DIT_LINE "token " SHA_T "0\nend\n", MANIFEST_BAD_TOKEN, 3);
    expect_parse(HEADER TAIL, MANIFEST_NO_FILES, 0);
    expect_parse(HEADER TAIL "more\n", MANIFEST_AFTER_END, 4);
}

static void test_nul_byte(void **state)
{
    static const char text[] = HEADER "21 1 " SHA_A " logs\\a\0b \\\\x\n" TAIL;
    struct manifest manifest;
    (void)state;

    assert_int_equal(manifest_parse(text, sizeof(text) - 1, &manifest), MANIFEST_NUL);
    assert_int_equal(manifest.error_line, 2);
    manifest_free(&manifest);
}

static void test_file_line_fields(void **state)
{
    (void)state;
    expect_parse(HEADER "44 1 " SHA_A " database\\ntds.dit\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 1 " SHA_A " a b c\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44  1 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "4g 1 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "044 1 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 -1 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 +1 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 18446744073709551616 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 018446744073709551615 " SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 1 " SHA_A "0 a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 1 g" SHA_A " a b\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "\n" TAIL, MANIFEST_BAD_LINE, 2);
    expect_parse(HEADER "44 18446744073709551615 " SHA_A " a b\n" TAIL, MANIFEST_OK, 0);
    expect_parse(HEADER "4A 00 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789ABCDEF a b\n" TAIL,
                 MANIFEST_OK, 0);
}

static void test_path_rules(void **state)
{
    static const char *const good[] =
    {
        "a", "database\\ntds.dit", "logs/edb.log", "a.b\\.c", "...", "a\\b\\c\\d", "x%20y", "caf%C3%A9",
        "expiry.token.old", "%41",
    };
    static const char *const bad[] =
    {
        "..", ".", "..\\x", "a\\..\\b", "a\\.\\b", "a\\..", "\\abs", "/abs", "C:x", "c:\\x", "a:b", "a\\\\b",
        "a\\", "a/", "%00", "%4", "%4g", "%zz", "a%", "x\ty", "%5C..", "..%5Cx", "%3A",
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) expect_path(good[i], MANIFEST_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) expect_path(bad[i], MANIFEST_BAD_PATH);
}

static void test_utf8_rules(void **state)
{
    static const char *const bad[] =
    {
        "%C0%AF", "%C1%BF", "%E0%80%AF", "%F0%80%80%AF", "%ED%A0%80", "%ED%BF%BF", "%F4%90%80%80", "%F5%80%80%80",
        "%E2%82", "%80", "a%BFb", "%C3", "%FF", "%FE",
    };
    static const char *const good[] = {"%C2%80", "%EF%BF%BF", "%F0%90%80%80", "%F4%8F%BF%BF", "%ED%9F%BF", "%E2%82%AC"};
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) expect_path(bad[i], MANIFEST_BAD_PATH);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) expect_path(good[i], MANIFEST_OK);
}

static void test_unc_rules(void **state)
{
    (void)state;
    expect_parse(HEADER "21 1 " SHA_A " a \n" TAIL, MANIFEST_BAD_UNC, 2);
    expect_parse(HEADER "21 1 " SHA_A " a %00\n" TAIL, MANIFEST_BAD_UNC, 2);
    expect_parse(HEADER "21 1 " SHA_A " a %ED%A0%80\n" TAIL, MANIFEST_BAD_UNC, 2);
    /* <unc> is only a name: it may be anything non-empty. */
    expect_parse(HEADER "21 1 " SHA_A " a ..\\..\\x:y\n" TAIL, MANIFEST_OK, 0);
}

static void test_duplicates(void **state)
{
    struct manifest manifest;
    static const char text[] = HEADER DIT_LINE LOG_LINE "21 5 " SHA_A " LOGS\\EDB00001.LOG \\\\x\n" TAIL;
    (void)state;

    assert_int_equal(manifest_parse(text, strlen(text), &manifest), MANIFEST_DUPLICATE);
    assert_int_equal(manifest.error_line, 4);
    assert_true(name_equals(manifest.error_name, W("LOGS\\EDB00001.LOG")));
    /* What came before the damage is kept, for a reader that checks it. */
    assert_int_equal(manifest.count, 2);
    assert_string_equal(manifest.token_sha256, "");
    manifest_free(&manifest);
    expect_path("Expiry.Token", MANIFEST_DUPLICATE);
    expect_path("MANIFEST.TXT", MANIFEST_DUPLICATE);
    expect_path("manifest.txt.bak", MANIFEST_OK);
    /* Only ASCII case is folded. */
    expect_parse(HEADER "21 1 " SHA_A " %C3%A9 \\\\x\n21 1 " SHA_A " %C3%89 \\\\x\n" TAIL, MANIFEST_OK, 0);
}

static void test_round_trip(void **state)
{
    static const char text[] = HEADER DIT_LINE LOG_LINE
        "25 0 " SHA_A " database\\a%20b%25c%7F%09caf\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e \\\\DC01\\C$\\%20\n" TAIL;
    struct manifest manifest;
    size_t length;
    char *written;
    (void)state;

    assert_int_equal(manifest_parse(text, strlen(text), &manifest), MANIFEST_OK);
    assert_true(name_equals(manifest.entries[2].path,
                            W("database\\a b%c\x7f\tcaf\u00e9\u20ac\U0001D11E")));
    assert_int_equal(manifest_write(&manifest, &written, &length, NULL), MANIFEST_OK);
    assert_int_equal(length, strlen(text));
    assert_memory_equal(written, text, length);
    assert_int_equal(written[length], 0);
    free(written);
    manifest_free(&manifest);
}

static void test_writer(void **state)
{
    static const WCHAR lone_high[] = {'a', 0xd800, 'b', 0}, lone_low[] = {0xdc00, 0};
    const manifest_char *bad = NULL;
    struct manifest manifest = {0};
    size_t length;
    char *written;
    (void)state;

    assert_int_equal(manifest_add(&manifest, 0x44, 12, SHA_A, W("database\\x y"), W("\\\\H\\C$\\x y")), MANIFEST_OK);
    memcpy(manifest.token_sha256, SHA_T, 65);
    assert_int_equal(manifest_write(&manifest, &written, &length, &bad), MANIFEST_OK);
    assert_string_equal(written, HEADER "44 12 " SHA_A " database\\x%20y \\\\H\\C$\\x%20y\n" TAIL);
    free(written);
    assert_int_equal(manifest_add(&manifest, 0x21, 1, SHA_B, lone_high, W("u")), MANIFEST_OK);
    assert_int_equal(manifest_write(&manifest, &written, &length, &bad), MANIFEST_BAD_NAME);
    assert_ptr_equal(bad, manifest.entries[1].path);
    assert_null(written);
    manifest_free(&manifest);
    assert_int_equal(manifest_add(&manifest, 0x21, 1, SHA_B, W("p"), lone_low), MANIFEST_OK);
    assert_int_equal(manifest_write(&manifest, &written, &length, &bad), MANIFEST_BAD_NAME);
    assert_ptr_equal(bad, manifest.entries[0].unc);
    manifest_free(&manifest);
}

static void test_path_is_safe(void **state)
{
    (void)state;
    assert_true(manifest_path_is_safe(W("logs\\edb.log")));
    assert_false(manifest_path_is_safe(W("")));
    assert_false(manifest_path_is_safe(W("logs\\..\\..\\x")));
    assert_false(manifest_path_is_safe(W("logs\\x:stream")));
}

int main(void)
{
    static const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_file_line_fields),
        cmocka_unit_test(test_path_rules),
        cmocka_unit_test(test_utf8_rules),
        cmocka_unit_test(test_unc_rules),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_writer),
        cmocka_unit_test(test_path_is_safe),
    };
    return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
