/*
 * Whether the process that registered a restore still runs: the DLL asks it to
 * know whether a registration can be replaced, dsbackup status to say so.  A
 * process is its id and its creation time together, so that a later process
 * given the same id is not taken for it (docs/behaviour.md, "Restore").
 * Windows only; include <windows.h> first.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_OWNER_PROCESS_H
#define NTDSBCLI_OWNER_PROCESS_H

static inline ULONGLONG owner_process_start_time(HANDLE process, BOOL *ok)
{
    FILETIME created, exited, kernel, user;

    *ok = GetProcessTimes(process, &created, &exited, &kernel, &user);
    return *ok ? ((ULONGLONG)created.dwHighDateTime << 32) | created.dwLowDateTime : 0;
}

/* TRUE if the process with this id and creation time still runs, or if that
 * cannot be told (no right to ask it). */
static inline BOOL owner_process_runs(DWORD process_id, ULONGLONG start_time)
{
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, process_id);
    DWORD exit_code;
    BOOL runs, ok;

    if (!process) return GetLastError() == ERROR_ACCESS_DENIED;
    runs = GetExitCodeProcess(process, &exit_code) && exit_code == STILL_ACTIVE
           && owner_process_start_time(process, &ok) == start_time && ok;
    CloseHandle(process);
    return runs;
}

#endif
