/*
 * ntdssvc - a minimal stand-in for the directory service, for testing backups
 * against a "running" domain controller without one.
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
 * Configuration, read at each start (as docs/behaviour.md describes for the DLL):
 *   HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters
 *       "DSA Database file"        REG_SZ or REG_EXPAND_SZ, absolute path of ntds.dit
 *       "Database log files path"  REG_SZ or REG_EXPAND_SZ, absolute folder of edb.log
 *   HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress
 *       if this key exists, the service refuses to start.
 * A refused start ends in SERVICE_STOPPED with dwWin32ExitCode =
 * ERROR_SERVICE_SPECIFIC_ERROR and dwServiceSpecificExitCode =
 *   hrRestoreInProgress  a restore is registered;
 *   hrCouldNotConnect    the database is not configured (a value missing, empty, not
 *                        absolute), or a file exists but cannot be opened;
 *   hrFileNotFound       the database file or the log folder does not exist.
 * Each start, refusal and stop is reported as one event-log-style line on stderr, to
 * the event log (ReportEventW, source "NTDS") and appended to ntdssvc.log next to the
 * executable.
 *
 * Note: deleting the service (uninstall, sc delete) removes its whole registry key,
 * Services\NTDS, and with it Parameters and Restore In Progress, on Windows and Wine.
 *
 * Builds on its own:
 *   x86_64-w64-mingw32-gcc -std=gnu11 -O2 -Wall -Wextra -Iinclude -Icommon \
 *       -o build/x86_64/ntdssvc.exe tools/ntdssvc.c -static -ladvapi32
 * or with the Makefile's rule for tools (which also links common/errors.c; nothing here
 * clashes with it: every function is static).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <wchar.h>

#include "ntdsbmsg.h"
#include "ntds_layout.h"
#include "restore_journal_path.h"

#define SVC_DISPLAY   L"Active Directory Domain Services (ntdsbcli stand-in)"
#define SVC_DESCRIPTION L"Stand-in for the directory service: holds the directory database " \
                        L"open as the database engine does. Not a domain controller."
#define LOG_NAME      L"ntdssvc.log"

#define PATH_CCH 1024               /* paths we handle, in WCHARs, terminator included */
#define STOP_TIMEOUT_MS 20000       /* uninstall waits this long for the service to stop */

#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* ---- messages --------------------------------------------------------------------- */

static const char *code_name(DWORD code)
{
    switch (code) {
    case (DWORD)hrRestoreInProgress: return "hrRestoreInProgress";
    case (DWORD)hrCouldNotConnect:   return "hrCouldNotConnect";
    case (DWORD)hrFileNotFound:      return "hrFileNotFound";
    default:                         return "unknown code";
    }
}

static const char *code_meaning(DWORD code)
{
    switch (code) {
    case (DWORD)hrRestoreInProgress:
        return "a restore of the directory is in progress; the service does not start until it is done";
    case (DWORD)hrCouldNotConnect:
        return "the directory database is not configured or cannot be opened";
    case (DWORD)hrFileNotFound:
        return "a file of the directory database does not exist";
    default:
        return "";
    }
}

/* Converts a wide string for output; never fails (the result may be truncated). */
static const char *narrow(const WCHAR *w, UINT codepage, char *buf, int size)
{
    if (WideCharToMultiByte(codepage, 0, w, -1, buf, size, NULL, NULL) == 0) {
        buf[size - 1] = 0;      /* truncated (or unconvertible): keep what fits */
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER)
            snprintf(buf, size, "(unprintable name)");
    }
    return buf;
}

/* A path for the console. */
#define CON(w, buf) narrow((w), CP_ACP, (buf), (int)sizeof(buf))

static void print_win32_error(const char *what, DWORD err)
{
    char text[512] = "";
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             err, 0, text, sizeof(text), NULL);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = 0;
    fprintf(stderr, "ntdssvc: %s: error %lu%s%s\n", what, (unsigned long)err,
            n ? ": " : "", text);
}

/* ---- the event-log-style journal of the service --------------------------------------- */

