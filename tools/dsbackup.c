/*
 * dsbackup: backs up the directory database through ntdsbcli.dll the way a legacy
 * backup application does, and checks such backups.
 *
 *   dsbackup backup DIR [--truncate-logs]
 *   dsbackup verify DIR
 *   dsbackup status
 *
 * A backup folder holds:
 *   DIR\database\<name>   each file DsBackupGetDatabaseNames listed, by base name
 *   DIR\logs\<name>       each file DsBackupGetBackupLogs listed, by base name
 *   DIR\expiry.token      the expiry token's bytes, exactly as DsBackupPrepare gave them
 *   DIR\manifest.txt      written last, so that a folder without it is never taken
 *                         for a complete backup
 *
 * manifest.txt, format version 1: UTF-8 text, lines ending in LF (a reader also
 * accepts CR LF), fields separated by one space:
 *
 *   ntdsbcli-backup 1
 *   <bft> <size> <sha256> <path> <unc>        one line per file, in backup order
 *   ...
 *   token <sha256>
 *   end
 *
 *   <bft>     the file's BFT code from the DLL's list, two lower-case hex digits
 *             (44 database, 21 log, 25 patch file)
 *   <size>    its size in bytes, decimal
 *   <sha256>  the SHA-256 of its contents, 64 lower-case hex digits
 *   <path>    where it is, relative to DIR, with '\' separators (database\ntds.dit)
 *   <unc>     the name the DLL listed, without its BFT code (\\HOST\C$\...\ntds.dit)
 *   token     the SHA-256 of expiry.token
 *   end       the last line: a manifest that does not end with it is not a backup
 *
 * In <path> and <unc>, the bytes of '%', space, control characters and DEL are
 * written %XX (two upper-case hex digits); every other character is its UTF-8 form.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <bcrypt.h>
#include <shellapi.h>
#include "ntdsbcli.h"
#include "errors.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* DsBackupRead wants a multiple of 8192 of at least 24576 bytes. */
#define READ_BUFFER_SIZE (1024 * 1024)
#define READ_HINT_SIZE   65536
/* A DsBackupRead that succeeds without data this many times in a row is stuck. */
#define MAX_EMPTY_READS  64
/* No real manifest comes near this; it bounds what verify reads into memory. */
#define MAX_MANIFEST_SIZE (64 * 1024 * 1024)

#define MANIFEST_HEADER "ntdsbcli-backup 1"

#define NTDS_PARAMETERS_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters"
#define RESTORE_IN_PROGRESS_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress"

/* ------------------------------------------------------------------------- */
/* Output: UTF-8 to pipes and files, UTF-16 to a console. */

static BOOL handle_is_console(HANDLE handle)
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

static void __attribute__((format(__MINGW_PRINTF_FORMAT, 1, 2))) print(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprint_to(STD_OUTPUT_HANDLE, format, args);
    va_end(args);
}

static void __attribute__((format(__MINGW_PRINTF_FORMAT, 1, 2))) print_error_line(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprint_to(STD_ERROR_HANDLE, format, args);
    va_end(args);
}

/* A wide string as UTF-8 for messages; the result lives until four more calls. */
static const char *u8(const WCHAR *s)
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

/* ------------------------------------------------------------------------- */
/* Errors: "dsbackup: <what failed>: <symbolic name> (<hex>): <meaning>". */

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

/* The table's sentence, else the system's message for a Win32 code. */
static const char *code_meaning(HRESULT hr, char *buffer, size_t size)
{
    const char *meaning = hresult_meaning(hr);
    WCHAR wide[512];
    DWORD n;

    if (meaning[0]) return meaning;
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       (DWORD)hr, 0, wide, ARRAYSIZE(wide), NULL);
    while (n && (wide[n - 1] == '\r' || wide[n - 1] == '\n' || wide[n - 1] == ' ')) n--;
    if (!n) return "no description is known for this code.";
    wide[n] = 0;
    snprintf(buffer, size, "%s", u8(wide));
    return buffer;
}

static void __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3))) report(HRESULT hr, const char *format, ...)
{
    char what[2048], meaning[1024];
    va_list args;

    va_start(args, format);
    vsnprintf(what, sizeof(what), format, args);
    va_end(args);
    print_error_line("dsbackup: %s: %s (%#lx): %s\n", what, code_name(hr), (unsigned long)hr,
                     code_meaning(hr, meaning, sizeof(meaning)));
}

/* BCrypt returns NTSTATUS values, which share numbers with unrelated HRESULTs. */
static void report_status(NTSTATUS status, const char *what)
{
    static const struct { NTSTATUS code; const char *name, *meaning; } names[] =
    {
        {(NTSTATUS)0xC0000008L, "STATUS_INVALID_HANDLE", "An invalid handle was specified."},
        {(NTSTATUS)0xC000000DL, "STATUS_INVALID_PARAMETER", "An invalid parameter was passed."},
        {(NTSTATUS)0xC0000017L, "STATUS_NO_MEMORY", "Not enough memory."},
        {(NTSTATUS)0xC0000023L, "STATUS_BUFFER_TOO_SMALL", "The buffer is too small."},
        {(NTSTATUS)0xC00000BBL, "STATUS_NOT_SUPPORTED", "The request is not supported."},
        {(NTSTATUS)0xC0000225L, "STATUS_NOT_FOUND", "The algorithm provider was not found."},
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(names); i++)
        if (names[i].code == status)
        {
            print_error_line("dsbackup: %s: %s (%#lx): %s\n", what, names[i].name,
                             (unsigned long)status, names[i].meaning);
            return;
        }
    print_error_line("dsbackup: %s: unknown NTSTATUS (%#lx): the cryptography provider failed.\n",
                     what, (unsigned long)status);
}

/* ------------------------------------------------------------------------- */
/* Help. */

static const char general_help[] =
    "Usage: dsbackup COMMAND [ARGUMENTS]\n"
    "\n"
    "Backs up the directory database of this domain controller through\n"
    "ntdsbcli.dll (the Directory Backup Functions), and checks such backups.\n"
    "\n"
    "Commands:\n"
    "  backup DIR [--truncate-logs]  back up the database and its logs into DIR\n"
    "  verify DIR                    check every file of the backup in DIR\n"
    "  status                        show whether the directory is online, where its\n"
    "                                database is, and whether a restore is pending\n"
    "\n"
    "'dsbackup COMMAND --help' describes one command.\n"
    "\n"
    "Exit status: 0 success, 1 the operation failed, 2 usage error.\n";

