/*
 * dsbackup: backs up and restores the directory database through ntdsbcli.dll the
 * way a legacy backup application does, and checks such backups.
 *
 *   dsbackup backup DIR [--truncate-logs]
 *   dsbackup verify DIR
 *   dsbackup restore DIR [--resume]
 *   dsbackup status
 *   dsbackup init-sample [DIR] [--force]
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
 * restore follows the documented restore sequence (API-SPEC.md section 5): verify
 * the backup; DsIsNTDSOnline must say offline; DsRestorePrepare with the saved
 * token; DsRestoreGetDatabaseLocations; DsRestoreRegister; replace the files
 * through the UNC paths the DLL gave (the database through a temporary name and
 * MoveFileExW; in the destination folders only the transaction logs edb.log and
 * edbXXXXX.log and the checkpoint edb.chk are deleted); read every written file
 * back; DsRestoreRegisterComplete with S_OK, or with the failure's code so that
 * the directory stays offline; DsRestoreEnd.
 *
 * Test hook: DSBACKUP_TEST_CRASH_AFTER_REGISTER=1 in the environment makes restore
 * terminate its own process (TerminateProcess, exit code 99) right after
 * DsRestoreRegisterW succeeds, leaving a registered restore that is never
 * completed, as a crash would (tests/roundtrip/run.sh).  Nothing else reads it.
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

/* A progress bar is on the console's current line (see "Progress"): a message
 * first ends that line. */
static BOOL progress_line_open;

static void end_progress_line(void)
{
    if (progress_line_open) print("\n");
    progress_line_open = FALSE;
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

static void __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3))) report(HRESULT hr, const char *format, ...)
{
    char what[2048], meaning[1024];
    va_list args;

    va_start(args, format);
    vsnprintf(what, sizeof(what), format, args);
    va_end(args);
    end_progress_line();
    print_error_line("dsbackup: %s: %s (%#lx): %s\n", what, code_name(hr), (unsigned long)hr,
                     code_meaning(hr, meaning, sizeof(meaning)));
}

