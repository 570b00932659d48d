/*
 * ntdssvc install and uninstall (ntdssvc.h): the service NTDS registered to run
 * this very file, and removed again without losing what is not the service's.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "ntdssvc.h"

#define SERVICE_DISPLAY_NAME L"Active Directory Domain Services (ntdsbcli stand-in)"
#define SERVICE_DESCRIPTION L"Stand-in for the directory service: holds the directory database " \
                            L"open as the database engine does. Not a domain controller."
#define STOP_TIMEOUT_MS 20000       /* uninstall waits this long for the service to stop */
/* Where uninstall keeps the administrator's configuration while the service's
 * key, which holds it, is deleted. */
#define SAVED_PARAMETERS_KEY L"SOFTWARE\\ntdsbcli\\NTDS Parameters (kept while the service is removed)"
#define SAVED_PARAMETERS_KEY_A "SOFTWARE\\ntdsbcli\\NTDS Parameters (kept while the service is removed)"

/* The binary path as the service manager is given it: the full path, quoted. */
static void quoted_exe_path(WCHAR *out)
{
    swprintf(out, PATH_CCH + 2, L"\"%ls\"", exe_path);
}

/* Whether a registered binary path is this program (quoted or not, any case). */
static BOOL is_this_program(const WCHAR *registered)
{
    WCHAR quoted[PATH_CCH + 2];

    quoted_exe_path(quoted);
    return registered && (!_wcsicmp(registered, quoted) || !_wcsicmp(registered, exe_path));
}

/* The configuration of an open service, allocated with LocalAlloc. */
static QUERY_SERVICE_CONFIGW *service_config(SC_HANDLE service)
{
    QUERY_SERVICE_CONFIGW *config;
    DWORD needed = 0;

    if (QueryServiceConfigW(service, NULL, 0, &needed) || GetLastError() != ERROR_INSUFFICIENT_BUFFER) return NULL;
    if ((config = LocalAlloc(LMEM_FIXED, needed)) && !QueryServiceConfigW(service, config, needed, &needed))
    {
        LocalFree(config);
        config = NULL;
    }
    return config;
}

/* A service NTDS exists already: fine if it runs this program, left alone if not. */
static int keep_existing_service(SC_HANDLE manager, const WCHAR *binary)
{
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    SC_HANDLE service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_CONFIG);
    QUERY_SERVICE_CONFIGW *config = service ? service_config(service) : NULL;
    int status = EXIT_FAILED;

    if (!config)
        print_win32_error("a service NTDS exists, but its configuration cannot be read", GetLastError());
    else if (is_this_program(config->lpBinaryPathName))
    {
        printf("service NTDS is already installed with binary path %s: nothing to do\n",
               CON(config->lpBinaryPathName, a));
        status = EXIT_OK;
    }
    else
        fprintf(stderr, "ntdssvc: a service NTDS already exists with binary path %s, not %s: left as it is "
                "(uninstall it with the program it names first)\n",
                CON(config->lpBinaryPathName ? config->lpBinaryPathName : L"(none)", a), CON(binary, b));
    LocalFree(config);
    if (service) CloseServiceHandle(service);
    return status;
}

int install_service(void)
{
    static WCHAR description[] = SERVICE_DESCRIPTION;
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    SERVICE_DESCRIPTIONW service_description;
    WCHAR binary[PATH_CCH + 2];
    SC_HANDLE manager, service;
    int status = EXIT_FAILED;

    quoted_exe_path(binary);
    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE)))
    {
        print_win32_error("cannot open the service control manager", GetLastError());
        return EXIT_FAILED;
    }
    /* Demand start: installed, the directory is offline until it is brought online. */
    service = CreateServiceW(manager, NTDS_SERVICE_NAME, SERVICE_DISPLAY_NAME,
                             SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG, SERVICE_WIN32_OWN_PROCESS,
                             SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, binary, NULL, NULL, NULL,
                             NULL /* LocalSystem */, NULL);
    if (service)
    {
        service_description.lpDescription = description;
        ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &service_description);   /* cosmetic */
        printf("installed service NTDS (\"%s\"), demand start, binary path %s\n",
               CON(SERVICE_DISPLAY_NAME, b), CON(binary, a));
        CloseServiceHandle(service);
        status = EXIT_OK;
    }
    else if (GetLastError() == ERROR_SERVICE_EXISTS) status = keep_existing_service(manager, binary);
    else print_win32_error("cannot create the service NTDS", GetLastError());
    CloseServiceHandle(manager);
    return status;
}

static DWORD current_state(SC_HANDLE service)
{
    SERVICE_STATUS_PROCESS status;
    DWORD needed;

    if (!QueryServiceStatusEx(service, SC_STATUS_PROCESS_INFO, (BYTE *)&status, sizeof(status), &needed)) return 0;
    return status.dwCurrentState;
}

/* Copies ...\NTDS\Parameters aside (TRUE also when there is nothing to copy). */
static BOOL save_parameters(void)
{
    HKEY from, to;
    LONG error;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_READ, &from)) return TRUE;
    if (!(error = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SAVED_PARAMETERS_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                                  &to, NULL)))
    {
        error = RegCopyTreeW(from, NULL, to);
        RegCloseKey(to);
    }
    RegCloseKey(from);
    SetLastError(error);
    return !error;
}

