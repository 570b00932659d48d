/*
 * Wine's test API, as Wine's include/wine/test.h gives it to test writers, for
 * the PE test programs of this project (reached with -Itests/lib, so that a test
 * writes #include "wine/test.h" as it would in Wine's tree, and the same file
 * builds there under Wine's own header).  Written from Wine's documented
 * behaviour, small, not a copy of Wine's file:
 *
 *   ok(cond, fmt, ...)       counts a check; a failure is reported with the
 *                            message and the test goes on
 *   todo_wine, todo_wine_if(c), todo_if(c)
 *                            on the "wine" platform the checks in the block are
 *                            expected to fail: a failure is "marked todo", a
 *                            success is a failure
 *   broken(cond)             cond on the "windows" platform, FALSE elsewhere: what
 *                            Windows may do and Wine must not
 *   skip(fmt, ...)           a check that cannot run here, and why
 *   win_skip(fmt, ...)       a skip on Windows, a failure on Wine
 *   trace(fmt, ...)          a diagnostic line
 *   winetest_push_context(fmt, ...), winetest_pop_context()
 *                            a prefix for the messages in between (nestable)
 *   START_TEST(name)         a test unit; the program runs the one named on its
 *                            command line, in a process of its own
 *   winetest_get_mainargs()  the command line: [1] is the unit, [2]... its
 *                            arguments (a unit starting itself as a child)
 *   winetest_platform        WINETEST_PLATFORM, "windows" by default; Wine's own
 *                            test runs, and ours, set "wine"
 *   winetest_interactive, winetest_debug
 *                            WINETEST_INTERACTIVE, WINETEST_DEBUG (1: traces shown)
 *   debugstr_w/_a/_wn/_an, wine_dbgstr_w/_a/_wn/_an
 *                            a string quoted and escaped for a message
 *
 * A program's units are listed in winetest_testlist, which the build generates
 * from the unit files as Wine's makefiles do (testlist.c: it defines STANDALONE
 * and includes this header, which then also gives the implementation and main).
 *
 * What the program prints is TAP, for the one counter of this project's suites
 * (tests/lib/tap-count.awk): every check is a numbered result line, with its
 * location and contexts; the message, which says what went wrong, only when it
 * did, as with Wine's:
 *   ok 12 - backup.c:80
 *   ok 13 - backup.c:95: entry 2
 *   not ok 14 - backup.c:81: Test failed: DsBackupEnd: got 0x57, expected 0
 *   not ok 15 - backup.c:90: Test marked todo: ... # TODO
 *   ok 16 - backup.c:95: Tests skipped: not a domain controller # SKIP
 * traces are "# " lines, and at the end the unit's summary ("# backup: 523 tests
 * executed (0 marked as todo, 0 failures), 0 skipped.") and the closing plan
 * "1..N", N being the number of result lines.  A program that dies before its
 * plan has reported fewer results than a plan would cover: the counter fails it.
 * The exit code is the number of failures (at most 255), as with Wine's.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __WINE_WINE_TEST_H
#define __WINE_WINE_TEST_H

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windef.h>
#include <winbase.h>

#if defined(__GNUC__)
#define WINETEST_PRINTF_ATTR(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define WINETEST_PRINTF_ATTR(fmt, args)
#endif

extern int winetest_debug;
extern int winetest_interactive;
extern const char *winetest_platform;

extern void winetest_set_location(const char *file, int line);
extern void winetest_ok(int condition, const char *msg, ...) WINETEST_PRINTF_ATTR(2, 3);
extern void winetest_vok(int condition, const char *msg, va_list args);
extern void winetest_skip(const char *msg, ...) WINETEST_PRINTF_ATTR(1, 2);
extern void winetest_win_skip(const char *msg, ...) WINETEST_PRINTF_ATTR(1, 2);
extern void winetest_trace(const char *msg, ...) WINETEST_PRINTF_ATTR(1, 2);
extern void winetest_start_todo(int is_todo);
extern int winetest_loop_todo(void);
extern void winetest_end_todo(void);
extern void winetest_push_context(const char *fmt, ...) WINETEST_PRINTF_ATTR(1, 2);
extern void winetest_pop_context(void);
extern int winetest_get_mainargs(char ***pargv);
extern int broken(int condition);

extern const char *wine_dbgstr_wn(const WCHAR *str, intptr_t n);
extern const char *wine_dbgstr_an(const char *str, intptr_t n);
static inline const char *wine_dbgstr_w(const WCHAR *s) { return wine_dbgstr_wn(s, -1); }
static inline const char *wine_dbgstr_a(const char *s) { return wine_dbgstr_an(s, -1); }
static inline const char *debugstr_w(const WCHAR *s) { return wine_dbgstr_wn(s, -1); }
static inline const char *debugstr_a(const char *s) { return wine_dbgstr_an(s, -1); }
static inline const char *debugstr_wn(const WCHAR *s, int n) { return wine_dbgstr_wn(s, n); }
static inline const char *debugstr_an(const char *s, int n) { return wine_dbgstr_an(s, n); }

#define ok_(file, line)       (winetest_set_location(file, line), 0) ? (void)0 : winetest_ok
#define skip_(file, line)     (winetest_set_location(file, line), 0) ? (void)0 : winetest_skip
#define win_skip_(file, line) (winetest_set_location(file, line), 0) ? (void)0 : winetest_win_skip
#define trace_(file, line)    (winetest_set_location(file, line), 0) ? (void)0 : winetest_trace

#define ok       ok_(__FILE__, __LINE__)
#define skip     skip_(__FILE__, __LINE__)
#define win_skip win_skip_(__FILE__, __LINE__)
#define trace    trace_(__FILE__, __LINE__)

#define todo_if(is_todo) for (winetest_start_todo(is_todo); winetest_loop_todo(); winetest_end_todo())
#define todo_wine             todo_if(!strcmp(winetest_platform, "wine"))
#define todo_wine_if(is_todo) todo_if((is_todo) && !strcmp(winetest_platform, "wine"))

struct test
{
    const char *name;
    void (*func)(void);
};
extern const struct test winetest_testlist[];

#define START_TEST(name) void func_##name(void)

/* ------------------------------------------------------------------------- */
/* The implementation, compiled once per program: in testlist.c.             */

