/*
 * Platform layer (see platform.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <winternl.h>
#include "platform.h"
#include "portable.h"
#include "memory.h"
#include "fault.h"
#include "owner_process.h"

HANDLE file_open_for_read(const WCHAR *path)
{
    if (fault_should_fail(FAULT_FILE_OPEN)) return fault_failed_handle(ERROR_SHARING_VIOLATION);
    /* No FILE_SHARE_DELETE: while the backup reads a file, nobody can delete or
     * rename it.  Writers are let in (the directory service keeps its database
     * open for writing); what they change is caught by the end-of-file check. */
    return CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                       OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN | FILE_FLAG_BACKUP_SEMANTICS, NULL);
}

HANDLE file_open_for_delete(const WCHAR *path)
{
    if (fault_should_fail(FAULT_FILE_OPEN)) return fault_failed_handle(ERROR_SHARING_VIOLATION);
    return CreateFileW(path, DELETE | FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE
                       | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS
                       | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
}

BOOL file_read(HANDLE file, void *buffer, DWORD size, DWORD *read)
{
    *read = 0;
    if (fault_should_fail(FAULT_FILE_READ)) return fault_failed(ERROR_READ_FAULT);
    return ReadFile(file, buffer, size, read, NULL);
}

/* Local queries (an fstat under Wine).  Not GetFileInformationByHandle: for the
 * volume serial it asks Wine's mount manager, in another process, 0.2-0.8 ms a
 * call.  A file is identified by its index, size, write and change times; not
 * by its volume, since the DLL only compares a file with what the same path led
 * to before. */
BOOL file_get_contents_stamp(HANDLE file, struct file_identity *identity)
{
    FILE_STANDARD_INFO standard;
    FILE_BASIC_INFO basic;

    if (fault_should_fail(FAULT_FILE_READ)) return fault_failed(ERROR_READ_FAULT);
    if (!GetFileInformationByHandleEx(file, FileStandardInfo, &standard, sizeof(standard))
            || !GetFileInformationByHandleEx(file, FileBasicInfo, &basic, sizeof(basic)))
        return FALSE;
    identity->size = (ULONGLONG)standard.EndOfFile.QuadPart;
    identity->last_write_time = (ULONGLONG)basic.LastWriteTime.QuadPart;
    identity->change_time = (ULONGLONG)basic.ChangeTime.QuadPart;
    identity->is_directory = !!(basic.FileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    return TRUE;
}

static BOOL file_get_index(HANDLE file, ULONGLONG *index)
{
    FILE_INTERNAL_INFORMATION internal;
    IO_STATUS_BLOCK io;
    NTSTATUS status;

    if ((status = NtQueryInformationFile(file, &io, &internal, sizeof(internal), FileInternalInformation)))
    {
        SetLastError(RtlNtStatusToDosError(status));
        return FALSE;
    }
    *index = (ULONGLONG)internal.IndexNumber.QuadPart;
    return TRUE;
}

BOOL file_get_identity(HANDLE file, struct file_identity *identity)
{
    return file_get_contents_stamp(file, identity) && file_get_index(file, &identity->file_index);
}

/* By path, without a handle: under Wine a stat() in the caller's process, where
 * opening the file again would cost three wineserver round trips (open, fetch
 * the descriptor, close), more than a whole 1 MiB read from the page cache.
 * The change time is what tells a replacement: the file renamed into place has
 * its own, and the one we hold gets a new one when it is unlinked. */
BOOL file_path_has_stamp(const WCHAR *path, const struct file_identity *identity)
{
    FILE_NETWORK_OPEN_INFORMATION info;
    OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING nt_path;
    NTSTATUS status;

    if (fault_should_fail(FAULT_FILE_READ)) return fault_failed(ERROR_READ_FAULT);
    if (!RtlDosPathNameToNtPathName_U(path, &nt_path, NULL, NULL))
    {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    InitializeObjectAttributes(&attributes, &nt_path, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = NtQueryFullAttributesFile(&attributes, &info);
    RtlFreeUnicodeString(&nt_path);
    if (status)
    {
        SetLastError(RtlNtStatusToDosError(status));
        return FALSE;
    }
    return (ULONGLONG)info.EndOfFile.QuadPart == identity->size
        && (ULONGLONG)info.LastWriteTime.QuadPart == identity->last_write_time
        && (ULONGLONG)info.ChangeTime.QuadPart == identity->change_time
        && !!(info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) == identity->is_directory;
}

BOOL file_identity_equal(const struct file_identity *a, const struct file_identity *b)
{
    return a->file_index == b->file_index
        && a->size == b->size && a->last_write_time == b->last_write_time
        && a->change_time == b->change_time && a->is_directory == b->is_directory;
}

BOOL file_delete_by_handle(HANDLE file)
{
    FILE_DISPOSITION_INFO disposition = {TRUE};

    if (fault_should_fail(FAULT_FILE_WRITE)) return fault_failed(ERROR_WRITE_FAULT);
    return SetFileInformationByHandle(file, FileDispositionInfo, &disposition, sizeof(disposition));
}

HANDLE file_find_first(const WCHAR *pattern, WIN32_FIND_DATAW *data)
{
    if (fault_should_fail(FAULT_FILE_OPEN)) return fault_failed_handle(ERROR_ACCESS_DENIED);
    return FindFirstFileW(pattern, data);
}

HRESULT hr_from_file_error(DWORD error)
{
    switch (error)
    {
    case ERROR_FILE_NOT_FOUND:
        return hrFileNotFound;
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
    case ERROR_BAD_DEV_TYPE:
        return hrInvalidPath;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
        return hrFileAccessDenied;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
        return ERROR_NOT_ENOUGH_MEMORY;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
        return hrDiskFull;
    default:
        return hrDiskIO;
    }
}

LONG registry_open_key(HKEY root, const WCHAR *path, HKEY *key)
{
    *key = NULL;
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE, key);
}

LONG registry_read_string(HKEY root, const WCHAR *key, const WCHAR *value, DWORD *type, WCHAR **out)
{
    static const DWORD flags = RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND;
    /* One read into a buffer that fits any usual path: each read is a wineserver
     * round trip or three.  A second, into the heap, only for a longer value. */
    WCHAR small[MAX_PATH + 1], *raw = small;
    DWORD size = sizeof(small) - sizeof(WCHAR);
    LONG status;

    *out = NULL;
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    status = RegGetValueW(root, key, value, flags, type, raw, &size);
    if (status == ERROR_MORE_DATA)
    {
        if (size > (NTDSBCLI_MAX_PATH + 1) * sizeof(WCHAR)) return ERROR_INVALID_DATA;
        if (!(raw = mem_alloc(size + sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
        status = RegGetValueW(root, key, value, flags, type, raw, &size);
    }
    if (!status && size < sizeof(WCHAR)) status = ERROR_INVALID_DATA;
    if (!status)
    {
        raw[size / sizeof(WCHAR)] = 0;
        if (raw != small) *out = raw;
        else if (!(*out = wstr_dup(raw))) status = ERROR_NOT_ENOUGH_MEMORY;
    }
    if (raw != small && raw != *out) mem_free(raw);
    return status;
}

LONG registry_read_dword(HKEY root, const WCHAR *key, const WCHAR *value, DWORD *out)
{
    DWORD size = sizeof(*out);

    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegGetValueW(root, key, value, RRF_RT_REG_DWORD, NULL, out, &size);
}

LONG registry_read_number(HKEY key, const WCHAR *value, DWORD type, void *out)
{
    DWORD size = type == REG_QWORD ? sizeof(ULONGLONG) : sizeof(DWORD);

    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegGetValueW(key, NULL, value, type == REG_QWORD ? RRF_RT_REG_QWORD : RRF_RT_REG_DWORD, NULL,
                        out, &size);
}

BOOL registry_key_exists(HKEY root, const WCHAR *path)
{
    HKEY key;

    if (RegOpenKeyExW(root, path, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

LONG registry_create_new_key(HKEY root, const WCHAR *path, HKEY *key)
{
    DWORD disposition;
    LONG status;

    *key = NULL;
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    status = RegCreateKeyExW(root, path, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_READ | KEY_WRITE, NULL, key,
                             &disposition);
    if (status) return status;
    if (disposition != REG_CREATED_NEW_KEY)
    {
        RegCloseKey(*key);
        *key = NULL;
        return ERROR_ALREADY_EXISTS;
    }
    return ERROR_SUCCESS;
}

LONG registry_open_key_for_write(HKEY root, const WCHAR *path, HKEY *key)
{
    *key = NULL;
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegOpenKeyExW(root, path, 0, KEY_READ | KEY_WRITE, key);
}

LONG registry_set_value(HKEY key, const WCHAR *value, DWORD type, const void *data, DWORD size)
{
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegSetValueExW(key, value, 0, type, data, size);
}

void registry_flush_key(HKEY key)
{
    if (fault_should_fail(FAULT_REGISTRY)) return;
    RegFlushKey(key);
}

LONG registry_delete_key(HKEY root, const WCHAR *path)
{
    if (fault_should_fail(FAULT_REGISTRY)) return ERROR_REGISTRY_IO_FAILED;
    return RegDeleteKeyW(root, path);
}

void registry_discard_key(HKEY root, const WCHAR *path)
{
    RegDeleteKeyW(root, path);
}

/* S_OK if the token holds the privilege, ERROR_ACCESS_DENIED if not, or
 * ERROR_NOT_ENOUGH_MEMORY: running out of memory is not a missing privilege. */
static HRESULT token_holds_privilege(HANDLE token, const LUID *luid)
{
    /* Tokens hold a few dozen privileges at most: the stack serves all of them. */
    union { TOKEN_PRIVILEGES privileges; BYTE bytes[4096]; } local;
    TOKEN_PRIVILEGES *privileges = &local.privileges;
    DWORD size = sizeof(local), i;
    HRESULT hr = ERROR_ACCESS_DENIED;

    if (!GetTokenInformation(token, TokenPrivileges, privileges, size, &size))
    {
        if (GetLastError() != ERROR_INSUFFICIENT_BUFFER) return ERROR_ACCESS_DENIED;
        if (!(privileges = mem_alloc(size))) return ERROR_NOT_ENOUGH_MEMORY;
        if (!GetTokenInformation(token, TokenPrivileges, privileges, size, &size))
        {
            mem_free(privileges);
            return ERROR_ACCESS_DENIED;
        }
    }
    for (i = 0; i < privileges->PrivilegeCount; i++)
    {
        const LUID_AND_ATTRIBUTES *entry = &privileges->Privileges[i];
        if (entry->Luid.LowPart == luid->LowPart && entry->Luid.HighPart == luid->HighPart
                && !(entry->Attributes & SE_PRIVILEGE_REMOVED))
            hr = S_OK;
    }
    if (privileges != &local.privileges) mem_free(privileges);
    return hr;
}

HRESULT caller_holds_privilege(const WCHAR *privilege_name)
{
    HANDLE token;
    LUID luid;
    HRESULT hr;

    if (!LookupPrivilegeValueW(NULL, privilege_name, &luid)) return ERROR_ACCESS_DENIED;
    /* The effective-token pseudo-handle (the thread's token if it impersonates, else
     * the process's) saves opening and closing a token: one server call instead of
     * three.  Windows 7 lacks it, hence the fallback. */
    SetLastError(ERROR_SUCCESS);
    hr = token_holds_privilege((HANDLE)(LONG_PTR)-6, &luid);
    if (hr != ERROR_ACCESS_DENIED || GetLastError() != ERROR_INVALID_HANDLE) return hr;
    if (!OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)
            && !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return ERROR_ACCESS_DENIED;
    hr = token_holds_privilege(token, &luid);
    CloseHandle(token);
    return hr;
}

static struct computer_names names;
static INIT_ONCE names_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK init_computer_names(INIT_ONCE *once, void *param, void **context)
{
    DWORD size = ARRAYSIZE(names.netbios);

    (void)once; (void)param; (void)context;
    if (!GetComputerNameExW(ComputerNamePhysicalNetBIOS, names.netbios, &size)) names.netbios[0] = 0;
    size = ARRAYSIZE(names.dns_host);
    if (!GetComputerNameExW(ComputerNamePhysicalDnsHostname, names.dns_host, &size)) names.dns_host[0] = 0;
    size = ARRAYSIZE(names.dns_full);
    if (!GetComputerNameExW(ComputerNamePhysicalDnsFullyQualified, names.dns_full, &size)) names.dns_full[0] = 0;
    return TRUE;
}

const struct computer_names *computer_names_get(void)
{
    InitOnceExecuteOnce(&names_once, init_computer_names, NULL, NULL);
    return &names;
}

HRESULT ansi_to_wide(const char *in, WCHAR **out)
{
    int n;

    *out = NULL;
    if (!in) return S_OK;
    if (!(n = MultiByteToWideChar(CP_ACP, 0, in, -1, NULL, 0))) return ERROR_INVALID_PARAMETER;
    if (!(*out = mem_alloc(n * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    MultiByteToWideChar(CP_ACP, 0, in, -1, *out, n);
    return S_OK;
}

size_t narrow_path_ansi(const WCHAR *path, char *out, size_t out_size)
{
    BOOL used_default = FALSE;
    int n;

    n = WideCharToMultiByte(CP_ACP, WC_NO_BEST_FIT_CHARS, path, -1, out, out ? (int)out_size : 0,
                            NULL, &used_default);
    return (n <= 0 || used_default) ? 0 : (size_t)n;
}

ULONGLONG system_time_now(void)
{
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
}

ULONGLONG process_start_time(void)
{
    BOOL ok;
    return owner_process_start_time(GetCurrentProcess(), &ok);
}

ULONGLONG random_u64(void)
{
    static LONG counter;
    LARGE_INTEGER tick;
    ULONGLONG x;

    QueryPerformanceCounter(&tick);
    x = (ULONGLONG)tick.QuadPart ^ ((ULONGLONG)GetCurrentProcessId() << 32)
        ^ ((ULONGLONG)InterlockedIncrement(&counter) << 48) ^ system_time_now();
    /* splitmix64 finaliser: spreads the bits of the inputs over the whole word. */
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27; x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
