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

enum service_state
{
    SERVICE_ABSENT,          /* no service named NTDS */
    SERVICE_STOPPED_STATE,   /* registered and stopped */
    SERVICE_RUNNING_STATE,   /* registered and running */
    SERVICE_OTHER_STATE      /* starting, stopping, paused, or the SCM did not answer */
};

static enum service_state query_ntds_service(void)
{
    enum service_state state = SERVICE_OTHER_STATE;
    SERVICE_STATUS status;
    SC_HANDLE manager, service;

    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))) return SERVICE_OTHER_STATE;
    if (!(service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_STATUS)))
    {
        if (GetLastError() == ERROR_SERVICE_DOES_NOT_EXIST) state = SERVICE_ABSENT;
    }
    else
    {
        if (QueryServiceStatus(service, &status))
        {
            if (status.dwCurrentState == SERVICE_RUNNING) state = SERVICE_RUNNING_STATE;
            else if (status.dwCurrentState == SERVICE_STOPPED) state = SERVICE_STOPPED_STATE;
        }
        CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
    return state;
}

/* Wine's service manager sometimes fails a query (ERROR_INVALID_HANDLE) while
 * other threads open and close service handles: ask again before concluding that
 * it cannot answer. */
static enum service_state ntds_service_state(void)
{
    enum service_state state = query_ntds_service();
    int attempt;

    for (attempt = 0; state == SERVICE_OTHER_STATE && attempt < 5; attempt++)
    {
        Sleep(attempt);
        state = query_ntds_service();
    }
    return state;
}

/* Without an NTDS service, the administrator's own word: "Directory Offline" = 1
 * in the parameters (what "dsbackup offline" sets).  A value that cannot be read
 * is not known to mean offline. */
static BOOL marked_offline(void)
{
    DWORD value = 0;
    return !registry_read_dword(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_OFFLINE, &value) && value == 1;
}

BOOL dsa_is_online(const struct dsa_config *config)
{
    enum service_state state;

    if (restore_state_in_progress() || !database_exists(config)) return FALSE;
    state = ntds_service_state();
    /* Without an NTDS service (plain backups of a database on a machine that runs
     * no stand-in), a configured database that exists counts as online unless it
     * is marked offline. */
    return state == SERVICE_RUNNING_STATE || (state == SERVICE_ABSENT && !marked_offline());
}

BOOL dsa_is_offline(const struct dsa_config *config)
{
    enum service_state state;

    /* Only what is known to hold no engine counts: a service that is starting,
     * stopping or cannot be asked may still have the database open. */
    if (restore_state_in_progress() || !database_exists(config)) return TRUE;
    state = ntds_service_state();
    return state == SERVICE_STOPPED_STATE || (state == SERVICE_ABSENT && marked_offline());
}

static HRESULT is_ntds_online(const WCHAR *server_name, BOOL *online)
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
    /* Anything not known to be offline is reported online: a restore tool asks to
     * be sure the engine is down. */
    *online = !dsa_is_offline(&config);
    dsa_config_free(&config);
    return S_OK;
}

HRESULT WINAPI DsIsNTDSOnlineW(LPCWSTR szServerName, BOOL *pfNTDSOnline)
{
    HRESULT hr;

    TRACE("(%s, %p)\n", debugstr_w(szServerName), pfNTDSOnline);
    hr = is_ntds_online(szServerName, pfNTDSOnline);
    TRACE("-> %s, online %d\n", debugstr_hr(hr), hr == S_OK ? *pfNTDSOnline : -1);
    return hr;
}

HRESULT WINAPI DsIsNTDSOnlineA(LPCSTR szServerName, BOOL *pfNTDSOnline)
{
    WCHAR *server;
    HRESULT hr;

    TRACE("(%s, %p)\n", debugstr_a(szServerName), pfNTDSOnline);
    if ((hr = ansi_to_wide(szServerName, &server))) return hr;
    hr = DsIsNTDSOnlineW(server, pfNTDSOnline);
    mem_free(server);
    return hr;
}
