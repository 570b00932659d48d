/*
 * Wine's debug channels, for the DLL's standalone build.
 *
 * The DLL traces as every DLL in Wine's tree does: WINE_DEFAULT_DEBUG_CHANNEL,
 * TRACE, WARN, FIXME, ERR, debugstr_a, debugstr_w, wine_dbg_sprintf.  In Wine's
 * tree Wine's own wine/debug.h serves them; in the standalone build this header
 * does, reached through -I only there (the Makefile).  It keeps Wine's terms:
 * WINEDEBUG chooses the classes of each channel as Wine reads it (+ntdsbcli,
 * warn+ntdsbcli, -all, ...), err and fixme are on by default, and every line has
 * Wine's form, "0024:trace:ntdsbcli:DsBackupRead (...)", on stderr (debug.c).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __WINE_WINE_DEBUG_H
#define __WINE_WINE_DEBUG_H

#include <stdarg.h>
#include <windef.h>
#include <winbase.h>

enum __wine_debug_class
{
    __WINE_DBCL_FIXME,
    __WINE_DBCL_ERR,
    __WINE_DBCL_WARN,
    __WINE_DBCL_TRACE,
    __WINE_DBCL_INIT = 7   /* the channel's flags are not known yet */
};

struct __wine_debug_channel
{
    unsigned char flags;   /* 1 << class for every class that is on */
    char name[15];
};

unsigned char __wine_dbg_get_channel_flags(struct __wine_debug_channel *channel);
int wine_dbg_log(enum __wine_debug_class cls, struct __wine_debug_channel *channel, const char *function,
                 const char *format, ...) __attribute__((format(printf, 4, 5)));
/* Results live in a ring of buffers shared by all threads: until some 30 more
 * such results were made, as with Wine's own fallback. */
const char *wine_dbg_sprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
const char *wine_dbgstr_an(const char *s, int n);
const char *wine_dbgstr_wn(const WCHAR *s, int n);

static inline const char *debugstr_an(const char *s, int n) { return wine_dbgstr_an(s, n); }
static inline const char *debugstr_wn(const WCHAR *s, int n) { return wine_dbgstr_wn(s, n); }
static inline const char *debugstr_a(const char *s) { return wine_dbgstr_an(s, -1); }
static inline const char *debugstr_w(const WCHAR *s) { return wine_dbgstr_wn(s, -1); }

#define __WINE_IS_DEBUG_ON(cls, channel) \
    (__wine_dbg_get_channel_flags(channel) & (1 << __WINE_DBCL##cls))
#define __WINE_DPRINTF(cls, channel, ...) \
    do { if (__WINE_IS_DEBUG_ON(cls, channel)) \
             wine_dbg_log(__WINE_DBCL##cls, channel, __func__, __VA_ARGS__); } while (0)

#define WINE_DECLARE_DEBUG_CHANNEL(ch) \
    static struct __wine_debug_channel __wine_dbch_##ch = { 1 << __WINE_DBCL_INIT, #ch }
#define WINE_DEFAULT_DEBUG_CHANNEL(ch) \
    WINE_DECLARE_DEBUG_CHANNEL(ch); \
    static struct __wine_debug_channel * const __wine_dbch___default = &__wine_dbch_##ch

#define TRACE(...) __WINE_DPRINTF(_TRACE, __wine_dbch___default, __VA_ARGS__)
#define WARN(...)  __WINE_DPRINTF(_WARN, __wine_dbch___default, __VA_ARGS__)
#define FIXME(...) __WINE_DPRINTF(_FIXME, __wine_dbch___default, __VA_ARGS__)
#define ERR(...)   __WINE_DPRINTF(_ERR, __wine_dbch___default, __VA_ARGS__)

#define TRACE_ON(ch) __WINE_IS_DEBUG_ON(_TRACE, &__wine_dbch_##ch)
#define WARN_ON(ch)  __WINE_IS_DEBUG_ON(_WARN, &__wine_dbch_##ch)
#define FIXME_ON(ch) __WINE_IS_DEBUG_ON(_FIXME, &__wine_dbch_##ch)
#define ERR_ON(ch)   __WINE_IS_DEBUG_ON(_ERR, &__wine_dbch_##ch)

#endif
