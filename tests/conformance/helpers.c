/*
 * Helpers of the conformance tests.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <wchar.h>
#include "conformance.h"

/* TRUE if the ntdsbcli.dll in this process is this project's. */
static BOOL testing_this_projects_dll(void)
{
    static int ours = -1;
    WCHAR path[MAX_PATH], *company;
    DWORD size, ignored;
    UINT length;
    BYTE *info;

    if (ours >= 0) return ours;
    ours = 0;
    if (!GetModuleFileNameW(GetModuleHandleA("ntdsbcli.dll"), path, MAX_PATH)) return ours;
    if (!(size = GetFileVersionInfoSizeW(path, &ignored)) || !(info = HeapAlloc(GetProcessHeap(), 0, size)))
        return ours;
    if (GetFileVersionInfoW(path, 0, size, info)
            && VerQueryValueW(info, L"\\StringFileInfo\\040904B0\\CompanyName", (void **)&company, &length))
        ours = !wcscmp(company, L"The ntdsbcli project");
    HeapFree(GetProcessHeap(), 0, info);
    return ours;
}

void windows_may_differ_check_hr(HRESULT got, HRESULT expected, const char *call, const char *expected_name,
                                 const char *file, int line)
{
    if (got == expected) return;
    if (testing_this_projects_dll())
    {
        print_error("%s: got %#lx, expected %s (%#lx)\n", call, (unsigned long)got, expected_name,
                    (unsigned long)expected);
        _fail(file, line);
    }
    print_message("windows_may_differ: %s gave %#lx where this project's DLL gives %s (%s:%d, "
                  "docs/behaviour.md)\n", call, (unsigned long)got, expected_name, file, line);
}

BYTE *read_whole_file(const WCHAR *path, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER length;
    DWORD got;
    BYTE *data;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(GetFileSizeEx(file, &length));
    assert_true(length.QuadPart < 0x40000000);
    data = HeapAlloc(GetProcessHeap(), 0, length.LowPart + 1);
    assert_non_null(data);
    assert_true(ReadFile(file, data, length.LowPart, &got, NULL));
    assert_int_equal(got, length.LowPart);
    CloseHandle(file);
    *size = got;
    return data;
}

void write_file(const WCHAR *path, const void *data, DWORD size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                              CREATE_ALWAYS, 0, NULL);
    DWORD written;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, size, &written, NULL));
    assert_int_equal(written, size);
    CloseHandle(file);
}

BYTE *backup_whole_file(HBC hbc, const WCHAR *name, DWORD buffer_size, DWORD *size, HRESULT *hr)
{
    LARGE_INTEGER expected;
    BYTE *data, *buffer;
    DWORD got, total = 0;

    *size = 0;
    *hr = DsBackupOpenFileW(hbc, name, buffer_size, &expected);
    if (*hr != S_OK) return NULL;
    assert_true(expected.QuadPart < 0x40000000);
    data = HeapAlloc(GetProcessHeap(), 0, expected.LowPart + 1);
    buffer = HeapAlloc(GetProcessHeap(), 0, buffer_size);
    assert_non_null(data);
    assert_non_null(buffer);
    while (total < expected.LowPart)
    {
        got = 0xdeadbeef;
        *hr = DsBackupRead(hbc, buffer, buffer_size, &got);
        if (*hr != S_OK) break;
        assert_true(got > 0 && got <= buffer_size && total + got <= expected.LowPart);
        memcpy(data + total, buffer, got);
        total += got;
    }
    if (*hr == S_OK)
    {
        /* Exactly the size OpenFile reported, then end of file with no bytes. */
        got = 0xdeadbeef;
        assert_int_equal(DsBackupRead(hbc, buffer, buffer_size, &got), ERROR_HANDLE_EOF);
        assert_int_equal(got, 0);
    }
    assert_int_equal(DsBackupClose(hbc), S_OK);
    HeapFree(GetProcessHeap(), 0, buffer);
    *size = total;
    return data;
}

HBC prepare_backup(void)
{
    void *token = NULL;
    DWORD token_size = 0;
    HBC hbc = NULL;

    assert_int_equal(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), S_OK);
    assert_non_null(hbc);
    assert_non_null(token);
    DsBackupFree(token);
    return hbc;
}

int count_list_entries(const WCHAR *list, DWORD bytes)
{
    const WCHAR *p = list;
    int n = 0;

    while (*p)
    {
        p += wcslen(p) + 1;
        n++;
    }
    /* The size counts every WCHAR, both terminators included; an empty list is
     * two NULs. */
    if (!n) assert_true(bytes == 2 * sizeof(WCHAR) && !list[1]);
    else assert_int_equal(bytes, (DWORD)((p - list + 1) * sizeof(WCHAR)));
    return n;
}

const WCHAR *list_entry(const WCHAR *list, int n)
{
    const WCHAR *p = list;
    while (*p && n--) p += wcslen(p) + 1;
    return *p ? p : NULL;
}

void remove_privilege(const WCHAR *name)
{
    TOKEN_PRIVILEGES privileges;
    HANDLE token;

    assert_true(OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token));
    privileges.PrivilegeCount = 1;
    assert_true(LookupPrivilegeValueW(NULL, name, &privileges.Privileges[0].Luid));
    privileges.Privileges[0].Attributes = SE_PRIVILEGE_REMOVED;
    assert_true(AdjustTokenPrivileges(token, FALSE, &privileges, 0, NULL, NULL));
    CloseHandle(token);
}