static const char backup_help[] =
    "Usage: dsbackup backup DIR [--truncate-logs]\n"
    "\n"
    "Takes a full online backup of the directory database into the folder DIR,\n"
    "which must be empty or not exist yet (it is created):\n"
    "  DIR\\database\\   the database files\n"
    "  DIR\\logs\\       the transaction logs\n"
    "  DIR\\expiry.token the expiry token a restore needs\n"
    "  DIR\\manifest.txt the size and SHA-256 of every file, written last: a folder\n"
    "                   without it holds an interrupted backup, not a backup\n"
    "\n"
    "  --truncate-logs  once the backup is complete, delete the transaction logs\n"
    "                   it saved (DsBackupTruncateLogs)\n"
    "\n"
    "Exit status: 0 the backup is complete, 1 it failed, 2 usage error.\n";

static const char verify_help[] =
    "Usage: dsbackup verify DIR\n"
    "\n"
    "Reads DIR\\manifest.txt and re-reads every file it lists, checking its size\n"
    "and SHA-256, and the expiry token's; a manifest must end with its 'end' line.\n"
    "\n"
    "Exit status: 0 every file matches, 1 a file is missing or differs or the\n"
    "manifest is damaged, 2 usage error.\n";

static const char status_help[] =
    "Usage: dsbackup status\n"
    "\n"
    "Shows whether the directory service is online (DsIsNTDSOnline), the database\n"
    "paths recorded under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters,\n"
    "and whether a restore is registered (the key NTDS\\Restore In Progress).\n"
    "\n"
    "Exit status: 0 the status was read, 1 it could not be, 2 usage error.\n";

static int usage_error(const char *help, const char *format, const WCHAR *argument)
{
    print_error_line("dsbackup: ");
    print_error_line(format, u8(argument));
    print_error_line("\n\n%s", help);
    return EXIT_USAGE;
}

static BOOL is_help_option(const WCHAR *arg)
{
    return !wcscmp(arg, L"--help") || !wcscmp(arg, L"-h") || !wcscmp(arg, L"/?");
}

/* ------------------------------------------------------------------------- */
/* Paths and files. */

static WCHAR *path_join(const WCHAR *dir, const WCHAR *name)
{
    size_t dir_len = wcslen(dir), name_len = wcslen(name);
    BOOL separator = dir_len && dir[dir_len - 1] != '\\' && dir[dir_len - 1] != '/';
    WCHAR *joined = malloc((dir_len + separator + name_len + 1) * sizeof(WCHAR));

    if (!joined) return NULL;
    memcpy(joined, dir, dir_len * sizeof(WCHAR));
    if (separator) joined[dir_len] = '\\';
    memcpy(joined + dir_len + separator, name, (name_len + 1) * sizeof(WCHAR));
    return joined;
}

/* The absolute form of a folder given on the command line, without a trailing
 * separator unless it is a root. */
static WCHAR *full_folder_path(const WCHAR *path)
{
    DWORD n = GetFullPathNameW(path, 0, NULL, NULL);
    WCHAR *full;
    size_t len;

    if (!n || !(full = malloc(n * sizeof(WCHAR)))) return NULL;
    if (!GetFullPathNameW(path, n, full, NULL))
    {
        free(full);
        return NULL;
    }
    len = wcslen(full);
    while (len > 3 && (full[len - 1] == '\\' || full[len - 1] == '/') && full[len - 2] != ':')
        full[--len] = 0;
    return full;
}

/* CreateDirectoryW, creating missing parents first.  Returns a Win32 error. */
static DWORD create_folder(const WCHAR *path)
{
    WCHAR *parent;
    size_t len;
    DWORD error;

    if (CreateDirectoryW(path, NULL)) return ERROR_SUCCESS;
    error = GetLastError();
    if (error == ERROR_ALREADY_EXISTS)
    {
        DWORD attributes = GetFileAttributesW(path);
        return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)
               ? ERROR_SUCCESS : ERROR_DIRECTORY;
    }
    if (error != ERROR_PATH_NOT_FOUND) return error;
    len = wcslen(path);
    while (len && path[len - 1] != '\\' && path[len - 1] != '/') len--;
    while (len && (path[len - 1] == '\\' || path[len - 1] == '/')) len--;
    if (!len || path[len - 1] == ':' || !(parent = malloc((len + 1) * sizeof(WCHAR)))) return error;
    memcpy(parent, path, len * sizeof(WCHAR));
    parent[len] = 0;
    error = create_folder(parent);
    free(parent);
    if (error) return error;
    return CreateDirectoryW(path, NULL) ? ERROR_SUCCESS : GetLastError();
}

static BOOL write_all(HANDLE file, const void *data, size_t size)
{
    const BYTE *p = data;
    DWORD done;

    while (size)
    {
        DWORD chunk = size > 0x40000000 ? 0x40000000 : (DWORD)size;
        if (!WriteFile(file, p, chunk, &done, NULL)) return FALSE;
        if (!done)
        {
            SetLastError(ERROR_WRITE_FAULT);
            return FALSE;
        }
        p += done;
        size -= done;
    }
    return TRUE;
}

/* ------------------------------------------------------------------------- */
/* SHA-256 through BCrypt. */

static BCRYPT_ALG_HANDLE sha256_provider;
static DWORD sha256_object_size;

struct sha256
{
    BCRYPT_HASH_HANDLE hash;
    BYTE *object;
};

static BOOL sha256_open_provider(void)
{
    DWORD got;
    NTSTATUS status;

    if (sha256_provider) return TRUE;
    status = BCryptOpenAlgorithmProvider(&sha256_provider, BCRYPT_SHA256_ALGORITHM, NULL, 0);
    if (status >= 0)
        status = BCryptGetProperty(sha256_provider, BCRYPT_OBJECT_LENGTH, (BYTE *)&sha256_object_size,
                                   sizeof(sha256_object_size), &got, 0);
    if (status < 0)
    {
        report_status(status, "cannot open the SHA-256 provider (BCryptOpenAlgorithmProvider)");
        if (sha256_provider) BCryptCloseAlgorithmProvider(sha256_provider, 0);
        sha256_provider = NULL;
        return FALSE;
    }
    return TRUE;
}

static void sha256_close_provider(void)
{
    if (sha256_provider) BCryptCloseAlgorithmProvider(sha256_provider, 0);
    sha256_provider = NULL;
}

static BOOL sha256_begin(struct sha256 *sha)
{
    NTSTATUS status;

    sha->hash = NULL;
    if (!sha256_open_provider()) return FALSE;
    if (!(sha->object = malloc(sha256_object_size ? sha256_object_size : 1)))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot start a SHA-256 hash");
        return FALSE;
    }
    status = BCryptCreateHash(sha256_provider, &sha->hash, sha->object, sha256_object_size, NULL, 0, 0);
    if (status < 0)
    {
        report_status(status, "cannot start a SHA-256 hash (BCryptCreateHash)");
        free(sha->object);
        sha->object = NULL;
        sha->hash = NULL;
        return FALSE;
    }
    return TRUE;
}

