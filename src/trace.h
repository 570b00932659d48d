/*
 * What the exports share to trace their results: a code's name with its value.
 * The channel is Wine's (wine/debug.h); each file declares its default channel,
 * WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli), before it traces.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_TRACE_H
#define NTDSBCLI_TRACE_H

#include "wine/debug.h"
#include "errors.h"

static inline const char *debugstr_hr(HRESULT hr)
{
    return wine_dbg_sprintf("%s (%#lx)", hresult_name(hr), hr);
}

#define TRACE_RESULT(hr) TRACE("-> %s\n", debugstr_hr(hr))

#endif
