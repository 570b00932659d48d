/*
 * Unit tests of name parsing: attachment names, server names, log file names.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include "unit.h"
#include "attachment_lookup.h"

static const WCHAR *const listed[] =
{
    W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\edb00002.log"),
    W("\\\\DC01\\C$\\Windows\\NTDS\\patch.pat"),
};
static const WCHAR listed_bft[] = {BFTW_NTDS_DATABASE, BFTW_LOG, BFTW_LOG, BFTW_PATCH_FILE};
#define LISTED 4

static long find(const WCHAR *name)
{
    return attachment_name_find(name, listed, listed_bft, LISTED);
}

/* The name as its own heap block of exactly its size, so that a read past its end
 * is seen by ASan and valgrind. */
static long find_exact(const WCHAR *name)
{
    size_t bytes = (wstr_len(name) + 1) * sizeof(WCHAR);
    WCHAR *copy = malloc(bytes);
    long found;
    memcpy(copy, name, bytes);
    found = find(copy);
    free(copy);
    return found;
}

static long find_with_bft(WCHAR bft, const WCHAR *name)
{
    WCHAR buffer[200];
    size_t n = wstr_len(name);
    assert_true(n + 2 <= 200);
    buffer[0] = bft;
    memcpy(buffer + 1, name, (n + 1) * sizeof(WCHAR));
    return find_exact(buffer);
}

static void test_exact_match(void **state)
{
    long i;
    (void)state;
    for (i = 0; i < LISTED; i++)
    {
        assert_int_equal(find_exact(listed[i]), i);
        assert_int_equal(find_with_bft(listed_bft[i], listed[i]), i);
    }
    assert_int_equal(find_exact(W("\\\\DC01\\C$\\Windows\\NTDS\\edb00003.log")), -1);
    assert_int_equal(find_exact(W("\\\\DC02\\C$\\Windows\\NTDS\\ntds.dit")), -1);
    /* The first listed entry wins when two are equal. */
    {
        static const WCHAR *const twice[] = {W("\\\\a\\b"), W("\\\\A\\B")};
        static const WCHAR twice_bft[] = {BFTW_LOG, BFTW_NTDS_DATABASE};
        assert_int_equal(attachment_name_find(W("\\\\a\\B"), twice, twice_bft, 2), 0);
        assert_int_equal(attachment_name_find(W("\x44\\\\a\\B"), twice, twice_bft, 2), 1);
    }
    assert_int_equal(attachment_name_find(listed[0], listed, listed_bft, 0), -1);
}

static void test_wrong_bft_refused(void **state)
{
    static const WCHAR others[] = {BFTW_LOG, BFTW_PATCH_FILE, BFTW_LOG_DIR, BFTW_CHECKPOINT_DIR,
                                   BFTW_UNKNOWN, 'A', '/', ' ', 0x100, 0xd800, 0xffff};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_int_equal(find_with_bft(others[i], listed[0]), -1);
    assert_int_equal(find_with_bft(BFTW_NTDS_DATABASE, listed[1]), -1);
    assert_int_equal(find_with_bft(BFTW_LOG, listed[3]), -1);
    /* Two codes in front is not a code and a name. */
    assert_int_equal(find_exact(W("\x44\x44\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit")), -1);
}

