/*
 * Helpers shared by the reliability tests (see reliability.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "reliability.h"

void figure(const char *key, const char *fmt, ...)
{
    va_list args;
    printf("FIGURE: %s ", key);
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    fputc('\n', stdout);
    fflush(stdout);
}

void check_init(struct check *c, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(c->what, sizeof(c->what), fmt, args);
    va_end(args);
    c->checked = c->failed = 0;
    c->quiet = 0;
}

int check_that_(const char *file, int line, struct check *c, int holds, const char *fmt, ...)
{
    char detail[1024];
    va_list args;

    c->checked++;
    if (holds) return 1;
    if (c->failed++ < 8 && !c->quiet)
    {
        va_start(args, fmt);
        vsnprintf(detail, sizeof(detail), fmt, args);
        va_end(args);
        detail[sizeof(detail) - 1] = 0;
        trace_(file, line)("! %s: %s\n", c->what, detail);
    }
    return 0;
}

int check_report_(const char *file, int line, struct check *c)
{
    if (!c->checked)
    {
        winetest_push_context("%s", c->what);
        ok_(file, line)(0, "nothing was checked\n");
    }
    else if (c->failed)
    {
        winetest_push_context("%s", c->what);
        ok_(file, line)(0, "%ld of %ld checks failed\n", c->failed, c->checked);
    }
    else
    {
        winetest_push_context("%s (%ld checks)", c->what, c->checked);
        ok_(file, line)(1, "\n");
    }
    winetest_pop_context();
    return c->checked && !c->failed;
}

/* ------------------------------------------------------------------------- */

/* Every code docs/behaviour.md names, and S_OK. */
static const struct { HRESULT hr; const char *name; } documented_codes[] = {
#define CODE(x) {(HRESULT)(x), #x}
    CODE(S_OK),
    CODE(ERROR_ACCESS_DENIED), CODE(ERROR_NOT_ENOUGH_MEMORY), CODE(ERROR_HANDLE_EOF),
    CODE(ERROR_INVALID_PARAMETER), CODE(ERROR_NO_UNICODE_TRANSLATION),
    CODE(hrFileNotFound), CODE(hrFileAccessDenied), CODE(hrInvalidPath), CODE(hrDiskIO),
    CODE(hrReadVerifyFailure), CODE(hrDiskFull), CODE(hrDeleteBackupFileFail), CODE(hrError),
    CODE(hrRestoreInProgress), CODE(hrDatabaseInUse), CODE(hrInvalidBackupSequence),
    CODE(hrCouldNotConnect), CODE(hrInvalidParam), CODE(hrAlreadyOpen), CODE(hrInvalidHandle),
    CODE(hrMissingExpiryToken), CODE(hrUnknownExpiryTokenFormat), CODE(hrContentsExpired), CODE(hrNyi),
    CODE(hrLogFileNotFound),
#undef CODE
};

BOOL hr_is_documented(HRESULT hr)
{
    size_t i;
    for (i = 0; i < ARRAYSIZE(documented_codes); i++)
        if (documented_codes[i].hr == hr) return TRUE;
    return FALSE;
}

const char *hr_name(HRESULT hr)
{
    static char ring[8][24];
    static int next;
    size_t i;
    char *out;

    for (i = 0; i < ARRAYSIZE(documented_codes); i++)
        if (documented_codes[i].hr == hr) return documented_codes[i].name;
    out = ring[next++ % 8];
    snprintf(out, sizeof(ring[0]), "%#lx", (unsigned long)hr);
    return out;
}

/* ------------------------------------------------------------------------- */

void join_path(WCHAR *out, const WCHAR *dir, const WCHAR *name)
{
    _snwprintf(out, MAX_PATH, L"%ls\\%ls", dir, name);
    out[MAX_PATH - 1] = 0;
}

static BOOL blob_reserve(struct blob *blob, DWORD size)
{
    DWORD capacity;
    BYTE *data;

    if (size <= blob->capacity && blob->data) return TRUE;
    capacity = (size + 0xffff) & ~0xffffu;
    if (!capacity) capacity = 0x10000;
    if (!(data = VirtualAlloc(NULL, capacity, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE))) return FALSE;
    if (blob->data) VirtualFree(blob->data, 0, MEM_RELEASE);
    blob->data = data;
    blob->capacity = capacity;
    return TRUE;
}

