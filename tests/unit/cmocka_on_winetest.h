/*
 * The PE build of the unit tests (tests/programs.mk) runs without cmocka: every
 * PE test program speaks Wine's test dialect (tests/lib/wine/test.h), and the
 * unit tests stay cmocka tests for their native builds.  So this maps the part
 * of cmocka's API that tests/unit uses onto Wine's, for the PE build only
 * (unit.h includes it instead of <cmocka.h> on Windows):
 * - each test program is a unit of unit.exe, named after its file; its main()
 *   is renamed by tests/programs.mk for that, and its group of tests runs as in cmocka;
 * - each cmocka test is one check, as cmocka counts it: "ok N - FILE:LINE:
 *   GROUP: TEST", or "not ok" with the first failed assertion's location and
 *   values ("assert_int_equal(a, b): got 0x1, expected 0x2");
 * - an assertion stays fatal to its test, as in cmocka (a longjmp back to the
 *   runner), so that a test never runs on past a failed precondition; a failure
 *   on another thread than the runner's is reported there and then;
 * - cmocka's skip() ends its test as a skip, Wine's "Tests skipped" line.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_CMOCKA_ON_WINETEST_H
#define NTDSBCLI_CMOCKA_ON_WINETEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "wine/test.h"

struct CMUnitTest
{
    const char *name;
    void (*test_func)(void **state);
    int (*setup_func)(void **state);
    int (*teardown_func)(void **state);
    void *initial_state;
};

#define cmocka_unit_test(f) { #f, f, NULL, NULL, NULL }
#define cmocka_unit_test_setup_teardown(f, setup, teardown) { #f, f, setup, teardown, NULL }
#define cmocka_run_group_tests_name(group, tests, setup, teardown) \
        unit_run_group(__FILE__, __LINE__, group, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)
#define cmocka_run_group_tests(tests, setup, teardown) \
        cmocka_run_group_tests_name(#tests, tests, setup, teardown)

/* The test running on the runner's thread: where a failed assertion goes back
 * to, and what it said. */
static struct
{
    DWORD thread;
    jmp_buf *jump;
    const char *file;
    int line;
    BOOL skipped;
    char message[1024];
} unit_current;

static inline void unit_fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    if (unit_current.jump && GetCurrentThreadId() == unit_current.thread)
    {
        vsnprintf(unit_current.message, sizeof(unit_current.message), fmt, args);
        unit_current.message[sizeof(unit_current.message) - 1] = 0;
        unit_current.file = file;
        unit_current.line = line;
        va_end(args);
        longjmp(*unit_current.jump, 1);
    }
    winetest_set_location(file, line);
    winetest_vok(0, fmt, args);
    va_end(args);
}

#define unit_assert_integers(a, b, op, text) do { \
        ULONGLONG a_ = (ULONGLONG)(a), b_ = (ULONGLONG)(b); \
        if (!(a_ op b_)) unit_fail(__FILE__, __LINE__, "%s: got %#I64x, " text " %#I64x", #a, a_, b_); \
    } while (0)
/* cmocka's skip(), in place of Wine's skip(fmt, ...), which the unit tests do
 * not use: on the runner's thread it ends the test as skipped. */
static inline void unit_skip(const char *file, int line)
{
    if (unit_current.jump && GetCurrentThreadId() == unit_current.thread)
    {
        unit_current.skipped = TRUE;
        unit_current.file = file;
        unit_current.line = line;
        longjmp(*unit_current.jump, 1);
    }
    winetest_set_location(file, line);
    winetest_ok(0, "skip() called outside the test's own thread\n");
}
#undef skip
#define skip() unit_skip(__FILE__, __LINE__)

