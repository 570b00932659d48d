/*
 * The directory database of this machine, where a domain controller records it
 * (HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters), the UNC names
 * under which the backup functions give its files, and the key that says a
 * restore is registered.  Windows facts and Win32
 * only: used by the conformance tests, which build in Wine's tree too, and by
 * the other PE test programs (tests/lib/ntds_test_support.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_TEST_DSA_PATHS_H
#define NTDSBCLI_TEST_DSA_PATHS_H

#include <windows.h>
#include <wchar.h>
#include "ntds_layout.h"

struct dsa_paths
{
    WCHAR database[MAX_PATH];
    WCHAR log_dir[MAX_PATH];
    WCHAR working_dir[MAX_PATH];
};

static inline BOOL read_dsa_value(const WCHAR *name, WCHAR *out)
{
    DWORD size = MAX_PATH * sizeof(WCHAR);
    return !RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, name, RRF_RT_REG_SZ, NULL, out, &size);
}

/* FALSE if a value is missing: this machine is no domain controller. */
static inline BOOL read_dsa_paths(struct dsa_paths *paths)
{
    return read_dsa_value(NTDS_VALUE_DATABASE_FILE, paths->database)
        && read_dsa_value(NTDS_VALUE_LOG_DIR, paths->log_dir)
        && read_dsa_value(NTDS_VALUE_WORKING_DIR, paths->working_dir);
}

/* "C:\x" -> "\\COMPUTER\C$\x"; FALSE if the computer's name cannot be had (the
 * name is then left out). */
static inline BOOL expected_unc(const WCHAR *local, WCHAR *unc, size_t size)
{
    WCHAR computer[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = ARRAYSIZE(computer);
    BOOL named = GetComputerNameW(computer, &n);

    if (!named) computer[0] = 0;
    _snwprintf(unc, size, L"\\\\%ls\\%lc$%ls", computer, towupper(local[0]), local + 2);
    unc[size - 1] = 0;
    return named;
}

/* A restore is registered: the key that keeps the directory from starting exists. */
static inline BOOL restore_registered(void)
{
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

#endif
