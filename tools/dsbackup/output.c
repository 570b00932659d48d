/*
 * dsbackup's console output in one place: text as UTF-8 to pipes and files and
 * as UTF-16 to a console, error reports that name every code, and the progress
 * bar (see dsbackup.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"
#include "errors.h"

/* ---- text to stdout and stderr ---------------------------------------------- */

BOOL handle_is_console(HANDLE handle)
{
    DWORD mode;
    return handle && handle != INVALID_HANDLE_VALUE && GetConsoleMode(handle, &mode);
}

static void write_text(DWORD which, const char *text, size_t length)
{
    HANDLE handle = GetStdHandle(which);
    DWORD done;

    if (!handle || handle == INVALID_HANDLE_VALUE || !length) return;
    if (handle_is_console(handle))
    {
        int n = MultiByteToWideChar(CP_UTF8, 0, text, (int)length, NULL, 0);
        WCHAR *wide = n > 0 ? malloc(n * sizeof(WCHAR)) : NULL;

        if (wide && MultiByteToWideChar(CP_UTF8, 0, text, (int)length, wide, n) == n)
        {
            WriteConsoleW(handle, wide, (DWORD)n, &done, NULL);
            free(wide);
            return;
        }
        free(wide);
    }
    while (length)
    {
        if (!WriteFile(handle, text, (DWORD)length, &done, NULL) || !done) return;
        text += done;
        length -= done;
    }
}

static void vprint_to(DWORD which, const char *format, va_list args)
{
    char small[1024], *text = small;
    va_list again;
    int n;

    va_copy(again, args);
    n = vsnprintf(small, sizeof(small), format, args);
    if (n >= 0 && (size_t)n >= sizeof(small) && (text = malloc((size_t)n + 1)))
        vsnprintf(text, (size_t)n + 1, format, again);
    va_end(again);
    if (n < 0 || !text) return;
    write_text(which, text, (size_t)n);
    if (text != small) free(text);
}

void print(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprint_to(STD_OUTPUT_HANDLE, format, args);
    va_end(args);
}

void print_error_line(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprint_to(STD_ERROR_HANDLE, format, args);
    va_end(args);
}

const char *u8(const WCHAR *s)
{
    static char *ring[4];
    static size_t ring_size[4];
    static unsigned next;
    unsigned slot = next++ % 4;
    int n;

    if (!s) return "(null)";
    n = WideCharToMultiByte(CP_UTF8, 0, s, -1, NULL, 0, NULL, NULL);
    if (n <= 0) return "?";
    if ((size_t)n > ring_size[slot])
    {
        char *grown = realloc(ring[slot], (size_t)n);
        if (!grown) return "?";
        ring[slot] = grown;
        ring_size[slot] = (size_t)n;
    }
    WideCharToMultiByte(CP_UTF8, 0, s, -1, ring[slot], n, NULL, NULL);
    return ring[slot];
}

/* A progress bar is on the console's current line: a message first ends that
 * line. */
static BOOL progress_line_open;

static void end_progress_line(void)
{
    if (progress_line_open) print("\n");
    progress_line_open = FALSE;
}

/* ---- errors: "dsbackup: <what failed>: <symbolic name> (<hex>): <meaning>" ------ */

struct code_name
{
    DWORD code;
    const char *name;
};

/* Win32 errors of the tool's own file and registry calls, which the DLL's table
 * (errors.c) does not name. */