static WCHAR exe_path[PATH_CCH];

static BOOL get_exe_path(void)
{
    DWORD n = GetModuleFileNameW(NULL, exe_path, PATH_CCH);
    return n > 0 && n < PATH_CCH;
}

/* One line: "2026-01-31 12:00:00 NTDS Error 0xC7FF0004 hrRestoreInProgress: <text> (<meaning>)",
 * to stderr, to the event log and appended to ntdssvc.log beside the executable. */
static void journal(WORD type, DWORD code, const char *fmt, ...)
{
    char text[3 * PATH_CCH + 256], line[sizeof(text) + 128];
    va_list ap;
    SYSTEMTIME t;
    const char *kind = type == EVENTLOG_ERROR_TYPE ? "Error"
                     : type == EVENTLOG_WARNING_TYPE ? "Warning" : "Information";
    int n;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    GetLocalTime(&t);
    if (code)
        n = snprintf(line, sizeof(line), "%04u-%02u-%02u %02u:%02u:%02u NTDS %s 0x%08lX %s: %s (%s)\r\n",
                     t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, kind,
                     (unsigned long)code, code_name(code), text, code_meaning(code));
    else
        n = snprintf(line, sizeof(line), "%04u-%02u-%02u %02u:%02u:%02u NTDS %s: %s\r\n",
                     t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, kind, text);
    if (n < 0)
        return;
    if (n >= (int)sizeof(line))
        n = (int)sizeof(line) - 1;

    fputs(line, stderr);
    fflush(stderr);

    HANDLE source = RegisterEventSourceW(NULL, NTDS_SERVICE_NAME);
    if (source) {
        WCHAR wtext[sizeof(line)];
        const WCHAR *strings[1] = { wtext };
        if (MultiByteToWideChar(CP_UTF8, 0, line, -1, wtext, (int)(sizeof(wtext) / sizeof(WCHAR))))
            ReportEventW(source, type, 0, code, NULL, 1, 0, strings, NULL);
        DeregisterEventSource(source);
    }

    WCHAR log_path[PATH_CCH + 16];
    wcscpy(log_path, exe_path);
    WCHAR *slash = wcsrchr(log_path, L'\\');
    if (!slash)
        return;
    wcscpy(slash + 1, LOG_NAME);
    HANDLE f = CreateFileW(log_path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE
                           | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f != INVALID_HANDLE_VALUE) {
        DWORD written;
        WriteFile(f, line, (DWORD)n, &written, NULL);
        CloseHandle(f);
    }
}

/* ---- the service ----------------------------------------------------------------------- */

static SERVICE_STATUS_HANDLE status_handle;
static HANDLE stop_event;
static LONG checkpoint;
static LONG stopped_by_administrator;   /* SERVICE_CONTROL_STOP, not a shutdown */

static void report(DWORD state, DWORD win32_exit, DWORD specific_exit, DWORD wait_hint)
{
    SERVICE_STATUS s;

    memset(&s, 0, sizeof(s));
    s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    s.dwCurrentState = state;
    s.dwControlsAccepted = state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    s.dwWin32ExitCode = win32_exit;
    s.dwServiceSpecificExitCode = specific_exit;
    s.dwCheckPoint = state == SERVICE_RUNNING || state == SERVICE_STOPPED
                     ? 0 : (DWORD)InterlockedIncrement(&checkpoint);
    s.dwWaitHint = wait_hint;
    SetServiceStatus(status_handle, &s);
}