static void sha256_abort(struct sha256 *sha)
{
    if (sha->hash) BCryptDestroyHash(sha->hash);
    free(sha->object);
    sha->hash = NULL;
    sha->object = NULL;
}

static BOOL sha256_update(struct sha256 *sha, const void *data, ULONG size)
{
    NTSTATUS status = BCryptHashData(sha->hash, (BYTE *)data, size, 0);
    if (status < 0) report_status(status, "cannot hash data (BCryptHashData)");
    return status >= 0;
}

/* Finishes the hash into 64 lower-case hex digits, and frees it. */
static BOOL sha256_finish(struct sha256 *sha, char hex[65])
{
    BYTE digest[32];
    NTSTATUS status = BCryptFinishHash(sha->hash, digest, sizeof(digest), 0);
    int i;

    sha256_abort(sha);
    if (status < 0)
    {
        report_status(status, "cannot finish a hash (BCryptFinishHash)");
        return FALSE;
    }
    for (i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", digest[i]);
    return TRUE;
}

static BOOL sha256_of_bytes(const void *data, size_t size, char hex[65])
{
    struct sha256 sha;

    if (!sha256_begin(&sha)) return FALSE;
    if (!sha256_update(&sha, data, (ULONG)size))
    {
        sha256_abort(&sha);
        return FALSE;
    }
    return sha256_finish(&sha, hex);
}

/* ------------------------------------------------------------------------- */
/* Progress. */

struct progress
{
    BOOL console;
    const char *kind;            /* "database", "log" */
    const WCHAR *name;           /* base name */
    ULONGLONG total;
    ULONGLONG start, last;       /* GetTickCount64 */
    size_t shown;                /* length of the line on screen */
};

static void progress_begin(struct progress *progress, const char *kind, const WCHAR *name, ULONGLONG total)
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

static void progress_update(struct progress *progress, ULONGLONG done)
{
    ULONGLONG now = GetTickCount64();
    char line[512];
    int n;

    if (!progress->console || now - progress->last < 200) return;
    progress->last = now;
    n = snprintf(line, sizeof(line), "%s %s: %llu of %llu bytes, %.1f MiB/s", progress->kind,
                 u8(progress->name), done, progress->total, mib_per_second(done, now - progress->start));
    if (n < 0) return;
    print("\r%s%*s", line, progress->shown > (size_t)n ? (int)(progress->shown - n) : 0, "");
    progress->shown = (size_t)n;
}

static void progress_end(struct progress *progress, const char *sha256)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s %s %llu bytes sha256 %s", progress->kind, u8(progress->name),
                     progress->total, sha256);

    if (n < 0) return;
    if (progress->console)
        print("\r%s%*s\n", line, progress->shown > (size_t)n ? (int)(progress->shown - n) : 0, "");
    else
        print("%s\n", line);
}

/* ------------------------------------------------------------------------- */
/* Manifest text. */

struct text
{
    char *data;
    size_t length, capacity;
    BOOL failed;
};

static void text_append(struct text *text, const char *data, size_t length)
{
    if (text->failed) return;
    if (text->length + length + 1 > text->capacity)
    {
        size_t capacity = text->capacity ? text->capacity : 4096;
        char *grown;

        while (capacity < text->length + length + 1) capacity *= 2;
        if (!(grown = realloc(text->data, capacity)))
        {
            text->failed = TRUE;
            return;
        }
        text->data = grown;
        text->capacity = capacity;
    }
    memcpy(text->data + text->length, data, length);
    text->length += length;
    text->data[text->length] = 0;
}

static void text_append_string(struct text *text, const char *s)
{
    text_append(text, s, strlen(s));
}

static BOOL byte_needs_escape(unsigned char c)
{
    return c <= ' ' || c == '%' || c == 0x7f;
}

/* Appends a wide string as escaped UTF-8; FALSE if it is not valid UTF-16. */
static BOOL text_append_escaped(struct text *text, const WCHAR *s)
{
    int n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, -1, NULL, 0, NULL, NULL);
    char *utf8, escape[4];
    int i;

    if (n <= 0) return FALSE;
    if (!(utf8 = malloc((size_t)n)))
    {
        text->failed = TRUE;
        return TRUE;
    }
    WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, -1, utf8, n, NULL, NULL);
    for (i = 0; i < n - 1; i++)
    {
        unsigned char c = (unsigned char)utf8[i];
        if (byte_needs_escape(c))
        {
            snprintf(escape, sizeof(escape), "%%%02X", c);
            text_append(text, escape, 3);
        }
        else text_append(text, utf8 + i, 1);
    }
    free(utf8);
    return TRUE;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Undoes text_append_escaped on one field; NULL if it is malformed. */
static WCHAR *unescape_field(const char *field, size_t length)
{
    char *utf8 = malloc(length + 1);
    size_t i, used = 0;
    WCHAR *wide = NULL;
    int n, high, low;

    if (!utf8) return NULL;
    for (i = 0; i < length; i++)
    {
        if (field[i] == '%')
        {
            if (length - i < 3 || (high = hex_value(field[i + 1])) < 0
                    || (low = hex_value(field[i + 2])) < 0 || !(high | low))
            {
                free(utf8);
                return NULL;
            }
            utf8[used++] = (char)(high * 16 + low);
            i += 2;
        }
        else if (byte_needs_escape((unsigned char)field[i]))
        {
            free(utf8);
            return NULL;
        }
        else utf8[used++] = field[i];
    }
    utf8[used] = 0;
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
    if (n > 0 && (wide = malloc((size_t)n * sizeof(WCHAR))))
        MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, wide, n);
    free(utf8);
    return wide;
}

/* ------------------------------------------------------------------------- */
/* backup */

struct copied_file
{
    unsigned bft;
    ULONGLONG size;
    char sha256[65];
    WCHAR *relative_path;       /* "database\ntds.dit" */
    WCHAR *unc_name;            /* as listed, without the BFT code */
};

struct backup_run
{
    const WCHAR *dir;           /* absolute */
    HBC hbc;
    BYTE *buffer;
    struct copied_file *files;
    size_t file_count, file_capacity;
    ULONGLONG total_bytes;
};

static void backup_run_free_files(struct backup_run *run)
{
    size_t i;
    for (i = 0; i < run->file_count; i++)
    {
        free(run->files[i].relative_path);
        free(run->files[i].unc_name);
    }
    free(run->files);
    run->files = NULL;
    run->file_count = run->file_capacity = 0;
}

