/*
 * ntdssvc: a stand-in for the directory service, for backups and restores under
 * Wine without a domain controller.
 *
 * It is a Windows service named NTDS that does what matters to a backup client:
 * it refuses to start while a restore is registered, and while it runs it holds
 * the directory database (and the current log, edb.log) open the way the real
 * database engine does, so that the files cannot be deleted, renamed or replaced
 * underneath it.  It never reads or writes their contents.
 *
 * Register it, as an administrator, from the place the executable will stay
 * (the service runs this very file):
 *
 *     ntdssvc.exe install        (= sc create NTDS binPath= "\"<full path>\ntdssvc.exe\""
 *                                     type= own start= demand
 *                                     DisplayName= "Active Directory Domain Services (ntdsbcli stand-in)")
 *     net start NTDS             (or: sc start NTDS)
 *     net stop NTDS              (or: sc stop NTDS)
 *     ntdssvc.exe uninstall      (stops it if running, then deletes it)
 *
 * Under Wine: wine 'C:\ntds\ntdssvc.exe' install, then wine net start NTDS.
 *
 * Online lasts until the directory is taken offline, as on a domain controller:
 * once it runs the service sets its own start type to automatic, so that Wine
 * starts it again with every session of the prefix (Wine ends a prefix's
 * services with its last program), and an administrator's stop (net stop,
 * dsbackup offline) sets it back to demand start.  The end of a session changes
 * nothing.  While its service thread runs it keeps the named event of
 * ntds_layout.h (NTDS_RUNNING_EVENT_NAME), signalled while the database is held:
 * the DLL asks that instead of the service manager.
 *
 * Configuration, read at each start, by the rule the DLL and dsbackup apply too
 * (common/config_path.h):
 *   HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters
 *       "DSA Database file"        REG_SZ or REG_EXPAND_SZ, absolute path of ntds.dit
 *       "Database log files path"  REG_SZ or REG_EXPAND_SZ, absolute folder of edb.log
 *   HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress
 *       if this key (or the DLL's journal of it) exists, the service refuses to start.
 * A refused start ends in SERVICE_STOPPED with dwWin32ExitCode =
 * ERROR_SERVICE_SPECIFIC_ERROR and dwServiceSpecificExitCode =
 *   hrRestoreInProgress  a restore is registered;
 *   hrCouldNotConnect    the database is not configured (a value missing, or naming no
 *                        path by the rule: empty, not a string, not absolute, too
 *                        long), or a file exists but cannot be opened;
 *   hrFileNotFound       the database file or the log folder does not exist.
 * Each start, refusal and stop is reported as one event-log-style line on stderr, to
 * the event log (ReportEventW, source "NTDS") and appended to ntdssvc.log next to the
 * executable.
 *
 * Note: deleting the service (uninstall, sc delete) removes its whole registry key,
 * Services\NTDS, and with it Parameters and Restore In Progress, on Windows and Wine;
 * uninstall keeps the Parameters.
 *
 * One file per part: main.c (the command line), service.c (the running service),
 * install.c (install and uninstall), event_log.c (what it reports and where).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSSVC_H
#define NTDSSVC_H

#include <windows.h>
#include "ntdsbmsg.h"
#include "ntds_layout.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* Paths this program handles, in WCHARs, terminator included. */
#define PATH_CCH 1024

/* This program's full path, set by main. */
extern WCHAR exe_path[PATH_CCH];

/* One event-log-style line: "2026-01-31 12:00:00 NTDS Error 0xC7FF0004
 * hrRestoreInProgress: <text> (<meaning>)", to stderr, to the event log and to
 * ntdssvc.log beside the executable.  CODE 0 gives no code part. */
void log_event(WORD type, DWORD code, const char *format, ...) __attribute__((format(printf, 3, 4)));
/* "ntdssvc: WHAT: error N: <system's text>" on stderr. */
void print_win32_error(const char *what, DWORD error);
/* A path for the console (ANSI code page) or a log line (UTF-8); never fails,
 * the result may be truncated. */
const char *narrow(const WCHAR *path, UINT codepage, char *buffer, int size);
#define CON(path, buffer) narrow((path), CP_ACP, (buffer), (int)sizeof(buffer))

/* The service: runs it, as the service control manager asks (service.c). */
int run_service(void);
/* A restore is registered (the key, or the DLL's journal of it). */
BOOL restore_registered(void);

/* install.c */
int install_service(void);
int uninstall_service(void);

#endif
