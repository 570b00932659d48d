/*
 * Debug trace, in the spirit of WINEDEBUG=+ntdsbcli: when the environment variable
 * NTDSBCLI_DEBUG is set (to anything but "0") each export writes one line to stderr
 * on entry with its arguments, and one with its result.  Passwords are never passed
 * to it.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_TRACE_H
#define NTDSBCLI_TRACE_H

#include <windows.h>

extern int trace_enabled;

void trace_init(void);
void trace_printf(const char *function, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Quoted, escaped, truncated forms of strings for the trace; thread-safe, each
 * result lives until the same thread has made a few more calls. */
const char *debugstr_w(const WCHAR *s);
const char *debugstr_a(const char *s);
const char *debugstr_hr(HRESULT hr);

#define TRACE(...) do { if (trace_enabled) trace_printf(__func__, __VA_ARGS__); } while (0)
#define TRACE_RESULT(hr) TRACE("-> %s\n", debugstr_hr(hr))

#endif
