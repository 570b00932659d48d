/*
 * Files changing underneath a backup: the database, a numbered log and edb.log
 * are deleted, truncated, grown, overwritten or replaced between listing and
 * opening, and in the middle of reading (after the first chunk, and just before
 * the chunk that completes the copy), through Win32 and on the Unix side (which
 * no Windows sharing mode stops).  None of it may produce a successful but wrong
 * copy (docs/behaviour.md, "Opening and reading").  tests/conformance/test_backup.c
 * covers a log changed through Win32 after the first chunk and a log deleted
 * before opening; this adds the rest.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "reliability.h"

#define READ_SIZE 65536

static struct dsa_paths paths;
static BYTE read_buffer[READ_SIZE];
static struct blob copy, current, scratch;
static long unix_commands;

typedef char *(CDECL *wine_get_unix_file_name_fn)(const WCHAR *dos_path);

/* The Unix path of a file of the prefix, for changes made behind Wine's back. */
static BOOL unix_path_of(const WCHAR *path, char *out, size_t size)
{
    wine_get_unix_file_name_fn get_unix_name = (wine_get_unix_file_name_fn)(void *)GetProcAddress(
        GetModuleHandleW(L"kernel32.dll"), "wine_get_unix_file_name");
    char *name;

    if (!get_unix_name || !(name = get_unix_name(path))) return FALSE;
    snprintf(out, size, "%s", name);
    HeapFree(GetProcessHeap(), 0, name);
    return strchr(out, '\'') == NULL;
}

static BOOL unix_sh(const char *fmt, ...)
{
    char script[1500];
    va_list args;

    va_start(args, fmt);
    vsnprintf(script, sizeof(script), fmt, args);
    va_end(args);
    unix_commands++;
    return run_unix(script) == 0;
}

/* ---- the changes ---------------------------------------------------------- */

enum action
{
    /* through Win32 */
    ACT_DELETE,         /* DeleteFileW (and, while open, MoveFileExW): refused while read */
    ACT_SHRINK,         /* SetEndOfFile at half the size */
    ACT_GROW,           /* append 4096 bytes */
    ACT_OVERWRITE_AHEAD,/* write 16 bytes in a part not read yet */
    ACT_OVERWRITE_BEHIND,/* write 16 bytes in a part already read */
    ACT_REPLACE,        /* MoveFileExW a new file of the same size over it */
    /* on the Unix side */
    ACT_UNIX_RM,
    ACT_UNIX_MV,        /* a new file of the same size renamed over it */
    ACT_UNIX_TRUNCATE,
    ACT_UNIX_APPEND,
    ACT_UNIX_OVERWRITE, /* dd conv=notrunc, in a part not read yet */
    ACT_COUNT
};

static const char *const action_names[ACT_COUNT] = {
    "deleted (Win32)", "truncated (Win32)", "grown (Win32)", "overwritten ahead (Win32)",
    "overwritten behind (Win32)", "replaced (Win32 MoveFileEx)", "deleted (Unix rm)", "replaced (Unix mv)",
    "truncated (Unix truncate)", "grown (Unix append)", "overwritten (Unix dd)"};

