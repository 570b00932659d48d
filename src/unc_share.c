/*
 * Administrative shares under Wine (see unc_share.h and docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include "unc_share.h"
#include "platform.h"
#include "portable.h"
#include "trace.h"

typedef char *(CDECL *wine_get_unix_file_name_fn)(const WCHAR *dos_path);

static LONG drives_done;   /* one bit per drive letter */

static BOOL share_resolves(WCHAR drive)
{
    WCHAR root[MAX_COMPUTERNAME_LENGTH + 16];

    _snwprintf(root, ARRAYSIZE(root), L"\\\\%ls\\%lc$\\", computer_names_get()->netbios, drive);
    root[ARRAYSIZE(root) - 1] = 0;
    return GetFileAttributesW(root) != INVALID_FILE_ATTRIBUTES;
}

static BOOL run_unix_command(WCHAR *command_line, const WCHAR *program)
{
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    DWORD exit_code = 1;

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    if (!CreateProcessW(program, command_line, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL,
                        &startup, &process))
        return FALSE;
    if (WaitForSingleObject(process.hProcess, 10000) == WAIT_OBJECT_0)
        GetExitCodeProcess(process.hProcess, &exit_code);
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return exit_code == 0;
}

static void link_share(WCHAR drive)
{
    wine_get_unix_file_name_fn get_unix_name;
    WCHAR dos_root[4] = {drive, ':', '\\', 0}, path[1024], command[2200];
    WCHAR computer[MAX_COMPUTERNAME_LENGTH + 1];
    char *unix_root, *end;
    int n;
    size_t i;

    get_unix_name = (wine_get_unix_file_name_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                                         "wine_get_unix_file_name");
    if (!get_unix_name || !(unix_root = get_unix_name(dos_root))) return;
    /* ".../dosdevices/c:/": the folder of the drive links is what comes before. */
    end = strstr(unix_root, "/dosdevices/");
    n = end ? MultiByteToWideChar(CP_UTF8, 0, unix_root, (int)(end - unix_root) + 12, path, 900) : 0;
    HeapFree(GetProcessHeap(), 0, unix_root);
    if (!n) return;
    path[n] = 0;
    wcscpy(computer, computer_names_get()->netbios);
    for (i = 0; computer[i]; i++) computer[i] = towlower(computer[i]);
    _snwprintf(command, ARRAYSIZE(command), L"\\\\?\\unix%lsunc", path);
    command[ARRAYSIZE(command) - 1] = 0;
    CreateDirectoryW(command, NULL);
    _snwprintf(command, ARRAYSIZE(command), L"\\\\?\\unix%lsunc/%ls", path, computer);
    CreateDirectoryW(command, NULL);
    /* "ln -s" without -f: an existing entry is never replaced. */
    _snwprintf(command, ARRAYSIZE(command), L"ln -s ../../%lc: \"%lsunc/%ls/%lc$\"",
               towlower(drive), path, computer, towlower(drive));
    command[ARRAYSIZE(command) - 1] = 0;
    if (!run_unix_command(command, L"/bin/ln")) TRACE("could not link the %lc$ share\n", drive);
}

void unc_share_make_reachable(WCHAR drive)
{
    LONG bit;

    drive = towupper(drive);
    if (drive < 'A' || drive > 'Z') return;
    bit = 1L << (drive - 'A');
    if (InterlockedOr(&drives_done, bit) & bit) return;
    if (!GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version")) return;
    if (share_resolves(drive)) return;
    link_share(drive);
    TRACE("share %lc$ now %s\n", drive, share_resolves(drive) ? "resolves" : "still does not resolve");
}
