/*
 * Debug trace, in the spirit of WINEDEBUG=+ntdsbcli: when the environment variable
 * NTDSBCLI_DEBUG is set (to anything but "0" or "-warn") each export writes one
 * line to stderr on entry with its arguments, and one with its result.  Passwords
 * are never passed to it.
 *
 * Warnings, like Wine's err channel, are on by default: a condition the user must
 * fix (each is said once per process).  NTDSBCLI_DEBUG=-warn silences them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_TRACE_H
#define NTDSBCLI_TRACE_H

#include <windows.h>

extern int trace_enabled, warn_enabled;

void trace_init(void);
void trace_printf(const char *channel, const char *function, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Quoted, escaped, truncated forms of strings for the trace; thread-safe, each
 * result lives until the same thread has made a few more calls. */
const char *debugstr_w(const WCHAR *s);
const char *debugstr_a(const char *s);
const char *debugstr_hr(HRESULT hr);

#define TRACE(...) do { if (trace_enabled) trace_printf(NULL, __func__, __VA_ARGS__); } while (0)
#define WARN(...) do { if (warn_enabled) trace_printf("warn", __func__, __VA_ARGS__); } while (0)
#define TRACE_RESULT(hr) TRACE("-> %s\n", debugstr_hr(hr))

#endif