/* DIR must not hold a backup, or anything else: an empty or missing folder only. */
static BOOL check_backup_folder(const WCHAR *dir)
{
    WIN32_FIND_DATAW data;
    WCHAR *manifest, *pattern;
    HANDLE find;
    DWORD attributes = GetFileAttributesW(dir), error;
    BOOL empty = TRUE;

    if (attributes == INVALID_FILE_ATTRIBUTES)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return TRUE;
        report((HRESULT)error, "cannot examine the backup folder %s", u8(dir));
        return FALSE;
    }
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        report(ERROR_DIRECTORY, "%s is not a folder", u8(dir));
        return FALSE;
    }
    if (!(manifest = path_join(dir, L"manifest.txt")) || !(pattern = path_join(dir, L"*")))
    {
        free(manifest);
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot examine the backup folder %s", u8(dir));
        return FALSE;
    }
    if (GetFileAttributesW(manifest) != INVALID_FILE_ATTRIBUTES)
    {
        report(hrBackupDirectoryNotEmpty, "%s already holds a backup (%s exists); it is never overwritten",
               u8(dir), u8(manifest));
        free(manifest);
        free(pattern);
        return FALSE;
    }
    free(manifest);
    find = FindFirstFileW(pattern, &data);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_NO_MORE_FILES) return TRUE;
        report((HRESULT)error, "cannot list the backup folder %s", u8(dir));
        return FALSE;
    }
    do
    {
        if (wcscmp(data.cFileName, L".") && wcscmp(data.cFileName, L"..")) empty = FALSE;
    } while (empty && FindNextFileW(find, &data));
    FindClose(find);
    if (!empty)
        report(hrBackupDirectoryNotEmpty, "the backup folder %s is not empty (an interrupted backup "
               "leaves files but no manifest.txt); give an empty or new folder", u8(dir));
    return empty;
}

static BOOL remember_file(struct backup_run *run, unsigned bft, ULONGLONG size, const char *sha256,
                          const WCHAR *relative_path, const WCHAR *unc_name)
{
    struct copied_file *file;

    if (run->file_count == run->file_capacity)
    {
        size_t capacity = run->file_capacity ? run->file_capacity * 2 : 16;
        struct copied_file *grown = realloc(run->files, capacity * sizeof(*grown));
        if (!grown) return FALSE;
        run->files = grown;
        run->file_capacity = capacity;
    }
    file = &run->files[run->file_count];
    file->bft = bft;
    file->size = size;
    memcpy(file->sha256, sha256, 65);
    file->relative_path = _wcsdup(relative_path);
    file->unc_name = _wcsdup(unc_name);
    if (!file->relative_path || !file->unc_name)
    {
        free(file->relative_path);
        free(file->unc_name);
        return FALSE;
    }
    run->file_count++;
    return TRUE;
}

/* DsBackupOpenFile, DsBackupRead to the announced size, DsBackupClose: one file
 * into DIR\relative_path, hashed on the way. */
static BOOL copy_one_file(struct backup_run *run, const char *kind, unsigned bft, const WCHAR *unc_name,
                          const WCHAR *relative_path, const WCHAR *base_name)
{
    LARGE_INTEGER size;
    ULONGLONG received = 0;
    struct progress progress;
    struct sha256 sha = {0};
    char sha256[65];
    WCHAR *destination;
    HANDLE out = INVALID_HANDLE_VALUE;
    unsigned empty_reads = 0;
    BOOL ok = FALSE, file_open = FALSE;
    HRESULT hr;
    DWORD got;

    if (!(destination = path_join(run->dir, relative_path)))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(unc_name));
        return FALSE;
    }
    /* The legacy way: the name without its BFT code. */
    if ((hr = DsBackupOpenFileW(run->hbc, unc_name, READ_HINT_SIZE, &size)))
    {
        report(hr, "DsBackupOpenFileW failed for %s", u8(unc_name));
        goto done;
    }
    file_open = TRUE;
    if (size.QuadPart < 0)
    {
        report(ERROR_INVALID_DATA, "DsBackupOpenFileW gave a negative size for %s", u8(unc_name));
        goto done;
    }
    out = CreateFileW(destination, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                      FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (out == INVALID_HANDLE_VALUE)
    {
        report((HRESULT)GetLastError(), "cannot create %s", u8(destination));
        goto done;
    }
    if (!sha256_begin(&sha)) goto done;
    progress_begin(&progress, kind, base_name, (ULONGLONG)size.QuadPart);
    while (received < (ULONGLONG)size.QuadPart)
    {
        got = 0;
        hr = DsBackupRead(run->hbc, run->buffer, READ_BUFFER_SIZE, &got);
        if (hr == ERROR_HANDLE_EOF)
        {
            report(hr, "short copy of %s: DsBackupRead reached the end after %llu of the %llu bytes "
                   "DsBackupOpenFileW announced", u8(unc_name), received, (ULONGLONG)size.QuadPart);
            goto done;
        }
        if (hr)
        {
            report(hr, "DsBackupRead failed for %s after %llu of %llu bytes", u8(unc_name), received,
                   (ULONGLONG)size.QuadPart);
            goto done;
        }
        if (got > READ_BUFFER_SIZE || got > (ULONGLONG)size.QuadPart - received)
        {
            report(ERROR_INVALID_DATA, "DsBackupRead returned %lu bytes for %s, more than the %llu "
                   "still expected", (unsigned long)got, u8(unc_name), (ULONGLONG)size.QuadPart - received);
            goto done;
        }
        if (!got)
        {
            if (++empty_reads < MAX_EMPTY_READS) continue;
            report(hrError, "DsBackupRead returned no data %u times in a row for %s after %llu of %llu "
                   "bytes", empty_reads, u8(unc_name), received, (ULONGLONG)size.QuadPart);
            goto done;
        }
        empty_reads = 0;
        if (!write_all(out, run->buffer, got))
        {
            report((HRESULT)GetLastError(), "cannot write %s", u8(destination));
            goto done;
        }
        if (!sha256_update(&sha, run->buffer, got)) goto done;
        received += got;
        progress_update(&progress, received);
    }
    /* The manifest, written later, must only ever describe data that is on disk. */
    if (!FlushFileBuffers(out))
    {
        report((HRESULT)GetLastError(), "cannot flush %s", u8(destination));
        goto done;
    }
    if (!CloseHandle(out))
    {
        out = INVALID_HANDLE_VALUE;
        report((HRESULT)GetLastError(), "cannot close %s", u8(destination));
        goto done;
    }
    out = INVALID_HANDLE_VALUE;
    file_open = FALSE;
    if ((hr = DsBackupClose(run->hbc)))
    {
        report(hr, "DsBackupClose failed for %s", u8(unc_name));
        goto done;
    }
    if (!sha256_finish(&sha, sha256)) goto done;
    progress_end(&progress, sha256);
    if (!remember_file(run, bft, received, sha256, relative_path, unc_name))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot record %s", u8(unc_name));
        goto done;
    }
    run->total_bytes += received;
    ok = TRUE;
