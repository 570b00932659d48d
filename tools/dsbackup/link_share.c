/*
 * dsbackup link-share: makes this machine's administrative shares resolve under
 * Wine.  The DLL names the directory's files as UNC paths of this machine
 * (\\COMPUTER\C$\Windows\NTDS\ntds.dit), which Wine resolves only through the
 * link $WINEPREFIX/dosdevices/unc/<computer in lower case>/c$ -> ../../c:.
 * Making it is the installer's job (make install-wine) and this command's; the
 * DLL itself changes nothing in the prefix.  init-sample calls it too.
 *
 * The link is made for C: and for every drive of the paths recorded under
 * NTDS\Parameters, only when the share does not resolve yet, with /bin/ln -s
 * (never -f): an existing entry is never replaced.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>
#include "dsbackup.h"
#include "ntds_layout.h"

/* How long /bin/ln may take to make the link. */
#define LINK_TIMEOUT_MS 10000

typedef char *(CDECL *wine_get_unix_file_name_fn)(const WCHAR *dos_path);

static const char link_share_help[] =
    "Usage: dsbackup link-share\n"
    "\n"
    "Under Wine, makes this machine's administrative shares resolve. The DLL names\n"
    "the directory's files by UNC paths (\\\\COMPUTER\\C$\\Windows\\NTDS\\ntds.dit),\n"
    "which Wine resolves only through the link\n"
    "  $WINEPREFIX/dosdevices/unc/<computer>/c$ -> ../../c:\n"
    "For C: and every other drive of the paths recorded under\n"
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters, it creates that link\n"
    "if the share does not resolve yet. An existing entry is never replaced.\n"
    "On Windows there is nothing to do. 'dsbackup init-sample' does the same.\n"
    "\n"
    "Exit status: 0 every share resolves, 1 one does not, 2 usage error.\n";

static BOOL running_under_wine(void)
{
    return GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != NULL;
}

/* "\\COMPUTER\X$\" reaches something. */
static BOOL share_resolves(const WCHAR *computer, WCHAR drive)
{
    WCHAR root[MAX_COMPUTERNAME_LENGTH + 16];

    _snwprintf(root, ARRAYSIZE(root), L"\\\\%ls\\%lc$\\", computer, drive);
    root[ARRAYSIZE(root) - 1] = 0;
    return GetFileAttributesW(root) != INVALID_FILE_ATTRIBUTES;
}

/* The prefix's dosdevices folder as a Unix path ending in '/', found from
 * where drive X: is: ".../dosdevices/x:/". */
static WCHAR *dosdevices_folder(WCHAR drive)
{
    wine_get_unix_file_name_fn get_unix_name;
    WCHAR dos_root[4] = {drive, ':', '\\', 0}, *folder = NULL;
    char *unix_root, *end;
    int n;

    get_unix_name = (wine_get_unix_file_name_fn)(void *)GetProcAddress(GetModuleHandleW(L"kernel32.dll"),
                                                                         "wine_get_unix_file_name");
    if (!get_unix_name || !(unix_root = get_unix_name(dos_root))) return NULL;
    if ((end = strstr(unix_root, "/dosdevices/")))
    {
        end += strlen("/dosdevices/");
        n = MultiByteToWideChar(CP_UTF8, 0, unix_root, (int)(end - unix_root), NULL, 0);
        if (n > 0 && (folder = malloc((n + 1) * sizeof(WCHAR))))
        {
            MultiByteToWideChar(CP_UTF8, 0, unix_root, (int)(end - unix_root), folder, n);
            folder[n] = 0;
        }
    }
    HeapFree(GetProcessHeap(), 0, unix_root);
    return folder;
}

/* An entry of that name is in its folder, even a link that leads nowhere
 * (which GetFileAttributesW, following links, does not see). */
static BOOL entry_exists(const WCHAR *path)
{
    WIN32_FIND_DATAW data;
    HANDLE find = FindFirstFileW(path, &data);

    if (find == INVALID_HANDLE_VALUE) return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
    FindClose(find);
    return TRUE;
}

/* Starts a Unix program with a Windows command line and waits until PATH
 * exists or the program ends; FALSE (with the last error set) if it cannot be
 * started.  Under Wine the handle of a Unix program need not ever be signalled,
 * nor its exit code handed on, so the result is what is there afterwards. */
static BOOL run_unix_program_for(const WCHAR *program, WCHAR *command_line, const WCHAR *path)
{
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    ULONGLONG start = GetTickCount64();

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    if (!CreateProcessW(program, command_line, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL,
                        &startup, &process))
        return FALSE;
    while (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES && GetTickCount64() - start < LINK_TIMEOUT_MS)
        if (WaitForSingleObject(process.hProcess, 20) == WAIT_OBJECT_0) break;
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return TRUE;
}