static const struct code_name win32_names[] =
{
    {ERROR_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND"},
    {ERROR_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND"},
    {ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE"},
    {ERROR_OUTOFMEMORY, "ERROR_OUTOFMEMORY"},
    {ERROR_NOT_READY, "ERROR_NOT_READY"},
    {ERROR_CRC, "ERROR_CRC"},
    {ERROR_WRITE_FAULT, "ERROR_WRITE_FAULT"},
    {ERROR_READ_FAULT, "ERROR_READ_FAULT"},
    {ERROR_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION"},
    {ERROR_LOCK_VIOLATION, "ERROR_LOCK_VIOLATION"},
    {ERROR_HANDLE_DISK_FULL, "ERROR_HANDLE_DISK_FULL"},
    {ERROR_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED"},
    {ERROR_BAD_NETPATH, "ERROR_BAD_NETPATH"},
    {ERROR_BAD_DEV_TYPE, "ERROR_BAD_DEV_TYPE"},
    {ERROR_BAD_NET_NAME, "ERROR_BAD_NET_NAME"},
    {ERROR_FILE_EXISTS, "ERROR_FILE_EXISTS"},
    {ERROR_CANNOT_MAKE, "ERROR_CANNOT_MAKE"},
    {ERROR_DISK_FULL, "ERROR_DISK_FULL"},
    {ERROR_INVALID_NAME, "ERROR_INVALID_NAME"},
    {ERROR_DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY"},
    {ERROR_BAD_PATHNAME, "ERROR_BAD_PATHNAME"},
    {ERROR_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS"},
    {ERROR_FILENAME_EXCED_RANGE, "ERROR_FILENAME_EXCED_RANGE"},
    {ERROR_DIRECTORY, "ERROR_DIRECTORY"},
    {ERROR_INVALID_DATA, "ERROR_INVALID_DATA"},
    {ERROR_MORE_DATA, "ERROR_MORE_DATA"},
    {ERROR_UNSUPPORTED_TYPE, "ERROR_UNSUPPORTED_TYPE"},
    {ERROR_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION"},
    {ERROR_TOO_MANY_OPEN_FILES, "ERROR_TOO_MANY_OPEN_FILES"},
    {ERROR_WRITE_PROTECT, "ERROR_WRITE_PROTECT"},
    {ERROR_GEN_FAILURE, "ERROR_GEN_FAILURE"},
    {ERROR_SEEK, "ERROR_SEEK"},
    {ERROR_NOT_SAME_DEVICE, "ERROR_NOT_SAME_DEVICE"},
    {ERROR_NO_MORE_FILES, "ERROR_NO_MORE_FILES"},
    {ERROR_NETNAME_DELETED, "ERROR_NETNAME_DELETED"},
    {ERROR_NETWORK_ACCESS_DENIED, "ERROR_NETWORK_ACCESS_DENIED"},
    {ERROR_INSUFFICIENT_BUFFER, "ERROR_INSUFFICIENT_BUFFER"},
    {ERROR_DELETE_PENDING, "ERROR_DELETE_PENDING"},
    {ERROR_PRIVILEGE_NOT_HELD, "ERROR_PRIVILEGE_NOT_HELD"},
    {ERROR_CANT_ACCESS_FILE, "ERROR_CANT_ACCESS_FILE"},
    {ERROR_FILE_CORRUPT, "ERROR_FILE_CORRUPT"},
    {ERROR_DISK_CORRUPT, "ERROR_DISK_CORRUPT"},
    {ERROR_IO_DEVICE, "ERROR_IO_DEVICE"},
    {ERROR_SERVICE_SPECIFIC_ERROR, "ERROR_SERVICE_SPECIFIC_ERROR"},
    {ERROR_SERVICE_DOES_NOT_EXIST, "ERROR_SERVICE_DOES_NOT_EXIST"},
    {ERROR_SERVICE_NOT_ACTIVE, "ERROR_SERVICE_NOT_ACTIVE"},
    {ERROR_SERVICE_NEVER_STARTED, "ERROR_SERVICE_NEVER_STARTED"},
    {ERROR_SERVICE_REQUEST_TIMEOUT, "ERROR_SERVICE_REQUEST_TIMEOUT"},
    {ERROR_SERVICE_DISABLED, "ERROR_SERVICE_DISABLED"},
    {ERROR_SERVICE_LOGON_FAILED, "ERROR_SERVICE_LOGON_FAILED"},
    {ERROR_SERVICE_START_HANG, "ERROR_SERVICE_START_HANG"},
    {ERROR_PROCESS_ABORTED, "ERROR_PROCESS_ABORTED"},
    {ERROR_EXCEPTION_IN_SERVICE, "ERROR_EXCEPTION_IN_SERVICE"},
    {ERROR_NO_SYSTEM_RESOURCES, "ERROR_NO_SYSTEM_RESOURCES"},
    {ERROR_REGISTRY_IO_FAILED, "ERROR_REGISTRY_IO_FAILED"},
    {ERROR_KEY_DELETED, "ERROR_KEY_DELETED"},
};

static const char *code_name(HRESULT hr)
{
    const char *name = hresult_name(hr);
    size_t i;

    if (strcmp(name, "unknown code")) return name;
    for (i = 0; i < ARRAYSIZE(win32_names); i++)
        if ((HRESULT)win32_names[i].code == hr) return win32_names[i].name;
    return name;
}

/* The system's message for a Win32 code, or NULL. */
static const char *system_meaning(HRESULT hr, char *buffer, size_t size)
{
    WCHAR wide[512];
    DWORD n;

    if ((DWORD)hr > 0xffff) return NULL;
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       (DWORD)hr, 0, wide, ARRAYSIZE(wide), NULL);
    while (n && (wide[n - 1] == '\r' || wide[n - 1] == '\n' || wide[n - 1] == ' ')) n--;
    if (!n) return NULL;
    wide[n] = 0;
    snprintf(buffer, size, "%s", u8(wide));
    return buffer;
}

/* For a code the DLL returned: the table's sentence (the documentation's words for
 * what the API means by it), else the system's message. */
static const char *code_meaning(HRESULT hr, char *buffer, size_t size)
{
    const char *meaning = hresult_meaning(hr);

    if (meaning[0]) return meaning;
    if ((meaning = system_meaning(hr, buffer, size))) return meaning;
    return "no description is known for this code.";
}

/* For a Win32 code of the program's own file, registry and service calls: the
 * system's message (the table's sentences describe the DLL's use of a code, such
 * as ERROR_ACCESS_DENIED for a missing privilege), else the table's. */
static const char *own_code_meaning(HRESULT hr, char *buffer, size_t size)
{
    const char *meaning = system_meaning(hr, buffer, size);
    return meaning ? meaning : code_meaning(hr, buffer, size);
}

/* "dsbackup: WHAT: NAME (0x...): MEANING", the meaning from MEANING_OF. */
static void vreport(HRESULT hr, const char *(*meaning_of)(HRESULT, char *, size_t), const char *format,
                    va_list args)
{
    char what[2048], meaning[1024];

    vsnprintf(what, sizeof(what), format, args);
    end_progress_line();
    print_error_line("dsbackup: %s: %s (%#lx): %s\n", what, code_name(hr), (unsigned long)hr,
                     meaning_of(hr, meaning, sizeof(meaning)));
}

void report(HRESULT hr, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vreport(hr, code_meaning, format, args);
    va_end(args);
}

/* The same for a failure of the program's own system calls. */
void report_sys(HRESULT hr, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vreport(hr, own_code_meaning, format, args);
    va_end(args);
}

/* "<name> (<hex>): <meaning>", as report_sys() shows codes: for codes that are
 * not the DLL's own answer (a service's exit code, a restoring program's status). */
const char *describe_code(HRESULT hr, char *buffer, size_t size)
{
    char meaning[1024];

    snprintf(buffer, size, "%s (%#lx): %s", code_name(hr), (unsigned long)hr,
             own_code_meaning(hr, meaning, sizeof(meaning)));
    return buffer;
}

void print_field(const char *label, const char *format, ...)
{
    char text[4096];
    va_list args;

    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    print("%-24s %s\n", label, text);
}

/* ---- progress --------------------------------------------------------------- */

#define PROGRESS_BAR_WIDTH 20

void progress_begin(struct progress *progress, const char *kind, const WCHAR *name, ULONGLONG total)
{
    progress->console = handle_is_console(GetStdHandle(STD_OUTPUT_HANDLE));
    progress->kind = kind;
    progress->name = name;
    progress->total = total;
    progress->start = progress->last = GetTickCount64();
    progress->shown = 0;
}

static double mib_per_second(ULONGLONG bytes, ULONGLONG milliseconds)
{
    return milliseconds ? bytes / 1048576.0 / (milliseconds / 1000.0) : 0.0;
}

/* "12.3 MiB", "512 KiB", "100 B": short sizes for the bar. */
static void format_size(char *buffer, size_t size, ULONGLONG bytes)
{
    if (bytes >= 1024ULL * 1048576) snprintf(buffer, size, "%.1f GiB", bytes / 1073741824.0);
    else if (bytes >= 1048576) snprintf(buffer, size, "%.1f MiB", bytes / 1048576.0);
    else if (bytes >= 1024) snprintf(buffer, size, "%.0f KiB", bytes / 1024.0);
    else snprintf(buffer, size, "%llu B", bytes);
}

/* The console's width in columns (80 if unknown). */
static int console_width(void)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    int width;

    if (!GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info)) return 80;
    width = info.srWindow.Right - info.srWindow.Left + 1;
    return width >= 40 && width <= 1000 ? width : 80;
}

void progress_update(struct progress *progress, ULONGLONG done)
{
    ULONGLONG now = GetTickCount64(), elapsed, remaining;
    char line[1200], label[512], tail[160], bar[PROGRESS_BAR_WIDTH + 1], total_text[32], eta[32];
    unsigned filled, percent;
    int width, bar_width, label_room, label_length, n;
    double scale;
    const char *unit;

    if (!progress->console || now - progress->last < 200) return;
    progress->last = now;
    elapsed = now - progress->start;
    percent = progress->total ? (unsigned)(done * 100 / progress->total) : 100;
    /* Done and total in the total's unit: "102.0/286.1 MiB". */
    format_size(total_text, sizeof(total_text), progress->total);
    unit = strchr(total_text, ' ') ? strchr(total_text, ' ') + 1 : "B";
    scale = !strcmp(unit, "GiB") ? 1073741824.0 : !strcmp(unit, "MiB") ? 1048576.0 : !strcmp(unit, "KiB") ? 1024.0 : 1.0;
    if (done && done < progress->total && elapsed)
    {
        remaining = (ULONGLONG)((double)(progress->total - done) * elapsed / done / 1000.0 + 0.5);
        snprintf(eta, sizeof(eta), "ETA %llu:%02llu", remaining / 60, remaining % 60);
    }
    else snprintf(eta, sizeof(eta), "ETA -:--");
    snprintf(tail, sizeof(tail), " %3u%% %.*f/%s %.1f MiB/s %s", percent, scale > 1.0 ? 1 : 0, done / scale,
             total_text, mib_per_second(done, elapsed), eta);
    n = snprintf(label, sizeof(label), "%s %s", progress->kind, u8(progress->name));
    label_length = n < 0 ? 0 : n >= (int)sizeof(label) ? (int)sizeof(label) - 1 : n;

    /* Everything on one line, one column short of the width so that it never
     * wraps: first the bar shrinks (to 10), then the name is shortened. */
    width = console_width() - 1;
    bar_width = width - (int)strlen(tail) - 3 - label_length;
    if (bar_width > PROGRESS_BAR_WIDTH) bar_width = PROGRESS_BAR_WIDTH;
    if (bar_width < 10) bar_width = 10;
    label_room = width - (int)strlen(tail) - 3 - bar_width;
    if (label_room < 12) label_room = 12;
    if (label_length > label_room)
    {
        memcpy(label + label_room - 3, "...", 4);
        label_length = label_room;
    }
    filled = progress->total ? (unsigned)(done * bar_width / progress->total) : (unsigned)bar_width;
    if (filled > (unsigned)bar_width) filled = bar_width;
    memset(bar, '#', filled);
    memset(bar + filled, '.', bar_width - filled);
    bar[bar_width] = 0;
    n = snprintf(line, sizeof(line), "%s [%s]%s", label, bar, tail);
    if (n < 0) return;
    if ((size_t)n >= sizeof(line)) n = sizeof(line) - 1;
    if (!progress_line_open) progress->shown = 0;    /* a message ended the line */
    print("\r%s%*s", line, progress->shown > (size_t)n ? (int)(progress->shown - n) : 0, "");
    progress->shown = (size_t)n;
    progress_line_open = TRUE;
}

/* The file is done: the final line replaces the bar on a console. */
void progress_end_line(struct progress *progress, const char *line)
{
    size_t n = strlen(line);

    if (progress->console && progress_line_open)
        print("\r%s%*s\n", line, progress->shown > n ? (int)(progress->shown - n) : 0, "");
    else
        print("%s\n", line);
    progress->shown = 0;
    progress_line_open = FALSE;
}

void progress_end(struct progress *progress, const char *sha256)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s %s %llu bytes sha256 %s", progress->kind, u8(progress->name),
                     progress->total, sha256);

    if (n < 0) return;
    progress_end_line(progress, line);
}
