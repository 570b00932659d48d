/*
 * Is this machine a domain controller, and is its directory online?
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_ONLINE_H
#define NTDSBCLI_ONLINE_H

#include <windows.h>
#include "dsa_config.h"

/* S_OK if the name names this machine (see names.h), else hrCouldNotConnect. */
HRESULT check_server_name(const WCHAR *server_name);
/* TRUE if the configured directory is online (docs/behaviour.md, "Online"). */
BOOL dsa_is_online(const struct dsa_config *config);

#endif
