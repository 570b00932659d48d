/*
 * DsSetAuthIdentity.
 *
 * On Windows the identity authenticates the RPC binding to the backup server.
 * This DLL is local-only and makes no RPC: every call already runs in the
 * caller's own security context, so the identity has nothing to authenticate.
 * The arguments are validated as Windows would, and nothing is kept: a password
 * this DLL never uses is not worth holding in memory (docs/behaviour.md,
 * "DsSetAuthIdentity").  It is never traced either.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "memory.h"
#include "platform.h"
#include "portable.h"
#include "trace.h"

WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli);

/* The limits of Windows user, domain and password names (CREDUI_MAX_*). */
#define MAX_USER_NAME 513
#define MAX_DOMAIN_NAME 337
#define MAX_PASSWORD 256

static BOOL valid_part(const WCHAR *s, size_t max, BOOL may_be_empty)
{
    size_t n;
    if (!s) return TRUE;
    n = wstr_len_bounded(s, max + 1);
    return n <= max && (n || may_be_empty);
}

static HRESULT check_auth_identity(const WCHAR *user, const WCHAR *domain, const WCHAR *password)
{
    /* No user: back to the process's own identity, which is all there is here. */
    if (!user) return domain || password ? ERROR_INVALID_PARAMETER : S_OK;
    if (!valid_part(user, MAX_USER_NAME, FALSE) || !valid_part(domain, MAX_DOMAIN_NAME, TRUE)
            || !valid_part(password, MAX_PASSWORD, TRUE))
        return ERROR_INVALID_PARAMETER;
    return S_OK;
}

static void wipe_and_free(WCHAR *s)
{
    if (!s) return;
    SecureZeroMemory(s, wstr_len(s) * sizeof(WCHAR));
    mem_free(s);
}

HRESULT WINAPI DsSetAuthIdentityW(LPCWSTR szUserName, LPCWSTR szDomainName, LPCWSTR szPassword)
{
    HRESULT hr;

    TRACE("(%s, %s, %s)\n", debugstr_w(szUserName), debugstr_w(szDomainName),
          szPassword ? "<password>" : "(null)");
    hr = check_auth_identity(szUserName, szDomainName, szPassword);
    TRACE_RESULT(hr);
    return hr;
}

HRESULT WINAPI DsSetAuthIdentityA(LPCSTR szUserName, LPCSTR szDomainName, LPCSTR szPassword)
{
    WCHAR *user = NULL, *domain = NULL, *password = NULL;
    HRESULT hr;

    TRACE("(%s, %s, %s)\n", debugstr_a(szUserName), debugstr_a(szDomainName),
          szPassword ? "<password>" : "(null)");
    hr = ansi_to_wide(szUserName, &user);
    if (!hr) hr = ansi_to_wide(szDomainName, &domain);
    if (!hr) hr = ansi_to_wide(szPassword, &password);
    if (!hr) hr = DsSetAuthIdentityW(user, domain, password);
    mem_free(user);
    mem_free(domain);
    wipe_and_free(password);
    return hr;
}
