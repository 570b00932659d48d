/*
 * Wine's debug channels in the standalone build (see wine/debug.h beside this
 * file): WINEDEBUG read as Wine reads it, lines written in Wine's form.
 *
 * NTDSBCLI_DEBUG, the variable of version 0.4 and before, still works: "-warn"
 * turns the ntdsbcli channel's messages off, "0" changes nothing, and any other
 * value is +ntdsbcli.  WINEDEBUG is the one to use (docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
#include "wine/debug.h"

static const char * const class_names[] = { "fixme", "err", "warn", "trace" };

#define ALL_CLASSES ((1 << __WINE_DBCL_FIXME) | (1 << __WINE_DBCL_ERR) | (1 << __WINE_DBCL_WARN) \
                     | (1 << __WINE_DBCL_TRACE))

struct debug_option
{
    char name[15];
    unsigned char flags;
};

/* One entry per channel WINEDEBUG names; the rest have default_flags. */
static struct debug_option options[32];
static int option_count;
static unsigned char default_flags = (1 << __WINE_DBCL_ERR) | (1 << __WINE_DBCL_FIXME);
static INIT_ONCE options_once = INIT_ONCE_STATIC_INIT;

static void add_option(const char *name, unsigned char set, unsigned char clear)
{
    int i;

    if (strlen(name) >= sizeof(options[0].name)) return;
    for (i = 0; i < option_count; i++)
        if (!strcmp(options[i].name, name)) break;
    if (i == option_count)
    {
        if (option_count == ARRAYSIZE(options)) return;
        strcpy(options[option_count].name, name);
        options[option_count++].flags = default_flags;
    }
    options[i].flags = (options[i].flags & ~clear) | set;
}

/* Wine's syntax: [class][+|-]channel[,...], "all" for every channel. */
static void parse_options(char *spec)
{
    char *item, *next, *p;
    unsigned char set, clear;
    size_t i;

    for (item = spec; item; item = next)
    {
        if ((next = strchr(item, ','))) *next++ = 0;
        set = clear = 0;
        p = item + strcspn(item, "+-");
        if (!*p) p = item;           /* a channel name alone */
        if (p > item)
        {
            for (i = 0; i < ARRAYSIZE(class_names); i++)
                if (strlen(class_names[i]) == (size_t)(p - item) && !memcmp(item, class_names[i], p - item)) break;
            if (i == ARRAYSIZE(class_names)) continue;
            if (*p == '+') set = 1 << i;
            else clear = 1 << i;
        }
        else if (*p == '-') clear = ALL_CLASSES;
        else set = ALL_CLASSES;
        if (*p == '+' || *p == '-') p++;
        if (!*p) continue;
        if (!strcmp(p, "all")) default_flags = (default_flags & ~clear) | set;
        else add_option(p, set, clear);
    }
}

static BOOL CALLBACK read_options(INIT_ONCE *once, void *param, void **context)
{
    char value[1024];
    DWORD n;

    (void)once; (void)param; (void)context;
    n = GetEnvironmentVariableA("WINEDEBUG", value, sizeof(value));
    if (n && n < sizeof(value)) parse_options(value);
    n = GetEnvironmentVariableA("NTDSBCLI_DEBUG", value, sizeof(value));
    if (n && n < sizeof(value) && strcmp(value, "0"))
    {
        if (!strcmp(value, "-warn")) add_option("ntdsbcli", 0, ALL_CLASSES);
        else add_option("ntdsbcli", ALL_CLASSES, 0);
    }
    return TRUE;
}

static unsigned char flags_of(const char *name)
{
    int i;

    InitOnceExecuteOnce(&options_once, read_options, NULL, NULL);
    for (i = 0; i < option_count; i++)
        if (!strcmp(options[i].name, name)) return options[i].flags;
    return default_flags;
}

unsigned char __wine_dbg_get_channel_flags(struct __wine_debug_channel *channel)
{
    if (channel->flags & (1 << __WINE_DBCL_INIT)) channel->flags = flags_of(channel->name);
    return channel->flags;
}

