/*
 * The NTDS stand-in as it runs (ntdssvc.h): it holds the directory database open
 * the way the database engine does, publishes its state for the DLL, and keeps
 * the administrator's online or offline as its start type.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ntdssvc.h"
#include "config_path.h"
#include "path_join.h"
#include "restore_journal_path.h"

/* The paths as configured: as long as the rule allows (config_path.h). */
struct held_files
{
    HANDLE database, current_log;
    WCHAR *database_path, *log_dir, *current_log_path;
};

static SERVICE_STATUS_HANDLE status_handle;
static HANDLE stop_event;
static LONG checkpoint;
static LONG stopped_by_administrator;   /* SERVICE_CONTROL_STOP, not a shutdown */

static void set_service_status(DWORD state, DWORD win32_exit, DWORD specific_exit, DWORD wait_hint)
{
    SERVICE_STATUS status;

    memset(&status, 0, sizeof(status));
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    status.dwWin32ExitCode = win32_exit;
    status.dwServiceSpecificExitCode = specific_exit;
    status.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED
                          ? 0 : (DWORD)InterlockedIncrement(&checkpoint);
    status.dwWaitHint = wait_hint;
    SetServiceStatus(status_handle, &status);
}

static DWORD WINAPI control_handler(DWORD control, DWORD event_type, void *event_data, void *context)
{
    (void)event_type; (void)event_data; (void)context;
    switch (control)
    {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        if (control == SERVICE_CONTROL_STOP) InterlockedExchange(&stopped_by_administrator, 1);
        set_service_status(SERVICE_STOP_PENDING, NO_ERROR, 0, 5000);
        SetEvent(stop_event);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

/* The share mode of the database engine: others may read and write, nobody may
 * delete, rename or replace the file while it is held. */
static HANDLE hold(const WCHAR *path)
{
    return CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                       NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
}

/* The DLL's durable copy of a registration (src/standalone/restore_journal_file.h):
 * under Wine 8 the registry key can be lost if Wine dies, the journal cannot. */
static BOOL restore_journal_exists(void)
{
    WCHAR path[PATH_CCH];
    return restore_journal_path(path, PATH_CCH, TRUE) && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

BOOL restore_registered(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_QUERY_VALUE, &key))
        return restore_journal_exists();
    RegCloseKey(key);
    return TRUE;
}

/* S_OK, or the code to refuse the start with, after saying why. */
static HRESULT check_no_restore(void)
{
    HKEY key;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_QUERY_VALUE, &key);

    if (!error || restore_journal_exists())
    {
        if (!error) RegCloseKey(key);
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrRestoreInProgress, "the key HKLM\\SYSTEM\\CurrentControlSet\\"
                  "Services\\NTDS\\Restore In Progress exists: a restore is registered; not starting");
        return hrRestoreInProgress;
    }
    if (error != ERROR_FILE_NOT_FOUND && error != ERROR_PATH_NOT_FOUND)
    {
        /* Cannot tell whether a restore is registered: do not risk starting. */
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrRestoreInProgress, "cannot read HKLM\\SYSTEM\\"
                  "CurrentControlSet\\Services\\NTDS\\Restore In Progress (error %ld); not starting", (long)error);
        return hrRestoreInProgress;
    }
    return S_OK;
}

/* A path of the configuration, by the rule the DLL and dsbackup apply; NULL, after
 * saying why, if it names none. */
static WCHAR *read_configured_path(const WCHAR *name)
{
    enum config_path_status status;
    char text[256];
    WCHAR *path;
    LONG error;

    if ((path = config_path_read(name, &error, &status))) return path;
    if (error == ERROR_FILE_NOT_FOUND)
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect, "the directory database is not configured: "
                  "Parameters value \"%s\" is missing", narrow(name, CP_UTF8, text, sizeof(text)));
    else if (error)
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect, "the directory database is not configured: "
                  "cannot read Parameters value \"%s\" (error %ld)", narrow(name, CP_UTF8, text, sizeof(text)),
                  (long)error);
    else
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect, "the directory database is not configured: "
                  "Parameters value \"%s\" is %s", narrow(name, CP_UTF8, text, sizeof(text)),
                  config_path_status_text(status));
    return NULL;
}

/* The database file and the folder of the logs, or the code to refuse with. */
static HRESULT read_configuration(struct held_files *held)
{
    if (!(held->database_path = read_configured_path(NTDS_VALUE_DATABASE_FILE))
            || !(held->log_dir = read_configured_path(NTDS_VALUE_LOG_DIR)))
        return hrCouldNotConnect;
    return S_OK;
}

/* Opens what the engine holds; the code to refuse with if it cannot (release_files
 * closes what was opened). */
