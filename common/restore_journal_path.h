/*
 * Where the restore journal lives, for the DLL that writes it and the NTDS
 * stand-in that must find it: the machine's ProgramData folder as the registry
 * records it (ProfileList), not the process's %ProgramData%.  Under Wine the
 * services of a prefix can be started with an environment made before the
 * prefix's profile folders were (%ProgramData% is then C:\users\Public), and a
 * stand-in that looked there would start while a restore is registered.
 *
 * Include <windows.h> and ntds_layout.h first.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef RESTORE_JOURNAL_PATH_H
#define RESTORE_JOURNAL_PATH_H

#include <wchar.h>

/* The journal's folder, or with FILE the journal itself, in PATH (SIZE WCHARs);
 * FALSE if it does not fit or the folder cannot be known. */
static inline BOOL restore_journal_path(WCHAR *path, DWORD size, BOOL file)
{
    DWORD bytes = size * sizeof(WCHAR), n;
    size_t used;

    /* A REG_EXPAND_SZ value comes back expanded, as REG_SZ. */
    if (RegGetValueW(HKEY_LOCAL_MACHINE, PROFILE_LIST_KEY, PROFILE_VALUE_PROGRAM_DATA, RRF_RT_REG_SZ,
                     NULL, path, &bytes) || !path[0])
    {
        n = ExpandEnvironmentStringsW(L"%ProgramData%", path, size);
        if (!n || n > size || path[0] == '%') return FALSE;
    }
    used = wcslen(path);
    if (used && path[used - 1] == '\\') path[--used] = 0;
    if (used + 1 + wcslen(RESTORE_JOURNAL_FOLDER_NAME) + 1 + wcslen(RESTORE_JOURNAL_FILE_NAME) + 1 > size)
        return FALSE;
    path[used++] = '\\';
    wcscpy(path + used, RESTORE_JOURNAL_FOLDER_NAME);
    if (file)
    {
        used += wcslen(RESTORE_JOURNAL_FOLDER_NAME);
        path[used++] = '\\';
        wcscpy(path + used, RESTORE_JOURNAL_FILE_NAME);
    }
    return TRUE;
}

#endif