static BOOL write_at(const WCHAR *path, LONGLONG offset, const void *data, DWORD size, BOOL append)
{
    HANDLE file = CreateFileW(path, append ? FILE_APPEND_DATA : GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                              NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at;
    DWORD written = 0;
    BOOL done;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    at.QuadPart = offset;
    done = (append || SetFilePointerEx(file, at, NULL, FILE_BEGIN)) && WriteFile(file, data, size, &written, NULL)
           && written == size;
    CloseHandle(file);
    return done;
}

static BOOL set_size(const WCHAR *path, LONGLONG size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER at;
    BOOL done;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    at.QuadPart = size;
    done = SetFilePointerEx(file, at, NULL, FILE_BEGIN) && SetEndOfFile(file);
    CloseHandle(file);
    return done;
}

/* Applies a change; `offset` is how far the copy has got (for "ahead"/"behind").
 * Returns FALSE if the change could not be made (which, for a delete or a rename
 * through Win32 while the file is read, is what must happen). */
static BOOL apply(enum action action, const WCHAR *path, DWORD size, DWORD offset)
{
    static const char sixteen[] = "CHANGED-CHANGED!";
    char unix_path[1024];
    WCHAR temp[MAX_PATH];
    DWORD ahead = offset + (size - offset) / 2, i;

    switch (action)
    {
    case ACT_DELETE:
        return DeleteFileW(path);
    case ACT_SHRINK:
        return set_size(path, size / 2);
    case ACT_GROW:
        return write_at(path, 0, read_buffer, 4096, TRUE);
    case ACT_OVERWRITE_AHEAD:
        return write_at(path, ahead > 16 ? ahead - 16 : 0, sixteen, 16, FALSE);
    case ACT_OVERWRITE_BEHIND:
        return write_at(path, 0, sixteen, 16, FALSE);
    case ACT_REPLACE:
        _snwprintf(temp, MAX_PATH, L"%ls.new", path);
        temp[MAX_PATH - 1] = 0;
        blob_read_file(&scratch, path);
        for (i = 0; i < scratch.size; i++) scratch.data[i] ^= 0x5a;
        if (!write_whole_file(temp, scratch.data, scratch.size)) return FALSE;
        if (MoveFileExW(temp, path, MOVEFILE_REPLACE_EXISTING)) return TRUE;
        DeleteFileW(temp);
        return FALSE;
    default:
        break;
    }
    if (!unix_path_of(path, unix_path, sizeof(unix_path))) return FALSE;
    switch (action)
    {
    case ACT_UNIX_RM:
        return unix_sh("rm -f '%s'", unix_path);
    case ACT_UNIX_MV:
        return unix_sh("head -c %lu /dev/urandom > '%s.new' && mv -f '%s.new' '%s'", size, unix_path, unix_path,
                       unix_path);
    case ACT_UNIX_TRUNCATE:
        return unix_sh("truncate -s %lu '%s'", size / 2, unix_path);
    case ACT_UNIX_APPEND:
        return unix_sh("printf more >> '%s'", unix_path);
    case ACT_UNIX_OVERWRITE:
        return unix_sh("printf CHANGED | dd of='%s' bs=1 seek=%lu conv=notrunc 2>/dev/null", unix_path,
                       ahead > 16 ? ahead - 16 : 0);
    default:
        return FALSE;
    }
}

/* ---- one case ------------------------------------------------------------- */

enum moment { BEFORE_OPEN, AFTER_FIRST_CHUNK, BEFORE_LAST_CHUNK };
static const char *const moment_names[] = {"between listing and opening", "after the first chunk",
                                           "before the chunk that completes the copy"};

struct change_checks
{
    struct check before_open, during_win32, during_unix, locked, usable, new_log;
};

struct target
{
    const WCHAR *name;       /* in the folder */
    BOOL database;
    WCHAR path[MAX_PATH];
    WCHAR listed[MAX_PATH + 1];
    struct blob original;
};

static HBC prepare_and_list(struct target *t)
{
    void *token;
    DWORD token_size, size;
    WCHAR *list;
    HBC hbc = NULL;
    HRESULT hr;

    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)))
    {
        ok(0, "changes: DsBackupPrepareW returned %s\n", hr_name(hr));
        return NULL;
    }
    DsBackupFree(token);
    hr = t->database ? DsBackupGetDatabaseNamesW(hbc, &list, &size) : DsBackupGetBackupLogsW(hbc, &list, &size);
    if (hr)
    {
        ok(0, "changes: listing returned %s\n", hr_name(hr));
        DsBackupEnd(hbc);
        return NULL;
    }
    DsBackupFree(list);
    return hbc;
}

static void restore_target(struct target *t)
{
    WCHAR temp[MAX_PATH];
    _snwprintf(temp, MAX_PATH, L"%ls.new", t->path);
    temp[MAX_PATH - 1] = 0;
    DeleteFileW(temp);
    if (!write_whole_file(t->path, t->original.data, t->original.size))
        ok(0, "changes: cannot put %ls back (error %lu)\n", t->path, GetLastError());
}

