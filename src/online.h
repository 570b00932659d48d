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
/* TRUE if the configured directory is online for a backup: the NTDS service is
 * running (or none is registered and the database exists), and no restore is
 * registered (docs/behaviour.md, "Online and offline"). */
BOOL dsa_is_online(const struct dsa_config *config);
/* TRUE if it is known to be offline, as a restore needs: a restore is registered,
 * the database does not exist, or the NTDS service is stopped.  A service that is
 * starting, stopping or paused, or an SCM that does not answer, is not offline. */
BOOL dsa_is_offline(const struct dsa_config *config);

#endif
