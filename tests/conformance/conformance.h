/*
 * What the conformance tests share.  They are Wine's kind of tests
 * (wine/test.h): the same files build here, as the units of conformance.exe,
 * and in Wine's tree as dlls/ntdsbcli/tests/ under Wine's own wine/test.h.  So
 * they call the DLL only through its public header and use Win32 alone, and
 * their helpers live here, static, as Wine's tests keep theirs in headers
 * (every .c file of a Wine tests folder is a unit, named after the file).
 *
 * How a check is written:
 * - ok_hr(call, expected): the code a call returns, printed with the one
 *   expected ("DsBackupEnd: got 0x57, expected 0").
 * - ok_hr_choice(call, expected): the same where Microsoft's documentation says
 *   nothing and docs/behaviour.md records what this DLL chose (which code a
 *   situation gives).  It is asserted where winetest_platform is "wine" (Wine's
 *   own test runs and ours, tests/conformance/run.sh, set it), as this DLL is
 *   the one under test there; on Windows the code is accepted as broken() and
 *   shown, since Microsoft's DLL may answer otherwise.  Only the choices are
 *   marked; every other check must hold on Windows as it is.
 * - ok_int(value, expected) for sizes, counts and list codes; ok_win32(call)
 *   for a Win32 call that must succeed; ok() for the rest, its message saying
 *   what it got.
 * Each unit first checks that the machine is what it needs (a domain controller
 * whose directory is online, or no domain controller) and skips otherwise;
 * run.sh prepares a prefix for each unit and fails it if anything is skipped.
 * What only this project's setup can check (the NTDS service stand-in, the
 * restore journal, the share warning, the modes the shell suites drive) is in
 * standalone_*.c, which Wine's tree does not get (tools/wine-tree).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_CONFORMANCE_H
#define NTDSBCLI_CONFORMANCE_H

#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <ntdsbcli.h>
#include "dsa_paths.h"
#include "wine/test.h"

#define ok_hr(call, expected) ok_hr_(__FILE__, __LINE__, #call, (call), (expected), FALSE)
#define ok_hr_choice(call, expected) ok_hr_(__FILE__, __LINE__, #call, (call), (expected), TRUE)
#define ok_int(value, expected) ok_int_(__FILE__, __LINE__, #value, (value), (expected))

/* TRUE if the call returned what was expected; the message names the function
 * (the text of the call up to its parenthesis). */
static inline BOOL ok_hr_(const char *file, int line, const char *call, HRESULT got, HRESULT expected, BOOL choice)
{
    int name_length = (int)strcspn(call, "(");
    ok_(file, line)(got == expected || (choice && broken(TRUE)), "%.*s: got %#lx, expected %#lx\n", name_length,
                    call, got, expected);
    return got == expected;
}

static inline BOOL ok_int_(const char *file, int line, const char *what, LONGLONG got, LONGLONG expected)
{
    ok_(file, line)(got == expected, "%s: got %I64d, expected %I64d\n", what, got, expected);
    return got == expected;
}

/* A Win32 call that returns a BOOL, and the error it set when it failed. */
#define ok_win32(call) ok_win32_(__FILE__, __LINE__, #call, (call))
static inline BOOL ok_win32_(const char *file, int line, const char *call, BOOL ret)
{
    DWORD error = GetLastError();
    ok_(file, line)(ret, "%.*s failed: error %lu\n", (int)strcspn(call, "("), call, error);
    return ret;
}

