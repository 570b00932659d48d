/*
 * DsIsNTDSOnline and the online test the backup exports share.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "online.h"
#include "names.h"
#include "platform.h"
#include "memory.h"
#include "trace.h"

HRESULT check_server_name(const WCHAR *server_name)
{
    const struct computer_names *names = computer_names_get();
    return server_name_is_local(server_name, names->netbios, names->dns_host, names->dns_full)
           ? S_OK : hrCouldNotConnect;
}

BOOL dsa_is_online(const struct dsa_config *config)
{
    DWORD attributes = GetFileAttributesW(config->database_path);
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

static HRESULT is_ntds_online(const WCHAR *server_name, WINBOOL *online)
{
    struct dsa_config config;
    HRESULT hr;

    if (!online) return ERROR_INVALID_PARAMETER;
    *online = FALSE;
    if ((hr = check_server_name(server_name))) return hr;
    hr = dsa_config_load(&config);
    /* A machine that is not configured as a domain controller is simply not online. */
    if (hr == hrCouldNotConnect) return S_OK;
    if (hr) return hr;
    *online = dsa_is_online(&config);
    dsa_config_free(&config);
    return S_OK;
}

HRESULT WINAPI DsIsNTDSOnlineW(LPCWSTR szServerName, WINBOOL *pfNTDSOnline)
{
    HRESULT hr;

    TRACE("(%s, %p)\n", debugstr_w(szServerName), pfNTDSOnline);
    hr = is_ntds_online(szServerName, pfNTDSOnline);
    TRACE("-> %s, online %d\n", debugstr_hr(hr), hr == S_OK ? *pfNTDSOnline : -1);
    return hr;
}

HRESULT WINAPI DsIsNTDSOnlineA(LPCSTR szServerName, WINBOOL *pfNTDSOnline)
{
    WCHAR *server;
    HRESULT hr;

    TRACE("(%s, %p)\n", debugstr_a(szServerName), pfNTDSOnline);
    if ((hr = ansi_to_wide(szServerName, &server))) return hr;
    hr = DsIsNTDSOnlineW(server, pfNTDSOnline);
    mem_free(server);
    return hr;
}