done:
    sha256_abort(&sha);
    if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
    if (file_open) DsBackupClose(run->hbc);
    free(destination);
    return ok;
}

/* Copies every entry of a list the DLL returned into DIR\subfolder. */
static BOOL copy_listed_files(struct backup_run *run, const char *list_function, const WCHAR *list,
                              DWORD list_bytes, const WCHAR *subfolder, const char *kind)
{
    size_t count = list ? list_bytes / sizeof(WCHAR) : 0, i = 0, end, j;

    /* "e1\0e2\0...\0\0"; the walk never leaves the size the DLL gave. */
    while (i < count && list[i])
    {
        const WCHAR *entry = list + i, *name, *base, *p;
        WCHAR *relative;
        unsigned bft;
        BOOL ok;

        for (end = i; end < count && list[end]; end++) ;
        if (end == count)
        {
            report(ERROR_INVALID_DATA, "%s returned a list whose last name is not terminated", list_function);
            return FALSE;
        }
        i = end + 1;
        /* UNC names begin with '\', never a BFT code; tolerate a name without one. */
        if (entry[0] == '\\')
        {
            bft = (unsigned)(BYTE)BFT_UNKNOWN;
            name = entry;
        }
        else
        {
            bft = entry[0];
            name = entry + 1;
        }
        if (bft > 0xff || !name[0])
        {
            report(ERROR_INVALID_DATA, "%s returned a malformed entry %s", list_function, u8(entry));
            return FALSE;
        }
        for (base = p = name; *p; p++)
            if (*p == '\\' || *p == '/') base = p + 1;
        /* The base name becomes a file in DIR: it must not lead anywhere else. */
        if (!base[0] || !wcscmp(base, L".") || !wcscmp(base, L"..") || wcschr(base, ':'))
        {
            report(ERROR_INVALID_NAME, "%s listed %s, which has no usable file name", list_function, u8(name));
            return FALSE;
        }
        if (!(relative = path_join(subfolder, base)))
        {
            report(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(name));
            return FALSE;
        }
        for (j = 0; j < run->file_count; j++)
            if (CompareStringOrdinal(run->files[j].relative_path, -1, relative, -1, TRUE) == CSTR_EQUAL)
            {
                report(ERROR_FILE_EXISTS, "%s and %s would both be saved as %s", u8(run->files[j].unc_name),
                       u8(name), u8(relative));
                free(relative);
                return FALSE;
            }
        ok = copy_one_file(run, kind, bft, name, relative, base);
        free(relative);
        if (!ok) return FALSE;
    }
    return TRUE;
}

static BOOL write_new_file(const WCHAR *path, const void *data, size_t size, DWORD disposition)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);

    if (file == INVALID_HANDLE_VALUE)
    {
        report((HRESULT)GetLastError(), "cannot create %s", u8(path));
        return FALSE;
    }
    if (!write_all(file, data, size) || !FlushFileBuffers(file))
    {
        report((HRESULT)GetLastError(), "cannot write %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!CloseHandle(file))
    {
        report((HRESULT)GetLastError(), "cannot close %s", u8(path));
        return FALSE;
    }
    return TRUE;
}

/* manifest.tmp, flushed, then renamed over manifest.txt in one step. */
static BOOL write_manifest(struct backup_run *run, const char *token_sha256)
{
    struct text text = {0};
    WCHAR *temporary = path_join(run->dir, L"manifest.tmp"), *final = path_join(run->dir, L"manifest.txt");
    char line[128];
    BOOL ok = FALSE;
    size_t i;

    if (!temporary || !final)
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot write the manifest");
        goto done;
    }
    text_append_string(&text, MANIFEST_HEADER "\n");
    for (i = 0; i < run->file_count; i++)
    {
        const struct copied_file *file = &run->files[i];

        snprintf(line, sizeof(line), "%02x %llu %s ", file->bft, file->size, file->sha256);
        text_append_string(&text, line);
        if (!text_append_escaped(&text, file->relative_path))
        {
            report(ERROR_NO_UNICODE_TRANSLATION, "cannot write the name %s in the manifest",
                   u8(file->relative_path));
            goto done;
        }
        text_append(&text, " ", 1);
        if (!text_append_escaped(&text, file->unc_name))
        {
            report(ERROR_NO_UNICODE_TRANSLATION, "cannot write the name %s in the manifest",
                   u8(file->unc_name));
            goto done;
        }
        text_append(&text, "\n", 1);
    }
    text_append_string(&text, "token ");
    text_append_string(&text, token_sha256);
    text_append_string(&text, "\nend\n");
    if (text.failed)
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot write the manifest");
        goto done;
    }
    if (!write_new_file(temporary, text.data, text.length, CREATE_ALWAYS)) goto done;
    if (!MoveFileExW(temporary, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        report((HRESULT)GetLastError(), "cannot rename %s to %s", u8(temporary), u8(final));
        DeleteFileW(temporary);
        goto done;
    }
    ok = TRUE;
done:
    free(text.data);
    free(temporary);
    free(final);
    return ok;
}