BOOL blob_read_file(struct blob *blob, const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER length;
    DWORD got = 0;
    BOOL read;

    blob->size = 0;
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    read = GetFileSizeEx(file, &length) && length.QuadPart < 0x40000000
           && blob_reserve(blob, length.LowPart + 1)
           && ReadFile(file, blob->data, length.LowPart, &got, NULL) && got == length.LowPart;
    CloseHandle(file);
    blob->size = read ? got : 0;
    return read;
}

void blob_free(struct blob *blob)
{
    if (blob->data) VirtualFree(blob->data, 0, MEM_RELEASE);
    memset(blob, 0, sizeof(*blob));
}

BOOL write_whole_file(const WCHAR *path, const void *data, DWORD size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written = 0;
    BOOL written_all;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    written_all = (!size || WriteFile(file, data, size, &written, NULL)) && written == size;
    CloseHandle(file);
    return written_all;
}

BOOL folder_snapshot_take(struct folder_snapshot *snapshot, const WCHAR *dir)
{
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;

    memset(snapshot, 0, sizeof(*snapshot));
    wcscpy(snapshot->dir, dir);
    join_path(pattern, dir, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return FALSE;
    do
    {
        struct folder_file *file;
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        if (snapshot->count == ARRAYSIZE(snapshot->files)) break;
        file = &snapshot->files[snapshot->count++];
        wcscpy(file->name, data.cFileName);
        join_path(path, dir, data.cFileName);
        if (!blob_read_file(&file->content, path))
        {
            FindClose(find);
            return FALSE;
        }
    } while (FindNextFileW(find, &data));
    FindClose(find);
    return TRUE;
}

void folder_snapshot_free(struct folder_snapshot *snapshot)
{
    int i;
    for (i = 0; i < snapshot->count; i++) blob_free(&snapshot->files[i].content);
    snapshot->count = 0;
}

const struct folder_file *folder_snapshot_find(const struct folder_snapshot *snapshot, const WCHAR *name)
{
    int i;
    for (i = 0; i < snapshot->count; i++)
        if (!lstrcmpiW(snapshot->files[i].name, name)) return &snapshot->files[i];
    return NULL;
}

BOOL folder_matches(const struct folder_snapshot *snapshot, const WCHAR *const *may_be_gone,
                    char *why, size_t why_size)
{
    static struct blob scratch;
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;
    int i, j;

    why[0] = 0;
    /* Nothing new appeared (a half-written copy, a temporary file). */
    join_path(pattern, snapshot->dir, L"*");
    if ((find = FindFirstFileW(pattern, &data)) != INVALID_HANDLE_VALUE)
    {
        do
        {
            if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
            if (!folder_snapshot_find(snapshot, data.cFileName))
            {
                snprintf(why, why_size, "new file %ls", data.cFileName);
                FindClose(find);
                return FALSE;
            }
        } while (FindNextFileW(find, &data));
        FindClose(find);
    }
    for (i = 0; i < snapshot->count; i++)
    {
        const struct folder_file *file = &snapshot->files[i];
        BOOL optional = FALSE;

        for (j = 0; may_be_gone && may_be_gone[j]; j++)
            if (!lstrcmpiW(may_be_gone[j], file->name)) optional = TRUE;
        join_path(path, snapshot->dir, file->name);
        if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
        {
            if (optional) continue;
            snprintf(why, why_size, "%ls was deleted", file->name);
            return FALSE;
        }
        if (!blob_read_file(&scratch, path))
        {
            snprintf(why, why_size, "%ls cannot be read back (error %lu)", file->name, GetLastError());
            return FALSE;
        }
        if (scratch.size != file->content.size || memcmp(scratch.data, file->content.data, scratch.size))
        {
            snprintf(why, why_size, "%ls changed (%lu bytes, was %lu)", file->name, scratch.size,
                     file->content.size);
            return FALSE;
        }
    }
    return TRUE;
}

/* ------------------------------------------------------------------------- */

void heap_measure(struct heap_usage *usage)
{
    PROCESS_HEAP_ENTRY entry;
    HANDLE heap = GetProcessHeap();

    usage->bytes = usage->blocks = 0;
    entry.lpData = NULL;
    HeapLock(heap);
    while (HeapWalk(heap, &entry))
    {
        if (entry.wFlags & PROCESS_HEAP_ENTRY_BUSY)
        {
            usage->bytes += entry.cbData;
            usage->blocks++;
        }
    }
    HeapUnlock(heap);
}

/* ------------------------------------------------------------------------- */

const char *const kind_names[KIND_COUNT] = {"alloc", "open", "read", "write", "registry"};

typedef BOOL (WINAPI *fault_arm_fn)(DWORD kind, LONG n, BOOL persistent);
typedef void (WINAPI *fault_disarm_fn)(void);

static FARPROC test_hook(const char *name)
{
    return GetProcAddress(GetModuleHandleW(L"ntdsbcli.dll"), name);
}

void fault_set(enum fault_kind_id kind, long n, BOOL persistent)
{
    fault_arm_fn arm = (fault_arm_fn)(void *)test_hook("ntdsbcli_test_fault_arm");

    if (!arm) ok(0, "fault_set: the DLL is not the test build (no ntdsbcli_test_fault_arm)\n");
    else if (!arm(kind, n, persistent)) ok(0, "fault_set: ntdsbcli_test_fault_arm refused kind %d\n", (int)kind);
}

void fault_off(void)
{
    fault_disarm_fn disarm = (fault_disarm_fn)(void *)test_hook("ntdsbcli_test_fault_disarm");
    if (disarm) disarm();
}

BOOL fault_test_mode_available(void)
{
    return test_hook("ntdsbcli_test_fault_arm") != NULL;
}

/* ------------------------------------------------------------------------- */

ULONGLONG now_filetime(void)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
}