/* Reads a whole file into a new buffer (free with HeapFree); NULL on failure. */
#define read_whole_file(path, size) read_whole_file_(__FILE__, __LINE__, path, size)
static inline BYTE *read_whole_file_(const char *file, int line, const WCHAR *path, DWORD *size)
{
    HANDLE handle = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER length;
    DWORD got = 0;
    BYTE *data = NULL;
    BOOL ret;

    *size = 0;
    ok_(file, line)(handle != INVALID_HANDLE_VALUE, "cannot open %s: error %lu\n", debugstr_w(path), GetLastError());
    if (handle == INVALID_HANDLE_VALUE) return NULL;
    ret = GetFileSizeEx(handle, &length) && length.QuadPart < 0x40000000
          && (data = HeapAlloc(GetProcessHeap(), 0, length.LowPart + 1))
          && ReadFile(handle, data, length.LowPart, &got, NULL) && got == length.LowPart;
    ok_(file, line)(ret, "cannot read %s: error %lu, %lu bytes\n", debugstr_w(path), GetLastError(), got);
    CloseHandle(handle);
    *size = got;
    return data;
}

#define write_file(path, data, size) write_file_(__FILE__, __LINE__, path, data, size)
static inline void write_file_(const char *file, int line, const WCHAR *path, const void *data, DWORD size)
{
    HANDLE handle = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written = 0;
    BOOL ret;

    ok_(file, line)(handle != INVALID_HANDLE_VALUE, "cannot create %s: error %lu\n", debugstr_w(path), GetLastError());
    if (handle == INVALID_HANDLE_VALUE) return;
    ret = WriteFile(handle, data, size, &written, NULL);
    ok_(file, line)(ret && written == size, "writing %s: error %lu, %lu of %lu bytes\n", debugstr_w(path),
                    GetLastError(), written, size);
    CloseHandle(handle);
}

/* Opens, reads to the end and closes a listed name; returns the bytes read
 * (HeapFree) and the final code of the sequence. */
#define backup_whole_file(hbc, name, buffer_size, size, hr) \
        backup_whole_file_(__FILE__, __LINE__, hbc, name, buffer_size, size, hr)
static inline BYTE *backup_whole_file_(const char *file, int line, HBC hbc, const WCHAR *name, DWORD buffer_size,
                                       DWORD *size, HRESULT *hr)
{
    LARGE_INTEGER expected;
    BYTE *data, *buffer;
    DWORD got, total = 0;

    *size = 0;
    if ((*hr = DsBackupOpenFileW(hbc, name, buffer_size, &expected)) != S_OK) return NULL;
    ok_(file, line)(expected.QuadPart < 0x40000000, "%s: size %I64d\n", debugstr_w(name), expected.QuadPart);
    data = HeapAlloc(GetProcessHeap(), 0, expected.LowPart + 1);
    buffer = HeapAlloc(GetProcessHeap(), 0, buffer_size);
    while (total < expected.LowPart)
    {
        got = 0xdeadbeef;
        if ((*hr = DsBackupRead(hbc, buffer, buffer_size, &got)) != S_OK) break;
        if (!(got > 0 && got <= buffer_size && total + got <= expected.LowPart))
        {
            ok_(file, line)(0, "DsBackupRead of %lu bytes at %lu of %lu gave %lu\n", buffer_size, total,
                            expected.LowPart, got);
            *hr = E_FAIL;
            break;
        }
        memcpy(data + total, buffer, got);
        total += got;
    }
    if (*hr == S_OK)
    {
        HRESULT eof;
        /* Exactly the size OpenFile reported, then end of file with no bytes. */
        got = 0xdeadbeef;
        eof = DsBackupRead(hbc, buffer, buffer_size, &got);
        ok_(file, line)(eof == ERROR_HANDLE_EOF && !got, "DsBackupRead at the end: got %#lx and %lu bytes, "
                        "expected ERROR_HANDLE_EOF and none\n", eof, got);
    }
    ok_hr_(file, line, "DsBackupClose", DsBackupClose(hbc), S_OK, FALSE);
    HeapFree(GetProcessHeap(), 0, buffer);
    *size = total;
    return data;
}

/* Backs up a listed name and compares it with the file at its local path. */
#define check_backup_matches(hbc, name, local, buffer_size) \
        check_backup_matches_(__FILE__, __LINE__, hbc, name, local, buffer_size)
