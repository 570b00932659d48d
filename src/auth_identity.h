/*
 * The process-wide identity DsSetAuthIdentity records.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_AUTH_IDENTITY_H
#define NTDSBCLI_AUTH_IDENTITY_H

#include <windows.h>

/* Wipes and forgets the identity (at unload, and for DsSetAuthIdentity(NULL...)). */
void auth_identity_clear(void);
/* Copies the recorded user and domain; FALSE if no identity is set. */
BOOL auth_identity_get_user(WCHAR *user, size_t user_size, WCHAR *domain, size_t domain_size);

#endif