static DWORD WINAPI control_handler(DWORD control, DWORD event_type, LPVOID event_data,
                                    LPVOID context)
{
    (void)event_type; (void)event_data; (void)context;
    switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
        if (control == SERVICE_CONTROL_STOP)
            InterlockedExchange(&stopped_by_administrator, 1);
        report(SERVICE_STOP_PENDING, NO_ERROR, 0, 5000);
        SetEvent(stop_event);
        return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
        return NO_ERROR;
    default:
        return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

static BOOL is_absolute(const WCHAR *p)
{
    return (((p[0] | 0x20) >= L'a' && (p[0] | 0x20) <= L'z') && p[1] == L':' && p[2] == L'\\')
           || (p[0] == L'\\' && p[1] == L'\\' && p[2] != 0);
}

/* Reads a REG_SZ / REG_EXPAND_SZ path; FALSE if missing, empty, too long or relative. */
static BOOL read_path(HKEY key, const WCHAR *name, WCHAR *out)
{
    WCHAR raw[PATH_CCH];
    DWORD type, cb = sizeof(raw) - sizeof(WCHAR);

    if (RegQueryValueExW(key, name, NULL, &type, (BYTE *)raw, &cb) != ERROR_SUCCESS)
        return FALSE;
    if (type != REG_SZ && type != REG_EXPAND_SZ)
        return FALSE;
    raw[cb / sizeof(WCHAR)] = 0;
    if (type == REG_EXPAND_SZ) {
        DWORD n = ExpandEnvironmentStringsW(raw, out, PATH_CCH);
        if (n == 0 || n > PATH_CCH)
            return FALSE;
    } else {
        wcscpy(out, raw);
    }
    return out[0] != 0 && is_absolute(out);
}

struct held {
    HANDLE db, log;
    WCHAR db_path[PATH_CCH], log_path[PATH_CCH + 16];
};

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

/* S_OK with the files held, or the code to stop with (after writing why). */
static HRESULT open_database(struct held *h)
{
    char a[3 * PATH_CCH];
    HKEY key;
    LONG rc;
    DWORD err;

    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_QUERY_VALUE, &key);
    if (rc == ERROR_SUCCESS || restore_journal_exists()) {
        if (rc == ERROR_SUCCESS) RegCloseKey(key);
        journal(EVENTLOG_ERROR_TYPE, (DWORD)hrRestoreInProgress,
                "the key HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress "
                "exists: a restore is registered; not starting");
        return hrRestoreInProgress;
    }
    if (rc != ERROR_FILE_NOT_FOUND && rc != ERROR_PATH_NOT_FOUND) {
        /* Cannot tell whether a restore is registered: do not risk starting. */
        journal(EVENTLOG_ERROR_TYPE, (DWORD)hrRestoreInProgress,
                "cannot read HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress "
                "(error %ld); not starting", (long)rc);
        return hrRestoreInProgress;
    }

    WCHAR log_dir[PATH_CCH];
    rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_QUERY_VALUE, &key);
    if (rc != ERROR_SUCCESS) {
        journal(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect,
                "the directory database is not configured: cannot open "
                "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters (error %ld)", (long)rc);
        return hrCouldNotConnect;
    }
    BOOL db_ok = read_path(key, NTDS_VALUE_DATABASE_FILE, h->db_path);
    BOOL log_ok = read_path(key, NTDS_VALUE_LOG_DIR, log_dir);
    RegCloseKey(key);
    if (!db_ok || !log_ok) {
        journal(EVENTLOG_ERROR_TYPE, (DWORD)hrCouldNotConnect,
                "the directory database is not configured: Parameters value \"%s\" is missing, "
                "empty, not a string or not an absolute path",
                !db_ok ? "DSA Database file" : "Database log files path");
        return hrCouldNotConnect;
    }

    h->db = hold(h->db_path);
    if (h->db == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        HRESULT hr = err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND
                     ? hrFileNotFound : hrCouldNotConnect;
        journal(EVENTLOG_ERROR_TYPE, (DWORD)hr, "cannot open the database %s (error %lu)",
                narrow(h->db_path, CP_UTF8, a, sizeof(a)), (unsigned long)err);
        return hr;
    }

    size_t len = wcslen(log_dir);
    if (len > 3 && log_dir[len - 1] == L'\\')
        log_dir[--len] = 0;
    wcscpy(h->log_path, log_dir);
    if (h->log_path[len - 1] != L'\\')
        wcscat(h->log_path, L"\\");
    wcscat(h->log_path, NTDS_CURRENT_LOG_NAME);
    h->log = hold(h->log_path);
    if (h->log == INVALID_HANDLE_VALUE) {
        err = GetLastError();
        if (err != ERROR_FILE_NOT_FOUND) {  /* no current log yet is fine; no folder is not */
            HRESULT hr = err == ERROR_PATH_NOT_FOUND ? hrFileNotFound : hrCouldNotConnect;
            journal(EVENTLOG_ERROR_TYPE, (DWORD)hr, "cannot open the current log %s (error %lu)",
                    narrow(h->log_path, CP_UTF8, a, sizeof(a)), (unsigned long)err);
            CloseHandle(h->db);
            h->db = INVALID_HANDLE_VALUE;
            return hr;
        }
    }
    return S_OK;
}