static inline void check_backup_matches_(const char *file, int line, HBC hbc, const WCHAR *name, const WCHAR *local,
                                         DWORD buffer_size)
{
    DWORD size, expected_size;
    HRESULT hr;
    BYTE *copy = backup_whole_file_(file, line, hbc, name, buffer_size, &size, &hr);
    BYTE *original = read_whole_file_(file, line, local, &expected_size);

    ok_(file, line)(hr == S_OK, "backing up %s: got %#lx\n", debugstr_w(name), hr);
    ok_(file, line)(size == expected_size && copy && original && !memcmp(copy, original, size),
                    "%s: %lu bytes, the file has %lu: different %s\n", debugstr_w(name), size, expected_size,
                    size == expected_size ? "bytes" : "sizes");
    HeapFree(GetProcessHeap(), 0, copy);
    HeapFree(GetProcessHeap(), 0, original);
}

/* A full backup's context, its expiry token freed; NULL on failure. */
#define prepare_backup() prepare_backup_(__FILE__, __LINE__)
static inline HBC prepare_backup_(const char *file, int line)
{
    void *token = NULL;
    DWORD token_size = 0;
    HBC hbc = NULL;
    HRESULT hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);

    ok_(file, line)(hr == S_OK && hbc && token, "DsBackupPrepareW: got %#lx, context %p, token %p\n", hr, hbc, token);
    DsBackupFree(token);
    return hbc;
}

/* The number of entries of a W list, checking its size on the way. */
#define count_list_entries(list, bytes) count_list_entries_(__FILE__, __LINE__, list, bytes)
static inline int count_list_entries_(const char *file, int line, const WCHAR *list, DWORD bytes)
{
    const WCHAR *p = list;
    int n = 0;

    if (!list) return 0;
    while (*p)
    {
        p += wcslen(p) + 1;
        n++;
    }
    /* The size counts every WCHAR, both terminators included; an empty list is
     * two NULs. */
    if (!n) ok_(file, line)(bytes == 2 * sizeof(WCHAR) && !list[1], "empty list of %lu bytes\n", bytes);
    else ok_(file, line)(bytes == (DWORD)((p - list + 1) * sizeof(WCHAR)), "list of %d entries: got %lu bytes, "
                         "expected %lu\n", n, bytes, (DWORD)((p - list + 1) * sizeof(WCHAR)));
    return n;
}

/* The n-th entry of a W list (its BFT code first), or NULL. */
static inline const WCHAR *list_entry(const WCHAR *list, int n)
{
    const WCHAR *p = list;
    if (!list) return NULL;
    while (*p && n--) p += wcslen(p) + 1;
    return *p ? p : NULL;
}

/* Removes a privilege from the process token for the rest of the process. */
static inline void remove_privilege(const WCHAR *name)
{
    TOKEN_PRIVILEGES privileges;
    HANDLE token;
    BOOL ret;

    ret = OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token);
    ok(ret, "OpenProcessToken failed: error %lu\n", GetLastError());
    if (!ret) return;
    privileges.PrivilegeCount = 1;
    ret = LookupPrivilegeValueW(NULL, name, &privileges.Privileges[0].Luid);
    ok(ret, "LookupPrivilegeValueW(%s) failed: error %lu\n", debugstr_w(name), GetLastError());
    privileges.Privileges[0].Attributes = SE_PRIVILEGE_REMOVED;
    ret = ret && AdjustTokenPrivileges(token, FALSE, &privileges, 0, NULL, NULL);
    ok(ret, "AdjustTokenPrivileges failed: error %lu\n", GetLastError());
    CloseHandle(token);
}

/* TRUE if this machine is a domain controller whose directory is online, the
 * paths of its database read; skips the unit's tests otherwise. */
static inline BOOL directory_online(struct dsa_paths *paths)
{
    BOOL online = FALSE;

    if (!read_dsa_paths(paths))
    {
        skip("not a domain controller: no directory database is configured\n");
        return FALSE;
    }
    if (DsIsNTDSOnlineW(NULL, &online) != S_OK || !online)
    {
        skip("the directory service is not running\n");
        return FALSE;
    }
    return TRUE;
}

#endif