#define assert_int_equal(a, b)     unit_assert_integers(a, b, ==, "expected")
#define assert_int_not_equal(a, b) unit_assert_integers(a, b, !=, "expected anything but")
#define assert_true(c)  do { if (!(c)) unit_fail(__FILE__, __LINE__, "%s is false", #c); } while (0)
#define assert_false(c) do { if (c) unit_fail(__FILE__, __LINE__, "%s is true", #c); } while (0)
#define assert_null(p) do { const void *p_ = (const void *)(uintptr_t)(p); \
        if (p_) unit_fail(__FILE__, __LINE__, "%s: got %p, expected NULL", #p, p_); } while (0)
#define assert_non_null(p) do { if (!(p)) unit_fail(__FILE__, __LINE__, "%s is NULL", #p); } while (0)
#define assert_ptr_equal(a, b) do { const void *a_ = (const void *)(uintptr_t)(a), *b_ = (const void *)(uintptr_t)(b); \
        if (a_ != b_) unit_fail(__FILE__, __LINE__, "%s: got %p, expected %p", #a, a_, b_); } while (0)
#define assert_string_equal(a, b) do { const char *a_ = (a), *b_ = (b); \
        if (strcmp(a_, b_)) unit_fail(__FILE__, __LINE__, "%s: got %s, expected %s", #a, debugstr_a(a_), \
                                      debugstr_a(b_)); } while (0)
#define assert_memory_equal(a, b, size) do { const unsigned char *a_ = (const void *)(a), *b_ = (const void *)(b); \
        size_t n_ = (size), i_ = 0; \
        while (i_ < n_ && a_[i_] == b_[i_]) i_++; \
        if (i_ < n_) unit_fail(__FILE__, __LINE__, "%s: byte %Iu of %Iu is %#x, expected %#x", #a, i_, n_, a_[i_], \
                               b_[i_]); } while (0)
#define fail_msg(...) unit_fail(__FILE__, __LINE__, __VA_ARGS__)
#define print_message(...) trace(__VA_ARGS__)
#define print_error(...) trace(__VA_ARGS__)

/* One test between its setup and teardown; TRUE if it passed, else
 * unit_current says where and why it failed.  What a longjmp must find intact
 * is static. */
static inline BOOL unit_run_test(const char *file, int line, const struct CMUnitTest *test, void *group_state)
{
    static void *state;
    static volatile BOOL set_up, passed;
    jmp_buf jump;

    state = test->initial_state ? test->initial_state : group_state;
    set_up = FALSE;
    passed = TRUE;
    unit_current.skipped = FALSE;
    unit_current.message[0] = 0;
    unit_current.file = file;
    unit_current.line = line;
    unit_current.jump = &jump;
    if (!setjmp(jump))
    {
        if (test->setup_func && test->setup_func(&state))
        {
            snprintf(unit_current.message, sizeof(unit_current.message), "its setup failed");
            passed = FALSE;
        }
        else
        {
            set_up = TRUE;
            test->test_func(&state);
        }
    }
    else passed = FALSE;
    /* The teardown runs after a failure too (it puts things back); its own
     * verdict counts only for a test that passed. */
    if (set_up && test->teardown_func && !setjmp(jump))
    {
        if (test->teardown_func(&state) && passed)
        {
            snprintf(unit_current.message, sizeof(unit_current.message), "its teardown failed");
            unit_current.file = file;
            unit_current.line = line;
            passed = FALSE;
        }
    }
    unit_current.jump = NULL;
    return passed;
}

/* cmocka's group run: setup, each test between its own setup and teardown, one
 * check per test; the number of tests that failed. */
static inline int unit_run_group(const char *file, int line, const char *group, const struct CMUnitTest *tests, size_t count,
                                 int (*group_setup)(void **state), int (*group_teardown)(void **state))
{
    void *group_state = NULL;
    int failed = 0;
    size_t i;

    unit_current.thread = GetCurrentThreadId();
    if (group_setup && group_setup(&group_state))
    {
        ok_(file, line)(0, "%s: the group's setup failed\n", group);
        return (int)count;
    }
    for (i = 0; i < count; i++)
    {
        BOOL passed = unit_run_test(file, line, &tests[i], group_state);

        winetest_push_context("%s", group);
        winetest_push_context("%s", tests[i].name);
        if (unit_current.skipped) skip_(unit_current.file, unit_current.line)("the test skipped itself\n");
        else if (passed) ok_(file, line)(1, "\n");
        else ok_(unit_current.file, unit_current.line)(0, "%s\n", unit_current.message);
        winetest_pop_context();
        winetest_pop_context();
        if (!passed && !unit_current.skipped) failed++;
    }
    if (group_teardown && group_teardown(&group_state))
    {
        ok_(file, line)(0, "%s: the group's teardown failed\n", group);
        failed++;
    }
    return failed;
}

#endif