/* dosdevices/unc/<computer>/x$ -> ../../x:, made unless an entry is there. */
static BOOL make_link(const WCHAR *dosdevices, const WCHAR *host, WCHAR drive)
{
    WCHAR path[2048], link[2048], command[4400];
    WCHAR letter = (WCHAR)towlower(drive);

    _snwprintf(link, ARRAYSIZE(link), L"%lsunc/%ls/%lc$", dosdevices, host, letter);
    link[ARRAYSIZE(link) - 1] = 0;
    _snwprintf(path, ARRAYSIZE(path), L"\\\\?\\unix%lsunc", dosdevices);
    path[ARRAYSIZE(path) - 1] = 0;
    CreateDirectoryW(path, NULL);
    _snwprintf(path, ARRAYSIZE(path), L"\\\\?\\unix%lsunc/%ls", dosdevices, host);
    path[ARRAYSIZE(path) - 1] = 0;
    CreateDirectoryW(path, NULL);
    _snwprintf(path, ARRAYSIZE(path), L"\\\\?\\unix%ls", link);
    path[ARRAYSIZE(path) - 1] = 0;
    if (entry_exists(path))
    {
        report_sys(ERROR_ALREADY_EXISTS, "%s exists but does not lead to drive %lc:; it is left alone",
                   u8(link), drive);
        return FALSE;
    }
    /* "ln -s" without -f: an entry that appeared meanwhile is never replaced. */
    _snwprintf(command, ARRAYSIZE(command), L"ln -s ../../%lc: \"%ls\"", letter, link);
    command[ARRAYSIZE(command) - 1] = 0;
    if (!run_unix_program_for(L"/bin/ln", command, path))
    {
        report_sys((HRESULT)GetLastError(), "cannot run /bin/ln to create %s", u8(link));
        return FALSE;
    }
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
    {
        report_sys(ERROR_CANNOT_MAKE, "/bin/ln did not create %s -> ../../%lc: (an entry of that name may "
                   "exist already; it is never replaced)", u8(link), letter);
        return FALSE;
    }
    print("created the link %s -> ../../%lc:\n", u8(link), letter);
    return TRUE;
}

/* One drive: nothing if its share resolves, else the link, then a check. */
static BOOL link_drive(const WCHAR *computer, WCHAR drive)
{
    WCHAR host[MAX_COMPUTERNAME_LENGTH + 1], *dosdevices;
    BOOL made;
    size_t i;

    if (share_resolves(computer, drive))
    {
        print("\\\\%s\\%lc$ already resolves: nothing to do\n", u8(computer), drive);
        return TRUE;
    }
    if (!(dosdevices = dosdevices_folder(drive)))
    {
        report_sys(ERROR_PATH_NOT_FOUND, "cannot make \\\\%s\\%lc$ resolve: Wine does not say where drive "
                   "%lc: is in the prefix", u8(computer), drive, drive);
        return FALSE;
    }
    for (i = 0; computer[i] && i < MAX_COMPUTERNAME_LENGTH; i++) host[i] = (WCHAR)towlower(computer[i]);
    host[i] = 0;
    made = make_link(dosdevices, host, drive);
    free(dosdevices);
    if (!made) return FALSE;
    if (!share_resolves(computer, drive))
    {
        report_sys(ERROR_BAD_NETPATH, "\\\\%s\\%lc$ still does not resolve", u8(computer), drive);
        return FALSE;
    }
    print("\\\\%s\\%lc$ now resolves\n", u8(computer), drive);
    return TRUE;
}

/* C:, and the drive of each configured path ("X:\..."), one bit per letter. */
static DWORD directory_drives(void)
{
    static const WCHAR *const values[] = {NTDS_VALUE_DATABASE_FILE, NTDS_VALUE_LOG_DIR, NTDS_VALUE_WORKING_DIR};
    enum config_path_status status;
    DWORD drives = 1u << ('C' - 'A');
    LONG error;
    size_t i;

    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        WCHAR *value = config_path_read(values[i], &error, &status), letter;

        if (value && value[0] && value[1] == ':')
        {
            letter = (WCHAR)towupper(value[0]);
            if (letter >= 'A' && letter <= 'Z') drives |= 1u << (letter - 'A');
        }
        free(value);
    }
    return drives;
}

BOOL link_shares_for_directory(void)
{
    WCHAR computer[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD size = ARRAYSIZE(computer), drives;
    BOOL ok = TRUE;
    int letter;

    if (!running_under_wine())
    {
        print("not running under Wine: Windows resolves \\\\COMPUTER\\C$ itself; nothing to do\n");
        return TRUE;
    }
    if (!GetComputerNameExW(ComputerNamePhysicalNetBIOS, computer, &size))
    {
        report_sys((HRESULT)GetLastError(), "cannot read the computer name");
        return FALSE;
    }
    drives = directory_drives();
    for (letter = 0; letter < 26; letter++)
        if ((drives & (1u << letter)) && !link_drive(computer, (WCHAR)('A' + letter))) ok = FALSE;
    return ok;
}

int cmd_link_share(int argc, WCHAR **argv)
{
    int i;

    for (i = 1; i < argc; i++)
    {
        if (is_help_option(argv[i]))
        {
            print("%s", link_share_help);
            return EXIT_OK;
        }
        return usage_error(link_share_help, "link-share takes no arguments, not %s", argv[i]);
    }
    return link_shares_for_directory() ? EXIT_OK : EXIT_FAILED;
}
