/*
 * DsSetAuthIdentity: the identity later calls are made under, process-wide.
 *
 * On Windows the identity authenticates the RPC binding to the backup server.
 * This DLL is local-only and makes no RPC, so every call already runs in the
 * caller's own security context and the identity changes no result; it is
 * validated, copied and kept (docs/behaviour.md, "DsSetAuthIdentity").  The
 * password is kept only in this process's memory, wiped when replaced or when
 * the DLL unloads, and never traced, logged or written anywhere.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "auth_identity.h"
#include "memory.h"
#include "platform.h"
#include "portable.h"
#include "sync.h"
#include "trace.h"

/* The limits of Windows user, domain and password names (CREDUI_MAX_*). */
#define MAX_USER_NAME 513
#define MAX_DOMAIN_NAME 337
#define MAX_PASSWORD 256

static struct mutex identity_lock = MUTEX_INIT;
static WCHAR *identity_user, *identity_domain, *identity_password;

static void wipe_and_free(WCHAR *s)
{
    if (!s) return;
    SecureZeroMemory(s, wstr_len(s) * sizeof(WCHAR));
    mem_free(s);
}

static void replace_identity(WCHAR *user, WCHAR *domain, WCHAR *password)
{
    WCHAR *old_user, *old_domain, *old_password;

    mutex_lock(&identity_lock);
    old_user = identity_user;
    old_domain = identity_domain;
    old_password = identity_password;
    identity_user = user;
    identity_domain = domain;
    identity_password = password;
    mutex_unlock(&identity_lock);
    wipe_and_free(old_user);
    wipe_and_free(old_domain);
    wipe_and_free(old_password);
}

void auth_identity_clear(void)
{
    replace_identity(NULL, NULL, NULL);
}

BOOL auth_identity_get_user(WCHAR *user, size_t user_size, WCHAR *domain, size_t domain_size)
{
    BOOL set;

    mutex_lock(&identity_lock);
    set = identity_user != NULL;
    if (set)
    {
        lstrcpynW(user, identity_user, (int)user_size);
        lstrcpynW(domain, identity_domain ? identity_domain : L"", (int)domain_size);
    }
    mutex_unlock(&identity_lock);
    return set;
}

static BOOL valid_part(const WCHAR *s, size_t max, BOOL may_be_empty)
{
    size_t n;
    if (!s) return TRUE;
    n = wstr_len_bounded(s, max + 1);
    return n <= max && (n || may_be_empty);
}

static HRESULT set_auth_identity(const WCHAR *user, const WCHAR *domain, const WCHAR *password)
{
    WCHAR *user_copy = NULL, *domain_copy = NULL, *password_copy = NULL;

    /* No user: back to the process's own identity. */
    if (!user)
    {
        if (domain || password) return ERROR_INVALID_PARAMETER;
        auth_identity_clear();
        return S_OK;
    }
    if (!valid_part(user, MAX_USER_NAME, FALSE) || !valid_part(domain, MAX_DOMAIN_NAME, TRUE)
            || !valid_part(password, MAX_PASSWORD, TRUE))
        return ERROR_INVALID_PARAMETER;
    if (!(user_copy = wstr_dup(user)) || (domain && !(domain_copy = wstr_dup(domain)))
            || (password && !(password_copy = wstr_dup(password))))
    {
        wipe_and_free(user_copy);
        wipe_and_free(domain_copy);
        wipe_and_free(password_copy);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    replace_identity(user_copy, domain_copy, password_copy);
    return S_OK;
}

HRESULT WINAPI DsSetAuthIdentityW(LPCWSTR szUserName, LPCWSTR szDomainName, LPCWSTR szPassword)
{
    HRESULT hr;

    TRACE("(%s, %s, %s)\n", debugstr_w(szUserName), debugstr_w(szDomainName),
          szPassword ? "<password>" : "(null)");
    hr = set_auth_identity(szUserName, szDomainName, szPassword);
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
    wipe_and_free(user);
    wipe_and_free(domain);
    wipe_and_free(password);
    return hr;
}