#ifdef STANDALONE

#include <stdio.h>
#include <wchar.h>

int winetest_debug = 1;
int winetest_interactive;
const char *winetest_platform = "windows";

static int winetest_argc;
static char **winetest_argv;
static const char *winetest_unit = "";
static LONG winetest_successes, winetest_failures, winetest_todo_successes, winetest_todo_failures,
            winetest_skipped;
/* Result lines numbered and printed under one lock, so that the numbers of
 * checks made on several threads come out in order. */
static LONG winetest_results;
static CRITICAL_SECTION winetest_output;
static DWORD winetest_tls = TLS_OUT_OF_INDEXES;
/* The threads' data live in a heap of their own, not in the process heap,
 * which tests may measure (HeapWalk). */
static HANDLE winetest_heap;

struct winetest_thread_data
{
    const char *file;
    int line;
    unsigned int todo_level;   /* a bit per nested todo block, the innermost lowest */
    int todo_do_loop;
    int context_count;
    char context[8][256];
};

static struct winetest_thread_data *winetest_thread_data(void)
{
    static struct winetest_thread_data before_main;
    struct winetest_thread_data *data;

    if (winetest_tls == TLS_OUT_OF_INDEXES || !winetest_heap) return &before_main;
    if (!(data = TlsGetValue(winetest_tls)))
    {
        data = HeapAlloc(winetest_heap, HEAP_ZERO_MEMORY, sizeof(*data));
        if (!data) return &before_main;
        data->file = "";
        TlsSetValue(winetest_tls, data);
    }
    return data;
}

void winetest_set_location(const char *file, int line)
{
    struct winetest_thread_data *data = winetest_thread_data();
    const char *slash = strrchr(file, '/'), *backslash = strrchr(file, '\\');

    if (backslash > slash) slash = backslash;
    data->file = slash ? slash + 1 : file;
    data->line = line;
}

/* One result or diagnostic line: STATUS ("ok", "not ok", or NULL for a "# "
 * line), the location, the contexts, PREFIX and the message (MSG NULL: none) on
 * one line, then DIRECTIVE ("TODO", "SKIP" or NULL). */
