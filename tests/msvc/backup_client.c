/*
 * A backup client built the way a user of Microsoft's toolchain builds one
 * (tests/msvc/run.sh): compiled in MSVC mode (clang-cl) against include/ntdsbcli.h,
 * linked by lld-link against build/<arch>/ntdsbcli.lib.  No C runtime is available
 * here, so it has its own entry point and uses only kernel32 and ntdsbcli.dll.
 *
 * It takes a whole full backup through the generic names of the header (the W
 * functions when built with UNICODE, the A ones without): DsIsNTDSOnline,
 * DsBackupPrepare, DsBackupGetDatabaseNames and DsBackupGetBackupLogs, and for every
 * listed file DsBackupOpenFile, DsBackupRead to the end, DsBackupClose; then
 * DsBackupEnd and DsBackupFree.  The bytes read are compared, by size and CRC-32,
 * with the file itself read through CreateFile/ReadFile.
 *
 * Output, one line each: "ok - ..." or "not ok - ..." per check (TAP); "FILE <BFT code>
 * <size> <CRC-32> <name>" per file backed up (hexadecimal; for run.sh to compare
 * with the files on the Unix side); last "END <failures>".  Exit status 0 if every
 * check passed, else 1.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ntdsbcli.h>

/* DsBackupRead wants a multiple of 8192, at least 24576 bytes. */
#define CHUNK 65536

static HANDLE out_handle;
static char line[1024];
static unsigned line_len;
static unsigned failures;
static DWORD crc_table[256];
static BYTE *backup_buffer;
static BYTE *file_buffer;

/* --- output, without a C runtime ----------------------------------------------- */

static void put_char(char c)
{
    if (line_len < sizeof(line) - 1)
        line[line_len++] = c;
}

static void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

static void put_hex_digits(DWORD v, int digits)
{
    while (digits-- > 0)
        put_char("0123456789abcdef"[(v >> (4 * digits)) & 15]);
}

/* An HRESULT or other 32-bit value: 0x and 8 digits. */
static void put_hex(DWORD v)
{
    put_str("0x");
    put_hex_digits(v, 8);
}

/* A file size: 16 digits, no 0x. */
static void put_size(ULONGLONG v)
{
    put_hex_digits((DWORD)(v >> 32), 8);
    put_hex_digits((DWORD)v, 8);
}