static void run_case(struct change_checks *c, struct target *t, enum action action, enum moment moment)
{
    struct check *during = action >= ACT_UNIX_RM ? &c->during_unix : &c->during_win32;
    LARGE_INTEGER size;
    DWORD got, total = 0, changed_at = 0;
    HRESULT hr, final = S_OK;
    BOOL changed = FALSE, applied = FALSE;
    char what[200];
    HBC hbc;

    snprintf(what, sizeof(what), "%ls %s %s", t->name, action_names[action], moment_names[moment]);
    restore_target(t);
    if (!(hbc = prepare_and_list(t))) return;
    if (moment == BEFORE_OPEN)
    {
        applied = apply(action, t->path, t->original.size, 0);
        if (!check_that(&c->before_open, applied, "%s: the change could not be made (error %lu)", what,
                        GetLastError()))
            goto done;
        changed = TRUE;
    }
    size.QuadPart = -1;
    hr = DsBackupOpenFileW(hbc, t->listed, READ_SIZE, &size);
    if (moment == BEFORE_OPEN)
    {
        BOOL gone = action == ACT_DELETE || action == ACT_UNIX_RM;
        if (gone)
        {
            check_that(&c->before_open, hr == hrFileNotFound, "%s: DsBackupOpenFileW returned %s, expected "
                       "hrFileNotFound", what, hr_name(hr));
            goto done;
        }
        /* The file at the name is what is backed up: exactly its bytes now. */
        blob_read_file(&current, t->path);
        if (!check_that(&c->before_open, hr == S_OK && size.QuadPart == current.size, "%s: DsBackupOpenFileW "
                        "returned %s, size %lld (the file has %lu bytes)", what, hr_name(hr), size.QuadPart,
                        current.size))
            goto done;
    }
    else if (!check_that(during, hr == S_OK && size.QuadPart == t->original.size, "%s: DsBackupOpenFileW "
                         "returned %s, size %lld", what, hr_name(hr), size.QuadPart))
        goto done;

    copy.size = 0;
    for (;;)
    {
        if (!changed && ((moment == AFTER_FIRST_CHUNK && total > 0)
                         || (moment == BEFORE_LAST_CHUNK && size.QuadPart - total <= READ_SIZE)))
        {
            changed = TRUE;
            changed_at = total;
            applied = apply(action, t->path, t->original.size, total);
            if (action == ACT_DELETE)
            {
                /* Held without FILE_SHARE_DELETE: no delete, no rename. */
                BOOL renamed = MoveFileExW(t->path, L"C:\\windows\\temp\\moved-away", MOVEFILE_REPLACE_EXISTING);
                check_that(&c->locked, !applied && !renamed, "%s: %s through Win32 while the backup reads it",
                           what, applied ? "deleted" : "renamed");
                if (renamed) MoveFileExW(L"C:\\windows\\temp\\moved-away", t->path, MOVEFILE_REPLACE_EXISTING);
            }
            else if (action == ACT_REPLACE)
                check_that(&c->locked, !applied, "%s: replaced through Win32 while the backup reads it", what);
            else if (!check_that(during, applied, "%s: the change could not be made", what))
                break;
        }
        got = 0xdeadbeef;
        hr = DsBackupRead(hbc, read_buffer, READ_SIZE, &got);
        if (hr != S_OK)
        {
            final = hr;
            break;
        }
        if (total + got > (DWORD)size.QuadPart || got > READ_SIZE || !got)
        {
            final = E_UNEXPECTED;
            break;
        }
        memcpy(copy.data + total, read_buffer, got);
        total += got;
    }
    copy.size = total;
    if (moment == BEFORE_OPEN || (!applied && (action == ACT_DELETE || action == ACT_REPLACE)))
    {
        /* Nothing changed while it was read: a whole, exact copy. */
        const struct blob *expected = moment == BEFORE_OPEN ? &current : &t->original;
        struct check *which = moment == BEFORE_OPEN ? &c->before_open : &c->locked;
        check_that(which, final == ERROR_HANDLE_EOF && copy.size == expected->size
                   && !memcmp(copy.data, expected->data, copy.size),
                   "%s: the copy ended with %s after %lu bytes and %s the file", what, hr_name(final), copy.size,
                   copy.size == expected->size && !memcmp(copy.data, expected->data, copy.size) ? "matches"
                   : "does not match");
    }
    else
    {
        /* Changed while read: the copy must fail (it must never end with S_OK). */
        check_that(during, final == hrReadVerifyFailure, "%s (at %lu of %lu bytes): the copy ended with %s after "
                   "%lu bytes, expected hrReadVerifyFailure%s", what, changed_at, t->original.size, hr_name(final),
                   copy.size, final == ERROR_HANDLE_EOF ? ": a successful copy of a changed file" : "");
        if (final == hrReadVerifyFailure)
        {
            got = 0xdeadbeef;
            hr = DsBackupRead(hbc, read_buffer, READ_SIZE, &got);
            check_that(&c->usable, hr == hrReadVerifyFailure && got == 0, "%s: the next read gave %s, %lu bytes",
                       what, hr_name(hr), got);
        }
    }
    hr = DsBackupClose(hbc);
    check_that(&c->usable, hr == S_OK, "%s: DsBackupClose returned %s", what, hr_name(hr));
done:
    hr = DsBackupEnd(hbc);
    check_that(&c->usable, hr == S_OK, "%s: DsBackupEnd returned %s", what, hr_name(hr));
    restore_target(t);
}