/* The administrator's word, kept where it outlasts this process: the service's
 * start type.  Under Wine a prefix's services end with its last program, and
 * services that start automatically are started again with its next one; so
 * "online" is automatic start, and "taken offline" is demand start
 * (docs/behaviour.md, "Online and offline").  A shutdown of the session is
 * neither: it changes nothing. */
static void keep_start_type(DWORD start_type)
{
    SC_HANDLE scm, svc = NULL;
    BOOL done = FALSE;

    if ((scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))
            && (svc = OpenServiceW(scm, NTDS_SERVICE_NAME, SERVICE_CHANGE_CONFIG)))
        done = ChangeServiceConfigW(svc, SERVICE_NO_CHANGE, start_type, SERVICE_NO_CHANGE,
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if (!done)
        journal(EVENTLOG_WARNING_TYPE, 0, "cannot set the start type to %s (error %lu): the directory may "
                "not be %s in the next session of this prefix",
                start_type == SERVICE_AUTO_START ? "automatic" : "demand", (unsigned long)GetLastError(),
                start_type == SERVICE_AUTO_START ? "online" : "offline");
    if (svc)
        CloseServiceHandle(svc);
    if (scm)
        CloseServiceHandle(scm);
}

static void WINAPI service_main(DWORD argc, LPWSTR *argv)
{
    static struct held h;
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    HANDLE running;
    HRESULT hr;

    (void)argc; (void)argv;
    /* Exists, not signalled, from now until this thread is done with the database
     * (common/ntds_layout.h): the DLL then waits rather than calling it stopped. */
    running = CreateEventW(NULL, TRUE, FALSE, NTDS_RUNNING_EVENT_NAME);
    stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    status_handle = RegisterServiceCtrlHandlerExW(NTDS_SERVICE_NAME, control_handler, NULL);
    if (!status_handle || !stop_event || !running) {
        journal(EVENTLOG_ERROR_TYPE, 0, "cannot register with the service control manager (error %lu)",
                (unsigned long)GetLastError());
        if (running)
            CloseHandle(running);
        return;
    }
    report(SERVICE_START_PENDING, NO_ERROR, 0, 5000);

    h.db = h.log = INVALID_HANDLE_VALUE;
    hr = open_database(&h);
    if (hr != S_OK) {
        CloseHandle(running);
        report(SERVICE_STOPPED, ERROR_SERVICE_SPECIFIC_ERROR, (DWORD)hr, 0);
        return;
    }
    journal(EVENTLOG_INFORMATION_TYPE, 0, "started; holding %s and %s", narrow(h.db_path, CP_UTF8, a, sizeof(a)),
            h.log != INVALID_HANDLE_VALUE ? narrow(h.log_path, CP_UTF8, b, sizeof(b)) : "(no edb.log)");
    SetEvent(running);
    report(SERVICE_RUNNING, NO_ERROR, 0, 0);
    keep_start_type(SERVICE_AUTO_START);

    WaitForSingleObject(stop_event, INFINITE);

    ResetEvent(running);
    if (h.log != INVALID_HANDLE_VALUE)
        CloseHandle(h.log);
    CloseHandle(h.db);
    if (stopped_by_administrator)
        keep_start_type(SERVICE_DEMAND_START);
    CloseHandle(running);
    journal(EVENTLOG_INFORMATION_TYPE, 0, "stopped; the database is released%s",
            stopped_by_administrator ? "; the directory stays offline until it is started again" : "");
    report(SERVICE_STOPPED, NO_ERROR, 0, 0);
}