/* A name from the lists; they are ASCII, anything else shows as '?'. */
static void put_tstr(LPCTSTR s)
{
    for (; *s; s++) {
        TBYTE c = (TBYTE)*s;
        put_char(c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
}

static void end_line(void)
{
    DWORD written;

    line[line_len++] = '\n';
    WriteFile(out_handle, line, line_len, &written, NULL);
    line_len = 0;
}

/* Starts a TAP line ("ok - " / "not ok - ") and counts a failure; the caller
 * adds the text. */
static BOOL start_check(BOOL ok)
{
    put_str(ok ? "ok - " : "not ok - ");
    if (!ok)
        failures++;
    return ok;
}

/* "<call> returned <got>" (and ", expected <expected>" if it differs). */
static BOOL check_hr(const char *call, LPCTSTR name, HRESULT got, HRESULT expected)
{
    BOOL ok = start_check(got == expected);

    put_str(call);
    if (name) {
        put_str(" for ");
        put_tstr(name);
    }
    put_str(" returned ");
    put_hex((DWORD)got);
    if (!ok) {
        put_str(", expected ");
        put_hex((DWORD)expected);
    }
    end_line();
    return ok;
}

/* --- CRC-32 (the one of zlib and PNG) -------------------------------------------- */

static void crc_init(void)
{
    DWORD i, c;
    int k;

    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static DWORD crc_update(DWORD crc, const BYTE *p, DWORD n)
{
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

/* --- the backup ---------------------------------------------------------------- */

/* Reads the file itself (its UNC name, as listed); FALSE if it cannot. */
static BOOL read_file(LPCTSTR path, ULONGLONG *size, DWORD *crc)
{
    HANDLE file;
    LARGE_INTEGER file_size;
    DWORD got;
    BOOL ok;

    *size = 0;
    *crc = 0xffffffffu;
    file = CreateFile(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        start_check(FALSE);
        put_str("CreateFile for ");
        put_tstr(path);
        put_str(" failed, error ");
        put_hex(GetLastError());
        end_line();
        return FALSE;
    }
    ok = GetFileSizeEx(file, &file_size);
    while (ok && (ok = ReadFile(file, file_buffer, CHUNK, &got, NULL)) && got) {
        *crc = crc_update(*crc, file_buffer, got);
        *size += got;
    }
    if (!ok) {
        start_check(FALSE);
        put_str("reading ");
        put_tstr(path);
        put_str(" with ReadFile failed, error ");
        put_hex(GetLastError());
        end_line();
    } else if ((ULONGLONG)file_size.QuadPart != *size) {
        ok = FALSE;
        start_check(FALSE);
        put_str("ReadFile gave ");
        put_size(*size);
        put_str(" bytes of ");
        put_tstr(path);
        put_str(", GetFileSizeEx says ");
        put_size((ULONGLONG)file_size.QuadPart);
        end_line();
    }
    CloseHandle(file);
    *crc = ~*crc;
    return ok;
}

/* DsBackupOpenFile, DsBackupRead to the end, DsBackupClose, for one listed entry
 * (BFT code and name); then the bytes against the file's own. */
static void backup_file(HBC hbc, LPCTSTR entry)
{
    LARGE_INTEGER size;
    ULONGLONG total = 0, file_size;
    DWORD crc = 0xffffffffu, file_crc, got, reads = 0;
    HRESULT hr;
    BOOL ok;

    size.QuadPart = -1;
    if (!check_hr("DsBackupOpenFile", entry + 1, DsBackupOpenFile(hbc, entry, CHUNK, &size), S_OK))
        return;
    for (;;) {
        got = 0xdeadbeef;
        hr = DsBackupRead(hbc, backup_buffer, CHUNK, &got);
        if (hr != S_OK)
            break;
        reads++;
        if (got == 0 || got > CHUNK) {
            start_check(FALSE);
            put_str("DsBackupRead returned S_OK with ");
            put_hex(got);
            put_str(" bytes of a buffer of ");
            put_hex(CHUNK);
            end_line();
            break;
        }
        crc = crc_update(crc, backup_buffer, got);
        total += got;
    }
    crc = ~crc;
    if (check_hr("DsBackupRead at the end", entry + 1, hr, ERROR_HANDLE_EOF)) {
        start_check(got == 0);
        put_str("DsBackupRead at the end gives 0 bytes: ");
        put_hex(got);
        end_line();
    }
    start_check(total == (ULONGLONG)size.QuadPart);
    put_str("DsBackupRead delivered ");
    put_size(total);
    put_str(" bytes in ");
    put_hex(reads);
    put_str(" reads, the size DsBackupOpenFile gave: ");
    put_size((ULONGLONG)size.QuadPart);
    end_line();
    check_hr("DsBackupClose", entry + 1, DsBackupClose(hbc), S_OK);

    put_str("FILE ");
    put_hex((TBYTE)entry[0]);
    put_char(' ');
    put_size(total);
    put_char(' ');
    put_hex_digits(crc, 8);
    put_char(' ');
    put_tstr(entry + 1);
    end_line();

    if (read_file(entry + 1, &file_size, &file_crc)) {
        ok = start_check(file_size == total && file_crc == crc);
        put_str("the bytes of ");
        put_tstr(entry + 1);
        put_str(ok ? " are the file's: " : " differ from the file's: ");
        put_size(total);
        put_str(" bytes, CRC-32 ");
        put_hex(crc);
        if (!ok) {
            put_str("; the file has ");
            put_size(file_size);
            put_str(" bytes, CRC-32 ");
            put_hex(file_crc);
        }
        end_line();
    }
}

/* Walks a list of "<BFT><name>\0 ... \0" of cb bytes, checks its shape and each
 * entry's BFT code, and backs up every file; returns the number of entries. */
static unsigned backup_list(HBC hbc, LPTSTR list, DWORD cb, BFT expected, const char *what)
{
    DWORD n = cb / sizeof(TCHAR), i = 0, start;
    unsigned count = 0;
    BOOL ok;

    ok = start_check(list != NULL && cb % sizeof(TCHAR) == 0 && n >= 2 &&
                     list[n - 1] == 0 && list[n - 2] == 0);
    put_str(what);
    put_str(" is a list ending in two NULs, of ");
    put_hex(cb);
    put_str(" bytes");
    end_line();
    if (!ok)
        return 0;
    while (i < n && list[i]) {
        start = i;
        while (i < n && list[i])
            i++;
        i++;
        count++;
        ok = start_check((TBYTE)list[start] == (TBYTE)expected && i - start > 2);
        put_str(what);
        put_str(" entry ");
        put_tstr(list + start + 1);
        put_str(" has the BFT code ");
        put_hex((TBYTE)list[start]);
        if (!ok) {
            put_str(", expected ");
            put_hex((TBYTE)expected);
        }
        end_line();
        if (ok)
            backup_file(hbc, list + start);
    }
    start_check(i == n - 1);
    put_str(what);
    put_str(": the entries fill the size given, up to the final NUL");
    end_line();
    return count;
}

void __cdecl client_main(void)
{
    BOOL online = 42;
    PVOID token = NULL;
    DWORD token_size = 0, cb;
    HBC hbc = NULL;
    LPTSTR names = NULL, logs = NULL;
    HANDLE heap = GetProcessHeap();
    HRESULT hr;

    out_handle = GetStdHandle(STD_OUTPUT_HANDLE);
    crc_init();
    backup_buffer = (BYTE *)HeapAlloc(heap, 0, CHUNK);
    file_buffer = (BYTE *)HeapAlloc(heap, 0, CHUNK);
    if (!backup_buffer || !file_buffer) {
        start_check(FALSE);
        put_str("HeapAlloc failed");
        end_line();
        ExitProcess(2);
    }
    put_str(sizeof(TCHAR) == 1 ? "ANSI" : "UNICODE");
    put_str(" client, ");
    put_str(sizeof(void *) == 8 ? "64" : "32");
    put_str("-bit");
    end_line();

    if (check_hr("DsIsNTDSOnline", NULL, DsIsNTDSOnline(NULL, &online), S_OK)) {
        start_check(online == TRUE);
        put_str("DsIsNTDSOnline says the directory is online: ");
        put_hex((DWORD)online);
        end_line();
    }

    hr = DsBackupPrepare(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
    if (check_hr("DsBackupPrepare", NULL, hr, S_OK)) {
        start_check(token != NULL && token_size > 0 && hbc != NULL);
        put_str("DsBackupPrepare gave an expiry token of ");
        put_hex(token_size);
        put_str(" bytes and a context");
        end_line();

        cb = 0;
        hr = DsBackupGetDatabaseNames(hbc, &names, &cb);
        if (check_hr("DsBackupGetDatabaseNames", NULL, hr, S_OK)) {
            start_check(backup_list(hbc, names, cb, BFT_NTDS_DATABASE, "database list") == 1);
            put_str("the database list holds one file");
            end_line();
        }
        cb = 0;
        hr = DsBackupGetBackupLogs(hbc, &logs, &cb);
        if (check_hr("DsBackupGetBackupLogs", NULL, hr, S_OK)) {
            start_check(backup_list(hbc, logs, cb, BFT_LOG, "log list") >= 1);
            put_str("the log list holds at least one file");
            end_line();
        }
        check_hr("DsBackupEnd", NULL, DsBackupEnd(hbc), S_OK);
        /* DsBackupFree returns nothing: these calls must simply return. */
        DsBackupFree(names);
        DsBackupFree(logs);
        DsBackupFree(token);
        start_check(TRUE);
        put_str("DsBackupFree freed both lists and the expiry token");
        end_line();
    }

    put_str("END ");
    put_hex(failures);
    end_line();
    HeapFree(heap, 0, backup_buffer);
    HeapFree(heap, 0, file_buffer);
    ExitProcess(failures ? 1 : 0);
}
