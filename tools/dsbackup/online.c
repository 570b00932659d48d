/*
 * dsbackup offline / dsbackup online: take the directory offline for a restore
 * and bring it back, in whichever setup this machine has.
 *
 * With an NTDS service registered (make install-wine registers the stand-in),
 * that is stopping and starting the service, as "net stop/start NTDS" would.
 * Without one (ntdsbcli.dll copied next to a tool), a database that exists
 * counts as online, and the administrator's word takes the place of the
 * service: the value "Directory Offline" = 1 under NTDS\Parameters, which the
 * DLL reads (docs/behaviour.md, "Online and offline").  Either way the command
 * ends by asking the DLL, and says what it answered.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "dsbackup.h"
#include "ntds_layout.h"

#define SERVICE_WAIT_MS 30000

static const char offline_help[] =
    "Usage: dsbackup offline\n"
    "\n"
    "Takes the directory offline, as a domain controller is restarted in Directory\n"
    "Services Restore Mode before a restore: stops the NTDS service if one is\n"
    "registered, and otherwise marks the directory offline (the value\n"
    "'Directory Offline' = 1 under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\\n"
    "Parameters, which ntdsbcli.dll reads). Backups are refused until\n"
    "'dsbackup online'.\n"
    "\n"
    "Exit status: 0 the directory is offline, 1 it could not be taken offline,\n"
    "2 usage error.\n";

static const char online_help[] =
    "Usage: dsbackup online\n"
    "\n"
    "Brings the directory back online after a restore: starts the NTDS service if\n"
    "one is registered, and otherwise removes the 'Directory Offline' mark. Refused\n"
    "while a restore is registered: complete it first (run the restore again).\n"
    "\n"
    "Exit status: 0 the directory is online, 1 it could not be brought online,\n"
    "2 usage error.\n";

static int no_arguments(int argc, WCHAR **argv, const char *help, const char *command)
{
    char format[64];

    if (argc < 2) return ARGUMENTS_OK;
    if (is_help_option(argv[1]))
    {
        print("%s", help);
        return EXIT_OK;
    }
    snprintf(format, sizeof(format), "%s takes no arguments, not %%s", command);
    return usage_error(help, format, argv[1]);
}

static BOOL change_start_type(SC_HANDLE service, DWORD start_type)
{
    return ChangeServiceConfigW(service, SERVICE_NO_CHANGE, start_type, SERVICE_NO_CHANGE,
                                NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/* Asks the service to stop or start, and waits until it has (or gives up). */
static BOOL drive_service(BOOL start, DWORD *final_state)
{
    SC_HANDLE manager, service;
    SERVICE_STATUS status;
    DWORD waited, wanted = start ? SERVICE_RUNNING : SERVICE_STOPPED;
    BOOL asked;

    *final_state = 0;
    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))) return FALSE;
    service = OpenServiceW(manager, NTDS_SERVICE_NAME,
                           SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS | SERVICE_CHANGE_CONFIG);
    CloseServiceHandle(manager);
    if (!service) return FALSE;
    /* The state kept across sessions of the prefix is the start type
     * (docs/behaviour.md, "Online and offline").  The stand-in sets it itself when
     * it is started or stopped, but a service that is stopped already hears
     * nothing: offline is set first, online once the service runs. */
    if (!start && !change_start_type(service, SERVICE_DEMAND_START))
    {
        CloseServiceHandle(service);
        return FALSE;
    }
    if (!QueryServiceStatus(service, &status)) status.dwCurrentState = 0;
    if (status.dwCurrentState != wanted)
    {
        asked = start ? StartServiceW(service, 0, NULL) : ControlService(service, SERVICE_CONTROL_STOP, &status);
        if (!asked && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING
                && GetLastError() != ERROR_SERVICE_NOT_ACTIVE && GetLastError() != ERROR_SERVICE_CANNOT_ACCEPT_CTRL)
        {
            CloseServiceHandle(service);
            return FALSE;
        }
    }
    for (waited = 0; waited <= SERVICE_WAIT_MS; waited += 200)
    {
        if (QueryServiceStatus(service, &status) && (status.dwCurrentState == wanted
                || (start && status.dwCurrentState == SERVICE_STOPPED && waited)))
            break;
        Sleep(200);
    }
    *final_state = status.dwCurrentState;
    if (status.dwCurrentState == wanted && start && !change_start_type(service, SERVICE_AUTO_START))
        *final_state = 0;
    CloseServiceHandle(service);
    return *final_state == wanted;
}