static int command_backup(int argc, WCHAR **argv)
{
    struct backup_run run = {0};
    const WCHAR *dir_argument = NULL;
    BOOL truncate_logs = FALSE, options_done = FALSE, online = FALSE, folder_created = FALSE, complete = FALSE;
    WCHAR *dir = NULL, *database_list = NULL, *log_list = NULL, *path = NULL;
    DWORD token_size = 0, list_size = 0, error;
    void *token = NULL;
    char token_sha256[65];
    int status = EXIT_FAILED, i;
    HRESULT hr;

    for (i = 1; i < argc; i++)
    {
        if (!options_done && is_help_option(argv[i]))
        {
            print("%s", backup_help);
            return EXIT_OK;
        }
        if (!options_done && !wcscmp(argv[i], L"--truncate-logs")) truncate_logs = TRUE;
        else if (!options_done && !wcscmp(argv[i], L"--")) options_done = TRUE;
        else if (!options_done && argv[i][0] == '-' && argv[i][1])
            return usage_error(backup_help, "backup: unknown option %s", argv[i]);
        else if (dir_argument) return usage_error(backup_help, "backup: one folder only, not also %s", argv[i]);
        else dir_argument = argv[i];
    }
    if (!dir_argument || !dir_argument[0])
        return usage_error(backup_help, "backup: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    run.dir = dir;
    if (!check_backup_folder(dir)) goto done;
    if (!(run.buffer = malloc(READ_BUFFER_SIZE)))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot allocate the read buffer");
        goto done;
    }
    if (!sha256_open_provider()) goto done;

    /* 1. The directory must be online. */
    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed");
        goto done;
    }
    if (!online)
    {
        report(hrCouldNotConnect, "the directory service is not online, so it cannot be backed up");
        goto done;
    }
    /* 2. A backup context and its expiry token. */
    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &run.hbc)))
    {
        report(hr, "DsBackupPrepareW failed");
        run.hbc = NULL;
        goto done;
    }
    if (!token || !token_size)
    {
        report(hrMissingExpiryToken, "DsBackupPrepareW returned no expiry token");
        goto done;
    }
    if ((error = create_folder(dir)))
    {
        report((HRESULT)error, "cannot create the backup folder %s", u8(dir));
        goto done;
    }
    folder_created = TRUE;
    if (!(path = path_join(dir, L"database")) || (error = create_folder(path)))
    {
        report(path ? (HRESULT)error : ERROR_NOT_ENOUGH_MEMORY, "cannot create %s\\database", u8(dir));
        goto done;
    }
    free(path);
    if (!(path = path_join(dir, L"logs")) || (error = create_folder(path)))
    {
        report(path ? (HRESULT)error : ERROR_NOT_ENOUGH_MEMORY, "cannot create %s\\logs", u8(dir));
        goto done;
    }
    free(path);
    path = NULL;

    /* 3. Every database file. */
    if ((hr = DsBackupGetDatabaseNamesW(run.hbc, &database_list, &list_size)))
    {
        report(hr, "DsBackupGetDatabaseNamesW failed");
        database_list = NULL;
        goto done;
    }
    if (!copy_listed_files(&run, "DsBackupGetDatabaseNamesW", database_list, list_size, L"database", "database"))
        goto done;
    DsBackupFree(database_list);
    database_list = NULL;
    /* 4. Then the logs, which hold what changed while the database was read. */
    if ((hr = DsBackupGetBackupLogsW(run.hbc, &log_list, &list_size)))
    {
        report(hr, "DsBackupGetBackupLogsW failed");
        log_list = NULL;
        goto done;
    }
    if (!copy_listed_files(&run, "DsBackupGetBackupLogsW", log_list, list_size, L"logs", "log"))
        goto done;
    DsBackupFree(log_list);
    log_list = NULL;

    /* 6. The token is kept with the backup: a restore needs it. */
    if (!(path = path_join(dir, L"expiry.token")))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot save the expiry token");
        goto done;
    }
    if (!write_new_file(path, token, token_size, CREATE_NEW)) goto done;
    if (!sha256_of_bytes(token, token_size, token_sha256)) goto done;
    DsBackupFree(token);
    token = NULL;

    /* The manifest makes the backup complete, so it comes before step 5, the one
     * step that destroys anything: logs are deleted only once their copies are
     * recorded as a complete backup, never for a backup that then fails. */
    if (!write_manifest(&run, token_sha256)) goto done;
    complete = TRUE;
    print("backup complete: %llu files, %llu bytes, in %s\n", (ULONGLONG)run.file_count,
          run.total_bytes, u8(dir));
    status = EXIT_OK;

    /* 5. Delete the logs that were backed up. */
    if (truncate_logs)
    {
        if ((hr = DsBackupTruncateLogs(run.hbc)))
        {
            report(hr, "the backup is complete, but DsBackupTruncateLogs failed");
            status = EXIT_FAILED;
        }
        else print("logs truncated\n");
    }

done:
    if (database_list) DsBackupFree(database_list);
    if (log_list) DsBackupFree(log_list);
    if (token) DsBackupFree(token);
    /* 7. End the backup, whether it succeeded or not. */
    if (run.hbc && (hr = DsBackupEnd(run.hbc)))
    {
        report(hr, "DsBackupEnd failed");
        status = EXIT_FAILED;
    }
    if (folder_created && !complete)
        print_error_line("dsbackup: the backup in %s is incomplete: it has no manifest.txt\n", u8(dir));
    backup_run_free_files(&run);
    sha256_close_provider();
    free(run.buffer);
    free(path);
    free(dir);
    return status;
}

/* ------------------------------------------------------------------------- */
/* verify */

/* A relative path from the manifest must stay inside DIR. */
static BOOL relative_path_is_safe(const WCHAR *path)
{
    const WCHAR *component = path, *p;

    if (!path[0] || path[0] == '\\' || path[0] == '/' || wcschr(path, ':')) return FALSE;
    for (p = path;; p++)
    {
        if (*p == '\\' || *p == '/' || !*p)
        {
            size_t length = p - component;
            if (!length || (length == 1 && component[0] == '.')
                    || (length == 2 && component[0] == '.' && component[1] == '.'))
                return FALSE;
            if (!*p) return TRUE;
            component = p + 1;
        }
    }
}