/* The same for a failure of the program's own system calls. */
static void __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3))) report_sys(HRESULT hr, const char *format, ...)
{
    char what[2048], meaning[1024];
    va_list args;

    va_start(args, format);
    vsnprintf(what, sizeof(what), format, args);
    va_end(args);
    end_progress_line();
    print_error_line("dsbackup: %s: %s (%#lx): %s\n", what, code_name(hr), (unsigned long)hr,
                     own_code_meaning(hr, meaning, sizeof(meaning)));
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

    end_progress_line();
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
    "Backs up and restores the directory database of this domain controller\n"
    "through ntdsbcli.dll (the Directory Backup Functions), and checks backups.\n"
    "\n"
    "Commands:\n"
    "  backup DIR [--truncate-logs]  back up the database and its logs into DIR\n"
    "  verify DIR                    check every file of the backup in DIR\n"
    "  restore DIR [--resume]        restore the backup in DIR (the directory\n"
    "                                service must be stopped)\n"
    "  status                        show whether the directory is online, where its\n"
    "                                database is, the NTDS service's state, and any\n"
    "                                restore in progress\n"
    "  init-sample [DIR] [--force]   create a sample directory database to try the\n"
    "                                other commands on (default C:\\Windows\\NTDS)\n"
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

static const char restore_help[] =
    "Usage: dsbackup restore DIR [--resume]\n"
    "\n"
    "Restores the directory database from the backup in DIR, made by\n"
    "'dsbackup backup DIR', in the documented order of ntdsbcli.dll:\n"
    "  1. checks the backup as 'dsbackup verify DIR' does (the manifest and its\n"
    "     'end' line, the size and SHA-256 of every file and of the expiry token)\n"
    "     before anything is changed;\n"
    "  2. the directory must be offline (DsIsNTDSOnline): stop the directory\n"
    "     service first, with 'net stop NTDS';\n"
    "  3. DsRestorePrepare with DIR\\expiry.token: a damaged token is refused\n"
    "     (hrUnknownExpiryTokenFormat), and so is a backup older than the tombstone\n"
    "     lifetime (hrContentsExpired);\n"
    "  4. DsRestoreGetDatabaseLocations tells where the database, the logs and\n"
    "     the checkpoint go;\n"
    "  5. DsRestoreRegister registers the restore: from now until it completes,\n"
    "     the directory service does not start;\n"
    "  6. replaces the files: in the log folder it deletes the transaction logs\n"
    "     (edb.log and edbXXXXX.log) and in the checkpoint folder the checkpoint\n"
    "     (edb.chk). ONLY these are deleted: every other file in those folders is\n"
    "     left alone. It writes the database under a temporary name in its folder\n"
    "     and renames it over the old one, copies the backed-up logs in, and reads\n"
    "     every written file back to check its SHA-256;\n"
    "  7. DsRestoreRegisterComplete: after success the directory service may be\n"
    "     started again ('net start NTDS'); after a failure the restore stays\n"
    "     registered and the service does not start until a restore completes.\n"
    "\n"
    "  --resume  finishes a restore that was registered but never completed (the\n"
    "            restoring program stopped between steps 5 and 7; a restore then\n"
    "            reports hrRestoreInProgress): skips step 5, replaces the files and\n"
    "            completes the registration. DIR must hold the backup that was\n"
    "            registered ('dsbackup status' shows its log folder).\n"
    "\n"
    "Test hook: with DSBACKUP_TEST_CRASH_AFTER_REGISTER=1 in the environment, the\n"
    "program terminates itself (exit code 99) right after step 5, as a crash would.\n"
    "\n"
    "Exit status: 0 restored, 1 refused or failed (nothing was changed unless the\n"
    "restore had been registered), 2 usage error.\n";

static const char status_help[] =
    "Usage: dsbackup status\n"
    "\n"
    "Shows whether the directory service is online (DsIsNTDSOnline), the database\n"
    "paths recorded under HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters,\n"
    "the state of the NTDS service if one is registered, and whether a restore is\n"
    "registered (the key NTDS\\Restore In Progress), with what it records.\n"
    "\n"
    "Exit status: 0 the status was read, 1 it could not be, 2 usage error.\n";

static const char init_sample_help[] =
    "Usage: dsbackup init-sample [DIR] [--force]\n"
    "\n"
    "Creates a sample directory database in the folder DIR (default\n"
    "C:\\Windows\\NTDS; it is created if needed), to try the other commands on:\n"
    "  ntds.dit                       a few MiB of pseudo-random bytes\n"
    "  edb00001.log .. edb00003.log   numbered transaction logs\n"
    "  edb.log                        the current log\n"
    "  edb.chk                        the checkpoint\n"
    "and records DIR\\ntds.dit, DIR and DIR as \"DSA Database file\", \"Database log\n"
    "files path\" and \"DSA Working Directory\" under\n"
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters.\n"
    "\n"
    "It refuses to overwrite anything: if one of these files exists, or the\n"
    "registry already names another database file that exists, it changes nothing.\n"
    "\n"
    "  --force  overwrite the files and the registry values anyway (never while\n"
    "           the NTDS service is running)\n"
    "\n"
    "Exit status: 0 created, 1 refused or failed, 2 usage error.\n";

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

#define ARGUMENTS_OK (-1)

/* The arguments of a subcommand that takes a folder and at most one option of
 * its own (OPTION, which sets *OPTION_GIVEN; NULL if none): "--help", the option,
 * "--" and one folder, in any order.  Returns ARGUMENTS_OK, or the exit code when
 * the help was printed or the arguments are wrong. */
static int parse_folder_arguments(int argc, WCHAR **argv, const char *command, const char *help,
                                  const WCHAR *option, BOOL *option_given, const WCHAR **folder)
{
    BOOL options_done = FALSE;
    char format[64];
    int i;

    *folder = NULL;
    for (i = 1; i < argc; i++)
    {
        if (!options_done && is_help_option(argv[i]))
        {
            print("%s", help);
            return EXIT_OK;
        }
        if (!options_done && option && !wcscmp(argv[i], option)) *option_given = TRUE;
        else if (!options_done && !wcscmp(argv[i], L"--")) options_done = TRUE;
        else if (!options_done && argv[i][0] == '-' && argv[i][1])
        {
            snprintf(format, sizeof(format), "%s: unknown option %%s", command);
            return usage_error(help, format, argv[i]);
        }
        else if (*folder)
        {
            snprintf(format, sizeof(format), "%s: one folder only, not also %%s", command);
            return usage_error(help, format, argv[i]);
        }
        else *folder = argv[i];
    }
    return ARGUMENTS_OK;
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
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot start a SHA-256 hash");
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

/* On a console, one line per file rewritten in place at most five times a second:
 *   log edb00002.log [##########..........]  52% 1.0/2.0 MiB 12.3 MiB/s ETA 0:01
 * kept one column short of the console's width.  Elsewhere (a pipe, a file)
 * nothing until the file is done; then, in both cases, one plain line that says
 * what was done. */
struct progress
{
    BOOL console;
    const char *kind;            /* "database", "log", "restore database", ... */
    const WCHAR *name;           /* base name */
    ULONGLONG total;
    ULONGLONG start, last;       /* GetTickCount64 */
    size_t shown;                /* length of the line on screen */
};

#define PROGRESS_BAR_WIDTH 20

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

static void progress_update(struct progress *progress, ULONGLONG done)
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
static void progress_end_line(struct progress *progress, const char *line)
{
    size_t n = strlen(line);

    if (progress->console && progress_line_open)
        print("\r%s%*s\n", line, progress->shown > n ? (int)(progress->shown - n) : 0, "");
    else
        print("%s\n", line);
    progress->shown = 0;
    progress_line_open = FALSE;
}

static void progress_end(struct progress *progress, const char *sha256)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s %s %llu bytes sha256 %s", progress->kind, u8(progress->name),
                     progress->total, sha256);

    if (n < 0) return;
    progress_end_line(progress, line);
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
        report_sys((HRESULT)error, "cannot examine the backup folder %s", u8(dir));
        return FALSE;
    }
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        report_sys(ERROR_DIRECTORY, "%s is not a folder", u8(dir));
        return FALSE;
    }
    if (!(manifest = path_join(dir, L"manifest.txt")) || !(pattern = path_join(dir, L"*")))
    {
        free(manifest);
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot examine the backup folder %s", u8(dir));
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
        report_sys((HRESULT)error, "cannot list the backup folder %s", u8(dir));
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
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(unc_name));
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
        report_sys(ERROR_INVALID_DATA, "DsBackupOpenFileW gave a negative size for %s", u8(unc_name));
        goto done;
    }
    out = CreateFileW(destination, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                      FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (out == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot create %s", u8(destination));
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
            report_sys(ERROR_INVALID_DATA, "DsBackupRead returned %lu bytes for %s, more than the %llu "
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
            report_sys((HRESULT)GetLastError(), "cannot write %s", u8(destination));
            goto done;
        }
        if (!sha256_update(&sha, run->buffer, got)) goto done;
        received += got;
        progress_update(&progress, received);
    }
    /* The manifest, written later, must only ever describe data that is on disk. */
    if (!FlushFileBuffers(out))
    {
        report_sys((HRESULT)GetLastError(), "cannot flush %s", u8(destination));
        goto done;
    }
    if (!CloseHandle(out))
    {
        out = INVALID_HANDLE_VALUE;
        report_sys((HRESULT)GetLastError(), "cannot close %s", u8(destination));
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
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot record %s", u8(unc_name));
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
            report_sys(ERROR_INVALID_DATA, "%s returned a list whose last name is not terminated", list_function);
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
            report_sys(ERROR_INVALID_DATA, "%s returned a malformed entry %s", list_function, u8(entry));
            return FALSE;
        }
        for (base = p = name; *p; p++)
            if (*p == '\\' || *p == '/') base = p + 1;
        /* The base name becomes a file in DIR: it must not lead anywhere else. */
        if (!base[0] || !wcscmp(base, L".") || !wcscmp(base, L"..") || wcschr(base, ':'))
        {
            report_sys(ERROR_INVALID_NAME, "%s listed %s, which has no usable file name", list_function, u8(name));
            return FALSE;
        }
        if (!(relative = path_join(subfolder, base)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot back up %s", u8(name));
            return FALSE;
        }
        for (j = 0; j < run->file_count; j++)
            if (CompareStringOrdinal(run->files[j].relative_path, -1, relative, -1, TRUE) == CSTR_EQUAL)
            {
                report_sys(ERROR_FILE_EXISTS, "%s and %s would both be saved as %s", u8(run->files[j].unc_name),
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
        report_sys((HRESULT)GetLastError(), "cannot create %s", u8(path));
        return FALSE;
    }
    if (!write_all(file, data, size) || !FlushFileBuffers(file))
    {
        report_sys((HRESULT)GetLastError(), "cannot write %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!CloseHandle(file))
    {
        report_sys((HRESULT)GetLastError(), "cannot close %s", u8(path));
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
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot write the manifest");
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
            report_sys(ERROR_NO_UNICODE_TRANSLATION, "cannot write the name %s in the manifest",
                       u8(file->relative_path));
            goto done;
        }
        text_append(&text, " ", 1);
        if (!text_append_escaped(&text, file->unc_name))
        {
            report_sys(ERROR_NO_UNICODE_TRANSLATION, "cannot write the name %s in the manifest",
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
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot write the manifest");
        goto done;
    }
    if (!write_new_file(temporary, text.data, text.length, CREATE_ALWAYS)) goto done;
    if (!MoveFileExW(temporary, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        report_sys((HRESULT)GetLastError(), "cannot rename %s to %s", u8(temporary), u8(final));
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

/* Fetches one of the two backup lists and backs up every file on it. */
static BOOL back_up_list(struct backup_run *run, HRESULT (WINAPI *get_list)(HBC, LPWSTR *, LPDWORD),
                         const char *get_list_name, const WCHAR *folder, const char *kind)
{
    WCHAR *list = NULL;
    DWORD list_size = 0;
    HRESULT hr;
    BOOL ok;

    if ((hr = get_list(run->hbc, &list, &list_size)))
    {
        report(hr, "%s failed", get_list_name);
        return FALSE;
    }
    ok = copy_listed_files(run, get_list_name, list, list_size, folder, kind);
    DsBackupFree(list);
    return ok;
}

/* DIR\name, created. */
static BOOL create_subfolder(const WCHAR *dir, const WCHAR *name)
{
    WCHAR *path = path_join(dir, name);
    DWORD error = path ? create_folder(path) : ERROR_NOT_ENOUGH_MEMORY;

    if (error) report_sys((HRESULT)error, "cannot create %s\\%s", u8(dir), u8(name));
    free(path);
    return !error;
}

static int command_backup(int argc, WCHAR **argv)
{
    struct backup_run run = {0};
    const WCHAR *dir_argument = NULL;
    BOOL truncate_logs = FALSE, online = FALSE, folder_created = FALSE, complete = FALSE;
    WCHAR *dir = NULL, *path = NULL;
    DWORD token_size = 0, error;
    void *token = NULL;
    char token_sha256[65];
    int status = EXIT_FAILED, code;
    HRESULT hr;

    if ((code = parse_folder_arguments(argc, argv, "backup", backup_help, L"--truncate-logs", &truncate_logs,
                                         &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0])
        return usage_error(backup_help, "backup: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    run.dir = dir;
    if (!check_backup_folder(dir)) goto done;
    if (!(run.buffer = malloc(READ_BUFFER_SIZE)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot allocate the read buffer");
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
        report_sys((HRESULT)error, "cannot create the backup folder %s", u8(dir));
        goto done;
    }
    folder_created = TRUE;
    if (!create_subfolder(dir, L"database") || !create_subfolder(dir, L"logs")) goto done;

    /* 3. Every database file. */
    if (!back_up_list(&run, DsBackupGetDatabaseNamesW, "DsBackupGetDatabaseNamesW", L"database", "database"))
        goto done;
    /* 4. Then the logs, which hold what changed while the database was read. */
    if (!back_up_list(&run, DsBackupGetBackupLogsW, "DsBackupGetBackupLogsW", L"logs", "log"))
        goto done;

    /* 6. The token is kept with the backup: a restore needs it. */
    if (!(path = path_join(dir, L"expiry.token")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot save the expiry token");
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

/* Hashes a whole file; FALSE (reported) if it cannot be read.  With a progress
 * (begun by the caller, whose total may be 0 for "the file's size"), a console
 * shows a bar while it reads; the caller ends the line. */
static BOOL hash_file(const WCHAR *path, BYTE *buffer, ULONGLONG *size_out, char sha256[65],
                      struct progress *progress)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    LARGE_INTEGER file_size;
    struct sha256 sha;
    ULONGLONG size = 0;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (progress && !progress->total && GetFileSizeEx(file, &file_size) && file_size.QuadPart > 0)
        progress->total = (ULONGLONG)file_size.QuadPart;
    if (!sha256_begin(&sha))
    {
        CloseHandle(file);
        return FALSE;
    }
    for (;;)
    {
        if (!ReadFile(file, buffer, READ_BUFFER_SIZE, &got, NULL))
        {
            report_sys((HRESULT)GetLastError(), "cannot read %s", u8(path));
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
        if (progress) progress_update(progress, size);
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

/* A small file into memory, NUL-terminated; at most max_size bytes. */
static BOOL read_whole_file(const WCHAR *path, size_t max_size, char **data_out, size_t *size_out)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    char *data;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (!GetFileSizeEx(file, &size))
    {
        report_sys((HRESULT)GetLastError(), "cannot read %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if ((ULONGLONG)size.QuadPart > max_size)
    {
        report_sys(ERROR_INVALID_DATA, "%s is too large (%llu bytes, at most %llu expected)", u8(path),
                   (ULONGLONG)size.QuadPart, (ULONGLONG)max_size);
        CloseHandle(file);
        return FALSE;
    }
    if (!(data = malloc((size_t)size.QuadPart + 1)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot read %s", u8(path));
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
    struct progress progress;
    ULONGLONG size;
    char sha256[65], line[512];
    BOOL ok = FALSE;

    if (!path)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot check %s", u8(relative));
        return FALSE;
    }
    progress_begin(&progress, "verify", relative, expected_size ? *expected_size : 0);
    if (!hash_file(path, buffer, &size, sha256, &progress)) ;
    else if (expected_size && size != *expected_size)
        report(hrReadVerifyFailure, "%s has %llu bytes, the manifest (line %u) says %llu", u8(relative),
               size, line_number, *expected_size);
    else if (_strnicmp(sha256, expected_sha256, 64))
        report(hrReadVerifyFailure, "%s has SHA-256 %s, the manifest (line %u) says %.64s", u8(relative),
               sha256, line_number, expected_sha256);
    else
    {
        snprintf(line, sizeof(line), "ok %s %llu bytes sha256 %s", u8(relative), size, sha256);
        progress_end_line(&progress, line);
        ok = TRUE;
    }
    free(path);
    return ok;
}

/* A backup as its manifest describes it. */
struct manifest_entry
{
    unsigned bft;
    ULONGLONG size;
    char sha256[65];
    WCHAR *relative_path;       /* "logs\edb00001.log", checked to stay inside DIR */
    WCHAR *unc_name;            /* the name the DLL listed at backup time */
};

struct manifest
{
    struct manifest_entry *entries;
    size_t count;
    char token_sha256[65];
};

static void manifest_free(struct manifest *manifest)
{
    size_t i;

    for (i = 0; i < manifest->count; i++)
    {
        free(manifest->entries[i].relative_path);
        free(manifest->entries[i].unc_name);
    }
    free(manifest->entries);
    memset(manifest, 0, sizeof(*manifest));
}

/* Reads DIR\manifest.txt and checks every file it lists and the expiry token,
 * with one "ok" line per good file and a report per problem.  TRUE if the
 * manifest is complete and every file matches; *out (if given) then holds the
 * entries, else it is empty. */
static BOOL verify_backup(const WCHAR *dir, struct manifest *out)
{
    struct manifest manifest = {0};
    WCHAR *manifest_path = NULL;
    size_t manifest_size = 0, position = 0, k, capacity = 0;
    char *manifest_text = NULL;
    BYTE *buffer = NULL;
    unsigned line_number = 0, checked = 0, bad = 0;
    BOOL have_token = FALSE, have_end = FALSE, malformed = FALSE, ok = FALSE;

    if (out) memset(out, 0, sizeof(*out));
    if (!(manifest_path = path_join(dir, L"manifest.txt")) || !(buffer = malloc(READ_BUFFER_SIZE)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
        goto done;
    }
    if (!read_whole_file(manifest_path, MAX_MANIFEST_SIZE, &manifest_text, &manifest_size)) goto done;
    if (!sha256_open_provider()) goto done;

    while (position < manifest_size && !malformed)
    {
        const char *line = manifest_text + position, *newline = memchr(line, '\n', manifest_size - position);
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
            report_sys(ERROR_INVALID_DATA, "%s, line %u: a NUL character", u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if (have_end)
        {
            report_sys(ERROR_INVALID_DATA, "%s, line %u: text after the 'end' line", u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if (line_number == 1)
        {
            if (length != strlen(MANIFEST_HEADER) || memcmp(line, MANIFEST_HEADER, length))
            {
                report_sys(ERROR_INVALID_DATA, "%s does not begin with '" MANIFEST_HEADER "': not a backup "
                           "manifest, or a newer format", u8(manifest_path));
                malformed = TRUE;
            }
        }
        else if (length == 3 && !memcmp(line, "end", 3))
        {
            if (!have_token)
            {
                report_sys(ERROR_INVALID_DATA, "%s has no 'token' line before 'end'", u8(manifest_path));
                malformed = TRUE;
            }
            have_end = TRUE;
        }
        else if (have_token)
        {
            report_sys(ERROR_INVALID_DATA, "%s, line %u: only 'end' may follow the 'token' line",
                       u8(manifest_path), line_number);
            malformed = TRUE;
        }
        else if ((count = split_fields(line, length, fields, lengths, 5)) == 2
                 && lengths[0] == 5 && !memcmp(fields[0], "token", 5))
        {
            if (!is_sha256_hex(fields[1], lengths[1]))
            {
                report_sys(ERROR_INVALID_DATA, "%s, line %u: the token's SHA-256 is malformed",
                           u8(manifest_path), line_number);
                malformed = TRUE;
            }
            else
            {
                memcpy(manifest.token_sha256, fields[1], 64);
                manifest.token_sha256[64] = 0;
                have_token = TRUE;
                checked++;
                if (!verify_file(dir, L"expiry.token", NULL, manifest.token_sha256, buffer, line_number))
                    bad++;
            }
        }
        else
        {
            struct manifest_entry *entry;
            ULONGLONG size;
            WCHAR *relative, *unc;

            if (count != 5 || lengths[0] != 2 || hex_value(fields[0][0]) < 0 || hex_value(fields[0][1]) < 0
                    || !parse_decimal(fields[1], lengths[1], &size) || !is_sha256_hex(fields[2], lengths[2]))
            {
                report_sys(ERROR_INVALID_DATA, "%s, line %u: not a file line (<bft> <size> <sha256> <path> <unc>)",
                           u8(manifest_path), line_number);
                malformed = TRUE;
                continue;
            }
            if (!(relative = unescape_field(fields[3], lengths[3])) || !relative_path_is_safe(relative))
            {
                report_sys(ERROR_INVALID_DATA, "%s, line %u: the path is malformed or leaves the backup folder",
                           u8(manifest_path), line_number);
                free(relative);
                malformed = TRUE;
                continue;
            }
            if (!(unc = unescape_field(fields[4], lengths[4])) || !unc[0])
            {
                report_sys(ERROR_INVALID_DATA, "%s, line %u: the original name is malformed",
                           u8(manifest_path), line_number);
                free(relative);
                free(unc);
                malformed = TRUE;
                continue;
            }
            for (k = 0; k < manifest.count; k++)
                if (CompareStringOrdinal(manifest.entries[k].relative_path, -1, relative, -1, TRUE) == CSTR_EQUAL)
                    break;
            if (k < manifest.count || !_wcsicmp(relative, L"expiry.token") || !_wcsicmp(relative, L"manifest.txt"))
            {
                report_sys(ERROR_INVALID_DATA, "%s, line %u: %s is listed twice or is not a backed-up file",
                           u8(manifest_path), line_number, u8(relative));
                free(relative);
                free(unc);
                malformed = TRUE;
                continue;
            }
            if (manifest.count == capacity)
            {
                size_t grown_capacity = capacity ? capacity * 2 : 16;
                struct manifest_entry *grown = realloc(manifest.entries, grown_capacity * sizeof(*grown));
                if (!grown)
                {
                    report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
                    free(relative);
                    free(unc);
                    goto done;
                }
                manifest.entries = grown;
                capacity = grown_capacity;
            }
            entry = &manifest.entries[manifest.count++];
            entry->bft = hex_value(fields[0][0]) * 16 + hex_value(fields[0][1]);
            entry->size = size;
            memcpy(entry->sha256, fields[2], 64);
            entry->sha256[64] = 0;
            entry->relative_path = relative;
            entry->unc_name = unc;
            checked++;
            if (!verify_file(dir, relative, &size, entry->sha256, buffer, line_number)) bad++;
        }
    }
    if (!malformed && line_number && !have_end)
    {
        report_sys(ERROR_INVALID_DATA, "%s does not end with its 'end' line: the manifest is incomplete",
                   u8(manifest_path));
        malformed = TRUE;
    }
    if (!malformed && !line_number)
    {
        report_sys(ERROR_INVALID_DATA, "%s is empty", u8(manifest_path));
        malformed = TRUE;
    }
    if (!malformed && !manifest.count)
    {
        report_sys(ERROR_INVALID_DATA, "%s lists no files", u8(manifest_path));
        malformed = TRUE;
    }
    if (malformed || bad)
    {
        print_error_line("dsbackup: verify %s: FAILED: %u of %u checked files differ%s\n", u8(dir), bad,
                         checked, malformed ? ", and the manifest is damaged" : "");
        goto done;
    }
    print("verify %s: ok, %u files and the expiry token match the manifest\n", u8(dir), checked - 1);
    ok = TRUE;
    if (out)
    {
        *out = manifest;
        memset(&manifest, 0, sizeof(manifest));
    }
done:
    manifest_free(&manifest);
    free(manifest_text);
    free(buffer);
    free(manifest_path);
    return ok;
}

static int command_verify(int argc, WCHAR **argv)
{
    const WCHAR *dir_argument;
    WCHAR *dir;
    BOOL ok;
    int code;

    if ((code = parse_folder_arguments(argc, argv, "verify", verify_help, NULL, NULL, &dir_argument))
            != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0]) return usage_error(verify_help, "verify: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    ok = verify_backup(dir, NULL);
    sha256_close_provider();
    free(dir);
    return ok ? EXIT_OK : EXIT_FAILED;
}

/* ------------------------------------------------------------------------- */
/* The NTDS service, as the service control manager sees it. */

struct ntds_service
{
    BOOL known;                 /* the SCM answered */
    BOOL registered;            /* a service named NTDS exists */
    SERVICE_STATUS_PROCESS status;
    DWORD error;                /* why not known */
};

static void query_ntds_service(struct ntds_service *service)
{
    SC_HANDLE manager, handle;
    DWORD needed;

    memset(service, 0, sizeof(*service));
    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT)))
    {
        service->error = GetLastError();
        return;
    }
    if (!(handle = OpenServiceW(manager, L"NTDS", SERVICE_QUERY_STATUS)))
    {
        service->error = GetLastError();
        service->known = service->error == ERROR_SERVICE_DOES_NOT_EXIST;
    }
    else
    {
        service->registered = TRUE;
        if (QueryServiceStatusEx(handle, SC_STATUS_PROCESS_INFO, (BYTE *)&service->status,
                                 sizeof(service->status), &needed))
            service->known = TRUE;
        else service->error = GetLastError();
        CloseServiceHandle(handle);
    }
    CloseServiceHandle(manager);
}

static const char *service_state_name(DWORD state)
{
    switch (state)
    {
    case SERVICE_STOPPED:          return "stopped";
    case SERVICE_START_PENDING:    return "starting";
    case SERVICE_STOP_PENDING:     return "stopping";
    case SERVICE_RUNNING:          return "running";
    case SERVICE_CONTINUE_PENDING: return "continuing";
    case SERVICE_PAUSE_PENDING:    return "pausing";
    case SERVICE_PAUSED:           return "paused";
    default:                       return "in an unknown state";
    }
}

/* "<name> (<hex>): <meaning>", as report_sys() shows codes: for codes that are
 * not the DLL's own answer (a service's exit code, a restoring program's status). */
static const char *describe_code(HRESULT hr, char *buffer, size_t size)
{
    char meaning[1024];

    snprintf(buffer, size, "%s (%#lx): %s", code_name(hr), (unsigned long)hr,
             own_code_meaning(hr, meaning, sizeof(meaning)));
    return buffer;
}

/* The refusal of a restore while the directory is online, saying what to do. */
static void report_online(const char *what)
{
    struct ntds_service service;

    query_ntds_service(&service);
    if (service.known && !service.registered)
        report(hrDatabaseInUse, "%s: the directory counts as online (no NTDS service is registered, and "
               "then a database that exists is taken to be in use): register the NTDS service "
               "(ntdssvc.exe install) and leave it stopped, then restore again", what);
    else
        report(hrDatabaseInUse, "%s: the directory service is online: stop it first with "
               "'net stop NTDS' (or 'sc stop NTDS'), then restore again", what);
}

/* ------------------------------------------------------------------------- */
/* restore */

#define RESTORE_TEMP_SUFFIX L".dsbackup-tmp"
#define MAX_TOKEN_SIZE      65536
#define TEST_CRASH_HOOK     L"DSBACKUP_TEST_CRASH_AFTER_REGISTER"

static const WCHAR *base_name_of(const WCHAR *path)
{
    const WCHAR *base = path, *p;

    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/') base = p + 1;
    return base;
}

/* The transaction logs: the current one, edb.log, and the numbered ones,
 * edbXXXXX.log with five hexadecimal digits (*generation).  Nothing else. */
static BOOL is_transaction_log_name(const WCHAR *name, BOOL *numbered, ULONG *generation)
{
    ULONG value = 0;
    int i, digit;

    if (numbered) *numbered = FALSE;
    if (generation) *generation = 0;
    if (!_wcsicmp(name, L"edb.log")) return TRUE;
    if (wcslen(name) != 12 || _wcsnicmp(name, L"edb", 3) || _wcsicmp(name + 8, L".log")) return FALSE;
    for (i = 3; i < 8; i++)
    {
        if (name[i] > 0x7f || (digit = hex_value((char)name[i])) < 0) return FALSE;
        value = value * 16 + (ULONG)digit;
    }
    if (numbered) *numbered = TRUE;
    if (generation) *generation = value;
    return TRUE;
}

struct restore_item
{
    const struct manifest_entry *entry;
    const char *kind;           /* "database", "log", "patch file" */
    WCHAR *source;              /* DIR\relative path */
    WCHAR *target;              /* a UNC path from DsRestoreGetDatabaseLocations */
};

struct restore_plan
{
    const WCHAR *dir;
    struct manifest manifest;
    const struct manifest_entry *database;
    ULONG generation_low, generation_high;
    WCHAR *backup_log_path;     /* DIR\logs */
    WCHAR *database_location, *log_dir, *checkpoint_dir;
    struct restore_item *items; /* the database, the logs, the patch files */
    size_t item_count;
    ULONGLONG total_bytes;
};

static void restore_plan_free(struct restore_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->item_count; i++)
    {
        free(plan->items[i].source);
        free(plan->items[i].target);
    }
    free(plan->items);
    free(plan->backup_log_path);
    free(plan->database_location);
    free(plan->log_dir);
    free(plan->checkpoint_dir);
    manifest_free(&plan->manifest);
}

/* What the verified manifest holds must be something this program can restore:
 * one database, transaction logs in DIR\logs, patch files; nothing unknown. */
static BOOL check_restorable(struct restore_plan *plan)
{
    BOOL have_generation = FALSE, numbered;
    ULONG generation;
    DWORD attributes;
    size_t i;

    plan->generation_low = plan->generation_high = 0;
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->relative_path);

        switch (entry->bft)
        {
        case 0x44:      /* BFT_NTDS_DATABASE */
            if (plan->database)
            {
                report_sys(ERROR_INVALID_DATA, "the backup holds two database files, %s and %s; the directory "
                           "has one", u8(plan->database->relative_path), u8(entry->relative_path));
                return FALSE;
            }
            plan->database = entry;
            break;
        case 0x21:      /* BFT_LOG */
            if (_wcsnicmp(entry->relative_path, L"logs\\", 5) || wcschr(entry->relative_path + 5, '\\')
                    || wcschr(entry->relative_path + 5, '/'))
            {
                report_sys(ERROR_INVALID_DATA, "the log %s is not in the backup's logs folder, where "
                           "'dsbackup backup' puts logs", u8(entry->relative_path));
                return FALSE;
            }
            if (!is_transaction_log_name(base, &numbered, &generation))
            {
                report_sys(ERROR_INVALID_DATA, "the backed-up log %s is not named as a transaction log "
                           "(edb.log or edbXXXXX.log)", u8(entry->relative_path));
                return FALSE;
            }
            if (numbered)
            {
                if (!have_generation || generation < plan->generation_low) plan->generation_low = generation;
                if (!have_generation || generation > plan->generation_high) plan->generation_high = generation;
                have_generation = TRUE;
            }
            break;
        case 0x25:      /* BFT_PATCH_FILE: into the checkpoint folder */
            if (is_transaction_log_name(base, NULL, NULL) || !_wcsicmp(base, L"edb.chk"))
            {
                report_sys(ERROR_INVALID_DATA, "the patch file %s has the name of a log or of the checkpoint",
                           u8(entry->relative_path));
                return FALSE;
            }
            break;
        default:
            report_sys(ERROR_INVALID_DATA, "the backup holds %s with the file type %#x, which this program "
                       "does not know where to restore", u8(entry->relative_path), entry->bft);
            return FALSE;
        }
    }
    if (!plan->database)
    {
        report_sys(ERROR_INVALID_DATA, "the backup in %s holds no database file (type 44)", u8(plan->dir));
        return FALSE;
    }
    if (!(plan->backup_log_path = path_join(plan->dir, L"logs")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
        return FALSE;
    }
    attributes = GetFileAttributesW(plan->backup_log_path);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
    {
        report(attributes == INVALID_FILE_ATTRIBUTES ? (HRESULT)GetLastError() : ERROR_DIRECTORY,
               "the backup's log folder %s is missing", u8(plan->backup_log_path));
        return FALSE;
    }
    return TRUE;
}

/* The list of DsRestoreGetDatabaseLocationsW: exactly one database file, one
 * log folder and one checkpoint folder. */
static BOOL parse_locations(struct restore_plan *plan, const WCHAR *list, DWORD list_bytes)
{
    size_t count = list ? list_bytes / sizeof(WCHAR) : 0, i = 0, end;

    while (i < count && list[i])
    {
        const WCHAR *entry = list + i;
        WCHAR **slot;

        for (end = i; end < count && list[end]; end++) ;
        if (end == count)
        {
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned a list whose last name is "
                       "not terminated");
            return FALSE;
        }
        i = end + 1;
        switch (entry[0])
        {
        case 0x44: slot = &plan->database_location; break;     /* BFT_NTDS_DATABASE */
        case 0x82: slot = &plan->log_dir; break;               /* BFT_LOG_DIR */
        case 0x83: slot = &plan->checkpoint_dir; break;        /* BFT_CHECKPOINT_DIR */
        default:
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned an entry of unknown type "
                       "%#x: %s", (unsigned)entry[0], u8(entry + 1));
            return FALSE;
        }
        if (*slot)
        {
            report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW returned two entries of type %#x",
                       (unsigned)entry[0]);
            return FALSE;
        }
        if (!entry[1] || !(*slot = _wcsdup(entry + 1)))
        {
            report(entry[1] ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA,
                   "DsRestoreGetDatabaseLocationsW returned an empty entry of type %#x", (unsigned)entry[0]);
            return FALSE;
        }
    }
    if (!plan->database_location || !plan->log_dir || !plan->checkpoint_dir)
    {
        report_sys(ERROR_INVALID_DATA, "DsRestoreGetDatabaseLocationsW did not return the %s",
                   !plan->database_location ? "database file (BFT_NTDS_DATABASE)"
                   : !plan->log_dir ? "log folder (BFT_LOG_DIR)" : "checkpoint folder (BFT_CHECKPOINT_DIR)");
        return FALSE;
    }
    return TRUE;
}

/* TRUE if both paths exist and are the very same file or folder. */
static BOOL same_file(const WCHAR *a, const WCHAR *b)
{
    BY_HANDLE_FILE_INFORMATION info_a, info_b;
    HANDLE handle_a, handle_b;
    BOOL same = FALSE;

    handle_a = CreateFileW(a, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (handle_a == INVALID_HANDLE_VALUE) return FALSE;
    handle_b = CreateFileW(b, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (handle_b != INVALID_HANDLE_VALUE)
    {
        if (GetFileInformationByHandle(handle_a, &info_a) && GetFileInformationByHandle(handle_b, &info_b))
            same = info_a.nFileIndexHigh == info_b.nFileIndexHigh && info_a.nFileIndexLow == info_b.nFileIndexLow
                   && info_a.dwVolumeSerialNumber == info_b.dwVolumeSerialNumber;
        CloseHandle(handle_b);
    }
    CloseHandle(handle_a);
    return same;
}

static BOOL add_item(struct restore_plan *plan, const struct manifest_entry *entry, const char *kind,
                     WCHAR *target)
{
    struct restore_item *item;

    if (!target) return FALSE;
    item = &plan->items[plan->item_count];
    item->entry = entry;
    item->kind = kind;
    item->target = target;
    if (!(item->source = path_join(plan->dir, entry->relative_path)))
    {
        free(target);
        return FALSE;
    }
    plan->item_count++;
    plan->total_bytes += entry->size;
    return TRUE;
}

/* Where each backed-up file goes: the database to the database location (the
 * restore map's new name), logs into the log folder, patch files into the
 * checkpoint folder, under their own names. */
static BOOL plan_targets(struct restore_plan *plan)
{
    size_t i, j;

    if (!(plan->items = calloc(plan->manifest.count, sizeof(*plan->items))))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
        return FALSE;
    }
    if (!add_item(plan, plan->database, "database", _wcsdup(plan->database_location))) goto no_memory;
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->relative_path);

        if (entry->bft == 0x21 && !add_item(plan, entry, "log", path_join(plan->log_dir, base)))
            goto no_memory;
    }
    for (i = 0; i < plan->manifest.count; i++)
    {
        const struct manifest_entry *entry = &plan->manifest.entries[i];
        const WCHAR *base = base_name_of(entry->relative_path);

        if (entry->bft == 0x25 && !add_item(plan, entry, "patch file", path_join(plan->checkpoint_dir, base)))
            goto no_memory;
    }
    for (i = 0; i < plan->item_count; i++)
    {
        for (j = i + 1; j < plan->item_count; j++)
            if (CompareStringOrdinal(plan->items[i].target, -1, plan->items[j].target, -1, TRUE) == CSTR_EQUAL)
            {
                report_sys(ERROR_FILE_EXISTS, "%s and %s would both be restored to %s",
                           u8(plan->items[i].entry->relative_path), u8(plan->items[j].entry->relative_path),
                           u8(plan->items[i].target));
                return FALSE;
            }
        /* A backup kept in the very folders it restores to would delete itself. */
        if (same_file(plan->items[i].source, plan->items[i].target))
        {
            report(hrInvalidPath, "%s is the file it would be restored to, %s: keep the backup "
                   "outside the directory's folders", u8(plan->items[i].source), u8(plan->items[i].target));
            return FALSE;
        }
    }
    return TRUE;
no_memory:
    report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot plan the restore");
    return FALSE;
}

/* --resume: a registration must exist, and be of this backup. */
static BOOL check_resumable(const BYTE *token, DWORD token_size)
{
    ULONGLONG registered_id = 0, token_id = 0;
    WCHAR backup_log_path[1024] = L"";
    DWORD type, size;
    HKEY key;
    LONG error;

    error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key);
    if (error == ERROR_FILE_NOT_FOUND)
    {
        report(hrInvalidBackupSequence, "restore --resume: no restore is registered, so there is none to "
               "resume (run 'dsbackup restore DIR' without --resume)");
        return FALSE;
    }
    if (error)
    {
        report_sys((HRESULT)error, "restore --resume: cannot read HKLM\\%s", u8(RESTORE_IN_PROGRESS_KEY));
        return FALSE;
    }
    size = sizeof(backup_log_path) - sizeof(WCHAR);
    if (!RegQueryValueExW(key, L"Backup Log Path", NULL, &type, (BYTE *)backup_log_path, &size)
            && type == REG_SZ && size < sizeof(backup_log_path))
        backup_log_path[size / sizeof(WCHAR)] = 0;
    else backup_log_path[0] = 0;
    size = sizeof(registered_id);
    /* The registration records the Backup Id of the token it was made with (the
     * token format is in docs/behaviour.md, "Expiry token": the id at offset 24). */
    if (!RegQueryValueExW(key, L"Backup Id", NULL, &type, (BYTE *)&registered_id, &size) && type == REG_QWORD
            && size == sizeof(registered_id) && token_size == 40 && !memcmp(token, "NBXT", 4))
    {
        memcpy(&token_id, token + 24, sizeof(token_id));
        if (token_id != registered_id)
        {
            RegCloseKey(key);
            report(hrRestoreInProgress, "restore --resume: the registered restore is of another backup "
                   "(Backup Id %016llx, its logs in %s; this backup's id is %016llx): resume it with that "
                   "backup, then restore this one", registered_id,
                   backup_log_path[0] ? u8(backup_log_path) : "(unknown)", token_id);
            return FALSE;
        }
    }
    RegCloseKey(key);
    return TRUE;
}

/* Deletes one file, even read-only.  A file already gone is fine. */
static HRESULT delete_one_file(const WCHAR *path)
{
    DWORD attributes = GetFileAttributesW(path), error;

    if (attributes == INVALID_FILE_ATTRIBUTES)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return S_OK;
        report_sys((HRESULT)error, "cannot examine %s", u8(path));
        return (HRESULT)error;
    }
    if (attributes & FILE_ATTRIBUTE_READONLY) SetFileAttributesW(path, attributes & ~FILE_ATTRIBUTE_READONLY);
    if (!DeleteFileW(path))
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return S_OK;
        report_sys((HRESULT)error, "cannot delete %s", u8(path));
        return (HRESULT)error;
    }
    print("deleted %s\n", u8(path));
    return S_OK;
}

/* In the log folder, the transaction logs edb.log and edbXXXXX.log: those
 * names only, files only. */
static HRESULT delete_transaction_logs(const WCHAR *log_dir)
{
    WIN32_FIND_DATAW data;
    WCHAR *pattern = path_join(log_dir, L"edb*.log"), **names = NULL, *path;
    size_t count = 0, i;
    HRESULT hr = S_OK;
    HANDLE find;
    DWORD error;

    if (!pattern)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot list %s", u8(log_dir));
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    find = FindFirstFileW(pattern, &data);
    free(pattern);
    if (find == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_NO_MORE_FILES) return S_OK;
        report_sys((HRESULT)error, "cannot list the transaction logs in %s", u8(log_dir));
        return (HRESULT)error;
    }
    /* The names first, the deletions after: a folder is not changed while it is listed. */
    do
    {
        WCHAR **grown;

        if ((data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_transaction_log_name(data.cFileName, NULL, NULL))
            continue;
        if (!(grown = realloc(names, (count + 1) * sizeof(*names))) || !(grown[count] = _wcsdup(data.cFileName)))
        {
            if (grown) names = grown;
            hr = ERROR_NOT_ENOUGH_MEMORY;
            report_sys(hr, "cannot list %s", u8(log_dir));
            break;
        }
        names = grown;
        count++;
    } while (FindNextFileW(find, &data));
    if (!hr && (error = GetLastError()) != ERROR_NO_MORE_FILES)
    {
        hr = (HRESULT)error;
        report_sys(hr, "cannot list the transaction logs in %s", u8(log_dir));
    }
    FindClose(find);
    for (i = 0; i < count && !hr; i++)
    {
        if (!(path = path_join(log_dir, names[i])))
        {
            hr = ERROR_NOT_ENOUGH_MEMORY;
            report_sys(hr, "cannot delete the logs in %s", u8(log_dir));
            break;
        }
        hr = delete_one_file(path);
        free(path);
    }
    for (i = 0; i < count; i++) free(names[i]);
    free(names);
    return hr;
}

/* One backed-up file to its target: copied to <target>.dsbackup-tmp and hashed on
 * the way, flushed, read back and checked, then renamed over the target. */
static HRESULT restore_one_file(const struct restore_item *item, BYTE *buffer)
{
    const struct manifest_entry *entry = item->entry;
    struct progress progress;
    WCHAR *temporary = NULL;
    HANDLE in = INVALID_HANDLE_VALUE, out = INVALID_HANDLE_VALUE;
    LARGE_INTEGER size;
    struct sha256 sha = {0};
    ULONGLONG copied = 0, read_back_size;
    char sha256[65], kind[64], line[2048];
    DWORD got, attributes;
    HRESULT hr;

    snprintf(kind, sizeof(kind), "restore %s", item->kind);
    if (!(temporary = malloc((wcslen(item->target) + ARRAYSIZE(RESTORE_TEMP_SUFFIX)) * sizeof(WCHAR))))
    {
        hr = ERROR_NOT_ENOUGH_MEMORY;
        report_sys(hr, "cannot restore %s", u8(item->target));
        goto done;
    }
    wcscpy(temporary, item->target);
    wcscat(temporary, RESTORE_TEMP_SUFFIX);
    in = CreateFileW(item->source, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (in == INVALID_HANDLE_VALUE)
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot open %s", u8(item->source));
        goto done;
    }
    if (!GetFileSizeEx(in, &size))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot read %s", u8(item->source));
        goto done;
    }
    if ((ULONGLONG)size.QuadPart != entry->size)
    {
        hr = hrReadVerifyFailure;
        report(hr, "%s has %llu bytes now, not the %llu it had when it was verified", u8(item->source),
               (ULONGLONG)size.QuadPart, entry->size);
        goto done;
    }
    out = CreateFileW(temporary, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE)
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot create %s", u8(temporary));
        goto done;
    }
    if (!sha256_begin(&sha))
    {
        hr = hrError;
        goto done;
    }
    progress_begin(&progress, kind, base_name_of(item->target), entry->size);
    for (;;)
    {
        if (!ReadFile(in, buffer, READ_BUFFER_SIZE, &got, NULL))
        {
            hr = (HRESULT)GetLastError();
            report_sys(hr, "cannot read %s", u8(item->source));
            goto done;
        }
        if (!got) break;
        if (copied + got > entry->size)
        {
            hr = hrReadVerifyFailure;
            report(hr, "%s grew while it was copied", u8(item->source));
            goto done;
        }
        if (!write_all(out, buffer, got))
        {
            hr = (HRESULT)GetLastError();
            report_sys(hr, "cannot write %s", u8(temporary));
            goto done;
        }
        if (!sha256_update(&sha, buffer, got))
        {
            hr = hrError;
            goto done;
        }
        copied += got;
        progress_update(&progress, copied);
    }
    CloseHandle(in);
    in = INVALID_HANDLE_VALUE;
    if (!sha256_finish(&sha, sha256))
    {
        hr = hrError;
        goto done;
    }
    if (copied != entry->size || _strnicmp(sha256, entry->sha256, 64))
    {
        hr = hrReadVerifyFailure;
        report(hr, "%s changed after it was verified (%llu bytes, SHA-256 %s; the manifest says %llu, %s)",
               u8(item->source), copied, sha256, entry->size, entry->sha256);
        goto done;
    }
    if (!FlushFileBuffers(out))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot flush %s", u8(temporary));
        goto done;
    }
    if (!CloseHandle(out))
    {
        out = INVALID_HANDLE_VALUE;
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot close %s", u8(temporary));
        goto done;
    }
    out = INVALID_HANDLE_VALUE;
    /* What is on disk, not what was meant to be written. */
    progress_begin(&progress, "read back", base_name_of(item->target), entry->size);
    if (!hash_file(temporary, buffer, &read_back_size, sha256, &progress))
    {
        hr = hrDiskIO;
        goto done;
    }
    if (read_back_size != entry->size || _strnicmp(sha256, entry->sha256, 64))
    {
        hr = hrReadVerifyFailure;
        report(hr, "%s reads back as %llu bytes with SHA-256 %s, not the %llu bytes with %s written",
               u8(temporary), read_back_size, sha256, entry->size, entry->sha256);
        goto done;
    }
    attributes = GetFileAttributesW(item->target);
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_READONLY))
        SetFileAttributesW(item->target, attributes & ~FILE_ATTRIBUTE_READONLY);
    if (!MoveFileExW(temporary, item->target, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        hr = (HRESULT)GetLastError();
        report_sys(hr, "cannot rename %s to %s", u8(temporary), u8(item->target));
        goto done;
    }
    snprintf(line, sizeof(line), "restored %s %s %llu bytes sha256 %s (read back: ok) to %s", item->kind,
             u8(entry->relative_path), entry->size, entry->sha256, u8(item->target));
    progress_end_line(&progress, line);
    hr = S_OK;
done:
    sha256_abort(&sha);
    if (in != INVALID_HANDLE_VALUE) CloseHandle(in);
    if (out != INVALID_HANDLE_VALUE) CloseHandle(out);
    if (hr && temporary) DeleteFileW(temporary);
    free(temporary);
    return hr;
}

static HRESULT ensure_folder(const WCHAR *path)
{
    DWORD error = create_folder(path);

    if (error) report_sys((HRESULT)error, "cannot create the folder %s", u8(path));
    return (HRESULT)error;
}

/* Step 6, the application's part: only ever called with the restore registered. */
static HRESULT replace_files(const struct restore_plan *plan, BYTE *buffer)
{
    WCHAR *database_dir, *checkpoint;
    size_t length, i;
    HRESULT hr;

    if (!(database_dir = _wcsdup(plan->database_location)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot restore");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    length = base_name_of(database_dir) - database_dir;
    if (length > 1) database_dir[length - 1] = 0;
    hr = ensure_folder(database_dir);
    free(database_dir);
    if (hr || (hr = ensure_folder(plan->log_dir)) || (hr = ensure_folder(plan->checkpoint_dir))) return hr;

    /* The application deletes the files in the destination folders: here the
     * transaction logs and the checkpoint, and nothing else. */
    if ((hr = delete_transaction_logs(plan->log_dir))) return hr;
    if (!(checkpoint = path_join(plan->checkpoint_dir, L"edb.chk")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot restore");
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    hr = delete_one_file(checkpoint);
    free(checkpoint);
    if (hr) return hr;
    for (i = 0; i < plan->item_count; i++)
        if ((hr = restore_one_file(&plan->items[i], buffer))) return hr;
    return S_OK;
}

static BOOL environment_flag(const WCHAR *name)
{
    WCHAR value[8];
    DWORD n = GetEnvironmentVariableW(name, value, ARRAYSIZE(value));
    return n && n < ARRAYSIZE(value) && wcscmp(value, L"0");
}

static int command_restore(int argc, WCHAR **argv)
{
    struct restore_plan plan = {0};
    struct ntds_service service;
    const WCHAR *dir_argument = NULL;
    BOOL resume = FALSE, online = TRUE;
    WCHAR *dir = NULL, *locations = NULL, *token_path = NULL;
    char *token = NULL;
    size_t token_size = 0;
    EDB_RSTMAPW map;
    BYTE *buffer = NULL;
    DWORD locations_size = 0;
    HBC hbc = NULL;
    HRESULT hr, restore_hr = hrError;
    int status = EXIT_FAILED, code;

    if ((code = parse_folder_arguments(argc, argv, "restore", restore_help, L"--resume", &resume, &dir_argument))
            != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0]) return usage_error(restore_help, "restore: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    plan.dir = dir;
    if (!(buffer = malloc(READ_BUFFER_SIZE)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot allocate the copy buffer");
        goto done;
    }

    /* The backup must be whole before anything is touched. */
    if (!verify_backup(dir, &plan.manifest) || !check_restorable(&plan))
    {
        print_error_line("dsbackup: restore refused: %s is not a complete, intact backup; nothing was changed\n",
                         u8(dir));
        goto done;
    }
    if (!(token_path = path_join(dir, L"expiry.token")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot read the expiry token");
        goto done;
    }
    if (!read_whole_file(token_path, MAX_TOKEN_SIZE, &token, &token_size)) goto done;

    /* 1. The directory must be offline. */
    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed; nothing was changed");
        goto done;
    }
    if (online)
    {
        report_online("restore refused, nothing was changed");
        goto done;
    }
    /* The DLL calls every state but "running" offline; a service that is still
     * starting or stopping may hold the database, so only "stopped" will do. */
    query_ntds_service(&service);
    if (service.known && service.registered && service.status.dwCurrentState != SERVICE_STOPPED)
    {
        report(hrDatabaseInUse, "restore refused, nothing was changed: the NTDS service is %s; wait until it "
               "is stopped ('sc query NTDS'), then restore again", service_state_name(service.status.dwCurrentState));
        goto done;
    }
    /* 2. A full restore context, from the token saved with the backup. */
    if ((hr = DsRestorePrepareW(NULL, 0, token, (DWORD)token_size, &hbc)))
    {
        hbc = NULL;
        if (hr == hrDatabaseInUse) report_online("DsRestorePrepareW refused the restore, nothing was changed");
        else if (hr == hrContentsExpired)
            report(hr, "DsRestorePrepareW refused the backup in %s: it is older than the tombstone lifetime, "
                   "and restoring it could bring back objects the rest of the forest has deleted; nothing "
                   "was changed", u8(dir));
        else if (hr == hrUnknownExpiryTokenFormat)
            report(hr, "DsRestorePrepareW refused %s: it is not an expiry token this DLL wrote, or it is "
                   "damaged; nothing was changed", u8(token_path));
        else report(hr, "DsRestorePrepareW failed; nothing was changed");
        goto done;
    }
    /* 3. Where the files go. */
    if ((hr = DsRestoreGetDatabaseLocationsW(hbc, &locations, &locations_size)))
    {
        locations = NULL;
        report(hr, "DsRestoreGetDatabaseLocationsW failed; nothing was changed");
        goto done;
    }
    if (!parse_locations(&plan, locations, locations_size) || !plan_targets(&plan)) goto done;
    print("restoring %s: database to %s, logs to %s, checkpoint folder %s\n", u8(dir),
          u8(plan.database_location), u8(plan.log_dir), u8(plan.checkpoint_dir));

    /* 4. Register: from here the directory cannot start until the restore completes. */
    if (resume)
    {
        if (!check_resumable((const BYTE *)token, (DWORD)token_size)) goto done;
        print("resuming the registered restore\n");
    }
    else
    {
        map.wszDatabaseName = plan.database->unc_name;
        map.wszNewDatabaseName = plan.database_location;
        hr = DsRestoreRegisterW(hbc, plan.checkpoint_dir, plan.log_dir, &map, 1, plan.backup_log_path,
                                plan.generation_low, plan.generation_high);
        if (hr == hrRestoreInProgress)
        {
            report(hr, "DsRestoreRegisterW refused: a restore is already registered (an earlier restore "
                   "stopped between DsRestoreRegister and DsRestoreRegisterComplete, and until it completes "
                   "the directory service cannot start); nothing was changed");
            print_error_line("dsbackup: to finish it, run: dsbackup restore %s --resume "
                             "('dsbackup status' shows the registered restore)\n", u8(dir));
            goto done;
        }
        if (hr == hrDatabaseInUse)
        {
            report_online("DsRestoreRegisterW refused the restore, nothing was changed");
            goto done;
        }
        if (hr)
        {
            report(hr, "DsRestoreRegisterW failed; nothing was changed");
            goto done;
        }
        print("registered the restore: %s -> %s, logs %05lX..%05lX from %s\n", u8(map.wszDatabaseName),
              u8(map.wszNewDatabaseName), plan.generation_low, plan.generation_high, u8(plan.backup_log_path));
        if (environment_flag(TEST_CRASH_HOOK))
        {
            print_error_line("dsbackup: test hook DSBACKUP_TEST_CRASH_AFTER_REGISTER: terminating right "
                             "after DsRestoreRegisterW\n");
            TerminateProcess(GetCurrentProcess(), 99);
        }
    }

    /* 5. Replace the files. */
    restore_hr = replace_files(&plan, buffer);

    /* 6. Report the outcome: only success lets the directory start again. */
    if ((hr = DsRestoreRegisterComplete(hbc, restore_hr ? restore_hr : S_OK)))
    {
        report(hr, "DsRestoreRegisterComplete failed: the restore stays registered and the directory "
               "service will not start; run 'dsbackup restore %s --resume'", u8(dir));
        goto done;
    }
    if (restore_hr)
    {
        char description[1200];
        print_error_line("dsbackup: the restore FAILED. It stays registered, so the directory service will "
                         "not start on these files; correct the cause, then run 'dsbackup restore %s --resume'. "
                         "Status recorded: %s\n", u8(dir), describe_code(restore_hr, description, sizeof(description)));
        goto done;
    }
    print("restore complete: %llu files, %llu bytes; the directory service may be started "
          "(net start NTDS)\n", (ULONGLONG)plan.item_count, plan.total_bytes);
    status = EXIT_OK;

done:
    if (locations) DsBackupFree(locations);
    /* 7. End the context; it never undoes a registration. */
    if (hbc && (hr = DsRestoreEnd(hbc)))
    {
        report(hr, "DsRestoreEnd failed");
        status = EXIT_FAILED;
    }
    restore_plan_free(&plan);
    sha256_close_provider();
    free(token);
    free(token_path);
    free(buffer);
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

static void print_field(const char *label, const char *format, ...) __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)));
static void print_field(const char *label, const char *format, ...)
{
    char text[4096];
    va_list args;

    va_start(args, format);
    vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    print("%-24s %s\n", label, text);
}

static void format_filetime(ULONGLONG value, char *buffer, size_t size)
{
    FILETIME filetime;
    SYSTEMTIME time;

    filetime.dwLowDateTime = (DWORD)value;
    filetime.dwHighDateTime = (DWORD)(value >> 32);
    if (!value || !FileTimeToSystemTime(&filetime, &time)) snprintf(buffer, size, "(not a time: %llu)", value);
    else snprintf(buffer, size, "%04u-%02u-%02u %02u:%02u:%02u UTC", time.wYear, time.wMonth, time.wDay,
                  time.wHour, time.wMinute, time.wSecond);
}

/* The values of the restore registration, each on its own line. */
static void print_restore_registration(HKEY key)
{
    static const WCHAR *const strings[] = {L"Checkpoint File Path", L"Log Path", L"Backup Log Path"};
    static const WCHAR *const times[] = {L"Backup Time", L"Registration Time"};
    static const WCHAR *const generations[] = {L"Low Log Number", L"High Log Number"};
    WCHAR backup_log_path[1024] = L"";
    char label[64], text[1200];
    BYTE data[8192];
    DWORD type, size, restore_status;
    ULONGLONG qword;
    size_t i;

    size = sizeof(restore_status);
    if (!RegQueryValueExW(key, L"Restore Status", NULL, &type, (BYTE *)&restore_status, &size)
            && type == REG_DWORD && size == sizeof(DWORD))
    {
        print_field("  Restore Status:", "%s", describe_code((HRESULT)restore_status, text, sizeof(text)));
        if ((HRESULT)restore_status == hrRestoreInProgress)
            print("%-24s %s\n", "", "(registered, never completed: the restoring program stopped, or still runs)");
        else
            print("%-24s %s\n", "", "(the restore failed, as DsRestoreRegisterComplete reported)");
    }
    else print_field("  Restore Status:", "(not recorded)");
    for (i = 0; i < ARRAYSIZE(strings); i++)
    {
        snprintf(label, sizeof(label), "  %s:", u8(strings[i]));
        size = sizeof(data) - sizeof(WCHAR);
        if (!RegQueryValueExW(key, strings[i], NULL, &type, data, &size) && (type == REG_SZ || type == REG_EXPAND_SZ))
        {
            data[size] = data[size + 1] = 0;
            print_field(label, "%s", u8((const WCHAR *)data));
            if (!wcscmp(strings[i], L"Backup Log Path") && size + sizeof(WCHAR) <= sizeof(backup_log_path))
                memcpy(backup_log_path, data, size + sizeof(WCHAR));
        }
        else print_field(label, "(not recorded)");
    }
    size = sizeof(data) - 2 * sizeof(WCHAR);
    if (!RegQueryValueExW(key, L"Restore Map", NULL, &type, data, &size) && type == REG_MULTI_SZ)
    {
        const WCHAR *p = (const WCHAR *)data, *end;
        BOOL any = FALSE;

        memset(data + size, 0, 2 * sizeof(WCHAR));
        end = (const WCHAR *)(data + size);
        while (p < end && *p)
        {
            const WCHAR *old_name = p, *new_name;
            p += wcslen(p) + 1;
            new_name = p < end && *p ? p : L"(missing)";
            if (p < end && *p) p += wcslen(p) + 1;
            print_field(any ? "" : "  Restore Map:", "%s -> %s", u8(old_name), u8(new_name));
            any = TRUE;
        }
        if (!any) print_field("  Restore Map:", "(empty)");
    }
    else print_field("  Restore Map:", "(not recorded)");
    for (i = 0; i < ARRAYSIZE(generations); i++)
    {
        DWORD generation;

        snprintf(label, sizeof(label), "  %s:", u8(generations[i]));
        size = sizeof(generation);
        if (!RegQueryValueExW(key, generations[i], NULL, &type, (BYTE *)&generation, &size) && type == REG_DWORD)
        {
            if (generation) print_field(label, "%#lx (edb%05lX.log)", generation, generation);
            else print_field(label, "0 (no numbered log)");
        }
        else print_field(label, "(not recorded)");
    }
    for (i = 0; i < ARRAYSIZE(times); i++)
    {
        snprintf(label, sizeof(label), "  %s:", u8(times[i]));
        size = sizeof(qword);
        if (!RegQueryValueExW(key, times[i], NULL, &type, (BYTE *)&qword, &size) && type == REG_QWORD)
        {
            format_filetime(qword, text, sizeof(text));
            print_field(label, "%s", text);
        }
    }
    size = sizeof(qword);
    if (!RegQueryValueExW(key, L"Backup Id", NULL, &type, (BYTE *)&qword, &size) && type == REG_QWORD)
        print_field("  Backup Id:", "%016llx", qword);
    /* dsbackup registers DIR\logs: its restore is resumed from DIR. */
    i = wcslen(backup_log_path);
    if (i > 5 && !_wcsicmp(backup_log_path + i - 5, L"\\logs"))
    {
        backup_log_path[i - 5] = 0;
        print("%-24s finish it with: dsbackup restore %s --resume\n", "", u8(backup_log_path));
    }
    else print("%-24s %s\n", "", "finish it with: dsbackup restore DIR --resume (DIR: the backup registered)");
}

static int command_status(int argc, WCHAR **argv)
{
    static const WCHAR *const values[] =
        {L"DSA Database file", L"Database log files path", L"DSA Working Directory"};
    struct ntds_service service;
    char description[1200];
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
            report_sys((HRESULT)error, "cannot read HKLM\\%s\\%s", u8(NTDS_PARAMETERS_KEY), u8(values[i]));
            status = EXIT_FAILED;
        }
        free(value);
    }

    query_ntds_service(&service);
    if (!service.known)
    {
        print_field("NTDS service:", "unknown");
        report_sys((HRESULT)service.error, "cannot query the service NTDS");
        status = EXIT_FAILED;
    }
    else if (!service.registered) print_field("NTDS service:", "not registered");
    else if (service.status.dwCurrentState == SERVICE_RUNNING)
        print_field("NTDS service:", "running (process %lu)", service.status.dwProcessId);
    else if (service.status.dwCurrentState == SERVICE_STOPPED
             && service.status.dwWin32ExitCode == ERROR_SERVICE_SPECIFIC_ERROR)
        print_field("NTDS service:", "stopped; its last start failed: %s",
                    describe_code((HRESULT)service.status.dwServiceSpecificExitCode, description, sizeof(description)));
    else if (service.status.dwCurrentState == SERVICE_STOPPED && service.status.dwWin32ExitCode
             && service.status.dwWin32ExitCode != ERROR_SERVICE_NEVER_STARTED)
        print_field("NTDS service:", "stopped; its last start failed: %s",
                    describe_code((HRESULT)service.status.dwWin32ExitCode, description, sizeof(description)));
    else print_field("NTDS service:", "%s", service_state_name(service.status.dwCurrentState));

    error = RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key);
    if (error == ERROR_SUCCESS)
    {
        print("%-24s yes (HKLM\\%s exists)\n", "restore in progress:", u8(RESTORE_IN_PROGRESS_KEY));
        print_restore_registration(key);
        RegCloseKey(key);
    }
    else if (error == ERROR_FILE_NOT_FOUND) print("%-24s no\n", "restore in progress:");
    else
    {
        print("%-24s unknown\n", "restore in progress:");
        report_sys((HRESULT)error, "cannot open HKLM\\%s", u8(RESTORE_IN_PROGRESS_KEY));
        status = EXIT_FAILED;
    }
    return status;
}

/* ------------------------------------------------------------------------- */
/* init-sample */

#define SAMPLE_DEFAULT_DIR     L"C:\\Windows\\NTDS"
#define SAMPLE_DATABASE_BYTES  (4 * 1048576 + 4099)    /* not a multiple of any buffer size */
#define SAMPLE_LOG_BYTES       1048576
#define SAMPLE_CHECKPOINT_BYTES 8192

struct sample_file
{
    const WCHAR *name;
    size_t size;
};

static const struct sample_file sample_files[] =
{
    {L"ntds.dit", SAMPLE_DATABASE_BYTES},
    {L"edb00001.log", SAMPLE_LOG_BYTES + 1 * 4099},
    {L"edb00002.log", SAMPLE_LOG_BYTES + 2 * 4099},
    {L"edb00003.log", SAMPLE_LOG_BYTES + 3 * 4099},
    {L"edb.log", SAMPLE_LOG_BYTES},
    {L"edb.chk", SAMPLE_CHECKPOINT_BYTES},
};

/* xorshift64*: pseudo-random bytes, seeded from the system's generator. */
static void fill_pseudo_random(BYTE *data, size_t size, ULONGLONG *state)
{
    size_t i;

    for (i = 0; i < size; i++)
    {
        if (!(i & 7))
        {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
        }
        data[i] = (BYTE)((*state * 0x2545F4914F6CDD1DULL) >> (8 * (i & 7)));
    }
}

static BOOL set_parameter(HKEY key, const WCHAR *name, const WCHAR *value)
{
    LONG error = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                                (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    if (error) report_sys((HRESULT)error, "cannot set HKLM\\%s\\%s", u8(NTDS_PARAMETERS_KEY), u8(name));
    return !error;
}

static int command_init_sample(int argc, WCHAR **argv)
{
    const WCHAR *dir_argument = NULL;
    BOOL force = FALSE, refused = FALSE;
    WCHAR *dir = NULL, *path = NULL, *database = NULL, *configured;
    struct ntds_service service;
    char existing[512];
    ULONGLONG seed = 0, state;
    BYTE *data = NULL;
    int status = EXIT_FAILED, code;
    size_t k;
    HKEY key = NULL;
    LONG error;
    DWORD disposition;

    if ((code = parse_folder_arguments(argc, argv, "init-sample", init_sample_help, L"--force", &force,
                                         &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (dir_argument && !dir_argument[0]) return usage_error(init_sample_help, "init-sample: an empty folder name%s", L"");
    if (!(dir = full_folder_path(dir_argument ? dir_argument : SAMPLE_DEFAULT_DIR)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the database folder",
                   u8(dir_argument ? dir_argument : SAMPLE_DEFAULT_DIR));
        return EXIT_FAILED;
    }
    if (!(database = path_join(dir, L"ntds.dit")))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
        goto done;
    }

    /* Nothing is overwritten without --force. */
    existing[0] = 0;
    for (k = 0; k < ARRAYSIZE(sample_files); k++)
    {
        if (!(path = path_join(dir, sample_files[k].name)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
            goto done;
        }
        if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES && !force)
            snprintf(existing + strlen(existing), sizeof(existing) - strlen(existing), "%s%s",
                     existing[0] ? ", " : "", u8(sample_files[k].name));
        free(path);
        path = NULL;
    }
    if (existing[0])
    {
        report(hrDatabaseDuplicate, "%s already holds %s: init-sample does not overwrite a database "
               "(--force does)", u8(dir), existing);
        refused = TRUE;
    }
    if ((configured = read_parameter(L"DSA Database file", &error)))
    {
        if (!force && _wcsicmp(configured, database) && GetFileAttributesW(configured) != INVALID_FILE_ATTRIBUTES)
        {
            report(hrDatabaseDuplicate, "the registry already names the database %s, which exists: "
                   "init-sample does not replace the configuration of a directory (--force does)",
                   u8(configured));
            refused = TRUE;
        }
        free(configured);
    }
    if (refused)
    {
        print_error_line("dsbackup: init-sample: nothing was changed\n");
        goto done;
    }
    query_ntds_service(&service);
    if (service.registered && service.status.dwCurrentState != SERVICE_STOPPED)
    {
        report(hrDatabaseInUse, "the NTDS service is %s: stop it first (net stop NTDS); nothing was changed",
               service_state_name(service.status.dwCurrentState));
        goto done;
    }

    if ((error = create_folder(dir)))
    {
        report_sys((HRESULT)error, "cannot create the folder %s", u8(dir));
        goto done;
    }
    if (!(data = malloc(SAMPLE_DATABASE_BYTES)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
        goto done;
    }
    if (BCryptGenRandom(NULL, (BYTE *)&seed, sizeof(seed), BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0 || !seed)
        seed = GetTickCount64() ^ ((ULONGLONG)GetCurrentProcessId() << 32) ^ 0x9E3779B97F4A7C15ULL;
    state = seed;
    for (k = 0; k < ARRAYSIZE(sample_files); k++)
    {
        fill_pseudo_random(data, sample_files[k].size, &state);
        if (!(path = path_join(dir, sample_files[k].name)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
            goto done;
        }
        if (!write_new_file(path, data, sample_files[k].size, force ? CREATE_ALWAYS : CREATE_NEW)) goto done;
        print("created %s (%llu bytes)\n", u8(path), (ULONGLONG)sample_files[k].size);
        free(path);
        path = NULL;
    }

    error = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                            KEY_SET_VALUE, NULL, &key, &disposition);
    if (error)
    {
        key = NULL;
        report_sys((HRESULT)error, "cannot create HKLM\\%s", u8(NTDS_PARAMETERS_KEY));
        goto done;
    }
    if (!set_parameter(key, L"DSA Database file", database) || !set_parameter(key, L"Database log files path", dir)
            || !set_parameter(key, L"DSA Working Directory", dir))
        goto done;
    RegFlushKey(key);
    print("recorded under HKLM\\%s: DSA Database file = %s, Database log files path = %s, "
          "DSA Working Directory = %s\n", u8(NTDS_PARAMETERS_KEY), u8(database), u8(dir), u8(dir));
    status = EXIT_OK;
done:
    if (key) RegCloseKey(key);
    free(data);
    free(path);
    free(database);
    free(dir);
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
        report_sys((HRESULT)GetLastError(), "cannot read the command line");
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
    else if (!wcscmp(argv[1], L"restore")) status = command_restore(argc - 1, argv + 1);
    else if (!wcscmp(argv[1], L"status")) status = command_status(argc - 1, argv + 1);
    else if (!wcscmp(argv[1], L"init-sample")) status = command_init_sample(argc - 1, argv + 1);
    else status = usage_error(general_help, "unknown command %s", argv[1]);
    LocalFree(argv);
    return status;
}
