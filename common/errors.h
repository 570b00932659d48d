/*
 * Symbolic names and documented meanings of return codes, for the DLL's traces
 * and for the tools' messages.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_ERRORS_H
#define NTDSBCLI_ERRORS_H

#include <windows.h>

/* "hrContentsExpired", "ERROR_INVALID_PARAMETER", ... or "unknown code". */
const char *hresult_name(HRESULT hr);
/* The documentation's sentence for the code, or "". */
const char *hresult_meaning(HRESULT hr);

#endif
