/*
 * probe - file operations on the database for tests/service/run.sh, several in one
 * Wine start.  Operations are separated by "+":
 *
 *   probe delete PATH + replace TARGET SOURCE + rename PATH NEWPATH + read PATH
 *
 *   delete  PATH            DeleteFileW(PATH)
 *   replace TARGET SOURCE   MoveFileExW(SOURCE, TARGET, MOVEFILE_REPLACE_EXISTING)
 *   rename  PATH NEWPATH    MoveFileExW(PATH, NEWPATH, 0)
 *   read    PATH            open as the backup DLL does (GENERIC_READ, FILE_SHARE_READ |
 *                           FILE_SHARE_WRITE) and read up to 64 KiB
 *
 * Prints one line per operation: "OK" or the error's symbolic name
 * ("ERROR_SHARING_VIOLATION", or "error N" for others).  Exit status 0, or 2 on
 * bad usage.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static WCHAR *wide(const char *s)
{
    static WCHAR buf[8][1024];
    static int next;
    WCHAR *w = buf[next++ % 8];
    if (!MultiByteToWideChar(CP_ACP, 0, s, -1, w, 1024))
        w[0] = 0;
    return w;
}

static void result(BOOL ok)
{
    DWORD err = GetLastError();
    if (ok) { puts("OK"); return; }
    switch (err) {
    case ERROR_FILE_NOT_FOUND:      puts("ERROR_FILE_NOT_FOUND"); break;
    case ERROR_PATH_NOT_FOUND:      puts("ERROR_PATH_NOT_FOUND"); break;
    case ERROR_ACCESS_DENIED:       puts("ERROR_ACCESS_DENIED"); break;
    case ERROR_SHARING_VIOLATION:   puts("ERROR_SHARING_VIOLATION"); break;
    case ERROR_LOCK_VIOLATION:      puts("ERROR_LOCK_VIOLATION"); break;
    case ERROR_ALREADY_EXISTS:      puts("ERROR_ALREADY_EXISTS"); break;
    default:                        printf("error %lu\n", (unsigned long)err); break;
    }
}

static BOOL do_read(const WCHAR *path)
{
    static char buf[65536];
    DWORD got;
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return FALSE;
    BOOL ok = ReadFile(f, buf, sizeof(buf), &got, NULL) && got > 0;
    DWORD err = GetLastError();
    CloseHandle(f);
    SetLastError(ok ? 0 : err);
    return ok;
}

int main(int argc, char **argv)
{
    int i = 1;
    while (i < argc) {
        int n = 0;                          /* arguments of this operation */
        while (i + 1 + n < argc && strcmp(argv[i + 1 + n], "+"))
            n++;
        const char *op = argv[i];
        char **a = argv + i + 1;
        if (!strcmp(op, "delete") && n == 1)
            result(DeleteFileW(wide(a[0])));
        else if (!strcmp(op, "replace") && n == 2)
            result(MoveFileExW(wide(a[1]), wide(a[0]), MOVEFILE_REPLACE_EXISTING));
        else if (!strcmp(op, "rename") && n == 2)
            result(MoveFileExW(wide(a[0]), wide(a[1]), 0));
        else if (!strcmp(op, "read") && n == 1)
            result(do_read(wide(a[0])));
        else {
            fprintf(stderr, "probe: bad operation \"%s\" with %d arguments\n", op, n);
            return 2;
        }
        fflush(stdout);
        i += 1 + n + 1;                     /* the operation, its arguments, the "+" */
    }
    return 0;
}