/* Hashes a whole file; FALSE (reported) if it cannot be read. */
static BOOL hash_file(const WCHAR *path, BYTE *buffer, ULONGLONG *size_out, char sha256[65])
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    struct sha256 sha;
    ULONGLONG size = 0;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE)
    {
        report((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (!sha256_begin(&sha))
    {
        CloseHandle(file);
        return FALSE;
    }
    for (;;)
    {
        if (!ReadFile(file, buffer, READ_BUFFER_SIZE, &got, NULL))
        {
            report((HRESULT)GetLastError(), "cannot read %s", u8(path));
            sha256_abort(&sha);
            CloseHandle(file);
            return FALSE;
        }
        if (!got) break;
        if (!sha256_update(&sha, buffer, got))
        {
            sha256_abort(&sha);
            CloseHandle(file);
            return FALSE;
        }
        size += got;
    }
    CloseHandle(file);
    *size_out = size;
    return sha256_finish(&sha, sha256);
}

static BOOL is_sha256_hex(const char *s, size_t length)
{
    size_t i;
    if (length != 64) return FALSE;
    for (i = 0; i < 64; i++)
        if (hex_value(s[i]) < 0) return FALSE;
    return TRUE;
}

static BOOL parse_decimal(const char *s, size_t length, ULONGLONG *value)
{
    ULONGLONG v = 0;
    size_t i;

    if (!length || length > 20) return FALSE;
    for (i = 0; i < length; i++)
    {
        if (s[i] < '0' || s[i] > '9') return FALSE;
        if (v > (0xffffffffffffffffULL - (s[i] - '0')) / 10) return FALSE;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return TRUE;
}

/* Splits a line at single spaces into at most max fields; returns the count, or
 * max + 1 if there are more. */
static size_t split_fields(const char *line, size_t length, const char **fields, size_t *lengths, size_t max)
{
    size_t count = 0, start = 0, i;

    for (i = 0; i <= length; i++)
    {
        if (i == length || line[i] == ' ')
        {
            if (count == max) return max + 1;
            fields[count] = line + start;
            lengths[count] = i - start;
            count++;
            start = i + 1;
        }
    }
    return count;
}

static BOOL read_whole_file(const WCHAR *path, char **data_out, size_t *size_out)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    char *data;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE)
    {
        report((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (!GetFileSizeEx(file, &size))
    {
        report((HRESULT)GetLastError(), "cannot read %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (size.QuadPart > MAX_MANIFEST_SIZE)
    {
        report(ERROR_INVALID_DATA, "%s is too large to be a manifest", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!(data = malloc((size_t)size.QuadPart + 1)))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot read %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!ReadFile(file, data, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)
    {
        report(got != (DWORD)size.QuadPart ? ERROR_READ_FAULT : (HRESULT)GetLastError(), "cannot read %s", u8(path));
        free(data);
        CloseHandle(file);
        return FALSE;
    }
    CloseHandle(file);
    data[got] = 0;
    *data_out = data;
    *size_out = got;
    return TRUE;
}

/* Checks one listed file against its size and hash; FALSE (reported) if it differs. */
static BOOL verify_file(const WCHAR *dir, const WCHAR *relative, const ULONGLONG *expected_size,
                        const char *expected_sha256, BYTE *buffer, unsigned line_number)
{
    WCHAR *path = path_join(dir, relative);
    ULONGLONG size;
    char sha256[65];
    BOOL ok = FALSE;

    if (!path)
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot check %s", u8(relative));
        return FALSE;
    }
    if (!hash_file(path, buffer, &size, sha256)) ;
    else if (expected_size && size != *expected_size)
        report(hrReadVerifyFailure, "%s has %llu bytes, the manifest (line %u) says %llu", u8(relative),
               size, line_number, *expected_size);
    else if (_strnicmp(sha256, expected_sha256, 64))
        report(hrReadVerifyFailure, "%s has SHA-256 %s, the manifest (line %u) says %.64s", u8(relative),
               sha256, line_number, expected_sha256);
    else
    {
        print("ok %s %llu bytes sha256 %s\n", u8(relative), size, sha256);
        ok = TRUE;
    }
    free(path);
    return ok;
}

static int command_verify(int argc, WCHAR **argv)
{
    const WCHAR *dir_argument = NULL;
    WCHAR *dir = NULL, *manifest_path = NULL;
    WCHAR **seen = NULL;
    size_t seen_count = 0, manifest_size = 0, position = 0, k;
    char *manifest = NULL;
    BYTE *buffer = NULL;
    unsigned line_number = 0, checked = 0, bad = 0;
    BOOL have_token = FALSE, have_end = FALSE, malformed = FALSE, options_done = FALSE;
    int status = EXIT_FAILED, i;

    for (i = 1; i < argc; i++)
    {
        if (!options_done && is_help_option(argv[i]))
        {
            print("%s", verify_help);
            return EXIT_OK;
        }
        if (!options_done && !wcscmp(argv[i], L"--")) options_done = TRUE;
        else if (!options_done && argv[i][0] == '-' && argv[i][1])
            return usage_error(verify_help, "verify: unknown option %s", argv[i]);
        else if (dir_argument) return usage_error(verify_help, "verify: one folder only, not also %s", argv[i]);
        else dir_argument = argv[i];
    }
    if (!dir_argument || !dir_argument[0]) return usage_error(verify_help, "verify: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    if (!(manifest_path = path_join(dir, L"manifest.txt")) || !(buffer = malloc(READ_BUFFER_SIZE)))
    {
        report(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
        goto done;
    }
    if (!read_whole_file(manifest_path, &manifest, &manifest_size)) goto done;
    if (!sha256_open_provider()) goto done;

    while (position < manifest_size && !malformed)
    {
        const char *line = manifest + position, *newline = memchr(line, '\n', manifest_size - position);
        const char *fields[6];
        size_t length, lengths[6], count;

        line_number++;
        if (!newline)
        {
            /* A last line without its LF is accepted only if it is "end". */
            length = manifest_size - position;
            position = manifest_size;
        }
        else
        {
            length = newline - line;
            position += length + 1;
        }
        if (length && line[length - 1] == '\r') length--;
        if (memchr(line, 0, length))
        {
            report(ERROR_INVALID_DATA, "%s, line %u: a NUL character", u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if (have_end)
        {
            report(ERROR_INVALID_DATA, "%s, line %u: text after the 'end' line", u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if (line_number == 1)
        {
            if (length != strlen(MANIFEST_HEADER) || memcmp(line, MANIFEST_HEADER, length))
            {
                report(ERROR_INVALID_DATA, "%s does not begin with '" MANIFEST_HEADER "': not a backup "
                       "manifest, or a newer format", u8(manifest_path));
                malformed = TRUE;
            }
        }
        else if (length == 3 && !memcmp(line, "end", 3))
        {
            if (!have_token)
            {
                report(ERROR_INVALID_DATA, "%s has no 'token' line before 'end'", u8(manifest_path));
                malformed = TRUE;
            }
            have_end = TRUE;
        }
        else if (have_token)
        {
            report(ERROR_INVALID_DATA, "%s, line %u: only 'end' may follow the 'token' line",
                   u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if ((count = split_fields(line, length, fields, lengths, 5)) == 2
                 && lengths[0] == 5 && !memcmp(fields[0], "token", 5))
        {
            char expected[65];
            if (!is_sha256_hex(fields[1], lengths[1]))
            {
                report(ERROR_INVALID_DATA, "%s, line %u: the token's SHA-256 is malformed",
                       u8(manifest_path), line_number);
                malformed = TRUE;
            }
            else
            {
                memcpy(expected, fields[1], 64);
                expected[64] = 0;
                have_token = TRUE;
                checked++;
                if (!verify_file(dir, L"expiry.token", NULL, expected, buffer, line_number))
                    bad++;
            }
        }
        else
        {
            ULONGLONG size;
            WCHAR *relative;
            char expected[65];

            if (count != 5 || lengths[0] != 2 || hex_value(fields[0][0]) < 0 || hex_value(fields[0][1]) < 0
                    || !parse_decimal(fields[1], lengths[1], &size) || !is_sha256_hex(fields[2], lengths[2]))
            {
                report(ERROR_INVALID_DATA, "%s, line %u: not a file line (<bft> <size> <sha256> <path> <unc>)",
                       u8(manifest_path), line_number);
                malformed = TRUE;
                continue;
            }
            if (!(relative = unescape_field(fields[3], lengths[3])) || !relative_path_is_safe(relative))
            {
                report(ERROR_INVALID_DATA, "%s, line %u: the path is malformed or leaves the backup folder",
                       u8(manifest_path), line_number);
                free(relative);
                malformed = TRUE;
                continue;
            }
            for (k = 0; k < seen_count; k++)
                if (CompareStringOrdinal(seen[k], -1, relative, -1, TRUE) == CSTR_EQUAL) break;
            if (k < seen_count || !_wcsicmp(relative, L"expiry.token") || !_wcsicmp(relative, L"manifest.txt"))
            {
                report(ERROR_INVALID_DATA, "%s, line %u: %s is listed twice or is not a backed-up file",
                       u8(manifest_path), line_number, u8(relative));
                free(relative);
                malformed = TRUE;
                continue;
            }
            if (!(seen_count % 16))
            {
                WCHAR **grown = realloc(seen, (seen_count + 16) * sizeof(*seen));
                if (!grown)
                {
                    report(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
                    free(relative);
                    goto done;
                }
                seen = grown;
            }
            seen[seen_count++] = relative;
            memcpy(expected, fields[2], 64);
            expected[64] = 0;
            checked++;
            if (!verify_file(dir, relative, &size, expected, buffer, line_number)) bad++;
        }
    }
    if (!malformed && line_number && !have_end)
    {
        report(ERROR_INVALID_DATA, "%s does not end with its 'end' line: the manifest is incomplete",
               u8(manifest_path));
        malformed = TRUE;
    }
    if (!malformed && !line_number)
    {
        report(ERROR_INVALID_DATA, "%s is empty", u8(manifest_path));
        malformed = TRUE;
    }
    if (!malformed && !seen_count)
    {
        report(ERROR_INVALID_DATA, "%s lists no files", u8(manifest_path));
        malformed = TRUE;
    }
    if (malformed || bad)
    {
        print_error_line("dsbackup: verify %s: FAILED: %u of %u checked files differ%s\n", u8(dir), bad,
                         checked, malformed ? ", and the manifest is damaged" : "");
        goto done;
    }
    print("verify %s: ok, %u files and the expiry token match the manifest\n", u8(dir), checked - 1);
    status = EXIT_OK;
done:
    for (k = 0; k < seen_count; k++) free(seen[k]);
    free(seen);
    sha256_close_provider();
    free(manifest);
    free(buffer);
    free(manifest_path);
    free(dir);
    return status;
}

/* ------------------------------------------------------------------------- */
/* status */

/* A string value of the NTDS parameters, expanded; NULL with *error set if absent
 * or unreadable. */
static WCHAR *read_parameter(const WCHAR *value_name, LONG *error)
{
    DWORD size = 0;
    WCHAR *value = NULL, *grown;
    int attempt;

    for (attempt = 0; attempt < 4; attempt++)
    {
        /* RRF_RT_REG_SZ alone also takes REG_EXPAND_SZ, expanded; naming
         * RRF_RT_REG_EXPAND_SZ without RRF_NOEXPAND is ERROR_INVALID_PARAMETER. */
        *error = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, value_name,
                              RRF_RT_REG_SZ, NULL, value, &size);
        if (*error == ERROR_SUCCESS && value) return value;
        if (*error != ERROR_SUCCESS && *error != ERROR_MORE_DATA) break;
        if (!(grown = realloc(value, size + sizeof(WCHAR))))
        {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        value = grown;
        size += sizeof(WCHAR);
    }
    free(value);
    return NULL;
}

static int command_status(int argc, WCHAR **argv)
{
    static const WCHAR *const values[] =
        {L"DSA Database file", L"Database log files path", L"DSA Working Directory"};
    int status = EXIT_OK, i;
    BOOL online = FALSE;
    HRESULT hr;
    HKEY key;
    LONG error;

    for (i = 1; i < argc; i++)
    {
        if (is_help_option(argv[i]))
        {
            print("%s", status_help);
            return EXIT_OK;
        }
        return usage_error(status_help, "status takes no arguments, not %s", argv[i]);
    }
    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed");
        status = EXIT_FAILED;
        print("directory service:       unknown\n");
    }
    else print("directory service:       %s\n", online ? "online" : "offline");
    for (i = 0; i < (int)ARRAYSIZE(values); i++)
    {
        WCHAR *value = read_parameter(values[i], &error);
        char label[64];

        snprintf(label, sizeof(label), "%s:", u8(values[i]));
        if (value) print("%-24s %s\n", label, u8(value));
        else if (error == ERROR_FILE_NOT_FOUND) print("%-24s (not set)\n", label);
        else
        {
            print("%-24s (unreadable)\n", label);
            report((HRESULT)error, "cannot read HKLM\\%s\\%s", u8(NTDS_PARAMETERS_KEY), u8(values[i]));
            status = EXIT_FAILED;
        }
        free(value);
    }
    error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key);
    if (error == ERROR_SUCCESS)
    {
        RegCloseKey(key);
        print("%-24s yes (HKLM\\%s exists)\n", "restore in progress:", u8(RESTORE_IN_PROGRESS_KEY));
    }
    else if (error == ERROR_FILE_NOT_FOUND) print("%-24s no\n", "restore in progress:");
    else
    {
        print("%-24s unknown\n", "restore in progress:");
        report((HRESULT)error, "cannot open HKLM\\%s", u8(RESTORE_IN_PROGRESS_KEY));
        status = EXIT_FAILED;
    }
    return status;
}

/* ------------------------------------------------------------------------- */

int main(void)
{
    WCHAR **argv;
    int argc, status;

    /* Wide arguments whatever the code page: the folder may be any Unicode path. */
    if (!(argv = CommandLineToArgvW(GetCommandLineW(), &argc)))
    {
        report((HRESULT)GetLastError(), "cannot read the command line");
        return EXIT_FAILED;
    }
    if (argc < 2)
    {
        print_error_line("%s", general_help);
        status = EXIT_USAGE;
    }
    else if (is_help_option(argv[1]) || !wcscmp(argv[1], L"help"))
    {
        print("%s", general_help);
        status = EXIT_OK;
    }
    else if (!wcscmp(argv[1], L"backup")) status = command_backup(argc - 1, argv + 1);
    else if (!wcscmp(argv[1], L"verify")) status = command_verify(argc - 1, argv + 1);
    else if (!wcscmp(argv[1], L"status")) status = command_status(argc - 1, argv + 1);
    else status = usage_error(general_help, "unknown command %s", argv[1]);
    LocalFree(argv);
    return status;
}