static void winetest_print(const char *status, const char *prefix, const char *msg, va_list args,
                           const char *directive)
{
    struct winetest_thread_data *data = winetest_thread_data();
    char line[2048];
    size_t n;
    int i, written;

    written = snprintf(line, sizeof(line), "%s:%d", data->file, data->line);
    n = written > 0 ? (size_t)written : 0;
    for (i = 0; i < data->context_count && i < (int)ARRAYSIZE(data->context) && n < sizeof(line); i++)
    {
        written = snprintf(line + n, sizeof(line) - n, ": %s", data->context[i]);
        if (written > 0) n += written;
    }
    if (msg && n < sizeof(line))
    {
        written = snprintf(line + n, sizeof(line) - n, ": %s", prefix ? prefix : "");
        if (written > 0) n += written;
        if (n < sizeof(line)) vsnprintf(line + n, sizeof(line) - n, msg, args);
    }
    line[sizeof(line) - 1] = 0;
    /* One line whatever the message holds: TAP reads lines. */
    n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    for (i = 0; line[i]; i++) if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';

    EnterCriticalSection(&winetest_output);
    if (status) printf("%s %ld - %s%s%s\n", status, ++winetest_results, line, directive ? " # " : "",
                       directive ? directive : "");
    else printf("# %s\n", line);
    /* Passes may wait in the buffer; anything else is seen at once, even if
     * the program dies right after. */
    if (!status || strcmp(status, "ok") || directive) fflush(stdout);
    LeaveCriticalSection(&winetest_output);
}

static void winetest_print_args(const char *status, const char *prefix, const char *directive, const char *msg, ...)
{
    va_list args;
    va_start(args, msg);
    winetest_print(status, prefix, msg, args, directive);
    va_end(args);
}

void winetest_vok(int condition, const char *msg, va_list args)
{
    struct winetest_thread_data *data = winetest_thread_data();

    if (data->todo_level & 1)
    {
        if (condition)
        {
            winetest_print("not ok", "Test succeeded inside todo block: ", msg, args, NULL);
            InterlockedIncrement(&winetest_todo_failures);
        }
        else
        {
            winetest_print("not ok", "Test marked todo: ", msg, args, "TODO");
            InterlockedIncrement(&winetest_todo_successes);
        }
    }
    else if (!condition)
    {
        winetest_print("not ok", "Test failed: ", msg, args, NULL);
        InterlockedIncrement(&winetest_failures);
    }
    else
    {
        winetest_print("ok", NULL, NULL, args, NULL);
        InterlockedIncrement(&winetest_successes);
    }
}

void winetest_ok(int condition, const char *msg, ...)
{
    va_list args;
    va_start(args, msg);
    winetest_vok(condition, msg, args);
    va_end(args);
}

static void winetest_vskip(const char *msg, va_list args)
{
    winetest_print("ok", "Tests skipped: ", msg, args, "SKIP");
    InterlockedIncrement(&winetest_skipped);
}

void winetest_skip(const char *msg, ...)
{
    va_list args;
    va_start(args, msg);
    winetest_vskip(msg, args);
    va_end(args);
}

void winetest_win_skip(const char *msg, ...)
{
    va_list args;
    va_start(args, msg);
    if (!strcmp(winetest_platform, "windows")) winetest_vskip(msg, args);
    else winetest_vok(0, msg, args);
    va_end(args);
}

void winetest_trace(const char *msg, ...)
{
    va_list args;
    if (winetest_debug <= 0) return;
    va_start(args, msg);
    winetest_print(NULL, NULL, msg, args, NULL);
    va_end(args);
}

void winetest_start_todo(int is_todo)
{
    struct winetest_thread_data *data = winetest_thread_data();
    data->todo_level = (data->todo_level << 1) | (is_todo != 0);
    data->todo_do_loop = 1;
}

int winetest_loop_todo(void)
{
    struct winetest_thread_data *data = winetest_thread_data();
    int do_loop = data->todo_do_loop;
    data->todo_do_loop = 0;
    return do_loop;
}

void winetest_end_todo(void)
{
    winetest_thread_data()->todo_level >>= 1;
}

void winetest_push_context(const char *fmt, ...)
{
    struct winetest_thread_data *data = winetest_thread_data();
    va_list args;

    if (data->context_count < (int)ARRAYSIZE(data->context))
    {
        va_start(args, fmt);
        vsnprintf(data->context[data->context_count], sizeof(data->context[0]), fmt, args);
        va_end(args);
        data->context[data->context_count][sizeof(data->context[0]) - 1] = 0;
    }
    data->context_count++;
}

void winetest_pop_context(void)
{
    struct winetest_thread_data *data = winetest_thread_data();
    if (data->context_count) data->context_count--;
}

int winetest_get_mainargs(char ***pargv)
{
    *pargv = winetest_argv;
    return winetest_argc;
}

int broken(int condition)
{
    return !strcmp(winetest_platform, "windows") && condition;
}

/* A ring of buffers for the strings of the messages being formatted. */
static char *winetest_string_buffer(void)
{
    static char buffers[32][1024];
    static LONG next;
    return buffers[(ULONG)InterlockedIncrement(&next) % ARRAYSIZE(buffers)];
}

