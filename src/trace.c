/*
 * Debug trace (see trace.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "trace.h"
#include "portable.h"
#include "errors.h"

int trace_enabled, warn_enabled = 1;

void trace_init(void)
{
    char value[8];
    DWORD n = GetEnvironmentVariableA("NTDSBCLI_DEBUG", value, sizeof(value));
    BOOL set = n > 0 && n < sizeof(value);

    warn_enabled = !(set && !strcmp(value, "-warn"));
    trace_enabled = set && strcmp(value, "0") && warn_enabled;
}

void trace_printf(const char *channel, const char *function, const char *format, ...)
{
    char line[1024];
    int used;
    va_list args;

    if (channel) used = snprintf(line, sizeof(line), "ntdsbcli:%s:%04lx:%s ", channel, GetCurrentThreadId(), function);
    else used = snprintf(line, sizeof(line), "ntdsbcli:%04lx:%s ", GetCurrentThreadId(), function);
    va_start(args, format);
    if (used > 0 && used < (int)sizeof(line))
        vsnprintf(line + used, sizeof(line) - used, format, args);
    va_end(args);
    /* One write per line, so lines of several threads do not interleave. */
    fputs(line, stderr);
    fflush(stderr);
}

static char *next_trace_buffer(void)
{
    static __thread char buffers[4][160];
    static __thread unsigned int next;
    return buffers[next++ % 4];
}

static const char *debugstr_chars(const void *s, int wide)
{
    char *out, *p;
    size_t i;
    unsigned int c;

    if (!s) return "(null)";
    if ((uintptr_t)s < 0x10000) return "(bad pointer)";
    out = next_trace_buffer();
    p = out;
    *p++ = wide ? 'L' : ' ';
    *p++ = '"';
    for (i = 0; ; i++)
    {
        c = wide ? ((const WCHAR *)s)[i] : (unsigned char)((const char *)s)[i];
        if (!c) break;
        if (p - out > 140) { p += sprintf(p, "..."); break; }
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') *p++ = (char)c;
        else if (c == '\\') { *p++ = '\\'; *p++ = '\\'; }
        else if (c < 0x100) p += sprintf(p, "\\x%02x", c);
        else p += sprintf(p, "\\u%04x", c);
    }
    *p++ = '"';
    *p = 0;
    return wide ? out : out + 1;
}

const char *debugstr_w(const WCHAR *s) { return debugstr_chars(s, 1); }
const char *debugstr_a(const char *s) { return debugstr_chars(s, 0); }

const char *debugstr_hr(HRESULT hr)
{
    char *out = next_trace_buffer();
    snprintf(out, 160, "%s (%#lx)", hresult_name(hr), (unsigned long)hr);
    return out;
}