static int run_service(void)
{
    static WCHAR name[] = NTDS_SERVICE_NAME;
    SERVICE_TABLE_ENTRYW table[] = { { name, service_main }, { NULL, NULL } };

    if (!StartServiceCtrlDispatcherW(table)) {
        DWORD err = GetLastError();
        if (err == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
            fprintf(stderr, "ntdssvc: this is the NTDS service; it runs when the service control "
                    "manager starts it (net start NTDS).\nntdssvc: see ntdssvc --help\n");
        else
            print_win32_error("StartServiceCtrlDispatcher", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

/* ---- install / uninstall ----------------------------------------------------------- */

/* The binary path as the SCM is given it: the full path, quoted. */
static void quoted_exe(WCHAR *out)
{
    out[0] = L'"';
    wcscpy(out + 1, exe_path);
    wcscat(out, L"\"");
}

/* Is the registered binary path this program (quoted or not, any case)? */
static BOOL same_binary(const WCHAR *registered)
{
    WCHAR q[PATH_CCH + 2];
    quoted_exe(q);
    return registered && (!_wcsicmp(registered, q) || !_wcsicmp(registered, exe_path));
}

/* The registered binary path of an open service, allocated with LocalAlloc. */
static QUERY_SERVICE_CONFIGW *service_config(SC_HANDLE svc)
{
    DWORD needed = 0;
    QUERY_SERVICE_CONFIGW *cfg;

    if (QueryServiceConfigW(svc, NULL, 0, &needed) || GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return NULL;
    cfg = LocalAlloc(LMEM_FIXED, needed);
    if (cfg && !QueryServiceConfigW(svc, cfg, needed, &needed)) {
        LocalFree(cfg);
        cfg = NULL;
    }
    return cfg;
}

static int install(void)
{
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    WCHAR bin[PATH_CCH + 2];
    SC_HANDLE scm, svc;
    int ret = EXIT_FAIL;

    quoted_exe(bin);
    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE);
    if (!scm) {
        print_win32_error("cannot open the service control manager", GetLastError());
        return EXIT_FAIL;
    }
    svc = CreateServiceW(scm, NTDS_SERVICE_NAME, SVC_DISPLAY, SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG,
                         SERVICE_WIN32_OWN_PROCESS, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                         bin, NULL, NULL, NULL, NULL /* LocalSystem */, NULL);
    if (svc) {
        SERVICE_DESCRIPTIONW d;
        static WCHAR description[] = SVC_DESCRIPTION;
        d.lpDescription = description;
        ChangeServiceConfig2W(svc, SERVICE_CONFIG_DESCRIPTION, &d);   /* cosmetic */
        printf("installed service NTDS (\"%s\"), demand start, binary path %s\n",
               CON(SVC_DISPLAY, b), CON(bin, a));
        ret = EXIT_OK;
    } else if (GetLastError() == ERROR_SERVICE_EXISTS) {
        svc = OpenServiceW(scm, NTDS_SERVICE_NAME, SERVICE_QUERY_CONFIG);
        QUERY_SERVICE_CONFIGW *cfg = svc ? service_config(svc) : NULL;
        if (!cfg) {
            print_win32_error("a service NTDS exists, but its configuration cannot be read",
                              GetLastError());
        } else if (same_binary(cfg->lpBinaryPathName)) {
            printf("service NTDS is already installed with binary path %s: nothing to do\n",
                   CON(cfg->lpBinaryPathName, a));
            ret = EXIT_OK;
        } else {
            fprintf(stderr, "ntdssvc: a service NTDS already exists with binary path %s, not %s: "
                    "left as it is (uninstall it with the program it names first)\n",
                    CON(cfg->lpBinaryPathName ? cfg->lpBinaryPathName : L"(none)", a), CON(bin, b));
        }
        LocalFree(cfg);
    } else {
        print_win32_error("cannot create the service NTDS", GetLastError());
    }
    if (svc)
        CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return ret;
}

static DWORD current_state(SC_HANDLE svc)
{
    SERVICE_STATUS_PROCESS s;
    DWORD needed;

    if (!QueryServiceStatusEx(svc, SC_STATUS_PROCESS_INFO, (BYTE *)&s, sizeof(s), &needed))
        return 0;
    return s.dwCurrentState;
}

#define SAVED_PARAMS_KEY   L"SOFTWARE\\ntdsbcli\\NTDS Parameters (kept while the service is removed)"
#define SAVED_PARAMS_KEY_A "SOFTWARE\\ntdsbcli\\NTDS Parameters (kept while the service is removed)"

static BOOL restore_in_progress(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_QUERY_VALUE, &key)) return restore_journal_exists();
    RegCloseKey(key);
    return TRUE;
}

/* Copies ...\NTDS\Parameters aside (TRUE also when there is nothing to copy). */
static BOOL save_parameters(void)
{
    HKEY from, to;
    LONG rc;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_READ, &from)) return TRUE;
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, SAVED_PARAMS_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
    if (!rc) {
        rc = RegCopyTreeW(from, NULL, to);
        RegCloseKey(to);
    }
    RegCloseKey(from);
    SetLastError(rc);
    return !rc;
}