static const char *winetest_quote(const void *str, intptr_t n, BOOL wide)
{
    char *out = winetest_string_buffer(), *p = out, *end = out + 1024 - 16;
    intptr_t i;

    if (!str) return "(null)";
    if (!((ULONG_PTR)str >> 16)) { snprintf(out, 1024, "#%04x", (unsigned int)(ULONG_PTR)str); return out; }
    if (n < 0) n = wide ? (intptr_t)wcslen(str) : (intptr_t)strlen(str);
    if (wide) *p++ = 'L';
    *p++ = '"';
    for (i = 0; i < n && p < end; i++)
    {
        unsigned int c = wide ? ((const WCHAR *)str)[i] : ((const unsigned char *)str)[i];
        switch (c)
        {
        case '\n': *p++ = '\\'; *p++ = 'n'; break;
        case '\r': *p++ = '\\'; *p++ = 'r'; break;
        case '\t': *p++ = '\\'; *p++ = 't'; break;
        case '"':  *p++ = '\\'; *p++ = '"'; break;
        case '\\': *p++ = '\\'; *p++ = '\\'; break;
        default:
            if (c >= ' ' && c < 127) *p++ = (char)c;
            else if (wide) p += sprintf(p, "\\x%04x", c);
            else p += sprintf(p, "\\x%02x", c);
        }
    }
    *p++ = '"';
    if (i < n) { strcpy(p, "..."); p += 3; }
    *p = 0;
    return out;
}

const char *wine_dbgstr_wn(const WCHAR *str, intptr_t n) { return winetest_quote(str, n, TRUE); }
const char *wine_dbgstr_an(const char *str, intptr_t n) { return winetest_quote(str, n, FALSE); }

static void winetest_summary(void)
{
    LONG executed = winetest_successes + winetest_failures + winetest_todo_successes + winetest_todo_failures;

    if (!winetest_results) return;   /* a child process, or a unit that checked nothing */
    printf("# %s: %ld tests executed (%ld marked as todo, %ld failures), %ld skipped.\n", winetest_unit, executed,
           winetest_todo_successes, winetest_failures + winetest_todo_failures, winetest_skipped);
    printf("1..%ld\n", winetest_results);
    fflush(stdout);
}

/* A crash is a failure of its own, reported where the last check was made. */
static LONG CALLBACK winetest_exception_filter(EXCEPTION_POINTERS *pointers)
{
    winetest_print_args("not ok", "Test failed: ", NULL, "unhandled exception %#lx at %p",
                        (unsigned long)pointers->ExceptionRecord->ExceptionCode,
                        pointers->ExceptionRecord->ExceptionAddress);
    InterlockedIncrement(&winetest_failures);
    winetest_summary();
    return EXCEPTION_EXECUTE_HANDLER;
}

static void winetest_list_units(FILE *out)
{
    const struct test *test;
    fprintf(out, "Valid test names:\n");
    for (test = winetest_testlist; test->name; test++) fprintf(out, "    %s\n", test->name);
}

int main(int argc, char **argv)
{
    const struct test *test = NULL;
    const char *value;
    LONG status;

    winetest_argc = argc;
    winetest_argv = argv;
    if ((value = getenv("WINETEST_PLATFORM")) && *value) winetest_platform = value;
    if ((value = getenv("WINETEST_DEBUG"))) winetest_debug = atoi(value);
    if ((value = getenv("WINETEST_INTERACTIVE"))) winetest_interactive = atoi(value);
    InitializeCriticalSection(&winetest_output);
    winetest_heap = HeapCreate(0, 0, 0);
    winetest_tls = TlsAlloc();
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);

    if (argc < 2)
    {
        if (winetest_testlist[0].name && !winetest_testlist[1].name) test = &winetest_testlist[0];
        else
        {
            fprintf(stderr, "Usage: %s TEST [ARGS...]\n", argv[0]);
            winetest_list_units(stderr);
            return 1;
        }
    }
    else if (!strcmp(argv[1], "--list"))
    {
        winetest_list_units(stdout);
        return 0;
    }
    else
    {
        for (test = winetest_testlist; test->name && strcmp(test->name, argv[1]); test++) ;
        if (!test->name)
        {
            fprintf(stderr, "%s: no such test\n", argv[1]);
            winetest_list_units(stderr);
            return 1;
        }
    }
    winetest_unit = test->name;
    SetUnhandledExceptionFilter(winetest_exception_filter);
    test->func();
    winetest_summary();
    status = winetest_failures + winetest_todo_failures;
    return status < 255 ? (int)status : 255;
}

#endif /* STANDALONE */

#endif /* __WINE_WINE_TEST_H */