/* A log that appears after the listing is not accepted until listed. */
static void test_new_log(struct change_checks *c)
{
    WCHAR path[MAX_PATH], name[MAX_PATH + 1], *list;
    LARGE_INTEGER size;
    DWORD list_size;
    struct target t = {.name = L"edb00002.log", .database = FALSE};
    HRESULT hr;
    HBC hbc;

    join_path(t.path, paths.log_dir, t.name);
    if (!(hbc = prepare_and_list(&t))) return;
    join_path(path, paths.log_dir, L"edb00020.log");
    write_whole_file(path, "new", 3);
    name[0] = 0x21;
    expected_unc(path, name + 1, MAX_PATH);
    hr = DsBackupOpenFileW(hbc, name, READ_SIZE, &size);
    check_that(&c->new_log, hr == ERROR_INVALID_PARAMETER, "a log created after the listing: DsBackupOpenFileW "
               "returned %s, expected ERROR_INVALID_PARAMETER", hr_name(hr));
    if (hr == S_OK) DsBackupClose(hbc);
    hr = DsBackupGetBackupLogsW(hbc, &list, &list_size);
    check_that(&c->new_log, hr == S_OK, "listing again: %s", hr_name(hr));
    if (hr == S_OK) DsBackupFree(list);
    hr = DsBackupOpenFileW(hbc, name, READ_SIZE, &size);
    check_that(&c->new_log, hr == S_OK && size.QuadPart == 3, "listed now: DsBackupOpenFileW returned %s",
               hr_name(hr));
    if (hr == S_OK) DsBackupClose(hbc);
    DsBackupEnd(hbc);
    DeleteFileW(path);
}

/* ---- the clock: a write in the same timestamp tick as the previous one ----- */

static ULONGLONG last_write_time(const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return 0;
    return ((ULONGLONG)data.ftLastWriteTime.dwHighDateTime << 32) | data.ftLastWriteTime.dwLowDateTime;
}

/* The DLL sees a change through the size, the file identity and the last-write
 * time.  A write that lands in the same timestamp tick as the write before the
 * open changes none of them: try to make one, and check that a copy that mixes
 * the two versions never ends with S_OK. */
static void test_same_tick_write(void)
{
    static BYTE version_a[300000], version_b[300000], after_writes[300000];
    struct check c;
    WCHAR path[MAX_PATH], name[MAX_PATH + 1], *list;
    LARGE_INTEGER size;
    DWORD got, total, list_size, i;
    int attempt, same_tick = 0, torn = 0, caught = 0;
    ULONGLONG before, after;
    HRESULT hr;
    void *token;
    HBC hbc;

    check_init(&c, "changes: a write in the same timestamp tick as the open never gives a torn copy with S_OK");
    for (i = 0; i < sizeof(version_a); i++)
    {
        version_a[i] = (BYTE)(i * 7);
        version_b[i] = (BYTE)(i * 7 + 1);
    }
    /* What the file is after the writer's two writes. */
    memcpy(after_writes, version_a, sizeof(after_writes));
    memcpy(after_writes, version_b, 4096);
    memcpy(after_writes + 200000, version_b + 200000, 4096);
    join_path(path, paths.log_dir, L"edb0000A.log");
    write_whole_file(path, version_a, sizeof(version_a));
    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &list_size, &hbc)))
    {
        ok(0, "changes: same-tick race: DsBackupPrepareW returned %s\n", hr_name(hr));
        return;
    }
    DsBackupFree(token);
    if (!DsBackupGetBackupLogsW(hbc, &list, &list_size)) DsBackupFree(list);
    name[0] = 0x21;
    expected_unc(path, name + 1, MAX_PATH);
    for (attempt = 0; attempt < 400; attempt++)
    {
        write_whole_file(path, version_a, sizeof(version_a));
        before = last_write_time(path);
        if (DsBackupOpenFileW(hbc, name, READ_SIZE, &size)) break;
        total = 0;
        if (!DsBackupRead(hbc, copy.data, READ_SIZE, &got)) total = got;
        /* The writer changes a part already copied and a part not yet copied. */
        write_at(path, 0, version_b, 4096, FALSE);
        write_at(path, 200000, version_b + 200000, 4096, FALSE);
        after = last_write_time(path);
        if (after == before) same_tick++;
        while ((hr = DsBackupRead(hbc, copy.data + total, READ_SIZE, &got)) == S_OK) total += got;
        DsBackupClose(hbc);
        if (hr == ERROR_HANDLE_EOF)
        {
            BOOL is_a = total == sizeof(version_a) && !memcmp(copy.data, version_a, total);
            BOOL is_b = total == sizeof(version_a) && !memcmp(copy.data, after_writes, total);
            if (!is_a && !is_b) torn++;
            check_that(&c, is_a || is_b, "attempt %d: a copy that is neither version came with S_OK (last-write "
                       "time %s)", attempt, after == before ? "unchanged: same tick" : "moved");
        }
        else
        {
            caught++;
            check_that(&c, hr == hrReadVerifyFailure, "attempt %d: %s", attempt, hr_name(hr));
        }
        if (same_tick >= 20) break;
    }
    DsBackupEnd(hbc);
    DeleteFileW(path);
    trace("same-tick race: %d attempts, %d with the last-write time unchanged by the write, %d caught, %d torn "
          "copies with S_OK\n", attempt, same_tick, caught, torn);
    figure("race", "attempts=%d same_tick=%d torn=%d run=plain", attempt, same_tick, torn);
    check_report(&c);
}