static void test_ascii_case_ignored(void **state)
{
    (void)state;
    assert_int_equal(find_exact(W("\\\\dc01\\c$\\windows\\ntds\\NTDS.DIT")), 0);
    assert_int_equal(find_exact(W("\\\\Dc01\\C$\\wINDOWS\\ntds\\EDB00002.LOG")), 2);
    assert_int_equal(find_with_bft(BFTW_LOG, W("\\\\dC01\\c$\\WINDOWS\\NtDs\\Edb00001.Log")), 1);
    /* Only ASCII folds: a non-ASCII look-alike is another name. */
    assert_int_equal(find_exact(W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.d\u0131t")), -1);
    assert_int_equal(find_exact(W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.d\uff49t")), -1);
}

static void test_suffixes_and_prefixes_refused(void **state)
{
    static const WCHAR *const near_misses[] =
    {
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\\.."),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\\..\\ntds.dit"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit/x"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit:stream"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit::$DATA"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit."),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit "),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\\"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\ntds.di"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\"),
        W("\\\\DC01\\C$\\Windows\\NTDS"),
        W("\\\\DC01"),
        W("\\\\"),
        W("\\"),
        W("\\\\DC01\\C$\\Windows\\NTDS/ntds.dit"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\.\\ntds.dit"),
        W("\\\\DC01\\C$\\Windows\\NTDS\\..\\NTDS\\ntds.dit"),
        W("\\\\?\\UNC\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
        W("\\\\.\\C:\\Windows\\NTDS\\ntds.dit"),
        W("C:\\Windows\\NTDS\\ntds.dit"),
        W("ntds.dit"),
        W(" \\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
        W("\\\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit"),
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(near_misses) / sizeof(near_misses[0]); i++)
    {
        long got = find_exact(near_misses[i]);
        if (got != -1) fail_msg("name %lu: got %ld, expected -1", (unsigned long)i, got);
        got = find_with_bft(BFTW_NTDS_DATABASE, near_misses[i]);
        if (got != -1) fail_msg("name %lu with BFT: got %ld, expected -1", (unsigned long)i, got);
    }
}

static void test_empty_and_null_refused(void **state)
{
    /* An empty name followed in memory by a listed name is still empty. */
    static const WCHAR empty_then_listed[] = u"\0\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit";
    static const WCHAR bft_alone[] = {BFTW_NTDS_DATABASE, 0};
    WCHAR *empty = malloc(sizeof(WCHAR));
    (void)state;

    assert_int_equal(find(NULL), -1);
    *empty = 0;
    assert_int_equal(find(empty), -1);
    free(empty);
    assert_int_equal(find(empty_then_listed), -1);
    assert_int_equal(find_exact(bft_alone), -1);
}

static void test_long_names_refused(void **state)
{
    size_t sizes[] = {260, 32766, 32767, 32768, 32769, 40000, 70000};
    size_t i, j;
    (void)state;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    {
        size_t n = sizes[i];
        WCHAR *name = malloc((n + 2) * sizeof(WCHAR));
        WCHAR *path = malloc((NTDSBCLI_MAX_PATH + 1) * sizeof(WCHAR));
        const WCHAR *const long_listed[] = {path};
        long expected = n <= NTDSBCLI_MAX_PATH ? 0 : -1;

        /* A UNC name padded with "\\x" pairs up to n characters; the list holds its
         * first 32767 characters at most, the longest path there can be. */
        name[0] = name[1] = '\\';
        for (j = 2; j < n; j++) name[j] = j % 2 ? 'x' : '\\';
        name[n] = 0;
        memcpy(path, name, (n < NTDSBCLI_MAX_PATH ? n : NTDSBCLI_MAX_PATH) * sizeof(WCHAR));
        path[n < NTDSBCLI_MAX_PATH ? n : NTDSBCLI_MAX_PATH] = 0;

        assert_int_equal(find(name), -1);
        assert_int_equal(attachment_name_find(name, long_listed, listed_bft, 1), expected);
        memmove(name + 1, name, (n + 1) * sizeof(WCHAR));
        name[0] = BFTW_NTDS_DATABASE;
        assert_int_equal(attachment_name_find(name, long_listed, listed_bft, 1), expected);
        free(path);
        free(name);
    }
}

static void test_bft_is_backup_code(void **state)
{
    (void)state;
    assert_true(bft_is_backup_code(BFTW_NTDS_DATABASE));
    assert_true(bft_is_backup_code(BFTW_LOG));
    assert_true(bft_is_backup_code(BFTW_PATCH_FILE));
    assert_false(bft_is_backup_code(BFTW_LOG_DIR));
    assert_false(bft_is_backup_code(BFTW_CHECKPOINT_DIR));
    assert_false(bft_is_backup_code(BFTW_UNKNOWN));
    assert_false(bft_is_backup_code('\\'));
    assert_false(bft_is_backup_code(0));
}

/* --- server names --------------------------------------------------------------- */

static BOOL is_local(const WCHAR *name)
{
    return server_name_is_local(name, W("DC01"), W("dc01"), W("dc01.corp.example.com"));
}

static void test_server_local_names(void **state)
{
    static const WCHAR *const local[] =
    {
        W(""), W("DC01"), W("dc01"), W("Dc01"), W("\\\\DC01"), W("\\\\dc01"),
        W("dc01.corp.example.com"), W("DC01.CORP.EXAMPLE.COM"), W("\\\\dc01.Corp.Example.com"),
        /* The names that mean this machine on Windows too. */
        W("localhost"), W("LOCALHOST"), W("\\\\localhost"), W("localhost."), W("127.0.0.1"),
        W("\\\\127.0.0.1"), W("127.0.1.1"), W("127.255.255.254"), W("::1"), W("0:0:0:0:0:0:0:1"),
        /* DNS names with the root's trailing dot. */
        W("dc01.corp.example.com."), W("\\\\DC01.Corp.Example.Com."), W("dc01."),
    };
    size_t i;
    (void)state;

    assert_true(is_local(NULL));
    for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
        if (!is_local(local[i])) fail_msg("local name %lu refused", (unsigned long)i);
    /* Each of the three names is enough on its own. */
    assert_true(server_name_is_local(W("DC01"), W("DC01"), NULL, NULL));
    assert_true(server_name_is_local(W("\\\\host"), NULL, W("HOST"), NULL));
    assert_true(server_name_is_local(W("host.dom"), W(""), W(""), W("HOST.DOM")));
}

static void test_server_other_names(void **state)
{
    static const WCHAR *const other[] =
    {
        W("\\\\"), W("\\"), W("\\\\\\"), W("\\\\\\\\DC01"), W("\\DC01"), W("//DC01"), W("/DC01"),
        W("DC02"), W("DC0"), W("DC011"), W("DC01 "), W(" DC01"),
        W("dc01.corp"), W("corp.example.com"), W("dc01.corp.example.com.."), W("."), W(".."),
        W("\\\\DC01\\share"), W("DC01\\"), W("DC01/x"),
        W("D\u0130C01"), W("\\\\DC01\\"),
        /* Near misses of the loopback names. */
        W("localhost.."), W("localhostx"), W("local_host"), W("128.0.0.1"), W("127.0.0"), W("127.0.0.1."),
        W("127.0.0.256"), W("127.00.0.1"), W("0127.0.0.1"), W("127.0.0.1.1"), W("127..0.1"), W("::2"),
        W(":1"), W("::1:"), W("10.0.0.1"),
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        if (is_local(other[i])) fail_msg("other name %lu accepted", (unsigned long)i);
    /* A NetBIOS name takes no trailing dot. */
    assert_false(server_name_is_local(W("DC01."), W("DC01"), NULL, NULL));
    /* No configured names: only NULL, empty and the loopback names are local. */
    assert_false(server_name_is_local(W("DC01"), NULL, NULL, NULL));
    assert_true(server_name_is_local(W("localhost"), NULL, NULL, NULL));
    assert_false(server_name_is_local(W("\\\\"), W(""), W(""), W("")));
    assert_true(server_name_is_local(W(""), NULL, NULL, NULL));
}

static void test_server_underscore_refused(void **state)
{
    (void)state;
    /* Even when the machine's own name has one. */
    assert_false(server_name_is_local(W("DC_01"), W("DC_01"), W("dc_01"), W("dc_01.example.com")));
    assert_false(server_name_is_local(W("\\\\dc_01"), W("DC_01"), W("dc_01"), W("dc_01.example.com")));
    assert_false(server_name_is_local(W("dc_01.example.com"), W("DC_01"), W("dc_01"),
                                      W("dc_01.example.com")));
    assert_false(is_local(W("DC01_")));
    assert_false(is_local(W("_")));
}

static void test_server_long_names(void **state)
{
    WCHAR *name = malloc(400 * sizeof(WCHAR));
    size_t n;
    (void)state;
    for (n = 250; n < 300; n++)
    {
        size_t j;
        for (j = 0; j < n; j++) name[j] = 'a' + j % 26;
        name[n] = 0;
        /* DNS names are at most 255 characters: longer ones never match. */
        assert_int_equal(server_name_is_local(name, NULL, NULL, name), n < 256);
    }
    free(name);
}

/* --- log names -------------------------------------------------------------------- */

static void test_log_names(void **state)
{
    static const struct
    {
        const WCHAR *name;
        enum ntds_log_name_kind kind;
        unsigned long generation;
    }
    cases[] =
    {
        {W("edb.log"), NTDS_LOG_NAME_CURRENT, 0},
        {W("EDB.LOG"), NTDS_LOG_NAME_CURRENT, 0},
        {W("Edb.Log"), NTDS_LOG_NAME_CURRENT, 0},
        {W("EDB00001.LOG"), NTDS_LOG_NAME_NUMBERED, 1},
        {W("edb00001.log"), NTDS_LOG_NAME_NUMBERED, 1},
        {W("edb0000A.log"), NTDS_LOG_NAME_NUMBERED, 10},
        {W("edb0000a.LoG"), NTDS_LOG_NAME_NUMBERED, 10},
        {W("edb000fF.log"), NTDS_LOG_NAME_NUMBERED, 0xff},
        {W("edbABCDE.log"), NTDS_LOG_NAME_NUMBERED, 0xabcde},
        {W("edbFFFFF.log"), NTDS_LOG_NAME_NUMBERED, 0xfffff},
        {W("edb00000.log"), NTDS_LOG_NAME_NUMBERED, 0},
        {W("edbtmp.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb000001.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb0001.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb0000G.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb 0001.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb-0001.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb0x001.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb.chk"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb00001.chk"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb00001.log.bak"), NTDS_LOG_NAME_OTHER, 0},
        {W("edb.log."), NTDS_LOG_NAME_OTHER, 0},
        {W("xedb.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("edbres00001.jrs"), NTDS_LOG_NAME_OTHER, 0},
        {W("res1.log"), NTDS_LOG_NAME_OTHER, 0},
        {W("ntds.dit"), NTDS_LOG_NAME_OTHER, 0},
        {W(""), NTDS_LOG_NAME_OTHER, 0},
        {W("edb\uff10\uff10\uff10\uff10\uff11.log"), NTDS_LOG_NAME_OTHER, 0},   /* full-width digits */
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    {
        unsigned long generation = 0xdeadbeef;
        enum ntds_log_name_kind kind = ntds_log_name_classify(cases[i].name, &generation);
        if (kind != cases[i].kind) fail_msg("case %lu: got kind %d, expected %d", (unsigned long)i, kind, cases[i].kind);
        if (kind == NTDS_LOG_NAME_NUMBERED && generation != cases[i].generation)
            fail_msg("case %lu: got generation %#lx, expected %#lx", (unsigned long)i, generation, cases[i].generation);
        if (kind != NTDS_LOG_NAME_NUMBERED && generation != 0xdeadbeef)
            fail_msg("case %lu: generation written for a kind %d name", (unsigned long)i, kind);
    }
    assert_int_equal(ntds_log_name_classify(W("edb00002.log"), NULL), NTDS_LOG_NAME_NUMBERED);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_exact_match),
        UNIT_TEST(test_wrong_bft_refused),
        UNIT_TEST(test_ascii_case_ignored),
        UNIT_TEST(test_suffixes_and_prefixes_refused),
        UNIT_TEST(test_empty_and_null_refused),
        UNIT_TEST(test_long_names_refused),
        UNIT_TEST(test_bft_is_backup_code),
        UNIT_TEST(test_server_local_names),
        UNIT_TEST(test_server_other_names),
        UNIT_TEST(test_server_underscore_refused),
        UNIT_TEST(test_server_long_names),
        UNIT_TEST(test_log_names),
    };
    return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
