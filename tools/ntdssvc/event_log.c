/*
 * What ntdssvc reports, and where (ntdssvc.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "ntdssvc.h"
#include "errors.h"

#define LOG_NAME L"ntdssvc.log"

WCHAR exe_path[PATH_CCH];

const char *narrow(const WCHAR *path, UINT codepage, char *buffer, int size)
{
    if (!WideCharToMultiByte(codepage, 0, path, -1, buffer, size, NULL, NULL))
    {
        buffer[size - 1] = 0;      /* truncated (or unconvertible): keep what fits */
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) snprintf(buffer, size, "(unprintable name)");
    }
    return buffer;
}

void print_win32_error(const char *what, DWORD error)
{
    char text[512] = "";
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             error, 0, text, sizeof(text), NULL);

    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' ')) text[--n] = 0;
    fprintf(stderr, "ntdssvc: %s: error %lu%s%s\n", what, (unsigned long)error, n ? ": " : "", text);
}

static void report_to_event_log(WORD type, DWORD code, const char *line)
{
    WCHAR text[4 * PATH_CCH];
    const WCHAR *strings[1] = {text};
    HANDLE source = RegisterEventSourceW(NULL, NTDS_SERVICE_NAME);

    if (!source) return;
    if (MultiByteToWideChar(CP_UTF8, 0, line, -1, text, ARRAYSIZE(text)))
        ReportEventW(source, type, 0, code, NULL, 1, 0, strings, NULL);
    DeregisterEventSource(source);
}

static void append_to_log_file(const char *line, DWORD size)
{
    WCHAR path[PATH_CCH + 16], *slash;
    DWORD written;
    HANDLE file;

    wcscpy(path, exe_path);
    if (!(slash = wcsrchr(path, '\\'))) return;
    wcscpy(slash + 1, LOG_NAME);
    file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return;
    WriteFile(file, line, size, &written, NULL);
    CloseHandle(file);
}

void log_event(WORD type, DWORD code, const char *format, ...)
{
    char text[3 * PATH_CCH + 256], line[sizeof(text) + 256];
    const char *kind = type == EVENTLOG_ERROR_TYPE ? "Error" : type == EVENTLOG_WARNING_TYPE ? "Warning" : "Information";
    SYSTEMTIME t;
    va_list args;
    int n;

    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    GetLocalTime(&t);
    if (code)
        n = snprintf(line, sizeof(line), "%04u-%02u-%02u %02u:%02u:%02u NTDS %s 0x%08lX %s: %s (%s)\r\n",
                     t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, kind, (unsigned long)code,
                     hresult_name((HRESULT)code), text, hresult_meaning((HRESULT)code));
    else
        n = snprintf(line, sizeof(line), "%04u-%02u-%02u %02u:%02u:%02u NTDS %s: %s\r\n",
                     t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, kind, text);
    if (n < 0) return;
    if (n >= (int)sizeof(line)) n = (int)sizeof(line) - 1;
    fputs(line, stderr);
    fflush(stderr);
    report_to_event_log(type, code, line);
    append_to_log_file(line, (DWORD)n);
}