static HRESULT hold_files(struct held_files *held)
{
    char text[3 * PATH_CCH];
    DWORD error;
    HRESULT hr;

    if ((held->database = hold(held->database_path)) == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        hr = error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ? hrFileNotFound : hrCouldNotConnect;
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hr, "cannot open the database %s (error %lu)",
                  narrow(held->database_path, CP_UTF8, text, sizeof(text)), (unsigned long)error);
        return hr;
    }
    if (!(held->current_log_path = path_join(held->log_dir, NTDS_CURRENT_LOG_NAME, malloc)))
    {
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect, "out of memory");
        return hrCouldNotConnect;
    }
    if ((held->current_log = hold(held->current_log_path)) == INVALID_HANDLE_VALUE
            && (error = GetLastError()) != ERROR_FILE_NOT_FOUND)
    {
        /* No current log yet is fine; no folder is not. */
        hr = error == ERROR_PATH_NOT_FOUND ? hrFileNotFound : hrCouldNotConnect;
        log_event(EVENTLOG_ERROR_TYPE, (DWORD)hr, "cannot open the current log %s (error %lu)",
                  narrow(held->current_log_path, CP_UTF8, text, sizeof(text)), (unsigned long)error);
        return hr;
    }
    return S_OK;
}

static void release_files(struct held_files *held)
{
    if (held->current_log != INVALID_HANDLE_VALUE) CloseHandle(held->current_log);
    if (held->database != INVALID_HANDLE_VALUE) CloseHandle(held->database);
    free(held->database_path);
    free(held->log_dir);
    free(held->current_log_path);
    memset(held, 0, sizeof(*held));
    held->database = held->current_log = INVALID_HANDLE_VALUE;
}

/* The administrator's word, kept where it outlasts this process: the service's
 * start type.  Under Wine a prefix's services end with its last program, and
 * services that start automatically are started again with its next one; so
 * "online" is automatic start, and "taken offline" is demand start
 * (docs/behaviour.md, "Online and offline").  A shutdown of the session is
 * neither: it changes nothing. */
static void keep_state_for_next_session(DWORD start_type)
{
    SC_HANDLE manager, service = NULL;
    BOOL done = FALSE;

    if ((manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))
            && (service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_CHANGE_CONFIG)))
        done = ChangeServiceConfigW(service, SERVICE_NO_CHANGE, start_type, SERVICE_NO_CHANGE,
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (!done)
        log_event(EVENTLOG_WARNING_TYPE, 0, "cannot set the start type to %s (error %lu): the directory may "
                  "not be %s in the next session of this prefix",
                  start_type == SERVICE_AUTO_START ? "automatic" : "demand", (unsigned long)GetLastError(),
                  start_type == SERVICE_AUTO_START ? "online" : "offline");
    if (service) CloseServiceHandle(service);
    if (manager) CloseServiceHandle(manager);
}

static void WINAPI service_main(DWORD argc, WCHAR **argv)
{
    static struct held_files held;
    char database[3 * PATH_CCH], current_log[3 * PATH_CCH];
    HANDLE running;
    HRESULT hr;

    (void)argc; (void)argv;
    /* Exists, not signalled, from now until this thread is done with the database
     * (ntds_layout.h): the DLL then waits rather than calling it stopped. */
    running = CreateEventW(NULL, TRUE, FALSE, NTDS_RUNNING_EVENT_NAME);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    status_handle = RegisterServiceCtrlHandlerExW(NTDS_SERVICE_NAME, control_handler, NULL);
    if (!status_handle || !stop_event || !running)
    {
        log_event(EVENTLOG_ERROR_TYPE, 0, "cannot register with the service control manager (error %lu)",
                  (unsigned long)GetLastError());
        if (running) CloseHandle(running);
        return;
    }
    set_service_status(SERVICE_START_PENDING, NO_ERROR, 0, 5000);

    held.database = held.current_log = INVALID_HANDLE_VALUE;
    if ((hr = check_no_restore()) || (hr = read_configuration(&held)) || (hr = hold_files(&held)))
    {
        release_files(&held);
        CloseHandle(running);
        set_service_status(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, (DWORD)hr, 0);
        return;
    }
    log_event(EVENTLOG_INFORMATION_TYPE, 0, "started; holding %s and %s",
              narrow(held.database_path, CP_UTF8, database, sizeof(database)),
              held.current_log != INVALID_HANDLE_VALUE
              ? narrow(held.current_log_path, CP_UTF8, current_log, sizeof(current_log)) : "(no edb.log)");
    SetEvent(running);
    set_service_status(SERVICE_RUNNING, NO_ERROR, 0, 0);
    keep_state_for_next_session(SERVICE_AUTO_START);

    WaitForSingleObject(stop_event, INFINITE);

    ResetEvent(running);
    release_files(&held);
    if (stopped_by_administrator) keep_state_for_next_session(SERVICE_DEMAND_START);
    CloseHandle(running);
    log_event(EVENTLOG_INFORMATION_TYPE, 0, "stopped; the database is released%s",
              stopped_by_administrator ? "; the directory stays offline until it is started again" : "");
    set_service_status(SERVICE_STOPPED, NO_ERROR, 0, 0);
}

int run_service(void)
{
    static WCHAR name[] = NTDS_SERVICE_NAME;
    SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {NULL, NULL}};
    DWORD error;

    if (StartServiceCtrlDispatcherW(table)) return EXIT_OK;
    if ((error = GetLastError()) == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
        fprintf(stderr, "ntdssvc: this is the NTDS service; it runs when the service control manager starts it "
                "(net start NTDS).\nntdssvc: see ntdssvc --help\n");
    else
        print_win32_error("StartServiceCtrlDispatcher", error);
    return EXIT_FAILED;
}