typedef char *(CDECL *wine_get_unix_file_name_fn)(const WCHAR *dos_path);

/* Wine starts a Unix program from CreateProcess but gives no handle to wait on
 * (the program runs on, detached): the script writes its exit status to a file
 * of the prefix, which this polls. */
DWORD run_unix(const char *script)
{
    static LONG counter;
    wine_get_unix_file_name_fn get_unix_name = (wine_get_unix_file_name_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    STARTUPINFOA startup;
    PROCESS_INFORMATION process;
    WCHAR done[MAX_PATH];
    char line[2400], status[16], *unix_done;
    DWORD exit_code = 0xffffffff, got = 0, waited;
    HANDLE file;

    if (!get_unix_name) return 0xfffffffd;
    _snwprintf(done, MAX_PATH, L"C:\\windows\\temp\\unix-done-%lu-%ld.txt", GetCurrentProcessId(),
               InterlockedIncrement(&counter));
    done[MAX_PATH - 1] = 0;
    DeleteFileW(done);
    if (!(unix_done = get_unix_name(done))) return 0xfffffffd;
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    snprintf(line, sizeof(line), "sh -c \"%s; echo $? > '%s.tmp' && mv -f '%s.tmp' '%s'\"", script, unix_done,
             unix_done, unix_done);
    HeapFree(GetProcessHeap(), 0, unix_done);
    if (!CreateProcessA("/bin/sh", line, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &startup, &process))
        return 0xfffffffe;
    if (process.hThread) CloseHandle(process.hThread);
    if (process.hProcess) CloseHandle(process.hProcess);
    for (waited = 0; waited < 20000; waited += 2)
    {
        if ((file = CreateFileW(done, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0,
                                NULL)) != INVALID_HANDLE_VALUE)
        {
            memset(status, 0, sizeof(status));
            ReadFile(file, status, sizeof(status) - 1, &got, NULL);
            CloseHandle(file);
            DeleteFileW(done);
            exit_code = (DWORD)atoi(status);
            break;
        }
        Sleep(2);
    }
    return exit_code;
}