/* Sets (1) or removes (0) the "Directory Offline" mark. */
static LONG set_offline_mark(BOOL offline)
{
    DWORD one = 1;
    HKEY key;
    LONG error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key);

    if (error) return error;
    if (offline) error = RegSetValueExW(key, NTDS_VALUE_OFFLINE, 0, REG_DWORD, (const BYTE *)&one, sizeof(one));
    else if ((error = RegDeleteValueW(key, NTDS_VALUE_OFFLINE)) == ERROR_FILE_NOT_FOUND) error = ERROR_SUCCESS;
    RegCloseKey(key);
    return error;
}

/* What the DLL now says, against what was wanted: the exit code. */
static int confirm(BOOL want_online)
{
    BOOL online = !want_online;
    HRESULT hr = DsIsNTDSOnlineW(NULL, &online);

    if (hr)
    {
        report(hr, "DsIsNTDSOnlineW failed");
        return EXIT_FAILED;
    }
    print("directory service: %s\n", online ? "online" : "offline");
    if (online == want_online) return EXIT_OK;
    print_error_line("dsbackup: the directory is still %s ('dsbackup status' says why)\n",
                     online ? "online" : "offline");
    return EXIT_FAILED;
}

/* Whether the registry says a restore is registered.  Only a first answer, to
 * refuse early with a clear message: the stand-in itself also honours the DLL's
 * journal of a registration whose key a Wine crash lost, and refuses to start. */
static BOOL restore_key_exists(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

/* Stops the service, or marks the directory offline where there is none. */
static int switch_directory(BOOL online)
{
    struct ntds_service service;
    DWORD state;
    LONG error;

    query_ntds_service(&service);
    if (!service.known)
    {
        report_sys((HRESULT)service.error, "cannot query the service NTDS");
        return EXIT_FAILED;
    }
    if (service.registered)
    {
        if (!drive_service(online, &state))
        {
            report_sys((HRESULT)GetLastError(), "the NTDS service did not %s (it is %s)", online ? "start" : "stop",
                       state ? service_state_name(state) : "in an unknown state");
            return EXIT_FAILED;
        }
        print("%s the NTDS service\n", online ? "started" : "stopped");
    }
    else
    {
        if ((error = set_offline_mark(!online)))
        {
            report_sys((HRESULT)error, "cannot %s HKLM\\%s\\%s", online ? "remove" : "set",
                       u8(NTDS_PARAMETERS_KEY), u8(NTDS_VALUE_OFFLINE));
            return EXIT_FAILED;
        }
        if (online) print("no NTDS service is registered: removed the mark '%s'\n", u8(NTDS_VALUE_OFFLINE));
        else print("no NTDS service is registered: marked the directory offline ('%s' = 1)\n",
                   u8(NTDS_VALUE_OFFLINE));
    }
    return confirm(online);
}

int cmd_offline(int argc, WCHAR **argv)
{
    int code = no_arguments(argc, argv, offline_help, "offline");

    return code == ARGUMENTS_OK ? switch_directory(FALSE) : code;
}

int cmd_online(int argc, WCHAR **argv)
{
    int code = no_arguments(argc, argv, online_help, "online");

    if (code != ARGUMENTS_OK) return code;
    if (restore_key_exists())
    {
        report(hrRestoreInProgress, "the directory stays offline: a restore is registered and not completed "
               "('dsbackup status' shows it); run the restore again to complete it");
        return EXIT_FAILED;
    }
    return switch_directory(TRUE);
}