/* Puts the copy back once the service's key is gone, then drops the copy. */
static BOOL restore_parameters(void)
{
    HKEY from, to, probe;
    LONG rc;
    int i;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, SAVED_PARAMS_KEY, 0, KEY_READ, &from)) return TRUE;
    /* The SCM removes the key when the last handle to the service closes. */
    for (i = 0; i < 50 && !RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, 0, KEY_READ, &probe); i++) {
        RegCloseKey(probe);
        Sleep(100);
    }
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &to, NULL);
    if (!rc) {
        rc = RegCopyTreeW(from, NULL, to);
        RegCloseKey(to);
    }
    RegCloseKey(from);
    if (!rc) {
        RegDeleteTreeW(HKEY_LOCAL_MACHINE, SAVED_PARAMS_KEY);
        RegDeleteKeyW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\ntdsbcli");   /* only if now empty */
    }
    SetLastError(rc);
    return !rc;
}

/* Stops the service: waits out a pending start or stop, asks a running service to
 * stop.  FALSE (said on stderr) if it cannot be asked or does not stop in time. */
static BOOL stop_and_wait(SC_HANDLE svc)
{
    DWORD start = GetTickCount(), state;
    BOOL asked = FALSE, was_running = FALSE;

    while ((state = current_state(svc)) != SERVICE_STOPPED) {
        if (state == 0) {
            print_win32_error("cannot query the service NTDS", GetLastError());
            return FALSE;
        }
        if (GetTickCount() - start >= STOP_TIMEOUT_MS) {
            fprintf(stderr, "ntdssvc: the service NTDS did not stop within %d s; not deleted\n",
                    STOP_TIMEOUT_MS / 1000);
            return FALSE;
        }
        was_running = TRUE;
        if (!asked && state != SERVICE_START_PENDING && state != SERVICE_STOP_PENDING) {
            SERVICE_STATUS s;
            if (ControlService(svc, SERVICE_CONTROL_STOP, &s))
                asked = TRUE;
            else if (GetLastError() != ERROR_SERVICE_NOT_ACTIVE
                     && GetLastError() != ERROR_SERVICE_CANNOT_ACCEPT_CTRL) {
                print_win32_error("cannot stop the service NTDS", GetLastError());
                return FALSE;
            }
        }
        Sleep(100);
    }
    if (was_running)
        printf("stopped service NTDS\n");
    return TRUE;
}

