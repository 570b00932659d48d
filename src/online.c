/*
 * DsIsNTDSOnline and the online test the backup exports share.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <winsvc.h>
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "online.h"
#include "names.h"
#include "platform.h"
#include "restore_state.h"
#include "memory.h"
#include "trace.h"

WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli);

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

/* How long a call waits for a directory service that is meant to run and does not
 * run yet: the stand-in that Wine's service manager starts when a session of the
 * prefix begins, or that an administrator is starting.  Wine's service manager
 * itself gives a starting service 30 s.  One that the service manager has not
 * even begun to start (stopped, with no error) gets less: services that start
 * automatically are launched before a session's first program runs. */
#define SERVICE_START_WAIT_MS 30000
#define SERVICE_NOT_STARTED_WAIT_MS 5000
#define SERVICE_POLL_MS 10
#define SERVICE_QUERY_EVERY_MS 250

enum service_state
{
    SERVICE_ABSENT,          /* no service named NTDS */
    SERVICE_STOPPED_STATE,   /* registered and stopped */
    SERVICE_RUNNING_STATE,   /* registered and running */
    SERVICE_OTHER_STATE      /* starting, stopping, paused, or the SCM did not answer */
};

/* The stand-in's own word (ntds_layout.h, NTDS_RUNNING_EVENT_NAME): one wineserver
 * round trip or two, where the service manager takes milliseconds. */
enum stand_in_signal
{
    STAND_IN_ABSENT,         /* no stand-in service thread */
    STAND_IN_PENDING,        /* starting or stopping */
    STAND_IN_RUNNING         /* holding the database */
};

static enum stand_in_signal stand_in_signal(void)
{
    HANDLE event = OpenEventW(SYNCHRONIZE, FALSE, NTDS_RUNNING_EVENT_NAME);
    enum stand_in_signal signal;

    if (!event) return STAND_IN_ABSENT;
    signal = WaitForSingleObject(event, 0) == WAIT_OBJECT_0 ? STAND_IN_RUNNING : STAND_IN_PENDING;
    CloseHandle(event);
    return signal;
}

/* The NTDS service's state as the service manager sees it (one query; not
 * dsbackup's query_ntds_service, which reports more); *refused is set when the
 * service stopped with an error (it refused to start). */
static enum service_state service_manager_state(BOOL *refused)
{
    enum service_state state = SERVICE_OTHER_STATE;
    SERVICE_STATUS status;
    SC_HANDLE manager, service;

    *refused = FALSE;
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
            /* A service not started since the service manager began has its own
             * code, which is no refusal. */
            *refused = state == SERVICE_STOPPED_STATE && status.dwWin32ExitCode != NO_ERROR
                       && status.dwWin32ExitCode != ERROR_SERVICE_NEVER_STARTED;
        }
        CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
    return state;
}

/* Wine's service manager sometimes fails a query (ERROR_INVALID_HANDLE) while
 * other threads open and close service handles: ask again before concluding that
 * it cannot answer. */
static enum service_state ask_service_manager(BOOL *refused)
{
    enum service_state state = service_manager_state(refused);
    int attempt;

    for (attempt = 0; state == SERVICE_OTHER_STATE && attempt < 5; attempt++)
    {
        Sleep(attempt);
        state = service_manager_state(refused);
    }
    return state;
}

/* A service meant to run (started automatically with each session of the prefix)
 * or one in the middle of starting or stopping: waited for, within a bound, until
 * it runs, stops with an error, or is no longer meant to run. */
static enum service_state wait_for_service(void)
{
    DWORD started = GetTickCount(), waited, last_query = 0, start_type;
    enum stand_in_signal signal;
    enum service_state state;
    BOOL refused, first = TRUE;

    for (;;)
    {
        waited = GetTickCount() - started;
        if ((signal = stand_in_signal()) == STAND_IN_RUNNING) return SERVICE_RUNNING_STATE;
        if (first || waited - last_query >= SERVICE_QUERY_EVERY_MS || waited >= SERVICE_START_WAIT_MS)
        {
            first = FALSE;
            last_query = waited;
            state = ask_service_manager(&refused);
            /* Running without the stand-in's event: a service that is not the stand-in. */
            if (state == SERVICE_RUNNING_STATE || state == SERVICE_ABSENT || refused) return state;
            if (waited >= SERVICE_START_WAIT_MS) return state;
            if (state == SERVICE_STOPPED_STATE && signal == STAND_IN_ABSENT
                    && (waited >= SERVICE_NOT_STARTED_WAIT_MS
                        || registry_read_dword(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, NTDS_SERVICE_VALUE_START,
                                               &start_type) || start_type != SERVICE_AUTO_START))
                return SERVICE_STOPPED_STATE;
        }
        Sleep(SERVICE_POLL_MS);
    }
}

/* What the NTDS service is doing.  The stand-in's event answers at once while it
 * runs; the service's start type (the administrator's word: automatic while the
 * directory is to be online, docs/behaviour.md) tells a service that is meant to
 * run, which is waited for.  Otherwise the service manager is asked, unless
 * FAST_STOPPED lets a service that is not meant to run count as stopped without
 * asking (a backup may be refused while an administrator starts the directory; a
 * restore must not go ahead while it starts). */
static enum service_state ntds_service_state(BOOL fast_stopped)
{
    enum stand_in_signal signal = stand_in_signal();
    BOOL refused;
    DWORD start_type;
    LONG error;

    if (signal == STAND_IN_RUNNING) return SERVICE_RUNNING_STATE;
    error = registry_read_dword(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, NTDS_SERVICE_VALUE_START, &start_type);
    if (error == ERROR_FILE_NOT_FOUND && signal == STAND_IN_ABSENT) return SERVICE_ABSENT;
    if (error) return ask_service_manager(&refused);
    if (signal == STAND_IN_PENDING || start_type == SERVICE_AUTO_START) return wait_for_service();
    /* An administrator's start shows in the service manager before the event exists. */
    return fast_stopped ? SERVICE_STOPPED_STATE : ask_service_manager(&refused);
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
    state = ntds_service_state(TRUE);
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
    state = ntds_service_state(FALSE);
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