/* reliability.exe changes */
static void test_changes(void)
{
    static struct target targets[] = {{.name = L"ntds.dit", .database = TRUE}, {.name = L"edb00002.log"},
                                      {.name = L"edb.log"}};
    struct change_checks c;
    size_t t;
    int action, moment, cases = 0;

    fault_off();
    if (!read_dsa_paths(&paths))
    {
        ok(0, "changes: the sample database is not configured\n");
        return;
    }
    check_init(&c.before_open, "changes between listing and opening: a deleted file is hrFileNotFound; a "
               "truncated, grown or replaced one is copied exactly as it is now");
    check_init(&c.during_win32, "changes while reading, through Win32 (truncated, grown, overwritten ahead and "
               "behind): hrReadVerifyFailure, never a successful copy");
    check_init(&c.during_unix, "changes while reading, on the Unix side (rm, mv over, truncate, append, "
               "overwrite): hrReadVerifyFailure, never a successful copy");
    check_init(&c.locked, "a file being read cannot be deleted, renamed or replaced through Win32, and its copy "
               "then completes exactly");
    check_init(&c.usable, "after a changed file: reads keep failing, DsBackupClose and DsBackupEnd return S_OK");
    check_init(&c.new_log, "a log created after the listing is refused until listed");
    /* A buffer big enough for the database, outside the process heap. */
    if (!blob_read_file(&copy, paths.database)) { ok(0, "changes: cannot read the database\n"); return; }
    copy.size = 0;
    {
        struct blob big = copy;
        big.data = VirtualAlloc(NULL, 64 << 20, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        blob_free(&copy);
        copy = big;
        copy.capacity = 64 << 20;
    }
    for (t = 0; t < ARRAYSIZE(targets); t++)
    {
        struct target *target = &targets[t];
        if (target->database) wcscpy(target->path, paths.database);
        else join_path(target->path, paths.log_dir, target->name);
        if (!blob_read_file(&target->original, target->path))
        {
            ok(0, "changes: cannot read %ls\n", target->path);
            return;
        }
        target->listed[0] = target->database ? 0x44 : 0x21;
        expected_unc(target->path, target->listed + 1, MAX_PATH);
        for (moment = BEFORE_OPEN; moment <= BEFORE_LAST_CHUNK; moment++)
            for (action = 0; action < ACT_COUNT; action++)
            {
                if (moment == BEFORE_OPEN && (action == ACT_OVERWRITE_BEHIND || action == ACT_OVERWRITE_AHEAD))
                    continue;   /* the same as any other write before the open */
                run_case(&c, target, action, moment);
                cases++;
            }
    }
    test_new_log(&c);
    figure("changes", "cases=%d unix_commands=%ld run=plain", cases, unix_commands);
    check_report(&c.before_open);
    check_report(&c.during_win32);
    check_report(&c.during_unix);
    check_report(&c.locked);
    check_report(&c.usable);
    check_report(&c.new_log);
    test_same_tick_write();
}

/* ---- the unreadable log folder ------------------------------------------- */

/* reliability.exe changes unreadable-log-folder MODE: run.sh has made the log
 * folder unreadable on the Unix side (chmod MODE: 000 or 100, cannot be listed;
 * 400, can be listed but its files cannot be reached) and started Wine without
 * the capabilities that let root ignore file permissions. */
static void test_unreadable_log_folder(const char *mode)
{
    BOOL listable = !strcmp(mode, "400") || !strcmp(mode, "600");
    WCHAR pattern[MAX_PATH], *list_w, *names;
    WIN32_FIND_DATAW data;
    LARGE_INTEGER file_size;
    struct check c;
    char *list_a;
    DWORD size, error;
    void *token;
    HANDLE find;
    HRESULT hr;
    HBC hbc;
    int n = 0;

    fault_off();
    if (!read_dsa_paths(&paths))
    {
        ok(0, "unreadable log folder: the sample database is not configured\n");
        return;
    }
    /* Is it really unreadable for this process? */
    join_path(pattern, paths.log_dir, listable ? L"edb.log" : L"edb*.log");
    if (listable) find = CreateFileW(pattern, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    else find = FindFirstFileW(pattern, &data);
    error = GetLastError();
    if (find != INVALID_HANDLE_VALUE)
    {
        if (listable) CloseHandle(find);
        else FindClose(find);
        skip("log folder made unreadable with chmod %s: this process can still %s it: Wine keeps the rights of "
             "root; the fault-injection test (open fault on FindFirstFile) stands in\n", mode,
             listable ? "open the files in" : "list");
        return;
    }
    check_init(&c, "a log folder that %s (chmod %s on the Unix side): %s", listable ? "can be listed but not "
               "entered" : "cannot be listed", mode, listable ? "every log is listed or the lists fail, and no "
               "log opens with S_OK" : "the log lists fail with ERROR_ACCESS_DENIED, never a short or empty list");
    trace("probe: %s failed with error %lu\n", listable ? "CreateFileW" : "FindFirstFileW", error);
    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc)))
    {
        ok(0, "unreadable log folder: DsBackupPrepareW returned %s\n", hr_name(hr));
        return;
    }
    DsBackupFree(token);
    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetBackupLogsW(hbc, &list_w, &size);
    if (hr == S_OK)
    {
        const WCHAR *p;
        for (p = list_w; *p; p += wcslen(p) + 1)
        {
            n++;
            hr = DsBackupOpenFileW(hbc, p, READ_SIZE, &file_size);
            check_that(&c, hr != S_OK && hr_is_documented(hr), "log %ls in a folder this process cannot enter: "
                       "DsBackupOpenFileW returned %s", p + 1, hr_name(hr));
            if (hr == S_OK) DsBackupClose(hbc);
            if (n == 1) trace("opening a listed log: %s\n", hr_name(hr));
        }
        check_that(&c, listable && n == 4, "DsBackupGetBackupLogsW returned S_OK with %d entries (the folder "
                   "holds 4 logs)", n);
        DsBackupFree(list_w);
    }
    else
        check_that(&c, hr == ERROR_ACCESS_DENIED && !list_w && !size, "DsBackupGetBackupLogsW returned %s, %p, %lu",
                   hr_name(hr), list_w, size);
    trace("DsBackupGetBackupLogsW: %s, %d entries\n", hr_name(hr), n);
    list_a = (char *)1; size = 1;
    hr = DsBackupGetBackupLogsA(hbc, &list_a, &size);
    if (hr == S_OK) DsBackupFree(list_a);
    check_that(&c, (hr == ERROR_ACCESS_DENIED && !list_a && !size) || (hr == S_OK && listable),
               "DsBackupGetBackupLogsA returned %s", hr_name(hr));
    /* The database is elsewhere and still backs up. */
    hr = DsBackupGetDatabaseNamesW(hbc, &names, &size);
    check_that(&c, hr == S_OK, "DsBackupGetDatabaseNamesW returned %s", hr_name(hr));
    if (hr == S_OK)
    {
        hr = DsBackupOpenFileW(hbc, names, READ_SIZE, &file_size);
        check_that(&c, hr == S_OK, "the database (in another folder) cannot be opened: %s", hr_name(hr));
        if (hr == S_OK) DsBackupClose(hbc);
        DsBackupFree(names);
    }
    hr = DsBackupEnd(hbc);
    check_that(&c, hr == S_OK, "DsBackupEnd returned %s", hr_name(hr));
    check_report(&c);
}

START_TEST(changes)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);

    if (argc > 2 && !strcmp(argv[2], "unreadable-log-folder")) test_unreadable_log_folder(argc > 3 ? argv[3] : "000");
    else test_changes();
}