/* Puts the copy back once the service's key is gone, then drops the copy. */
static BOOL restore_parameters(void)
{
    HKEY from, to, probe;
    LONG error;
    int i;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, SAVED_PARAMETERS_KEY, 0, KEY_READ, &from)) return TRUE;
    /* The service manager removes the key when the last handle to the service closes. */
    for (i = 0; i < 50 && !RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, 0, KEY_READ, &probe); i++)
    {
        RegCloseKey(probe);
        Sleep(100);
    }
    if (!(error = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL,
                                  &to, NULL)))
    {
        error = RegCopyTreeW(from, NULL, to);
        RegCloseKey(to);
    }
    RegCloseKey(from);
    if (!error)
    {
        RegDeleteTreeW(HKEY_LOCAL_MACHINE, SAVED_PARAMETERS_KEY);
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\ntdsbcli");   /* only if now empty */
    }
    SetLastError(error);
    return !error;
}

/* Stops the service: waits out a pending start or stop, asks a running service to
 * stop.  FALSE (said on stderr) if it cannot be asked or does not stop in time. */
static BOOL stop_and_wait(SC_HANDLE service)
{
    DWORD start = GetTickCount(), state;
    BOOL asked = FALSE, was_running = FALSE;
    SERVICE_STATUS status;

    while ((state = current_state(service)) != SERVICE_STOPPED)
    {
        if (!state)
        {
            print_win32_error("cannot query the service NTDS", GetLastError());
            return FALSE;
        }
        if (GetTickCount() - start >= STOP_TIMEOUT_MS)
        {
            fprintf(stderr, "ntdssvc: the service NTDS did not stop within %d s; not deleted\n",
                    STOP_TIMEOUT_MS / 1000);
            return FALSE;
        }
        was_running = TRUE;
        if (!asked && state != SERVICE_START_PENDING && state != SERVICE_STOP_PENDING)
        {
            if (ControlService(service, SERVICE_CONTROL_STOP, &status)) asked = TRUE;
            else if (GetLastError() != ERROR_SERVICE_NOT_ACTIVE && GetLastError() != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
            {
                print_win32_error("cannot stop the service NTDS", GetLastError());
                return FALSE;
            }
        }
        Sleep(100);
    }
    if (was_running) printf("stopped service NTDS\n");
    return TRUE;
}

/* Deleting a service deletes its whole key.  A registered restore must never be
 * lost that way (the directory would start on what is there), and the database
 * configuration is the administrator's, not the service's: keep both. */
static BOOL delete_keeping_parameters(SC_HANDLE service)
{
    if (restore_registered())
    {
        fprintf(stderr, "ntdssvc: a restore is registered (...\\NTDS\\Restore In Progress): "
                "the service is not removed until it completes\n");
        return FALSE;
    }
    if (!save_parameters())
    {
        print_win32_error("cannot keep a copy of ...\\NTDS\\Parameters; the service is not removed", GetLastError());
        return FALSE;
    }
    if (!DeleteService(service) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE)
    {
        print_win32_error("cannot delete the service NTDS", GetLastError());
        restore_parameters();
        return FALSE;
    }
    return TRUE;
}

/* Opens the service NTDS if it is this program's; *status says what to exit with
 * otherwise. */
static SC_HANDLE open_own_service(SC_HANDLE manager, int *status)
{
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    WCHAR binary[PATH_CCH + 2];
    QUERY_SERVICE_CONFIGW *config;
    SC_HANDLE service;

    *status = EXIT_FAILED;
    if (!(service = OpenServiceW(manager, NTDS_SERVICE_NAME,
                                 SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_STOP | DELETE)))
    {
        if (GetLastError() != ERROR_SERVICE_DOES_NOT_EXIST)
            print_win32_error("cannot open the service NTDS", GetLastError());
        else
        {
            printf("service NTDS is not installed: nothing to do\n");
            *status = EXIT_OK;
        }
        return NULL;
    }
    /* Never remove a service NTDS that is not this program (a real directory service). */
    if (!(config = service_config(service)))
        print_win32_error("cannot read the configuration of the service NTDS", GetLastError());
    else if (!is_this_program(config->lpBinaryPathName))
    {
        quoted_exe_path(binary);
        fprintf(stderr, "ntdssvc: the service NTDS runs %s, not %s: left as it is\n",
                CON(config->lpBinaryPathName ? config->lpBinaryPathName : L"(none)", a), CON(binary, b));
    }
    else
    {
        LocalFree(config);
        return service;
    }
    LocalFree(config);
    CloseServiceHandle(service);
    return NULL;
}

int uninstall_service(void)
{
    SC_HANDLE manager, service;
    int status;

    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT)))
    {
        print_win32_error("cannot open the service control manager", GetLastError());
        return EXIT_FAILED;
    }
    if ((service = open_own_service(manager, &status)))
    {
        if (stop_and_wait(service) && delete_keeping_parameters(service))
        {
            CloseServiceHandle(service);
            service = NULL;
            if (!restore_parameters())
                print_win32_error("the service is removed, but ...\\NTDS\\Parameters could not be put back; "
                                  "a copy is in HKLM\\" SAVED_PARAMETERS_KEY_A, GetLastError());
            else
            {
                printf("removed service NTDS (the database configuration in ...\\NTDS\\Parameters is kept)\n");
                status = EXIT_OK;
            }
        }
        if (service) CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
    return status;
}
