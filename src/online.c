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
#include "restore_state.h"
#include "memory.h"
#include "trace.h"

HRESULT check_server_name(const WCHAR *server_name)
{
    const struct computer_names *names = computer_names_get();
    return server_name_is_local(server_name, names->netbios, names->dns_host, names->dns_full)
           ? S_OK : hrCouldNotConnect;
}

static BOOL database_exists(const struct dsa_config *config)
{
    DWORD attributes = GetFileAttributesW(config->database_path);
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

enum service_state { SERVICE_ABSENT, SERVICE_STOPPED_STATE, SERVICE_RUNNING_STATE };

static enum service_state ntds_service_state(void)
{
    enum service_state state = SERVICE_STOPPED_STATE;
    SERVICE_STATUS status;
    SC_HANDLE manager, service;

    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))) return SERVICE_STOPPED_STATE;
    if (!(service = OpenServiceW(manager, L"NTDS", SERVICE_QUERY_STATUS)))
    {
        if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) state = SERVICE_ABSENT;
    }
    else
    {
        if (QueryServiceStatus(service, &status) && status.dwCurrentState == SERVICE_RUNNING)
            state = SERVICE_RUNNING_STATE;
        CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
    return state;
}

BOOL dsa_is_online(const struct dsa_config *config)
{
    if (restore_state_in_progress() || !database_exists(config)) return FALSE;
    /* Without an NTDS service (plain backups of a database on a machine that runs
     * no stand-in), a configured database that exists counts as online. */
    return ntds_service_state() != SERVICE_STOPPED_STATE;
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