int wine_dbg_log(enum __wine_debug_class cls, struct __wine_debug_channel *channel, const char *function,
                 const char *format, ...)
{
    char line[1024];
    int used;
    va_list args;

    if (flags_of("pid") & (1 << __WINE_DBCL_TRACE))
        used = snprintf(line, sizeof(line), "%04lx:%04lx:%s:%s:%s ", GetCurrentProcessId(),
                        GetCurrentThreadId(), class_names[cls], channel->name, function);
    else
        used = snprintf(line, sizeof(line), "%04lx:%s:%s:%s ", GetCurrentThreadId(), class_names[cls],
                        channel->name, function);
    va_start(args, format);
    if (used > 0 && used < (int)sizeof(line)) vsnprintf(line + used, sizeof(line) - used, format, args);
    va_end(args);
    /* One write per line, so that the lines of several threads do not mix. */
    fputs(line, stderr);
    fflush(stderr);
    return (int)strlen(line);
}

#define DEBUG_BUFFER_SIZE 512

/* No thread-local storage (a PE module of Wine's tree has none): a ring of
 * buffers, its index taken with an interlocked increment, as Wine's fallback for
 * modules without ntdll's debug functions does. */
static char *next_buffer(void)
{
    static char buffers[32][DEBUG_BUFFER_SIZE];
    static LONG next;

    return buffers[(ULONG)InterlockedIncrement(&next) % ARRAYSIZE(buffers)];
}

const char *wine_dbg_sprintf(const char *format, ...)
{
    char *buffer = next_buffer();
    va_list args;

    va_start(args, format);
    vsnprintf(buffer, DEBUG_BUFFER_SIZE, format, args);
    va_end(args);
    return buffer;
}

/* Wine's quoting: C escapes for \n \r \t " and \, \xNN (narrow) or \NNNN (wide)
 * for the rest outside printable ASCII, "..." after what did not fit. */
static const char *quote(const void *s, int n, BOOL wide)
{
    static const char hex[] = "0123456789abcdef";
    char *buffer, *out;
    unsigned int c;

    if (!s) return "(null)";
    if (!((ULONG_PTR)s >> 16)) return wine_dbg_sprintf("#%04x", (unsigned int)(ULONG_PTR)s);
    out = buffer = next_buffer();
    if (wide) *out++ = 'L';
    *out++ = '"';
    for (; n && out < buffer + DEBUG_BUFFER_SIZE - 12; n--)
    {
        c = wide ? *(const WCHAR *)s : *(const unsigned char *)s;
        if (n < 0 && !c) break;
        s = wide ? (const void *)((const WCHAR *)s + 1) : (const void *)((const char *)s + 1);
        switch (c)
        {
        case '\n': *out++ = '\\'; *out++ = 'n'; break;
        case '\r': *out++ = '\\'; *out++ = 'r'; break;
        case '\t': *out++ = '\\'; *out++ = 't'; break;
        case '"':  *out++ = '\\'; *out++ = '"'; break;
        case '\\': *out++ = '\\'; *out++ = '\\'; break;
        default:
            if (c >= ' ' && c < 127) *out++ = (char)c;
            else if (!wide)
            {
                *out++ = '\\'; *out++ = 'x';
                *out++ = hex[(c >> 4) & 15]; *out++ = hex[c & 15];
            }
            else
            {
                *out++ = '\\';
                *out++ = hex[(c >> 12) & 15]; *out++ = hex[(c >> 8) & 15];
                *out++ = hex[(c >> 4) & 15]; *out++ = hex[c & 15];
            }
        }
    }
    *out++ = '"';
    if (n && (n > 0 || (wide ? *(const WCHAR *)s : *(const char *)s)))
    {
        *out++ = '.'; *out++ = '.'; *out++ = '.';
    }
    *out = 0;
    return buffer;
}

const char *wine_dbgstr_an(const char *s, int n)
{
    return quote(s, n, FALSE);
}

const char *wine_dbgstr_wn(const WCHAR *s, int n)
{
    return quote(s, n, TRUE);
}