static int uninstall(void)
{
    char a[3 * PATH_CCH], b[3 * PATH_CCH];
    WCHAR bin[PATH_CCH + 2];
    SC_HANDLE scm, svc;
    int ret = EXIT_FAIL;

    scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
    if (!scm) {
        print_win32_error("cannot open the service control manager", GetLastError());
        return EXIT_FAIL;
    }
    svc = OpenServiceW(scm, NTDS_SERVICE_NAME, SERVICE_QUERY_CONFIG | SERVICE_QUERY_STATUS | SERVICE_STOP | DELETE);
    if (!svc) {
        DWORD err = GetLastError();
        if (err == ERROR_SERVICE_DOES_NOT_EXIST) {
            printf("service NTDS is not installed: nothing to do\n");
            ret = EXIT_OK;
        } else {
            print_win32_error("cannot open the service NTDS", err);
        }
        CloseServiceHandle(scm);
        return ret;
    }

    /* Never remove a service NTDS that is not this program (a real directory service). */
    QUERY_SERVICE_CONFIGW *cfg = service_config(svc);
    if (!cfg) {
        print_win32_error("cannot read the configuration of the service NTDS", GetLastError());
        goto done;
    }
    if (!same_binary(cfg->lpBinaryPathName)) {
        quoted_exe(bin);
        fprintf(stderr, "ntdssvc: the service NTDS runs %s, not %s: left as it is\n",
                CON(cfg->lpBinaryPathName ? cfg->lpBinaryPathName : L"(none)", a), CON(bin, b));
        LocalFree(cfg);
        goto done;
    }
    LocalFree(cfg);

    if (!stop_and_wait(svc)) goto done;
    /* Deleting a service deletes its whole key.  A registered restore must never be
     * lost that way (the directory would start on what is there), and the database
     * configuration is the administrator's, not the service's: keep both. */
    if (restore_in_progress()) {
        fprintf(stderr, "ntdssvc: a restore is registered (...\\NTDS\\Restore In Progress): "
                        "the service is not removed until it completes\n");
        goto done;
    }
    if (!save_parameters()) {
        print_win32_error("cannot keep a copy of ...\\NTDS\\Parameters; the service is not removed",
                          GetLastError());
        goto done;
    }
    if (!DeleteService(svc) && GetLastError() != ERROR_SERVICE_MARKED_FOR_DELETE) {
        print_win32_error("cannot delete the service NTDS", GetLastError());
        restore_parameters();
        goto done;
    }
    CloseServiceHandle(svc);
    svc = NULL;
    if (!restore_parameters()) {
        print_win32_error("the service is removed, but ...\\NTDS\\Parameters could not be put back; "
                          "a copy is in HKLM\\" SAVED_PARAMS_KEY_A, GetLastError());
        goto done;
    }
    printf("removed service NTDS (the database configuration in ...\\NTDS\\Parameters is kept)\n");
    ret = EXIT_OK;
done:
    if (svc) CloseServiceHandle(svc);
    CloseServiceHandle(scm);
    return ret;
}

/* ---- main ----------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: ntdssvc install      register the service NTDS (demand start) to run this program\n"
          "       ntdssvc uninstall    stop the service if it runs, and delete it\n"
          "       ntdssvc [service]    run as the service (the service control manager does this)\n"
          "       ntdssvc --help       this text\n"
          "\n"
          "A stand-in for the directory service: while it runs it holds the database named by\n"
          "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters \"DSA Database file\" and\n"
          "<\"Database log files path\">\\edb.log open without FILE_SHARE_DELETE, so they cannot\n"
          "be deleted or replaced. It does not start while the key ...\\NTDS\\Restore In Progress\n"
          "exists. Start and stop it with: net start NTDS / net stop NTDS; once started it\n"
          "starts with every Wine session until it is stopped again.\n"
          "Exit status: 0 done, 1 failed, 2 bad usage.\n", f);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "/?"))) {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "install") && strcmp(argv[1], "uninstall")
                     && strcmp(argv[1], "service"))) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!get_exe_path()) {
        fprintf(stderr, "ntdssvc: the path of this program is too long\n");
        return EXIT_FAIL;
    }
    if (argc == 1 || !strcmp(argv[1], "service"))
        return run_service();
    return !strcmp(argv[1], "install") ? install() : uninstall();
}
