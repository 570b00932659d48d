/*
 * Fault injection along whole sequences (SQLite's "make the N-th operation fail,
 * for every N").  For each kind (alloc, open, read, write, registry) and each
 * N = 1, 2, ..., the test build of the DLL is armed to fail the N-th (through
 * its test exports) and the whole backup or restore sequence runs; then again
 * with every operation from the N-th on failing (persistent).  The walk stops when both
 * complete without any failure: no operation N of that kind exists any more (or
 * every one from N on is absorbed, which the persistent run would show).
 *
 * After every run: every call returned S_OK or a code of docs/behaviour.md, and a
 * code that fits the injected fault; out-parameters are NULL/0 after a failure;
 * whatever came back with S_OK is exactly right (lists, every byte read); the
 * context ends with S_OK; the files are byte for byte what they were (only the
 * logs DsBackupTruncateLogs may delete are gone); the restore registration is
 * there, whole, exactly when DsRestoreRegister succeeded; and the process heap
 * did not grow (HeapWalk, busy blocks).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "reliability.h"

#define READ_SIZE 65536
#define MAX_N 20000
#define MAX_LOGS 16

static struct dsa_paths paths;
static struct folder_snapshot snapshot;
static BYTE read_buffer[READ_SIZE];

/* ---- what every run checks ------------------------------------------------ */

struct sequence_checks
{
    struct check documented;   /* every result is S_OK or a documented code */
    struct check consistent;   /* a failure is the code the injected fault calls for */
    struct check out_params;   /* NULL/0 after a failure */
    struct check data;         /* lists and bytes exactly right when S_OK */
    struct check ended;        /* the context ends with S_OK after anything */
    struct check intact;       /* files (and the registration) as they must be */
    struct check no_leak;      /* the process heap does not grow */
};

static void sequence_checks_init(struct sequence_checks *c, const char *sequence)
{
    check_init(&c->documented, "faults %s: every result is S_OK or a code of docs/behaviour.md", sequence);
    check_init(&c->consistent, "faults %s: each failure is the code its injected fault calls for", sequence);
    check_init(&c->out_params, "faults %s: out-parameters are NULL/0 after a failure", sequence);
    check_init(&c->data, "faults %s: what returns S_OK is exactly right (lists, every byte read)", sequence);
    check_init(&c->ended, "faults %s: the context still ends with S_OK after any failure", sequence);
    check_init(&c->intact, "faults %s: nothing deleted, changed or left half-written", sequence);
    check_init(&c->no_leak, "faults %s: no process heap growth from any faulted run", sequence);
}

static void sequence_checks_report(struct sequence_checks *c)
{
    check_report(&c->documented);
    check_report(&c->consistent);
    check_report(&c->out_params);
    check_report(&c->data);
    check_report(&c->ended);
    check_report(&c->intact);
    check_report(&c->no_leak);
}

struct fault_run
{
    struct sequence_checks *checks;
    enum fault_kind_id kind;
    long n;                 /* 0: no fault */
    BOOL persistent;
    int segment;            /* the part of the sequence the fault is armed for */
    BOOL all_ok;            /* every call succeeded */
    char first_failure[200];
    char spec[64];
};

/* Codes the documentation assigns to the situation each injected fault makes
 * (docs/behaviour.md, "Return codes"): an allocation that fails is
 * ERROR_NOT_ENOUGH_MEMORY; a file that cannot be opened is hrFileAccessDenied (the
 * fault is a sharing violation), a log folder that cannot be listed
 * ERROR_ACCESS_DENIED; a read that fails is hrDiskIO; a file that cannot be
 * re-checked at the end of its copy is hrReadVerifyFailure; a log that cannot be
 * deleted is hrDeleteBackupFileFail; a registry failure, or a restore journal that
 * cannot be written, is hrError.  A call that a failed one left out of sequence
 * (truncation after a backup that is not complete, completion of a restore that
 * did not register) is hrInvalidBackupSequence. */
static BOOL consistent_with_fault(enum fault_kind_id kind, HRESULT hr)
{
    switch (kind)
    {
    case KIND_ALLOC:   /* or a backup left incomplete by it, which nothing truncates */
        return hr == ERROR_NOT_ENOUGH_MEMORY || hr == hrInvalidBackupSequence;
    case KIND_OPEN:
        return hr == hrFileAccessDenied || hr == ERROR_ACCESS_DENIED || hr == hrReadVerifyFailure
            || hr == hrDeleteBackupFileFail || hr == hrInvalidBackupSequence;
    case KIND_READ:
        return hr == hrDiskIO || hr == hrReadVerifyFailure || hr == hrDeleteBackupFileFail
            || hr == hrInvalidBackupSequence;
    case KIND_WRITE:   /* a log not deleted; the restore journal not written ("Durability") */
        return hr == hrDiskFull || hr == hrDiskIO || hr == hrDeleteBackupFileFail || hr == hrError
            || hr == hrInvalidBackupSequence;
    case KIND_REGISTRY:
        return hr == hrError || hr == hrInvalidBackupSequence;
    default:
        return FALSE;
    }
}

/* Records one call: TRUE if it returned what a fault-free run returns. */
static BOOL expect(struct fault_run *run, const char *call, HRESULT hr, HRESULT wanted)
{
    if (hr == wanted) return TRUE;
    check_that(&run->checks->documented, hr_is_documented(hr), "%s: %s returned %s, which docs/behaviour.md "
               "does not list", run->spec, call, hr_name(hr));
    if (run->n)
        check_that(&run->checks->consistent, consistent_with_fault(run->kind, hr),
                   "%s: %s returned %s for an injected %s fault", run->spec, call, hr_name(hr),
                   kind_names[run->kind]);
    else
        check_that(&run->checks->consistent, FALSE, "%s: %s returned %s with no fault injected", run->spec,
                   call, hr_name(hr));
    if (run->all_ok)
        snprintf(run->first_failure, sizeof(run->first_failure), "%s -> %s", call, hr_name(hr));
    run->all_ok = FALSE;
    return FALSE;
}

static void arm_segment(struct fault_run *run, int segment)
{
    if (run->n && run->segment == segment) fault_set(run->kind, run->n, run->persistent);
    else fault_off();
}

/* ---- expected lists ------------------------------------------------------- */

struct expected_file
{
    WCHAR bft;
    WCHAR name[64];             /* file name in the folder */
    WCHAR local[MAX_PATH];
    WCHAR unc[MAX_PATH];
    char unc_a[MAX_PATH];
    const struct blob *content; /* from the snapshot */
    BOOL numbered;
};

static void expected_file_init(struct expected_file *file, WCHAR bft, const WCHAR *local)
{
    const WCHAR *base = wcsrchr(local, '\\');
    const struct folder_file *snap;

    memset(file, 0, sizeof(*file));
    file->bft = bft;
    wcscpy(file->local, local);
    wcscpy(file->name, base ? base + 1 : local);
    expected_unc(local, file->unc, MAX_PATH);
    WideCharToMultiByte(CP_ACP, 0, file->unc, -1, file->unc_a, MAX_PATH, NULL, NULL);
    snap = folder_snapshot_find(&snapshot, file->name);
    file->content = snap ? &snap->content : NULL;
    file->numbered = ntds_log_name_classify(file->name, NULL) == NTDS_LOG_NAME_NUMBERED;
}

/* 0 for a name that is not a numbered log; edb00000.log counts as 0xffffffff. */
static ULONG numbered_log_generation(const WCHAR *name)
{
    unsigned long generation = 0;

    if (ntds_log_name_classify(name, &generation) != NTDS_LOG_NAME_NUMBERED) return 0;
    return generation ? (ULONG)generation : 0xffffffff;
}

/* The logs the documentation says GetBackupLogs lists, from the snapshot: the
 * numbered logs in generation order, then edb.log. */
static int expected_logs(struct expected_file *logs)
{
    ULONG generations[MAX_LOGS];
    const WCHAR *names[MAX_LOGS];
    WCHAR path[MAX_PATH];
    int count = 0, i, j;

    for (i = 0; i < snapshot.count && count < MAX_LOGS - 1; i++)
    {
        ULONG generation = numbered_log_generation(snapshot.files[i].name);
        if (!generation) continue;
        if (generation == 0xffffffff) generation = 0;
        for (j = count; j > 0 && generations[j - 1] > generation; j--)
        {
            generations[j] = generations[j - 1];
            names[j] = names[j - 1];
        }
        generations[j] = generation;
        names[j] = snapshot.files[i].name;
        count++;
    }
    for (i = 0; i < count; i++)
    {
        join_path(path, paths.log_dir, names[i]);
        expected_file_init(&logs[i], 0x21, path);
    }
    join_path(path, paths.log_dir, L"edb.log");
    expected_file_init(&logs[count++], 0x21, path);
    return count;
}

static BOOL list_w_matches(const WCHAR *list, DWORD size, const struct expected_file *files, int count,
                           char *why, size_t why_size)
{
    const WCHAR *p = list;
    int i;

    for (i = 0; i < count; i++)
    {
        if (p[0] != files[i].bft || lstrcmpiW(p + 1, files[i].unc))
        {
            snprintf(why, why_size, "entry %d is %#x %ls, expected %#x %ls", i, p[0], p[0] ? p + 1 : L"",
                     files[i].bft, files[i].unc);
            return FALSE;
        }
        p += wcslen(p) + 1;
    }
    if (*p)
    {
        snprintf(why, why_size, "more than %d entries", count);
        return FALSE;
    }
    if (size != (DWORD)((p - list + 1) * sizeof(WCHAR)))
    {
        snprintf(why, why_size, "size %lu, expected %lu", size, (DWORD)((p - list + 1) * sizeof(WCHAR)));
        return FALSE;
    }
    return TRUE;
}

static BOOL list_a_matches(const char *list, DWORD size, const struct expected_file *files, int count,
                           char *why, size_t why_size)
{
    const char *p = list;
    int i;

    for (i = 0; i < count; i++)
    {
        if ((BYTE)p[0] != files[i].bft || lstrcmpiA(p + 1, files[i].unc_a))
        {
            snprintf(why, why_size, "A entry %d is %#x %s, expected %#x %s", i, (BYTE)p[0], p[0] ? p + 1 : "",
                     files[i].bft, files[i].unc_a);
            return FALSE;
        }
        p += strlen(p) + 1;
    }
    if (*p || size != (DWORD)(p - list + 1))
    {
        snprintf(why, why_size, "A list has extra entries or size %lu, expected %lu", size, (DWORD)(p - list + 1));
        return FALSE;
    }
    return TRUE;
}

/* A list export: S_OK with exactly the expected list, or a failure with NULL/0. */
static BOOL check_list(struct fault_run *run, const char *call, HRESULT hr, void *list, DWORD size, BOOL ansi,
                       const struct expected_file *files, int count)
{
    char why[400];

    if (!expect(run, call, hr, S_OK))
    {
        check_that(&run->checks->out_params, list == NULL && size == 0, "%s: %s failed with %s but gave %p, %lu",
                   run->spec, call, hr_name(hr), list, size);
        return FALSE;
    }
    if (!check_that(&run->checks->data, list != NULL, "%s: %s returned S_OK and no list", run->spec, call))
        return FALSE;
    if (ansi) check_that(&run->checks->data, list_a_matches(list, size, files, count, why, sizeof(why)),
                         "%s: %s: %s", run->spec, call, why);
    else check_that(&run->checks->data, list_w_matches(list, size, files, count, why, sizeof(why)),
                    "%s: %s: %s", run->spec, call, why);
    return TRUE;
}

/* Opens a listed name, reads it to the end and closes it; every chunk that comes
 * with S_OK must be the original bytes at that offset.  Returns TRUE when the DLL
 * delivered the whole file (what makes a log eligible for truncation). */
static BOOL backup_one_file(struct fault_run *run, HBC hbc, const struct expected_file *file, BOOL ansi)
{
    const struct blob *original = file->content;
    LARGE_INTEGER size;
    ULONGLONG total = 0;
    DWORD got;
    HRESULT hr;
    BOOL complete = FALSE;
    char label[300];

    snprintf(label, sizeof(label), "%s(%ls)", ansi ? "DsBackupOpenFileA" : "DsBackupOpenFileW", file->name);
    size.QuadPart = -1;
    if (ansi)
    {
        char name[MAX_PATH + 1];
        name[0] = (char)file->bft;
        strcpy(name + 1, file->unc_a);
        hr = DsBackupOpenFileA(hbc, name, READ_SIZE, &size);
    }
    else
    {
        WCHAR name[MAX_PATH + 1];
        name[0] = file->bft;
        wcscpy(name + 1, file->unc);
        hr = DsBackupOpenFileW(hbc, name, READ_SIZE, &size);
    }
    if (!expect(run, label, hr, S_OK)) return FALSE;
    if (!check_that(&run->checks->data, size.QuadPart == original->size, "%s: %s gave size %lld, the file has %lu",
                    run->spec, label, size.QuadPart, original->size))
    {
        DsBackupClose(hbc);
        return FALSE;
    }
    snprintf(label, sizeof(label), "DsBackupRead(%ls)", file->name);
    for (;;)
    {
        got = 0xdeadbeef;
        hr = DsBackupRead(hbc, read_buffer, READ_SIZE, &got);
        if (total == original->size)
        {
            if (hr == S_OK)
            {
                check_that(&run->checks->data, FALSE, "%s: %s returned %lu bytes beyond the reported size",
                           run->spec, label, got);
                break;
            }
            if (expect(run, label, hr, ERROR_HANDLE_EOF))
            {
                check_that(&run->checks->data, got == 0, "%s: %s at the end gave %lu bytes", run->spec, label, got);
                if (!original->size) complete = TRUE;   /* an empty file counts as read here */
            }
            else
                check_that(&run->checks->out_params, got == 0, "%s: %s failed with %s and *pcbRead %lu",
                           run->spec, label, hr_name(hr), got);
            break;
        }
        if (!expect(run, label, hr, S_OK))
        {
            check_that(&run->checks->out_params, got == 0, "%s: %s failed with %s and *pcbRead %lu", run->spec,
                       label, hr_name(hr), got);
            break;
        }
        if (!check_that(&run->checks->data, got > 0 && got <= READ_SIZE && total + got <= original->size
                        && !memcmp(read_buffer, original->data + total, got),
                        "%s: %s returned S_OK with %lu bytes at offset %llu that are not the file's "
                        "(size %lu)", run->spec, label, got, total, original->size))
            break;
        total += got;
        if (total == original->size) complete = TRUE;   /* the DLL counts it read here */
    }
    hr = DsBackupClose(hbc);
    expect(run, "DsBackupClose", hr, S_OK);
    return complete;
}

static void end_backup(struct fault_run *run, HBC hbc)
{
    HRESULT hr = DsBackupEnd(hbc);
    check_that(&run->checks->ended, hr == S_OK, "%s: DsBackupEnd returned %s (first failure: %s)", run->spec,
               hr_name(hr), run->all_ok ? "none" : run->first_failure);
    if (hr != S_OK) run->all_ok = FALSE;
}

/* DsBackupPrepare{W,A} with the out-parameter checks; NULL when it failed. */
static HBC prepare_backup_checked(struct fault_run *run, BOOL ansi)
{
    void *token = (void *)(ULONG_PTR)0xbad0;
    DWORD token_size = 0xbad1;
    HBC hbc = (HBC)(ULONG_PTR)0xbad2;
    HRESULT hr;

    hr = ansi ? DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)
              : DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
    if (!expect(run, ansi ? "DsBackupPrepareA" : "DsBackupPrepareW", hr, S_OK))
    {
        check_that(&run->checks->out_params, !hbc && !token && !token_size,
                   "%s: DsBackupPrepare failed with %s but gave hbc %p, token %p, size %lu", run->spec,
                   hr_name(hr), hbc, token, token_size);
        return NULL;
    }
    check_that(&run->checks->data, hbc && token && token_size == 40 && !memcmp(token, "NBXT", 4),
               "%s: DsBackupPrepare returned S_OK with hbc %p, token %p, size %lu", run->spec, hbc, token,
               token_size);
    if (token) DsBackupFree(token);
    return hbc;
}

/* ---- the backup sequence -------------------------------------------------- */

static struct expected_file database_file;
static struct expected_file log_files[MAX_LOGS];
static int log_count;

static void check_online(struct fault_run *run)
{
    BOOL online = 42;
    HRESULT hr = DsIsNTDSOnlineW(NULL, &online);

    if (expect(run, "DsIsNTDSOnlineW", hr, S_OK))
        check_that(&run->checks->data, online == TRUE, "%s: DsIsNTDSOnlineW said %d", run->spec, online);
    else
        check_that(&run->checks->out_params, online == FALSE, "%s: DsIsNTDSOnlineW failed with %s and said %d",
                   run->spec, hr_name(hr), online);
    online = 42;
    hr = DsIsNTDSOnlineA(NULL, &online);
    if (expect(run, "DsIsNTDSOnlineA", hr, S_OK))
        check_that(&run->checks->data, online == TRUE, "%s: DsIsNTDSOnlineA said %d", run->spec, online);
    else
        check_that(&run->checks->out_params, online == FALSE, "%s: DsIsNTDSOnlineA failed with %s and said %d",
                   run->spec, hr_name(hr), online);
}

/* DsIsNTDSOnline (segment 0), then Prepare, both database lists and the database
 * through each, both log lists and every log, End (segment 1). */
static void backup_sequence(struct fault_run *run)
{
    WCHAR *list_w;
    char *list_a;
    DWORD size;
    HRESULT hr;
    BOOL listed;
    HBC hbc;
    int i;

    arm_segment(run, 0);
    check_online(run);
    arm_segment(run, 1);
    if (!(hbc = prepare_backup_checked(run, FALSE))) return;

    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetDatabaseNamesW(hbc, &list_w, &size);
    if (check_list(run, "DsBackupGetDatabaseNamesW", hr, list_w, size, FALSE, &database_file, 1))
    {
        backup_one_file(run, hbc, &database_file, FALSE);
        DsBackupFree(list_w);
    }
    list_a = (char *)1; size = 1;
    hr = DsBackupGetDatabaseNamesA(hbc, &list_a, &size);
    if (check_list(run, "DsBackupGetDatabaseNamesA", hr, list_a, size, TRUE, &database_file, 1))
    {
        backup_one_file(run, hbc, &database_file, TRUE);
        DsBackupFree(list_a);
    }
    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetBackupLogsW(hbc, &list_w, &size);
    if ((listed = check_list(run, "DsBackupGetBackupLogsW", hr, list_w, size, FALSE, log_files, log_count)))
        DsBackupFree(list_w);
    list_a = (char *)1; size = 1;
    hr = DsBackupGetBackupLogsA(hbc, &list_a, &size);
    if (check_list(run, "DsBackupGetBackupLogsA", hr, list_a, size, TRUE, log_files, log_count))
    {
        DsBackupFree(list_a);
        listed = TRUE;
    }
    /* Each log through the W or the A export in turn, once a list gave them (either
     * list is enough for a name to be accepted). */
    for (i = 0; listed && i < log_count; i++) backup_one_file(run, hbc, &log_files[i], i % 2);
    end_backup(run, hbc);
}

/* ---- the truncation variant ------------------------------------------------ */

static struct expected_file truncate_logs[MAX_LOGS];
static int truncate_log_count;
/* Extra numbered logs made for this variant; the last is listed but never read. */
static const WCHAR *const extra_logs[] = {L"edb00010.log", L"edb00011.log", L"edb00012.log", L"edb00013.log"};
static const DWORD extra_log_sizes[] = {0, 30000, 70001, 100000};
#define UNREAD_EXTRA_LOG L"edb00013.log"

/* Reads the logs the list gave (the truncation variant's), all but UNREAD if it
 * is not NULL; marks in read[] those read to the end. */
static void read_truncate_logs(struct fault_run *run, HBC hbc, BOOL *read, const WCHAR *unread)
{
    int i;

    for (i = 0; i < truncate_log_count; i++)
    {
        const struct expected_file *file = &truncate_logs[i];
        if (read[i] || (unread && !lstrcmpiW(file->name, unread))) continue;
        read[i] = backup_one_file(run, hbc, file, FALSE);
    }
}

/* A backup that is not complete truncates nothing; a complete one truncates the
 * numbered logs it read (docs/behaviour.md, "Truncating logs"). */
static void truncate_sequence(struct fault_run *run)
{
    const WCHAR *gone[MAX_LOGS + 1];
    BOOL read[MAX_LOGS] = {0}, listed = FALSE, database_read = FALSE, complete;
    int gone_count = 0, eligible_count = 0, deleted_count = 0, i;
    WCHAR *list_w, path[MAX_PATH];
    DWORD size;
    HRESULT hr, early_hr = E_FAIL, truncate_hr = E_FAIL;
    char why[400];
    HBC hbc;

    fault_off();
    check_online(run);
    arm_segment(run, 1);
    if (!(hbc = prepare_backup_checked(run, TRUE))) goto check_files;
    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetBackupLogsW(hbc, &list_w, &size);
    if ((listed = check_list(run, "DsBackupGetBackupLogsW", hr, list_w, size, FALSE, truncate_logs,
                             truncate_log_count)))
    {
        DsBackupFree(list_w);
        read_truncate_logs(run, hbc, read, UNREAD_EXTRA_LOG);
    }
    /* One log unread and the database not even listed: nothing may go. */
    early_hr = DsBackupTruncateLogs(hbc);
    expect(run, "DsBackupTruncateLogs (incomplete backup)", early_hr, hrInvalidBackupSequence);
    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetDatabaseNamesW(hbc, &list_w, &size);
    if (check_list(run, "DsBackupGetDatabaseNamesW", hr, list_w, size, FALSE, &database_file, 1))
    {
        database_read = backup_one_file(run, hbc, &database_file, FALSE);
        DsBackupFree(list_w);
    }
    if (listed) read_truncate_logs(run, hbc, read, NULL);
    truncate_hr = DsBackupTruncateLogs(hbc);
    expect(run, "DsBackupTruncateLogs", truncate_hr, S_OK);
    end_backup(run, hbc);

check_files:
    /* Only numbered logs this context listed and read to the end may be gone, and
     * only once the backup was complete. */
    complete = listed && database_read;
    for (i = 0; i < truncate_log_count; i++) complete = complete && read[i];
    check_that(&run->checks->consistent, early_hr != S_OK && (complete || truncate_hr != S_OK), "%s: "
               "DsBackupTruncateLogs returned S_OK for a backup that was not complete (%s, then %s)", run->spec,
               hr_name(early_hr), hr_name(truncate_hr));
    for (i = 0; i < truncate_log_count; i++)
    {
        if (!complete || !read[i] || !truncate_logs[i].numbered) continue;
        eligible_count++;
        gone[gone_count++] = truncate_logs[i].name;
    }
    gone[gone_count] = NULL;
    check_that(&run->checks->intact, folder_matches(&snapshot, gone, why, sizeof(why)), "%s: %s (TruncateLogs %s)",
               run->spec, why, hr_name(truncate_hr));
    for (i = 0; i < truncate_log_count; i++)
    {
        join_path(path, paths.log_dir, truncate_logs[i].name);
        if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES) continue;
        deleted_count++;
        /* Put it back for the next run, as it was. */
        if (truncate_logs[i].content) write_whole_file(path, truncate_logs[i].content->data, truncate_logs[i].content->size);
    }
    /* S_OK means every eligible log was deleted; a failure may keep only the ones
     * it failed on (others are still tried): one, for a single fault. */
    if (truncate_hr == S_OK)
        check_that(&run->checks->data, deleted_count == eligible_count, "%s: DsBackupTruncateLogs returned S_OK "
                   "but deleted %d of the %d logs read to the end", run->spec, deleted_count, eligible_count);
    else if (truncate_hr == hrDeleteBackupFileFail && !run->persistent)
        check_that(&run->checks->data, deleted_count >= eligible_count - 1, "%s: DsBackupTruncateLogs failed on "
                   "one fault but deleted only %d of %d logs", run->spec, deleted_count, eligible_count);
    else if (truncate_hr != hrDeleteBackupFileFail)
        check_that(&run->checks->data, deleted_count == 0, "%s: DsBackupTruncateLogs returned %s and deleted %d logs",
                   run->spec, hr_name(truncate_hr), deleted_count);
}

/* ---- the restore sequence ------------------------------------------------- */

static BYTE backup_token[40];
static DWORD backup_token_size;

enum restore_variant { RESTORE_W, RESTORE_A, RESTORE_FAILED_FIRST };

struct restore_expect
{
    ULONGLONG registered_after, registered_before;
};

static BOOL read_registration_value(HKEY key, const WCHAR *name, DWORD type, void *data, DWORD size, DWORD *got_size)
{
    DWORD got_type = 0;
    *got_size = size;
    return !RegQueryValueExW(key, name, NULL, &got_type, data, got_size) && got_type == type;
}

/* The journal that makes the registration durable under Wine (docs/behaviour.md,
 * "Durability"): <ProgramData>\ntdsbcli\Restore In Progress.txt. */
static void journal_path(WCHAR *path, const WCHAR *suffix)
{
    if (!restore_journal_path(path, MAX_PATH - 16, TRUE)) path[0] = 0;
    else wcscat(path, suffix);
}

static BOOL journal_exists(void)
{
    WCHAR path[MAX_PATH];
    journal_path(path, L"");
    return path[0] && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* No temporary file of the journal is left behind. */
static BOOL journal_temporary_exists(void)
{
    WCHAR path[MAX_PATH];
    journal_path(path, L".new");
    return path[0] && GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* The journal's "name=value" for a number; FALSE if absent. */
static BOOL journal_number(const WCHAR *name, ULONGLONG *value)
{
    static struct blob text;
    WCHAR path[MAX_PATH], key[80];
    const WCHAR *p, *end;

    journal_path(path, L"");
    if (!blob_read_file(&text, path) || text.size < 2) return FALSE;
    text.data[text.size] = 0;
    ((WCHAR *)text.data)[text.size / 2] = 0;
    _snwprintf(key, ARRAYSIZE(key), L"\n%ls=", name);
    key[ARRAYSIZE(key) - 1] = 0;
    if (!(p = wcsstr((const WCHAR *)text.data, key))) return FALSE;
    *value = wcstoull(p + wcslen(key), (WCHAR **)&end, 10);
    return end != p + wcslen(key) && *end == '\n';
}

static BOOL registered_anywhere(void)
{
    return restore_registered() || journal_exists();
}

/* The registration holds every documented value, with what was registered. */
static BOOL registration_whole(const struct restore_expect *e, DWORD expected_status, char *why, size_t why_size)
{
    WCHAR text[2 * MAX_PATH + 4], expected_map[2 * MAX_PATH + 4];
    ULONGLONG qword, token_time = 0, token_id = 0;
    DWORD dword, size, map_len;
    HKEY key;
    int i;

    for (i = 0; i < 8; i++)
    {
        token_time |= (ULONGLONG)backup_token[8 + i] << (8 * i);
        token_id |= (ULONGLONG)backup_token[24 + i] << (8 * i);
    }
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_KEY, 0, KEY_READ, &key))
    {
        snprintf(why, why_size, "the key does not exist");
        return FALSE;
    }
#define FAIL_WITH(...) do { snprintf(why, why_size, __VA_ARGS__); RegCloseKey(key); return FALSE; } while (0)
    if (!read_registration_value(key, RESTORE_VALUE_CHECKPOINT_PATH, REG_SZ, text, sizeof(text), &size)
            || lstrcmpiW(text, paths.working_dir))
        FAIL_WITH("Checkpoint File Path missing or wrong");
    if (!read_registration_value(key, RESTORE_VALUE_LOG_PATH, REG_SZ, text, sizeof(text), &size) || lstrcmpiW(text, paths.log_dir))
        FAIL_WITH("Log Path missing or wrong");
    if (!read_registration_value(key, RESTORE_VALUE_BACKUP_LOG_PATH, REG_SZ, text, sizeof(text), &size)
            || lstrcmpiW(text, paths.log_dir))
        FAIL_WITH("Backup Log Path missing or wrong");
    map_len = (DWORD)wcslen(paths.database) + 1;
    memcpy(expected_map, paths.database, map_len * sizeof(WCHAR));
    memcpy(expected_map + map_len, paths.database, map_len * sizeof(WCHAR));
    expected_map[2 * map_len] = 0;
    if (!read_registration_value(key, RESTORE_VALUE_MAP, REG_MULTI_SZ, text, sizeof(text), &size)
            || size != (2 * map_len + 1) * sizeof(WCHAR) || memcmp(text, expected_map, size))
        FAIL_WITH("Restore Map missing or wrong (%lu bytes)", size);
    if (!read_registration_value(key, RESTORE_VALUE_LOW_LOG, REG_DWORD, &dword, 4, &size) || dword != 1)
        FAIL_WITH("Low Log Number missing or wrong");
    if (!read_registration_value(key, RESTORE_VALUE_HIGH_LOG, REG_DWORD, &dword, 4, &size) || dword != 3)
        FAIL_WITH("High Log Number missing or wrong");
    if (!read_registration_value(key, RESTORE_VALUE_STATUS, REG_DWORD, &dword, 4, &size)
            || (expected_status && dword != expected_status))
        FAIL_WITH("Restore Status missing or %#lx, expected %#lx", dword, expected_status);
    if (!read_registration_value(key, L"Backup Time", REG_QWORD, &qword, 8, &size) || qword != token_time)
        FAIL_WITH("Backup Time missing or not the token's");
    if (!read_registration_value(key, L"Backup Id", REG_QWORD, &qword, 8, &size) || qword != token_id)
        FAIL_WITH("Backup Id missing or not the token's");
    if (!read_registration_value(key, L"Registration Time", REG_QWORD, &qword, 8, &size)
            || qword + 20000000 < e->registered_after || qword > e->registered_before + 20000000)
        FAIL_WITH("Registration Time missing or not the time of the call");
    /* And durably, in the journal, with the same values. */
    if (!journal_exists()) FAIL_WITH("the key is there but the journal is not");
    if (!journal_number(L"Backup Id", &qword) || qword != token_id)
        FAIL_WITH("the journal's Backup Id is missing or not the token's");
    if (!journal_number(RESTORE_VALUE_STATUS, &qword) || (expected_status && (DWORD)qword != expected_status))
        FAIL_WITH("the journal's Restore Status is missing or %#lx, expected %#lx", (DWORD)qword, expected_status);
#undef FAIL_WITH
    RegCloseKey(key);
    return TRUE;
}

/* Removes a registration left behind, through the DLL with no fault armed. */
/* What a tool does after a restore went wrong: it restores again.  Its
 * registration replaces the one left behind (whose context has ended), and
 * completing it removes the registration. */
static BOOL complete_registration_cleanly(void)
{
    EDB_RSTMAPW map = {paths.database, paths.database};
    HBC hbc = NULL;
    HRESULT hr;

    fault_off();
    if (DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc)) return FALSE;
    hr = DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
    if (hr == S_OK) hr = DsRestoreRegisterComplete(hbc, S_OK);
    DsRestoreEnd(hbc);
    return hr == S_OK && !registered_anywhere();
}

static void restore_sequence_variant(struct fault_run *run, enum restore_variant variant)
{
    struct restore_expect e;
    WCHAR *list_w;
    char *list_a, database_a[MAX_PATH], log_dir_a[MAX_PATH], working_a[MAX_PATH];
    struct expected_file locations[3];
    DWORD size;
    HRESULT hr;
    char why[300];
    HBC hbc;

    expected_file_init(&locations[0], 0x44, paths.database);
    expected_file_init(&locations[1], 0x82, paths.log_dir);
    expected_file_init(&locations[2], 0x83, paths.working_dir);
    arm_segment(run, 1);
    hbc = (HBC)(ULONG_PTR)0xbad3;
    hr = variant == RESTORE_A ? DsRestorePrepareA(NULL, 0, backup_token, backup_token_size, &hbc)
                              : DsRestorePrepareW(NULL, 0, backup_token, backup_token_size, &hbc);
    if (!expect(run, "DsRestorePrepare", hr, S_OK))
    {
        check_that(&run->checks->out_params, hbc == NULL, "%s: DsRestorePrepare failed with %s and gave %p",
                   run->spec, hr_name(hr), hbc);
        check_that(&run->checks->intact, !registered_anywhere(), "%s: registered after a failed prepare", run->spec);
        return;
    }
    list_w = (WCHAR *)1; size = 1;
    hr = DsRestoreGetDatabaseLocationsW(hbc, &list_w, &size);
    if (check_list(run, "DsRestoreGetDatabaseLocationsW", hr, list_w, size, FALSE, locations, 3)) DsBackupFree(list_w);
    list_a = (char *)1; size = 1;
    hr = DsRestoreGetDatabaseLocationsA(hbc, &list_a, &size);
    if (check_list(run, "DsRestoreGetDatabaseLocationsA", hr, list_a, size, TRUE, locations, 3)) DsBackupFree(list_a);

    e.registered_after = now_filetime();
    if (variant == RESTORE_A)
    {
        EDB_RSTMAPA map;
        WideCharToMultiByte(CP_ACP, 0, paths.database, -1, database_a, MAX_PATH, NULL, NULL);
        WideCharToMultiByte(CP_ACP, 0, paths.log_dir, -1, log_dir_a, MAX_PATH, NULL, NULL);
        WideCharToMultiByte(CP_ACP, 0, paths.working_dir, -1, working_a, MAX_PATH, NULL, NULL);
        map.szDatabaseName = database_a;
        map.szNewDatabaseName = database_a;
        hr = DsRestoreRegisterA(hbc, working_a, log_dir_a, &map, 1, log_dir_a, 1, 3);
    }
    else
    {
        EDB_RSTMAPW map;
        map.wszDatabaseName = paths.database;
        map.wszNewDatabaseName = paths.database;
        hr = DsRestoreRegisterW(hbc, paths.working_dir, paths.log_dir, &map, 1, paths.log_dir, 1, 3);
    }
    e.registered_before = now_filetime();
    if (!expect(run, "DsRestoreRegister", hr, S_OK))
    {
        check_that(&run->checks->intact, !restore_registered() && !journal_exists(), "%s: DsRestoreRegister failed "
                   "with %s and left the %s", run->spec, hr_name(hr), restore_registered() ? "Restore In Progress key"
                   : "journal");
    }
    else
    {
        check_that(&run->checks->intact, registration_whole(&e, (DWORD)hrRestoreInProgress, why, sizeof(why)),
                   "%s: after DsRestoreRegister S_OK: %s", run->spec, why);
        DWORD status_now = (DWORD)hrRestoreInProgress;
        if (variant == RESTORE_FAILED_FIRST)
        {
            /* A failed restore is recorded; the registration stays either way. */
            hr = DsRestoreRegisterComplete(hbc, E_FAIL);
            status_now = hr == S_OK ? (DWORD)E_FAIL : 0;   /* 0: either, after a failure */
            if (expect(run, "DsRestoreRegisterComplete(E_FAIL)", hr, S_OK))
                check_that(&run->checks->intact, registration_whole(&e, (DWORD)E_FAIL, why, sizeof(why)),
                           "%s: after DsRestoreRegisterComplete(E_FAIL) S_OK: %s", run->spec, why);
            else
                check_that(&run->checks->intact, registered_anywhere(), "%s: DsRestoreRegisterComplete(E_FAIL) "
                           "failed with %s and the registration is gone", run->spec, hr_name(hr));
        }
        hr = DsRestoreRegisterComplete(hbc, S_OK);
        if (expect(run, "DsRestoreRegisterComplete(S_OK)", hr, S_OK))
            check_that(&run->checks->intact, !restore_registered() && !journal_exists(), "%s: "
                       "DsRestoreRegisterComplete returned S_OK and the %s is still there", run->spec,
                       restore_registered() ? "key" : "journal");
        else
        {
            /* The registration stays; if only the journal is left, the DLL puts
             * the key back as soon as it looks (here: DsIsNTDSOnline). */
            BOOL online = TRUE;
            HRESULT online_hr;
            fault_off();
            online_hr = DsIsNTDSOnlineW(NULL, &online);
            check_that(&run->checks->intact, online_hr == S_OK && !online && registration_whole(&e, status_now, why,
                       sizeof(why)), "%s: DsRestoreRegisterComplete(S_OK) failed with %s, then DsIsNTDSOnline "
                       "gave %s, online %d, and the registration: %s", run->spec, hr_name(hr), hr_name(online_hr),
                       online, online_hr == S_OK && !online ? why : "(not checked)");
        }
    }
    hr = DsRestoreEnd(hbc);
    check_that(&run->checks->ended, hr == S_OK, "%s: DsRestoreEnd returned %s (first failure: %s)", run->spec,
               hr_name(hr), run->all_ok ? "none" : run->first_failure);
    if (hr != S_OK) run->all_ok = FALSE;
    check_that(&run->checks->intact, !journal_temporary_exists(), "%s: a temporary file of the journal was left "
               "behind", run->spec);
    /* The next run starts clean: a fault-free completion removes what is left. */
    if (registered_anywhere())
        check_that(&run->checks->intact, complete_registration_cleanly(), "%s: a fault-free restore "
                   "(Register, Complete) could not replace and remove the registration left behind", run->spec);
}

static void restore_sequence_w(struct fault_run *run) { restore_sequence_variant(run, RESTORE_W); }
static void restore_sequence_a(struct fault_run *run) { restore_sequence_variant(run, RESTORE_A); }
static void restore_sequence_failed_first(struct fault_run *run) { restore_sequence_variant(run, RESTORE_FAILED_FIRST); }

/* ---- the walk ------------------------------------------------------------- */

typedef void (*sequence_fn)(struct fault_run *run);

struct sequence
{
    const char *name;
    sequence_fn run;
    int segments;
    BOOL check_folder;          /* compare the database folder after each run */
};

struct kind_totals
{
    long iterations, injected, persistent_runs, absorbed, leak_reruns;
};

static BOOL run_once(const struct sequence *sequence, struct sequence_checks *checks, enum fault_kind_id kind,
                     long n, BOOL persistent, int segment, struct heap_usage *growth, char *failure, size_t failure_size)
{
    struct heap_usage before, after;
    struct fault_run run;
    char why[400];

    memset(&run, 0, sizeof(run));
    run.checks = checks;
    run.kind = kind;
    run.n = n;
    run.persistent = persistent;
    run.segment = segment;
    run.all_ok = TRUE;
    if (n) snprintf(run.spec, sizeof(run.spec), "%s %s:%ld%s%s", sequence->name, kind_names[kind], n,
                    persistent ? ":persistent" : "", segment ? "" : " (DsIsNTDSOnline)");
    else snprintf(run.spec, sizeof(run.spec), "%s (no fault)", sequence->name);
    heap_measure(&before);
    sequence->run(&run);
    fault_off();
    if (sequence->check_folder)
        check_that(&checks->intact, folder_matches(&snapshot, NULL, why, sizeof(why)), "%s: %s", run.spec, why);
    heap_measure(&after);
    growth->bytes = after.bytes - before.bytes;
    growth->blocks = after.blocks - before.blocks;
    if (failure) snprintf(failure, failure_size, "%s", run.all_ok ? "" : run.first_failure);
    return run.all_ok;
}

/* A run whose heap grew is repeated: growth every time is a leak; once is lazy
 * initialisation somewhere (Wine's or the DLL's). */
static void check_leak(const struct sequence *sequence, struct sequence_checks *checks, enum fault_kind_id kind,
                       long n, BOOL persistent, int segment, const struct heap_usage *growth,
                       struct kind_totals *totals)
{
    struct heap_usage again;
    int i, grew = 0;
    long bytes = 0;

    if (growth->blocks <= 0 && growth->bytes <= 0)
    {
        check_that(&checks->no_leak, TRUE, "");
        return;
    }
    for (i = 0; i < 3; i++)
    {
        /* The repeats' own results were seen in the first run: not counted twice. */
        struct sequence_checks scratch;
        sequence_checks_init(&scratch, sequence->name);
        scratch.documented.quiet = scratch.consistent.quiet = scratch.out_params.quiet = scratch.data.quiet = 1;
        scratch.ended.quiet = scratch.intact.quiet = scratch.no_leak.quiet = 1;
        run_once(sequence, &scratch, kind, n, persistent, segment, &again, NULL, 0);
        totals->leak_reruns++;
        if (again.blocks > 0 || again.bytes > 0) grew++;
        bytes += (long)again.bytes;
    }
    check_that(&checks->no_leak, grew < 3, "%s %s:%ld%s: the process heap grows by about %ld bytes at every run "
               "(3 of 3 repeats)", sequence->name, kind_names[kind], n, persistent ? ":persistent" : "", bytes / 3);
}

static void walk_sequence(const struct sequence *sequence, BOOL persistent_every_n)
{
    struct sequence_checks checks;
    struct kind_totals totals[KIND_COUNT], all;
    struct heap_usage growth, start, end;
    char failure[200];
    int kind, segment;
    long n;
    DWORD started = GetTickCount();

    sequence_checks_init(&checks, sequence->name);
    memset(totals, 0, sizeof(totals));
    memset(&all, 0, sizeof(all));
    /* Fault-free runs first: the sequence must succeed, and they settle lazy
     * initialisation before the heap is watched. */
    for (n = 0; n < 3; n++)
        if (!run_once(sequence, &checks, 0, 0, FALSE, 1, &growth, failure, sizeof(failure)))
        {
            ok(0, "faults %s: the sequence fails with no fault injected (%s); nothing else is meaningful\n",
               sequence->name, failure);
            return;
        }
    heap_measure(&start);
    for (kind = 0; kind < KIND_COUNT; kind++)
    {
        struct kind_totals *t = &totals[kind];
        for (segment = 2 - sequence->segments; segment < 2; segment++)
        {
            for (n = 1; n <= MAX_N; n++)
            {
                BOOL single_ok, persistent_ok = TRUE;

                single_ok = run_once(sequence, &checks, kind, n, FALSE, segment, &growth, failure, sizeof(failure));
                t->iterations++;
                check_leak(sequence, &checks, kind, n, FALSE, segment, &growth, t);
                /* When the single fault changed nothing visible, either there is no
                 * N-th operation or its failure was absorbed: a persistent fault from
                 * N on tells which.  Otherwise the persistent run is extra coverage
                 * (failures during the handling of failures). */
                if (single_ok || persistent_every_n)
                {
                    persistent_ok = run_once(sequence, &checks, kind, n, TRUE, segment, &growth, NULL, 0);
                    t->iterations++;
                    t->persistent_runs++;
                    check_leak(sequence, &checks, kind, n, TRUE, segment, &growth, t);
                }
                if (single_ok && persistent_ok) break;
                t->injected++;
                if (single_ok)
                {
                    t->absorbed++;
                    trace("%s %s:%ld%s: the fault was absorbed (the sequence still succeeded)\n", sequence->name,
                          kind_names[kind], n, segment ? "" : " (DsIsNTDSOnline)");
                }
            }
            if (n > MAX_N) ok(0, "faults %s %s: still failing at N = %d\n", sequence->name, kind_names[kind], MAX_N);
        }
        figure("faults", "sequence=%s kind=%s injected=%ld iterations=%ld persistent_runs=%ld absorbed=%ld",
               sequence->name, kind_names[kind], t->injected, t->iterations, t->persistent_runs, t->absorbed);
        all.iterations += t->iterations;
        all.injected += t->injected;
        all.leak_reruns += t->leak_reruns;
    }
    heap_measure(&end);
    figure("heap", "sequence=%s start_bytes=%lld start_blocks=%lld end_bytes=%lld end_blocks=%lld iterations=%ld "
           "leak_reruns=%ld", sequence->name, start.bytes, start.blocks, end.bytes, end.blocks, all.iterations,
           all.leak_reruns);
    /* Over the whole walk too: growth proportional to the runs would be a leak
     * even if each run's growth hid below the per-run view. */
    check_that(&checks.no_leak, end.blocks <= start.blocks + 16 && end.bytes <= start.bytes + 65536,
               "%s: heap grew from %lld to %lld bytes (%lld to %lld blocks) over %ld runs", sequence->name,
               start.bytes, end.bytes, start.blocks, end.blocks, all.iterations);
    sequence_checks_report(&checks);
    trace("faults %s: %ld faults injected in %ld runs, %.1f s\n", sequence->name, all.injected, all.iterations,
          (GetTickCount() - started) / 1000.0);
}

/* ---- targeted: a registry fault must not make an expired backup acceptable -- */

static void set_tombstone_lifetime(DWORD days)
{
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key)) return;
    if (days) RegSetValueExW(key, NTDS_VALUE_TOMBSTONE_LIFETIME, 0, REG_DWORD, (const BYTE *)&days, sizeof(days));
    else RegDeleteValueW(key, NTDS_VALUE_TOMBSTONE_LIFETIME);
    RegCloseKey(key);
}

static void test_lifetime_under_faults(void)
{
    const ULONGLONG day = 864000000000ULL;
    struct check refused, recorded;
    BYTE token[40];
    long n, injected = 0, runs = 0;
    int kind, persistent;
    HRESULT hr;
    HBC hbc;

    check_init(&refused, "faults: no injected fault makes DsRestorePrepare accept a backup older than the "
               "configured tombstone lifetime");
    check_init(&recorded, "faults: a token from DsBackupPrepare under any fault records the configured "
               "tombstone lifetime, or there is no token");
    /* 60 days configured; a backup 61 days old that recorded 180. */
    set_tombstone_lifetime(60);
    make_token(token, now_filetime() - 61 * day, 180);
    fault_off();
    hr = DsRestorePrepareW(NULL, 0, token, 40, &hbc);
    if (hr != hrContentsExpired)
    {
        ok(0, "faults: with no fault, a backup older than the configured lifetime gave %s, expected "
           "hrContentsExpired\n", hr_name(hr));
        if (hr == S_OK) DsRestoreEnd(hbc);
    }
    /* For each N, single and persistent, until both give the fault-free answer. */
    for (kind = 0; kind < KIND_COUNT; kind++)
        for (n = 1; n <= 200; n++)
        {
            int clean = 0;
            for (persistent = 0; persistent < 2; persistent++)
            {
                fault_set(kind, n, persistent);
                hbc = NULL;
                hr = DsRestorePrepareW(NULL, 0, token, 40, &hbc);
                fault_off();
                runs++;
                check_that(&refused, hr != S_OK, "%s:%ld%s: DsRestorePrepare accepted a backup 61 days old with "
                           "a 60-day tombstone lifetime configured", kind_names[kind], n,
                           persistent ? ":persistent" : "");
                if (hr == S_OK) DsRestoreEnd(hbc);
                if (hr == hrContentsExpired) clean++;
                else if (!persistent) injected++;
            }
            if (clean == 2) break;
        }

    /* The backup side: the lifetime recorded in a new token. */
    if (!ntds_service_set_running(TRUE))
        ok(0, "faults: the NTDS service stand-in does not start (needed for the backup side of the lifetime test)\n");
    else
    {
        for (kind = 0; kind < KIND_COUNT; kind++)
            for (n = 1; n <= 200; n++)
            {
                int clean = 0;
                for (persistent = 0; persistent < 2; persistent++)
                {
                    void *expiry = NULL;
                    DWORD expiry_size = 0, days = 0;

                    fault_set(kind, n, persistent);
                    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &expiry, &expiry_size, &hbc);
                    fault_off();
                    runs++;
                    if (hr != S_OK)
                    {
                        if (!persistent) injected++;
                        continue;
                    }
                    memcpy(&days, (BYTE *)expiry + 16, 4);
                    DsBackupFree(expiry);
                    DsBackupEnd(hbc);
                    if (check_that(&recorded, days == 60, "%s:%ld%s: DsBackupPrepare returned S_OK with a token "
                                   "that records %lu days; 60 are configured", kind_names[kind], n,
                                   persistent ? ":persistent" : "", days))
                        clean++;
                    else if (!persistent)
                        injected++;
                }
                if (clean == 2) break;
            }
        ntds_service_set_running(FALSE);
    }
    set_tombstone_lifetime(0);
    figure("faults", "sequence=lifetime kind=all injected=%ld iterations=%ld persistent_runs=%ld absorbed=0",
           injected, runs, runs / 2);
    check_report(&refused);
    check_report(&recorded);
}

/* ---- the unreadable log folder, by fault injection ------------------------- */

static void test_log_folder_listing_refused(void)
{
    struct check c;
    WCHAR *list_w;
    char *list_a;
    DWORD size;
    HRESULT hr;
    HBC hbc = NULL;
    void *token;

    check_init(&c, "faults: a log folder that cannot be listed (open fault on FindFirstFile) gives "
               "ERROR_ACCESS_DENIED and no list, never an empty one");
    fault_set(KIND_OPEN, 1, TRUE);
    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc);
    if (!check_that(&c, hr == S_OK, "DsBackupPrepareW returned %s", hr_name(hr)))
    {
        fault_off();
        check_report(&c);
        return;
    }
    DsBackupFree(token);
    list_w = (WCHAR *)1; size = 1;
    hr = DsBackupGetBackupLogsW(hbc, &list_w, &size);
    check_that(&c, hr == ERROR_ACCESS_DENIED && !list_w && !size, "GetBackupLogsW: %s, %p, %lu", hr_name(hr),
               list_w, size);
    list_a = (char *)1; size = 1;
    hr = DsBackupGetBackupLogsA(hbc, &list_a, &size);
    check_that(&c, hr == ERROR_ACCESS_DENIED && !list_a && !size, "GetBackupLogsA: %s, %p, %lu", hr_name(hr),
               list_a, size);
    check_that(&c, DsBackupEnd(hbc) == S_OK, "DsBackupEnd failed");
    fault_off();
    check_report(&c);
}

/* ---- the leak measurement itself ------------------------------------------ */

/* HeapWalk must see what is allocated, the DLL's allocations included, or "no
 * growth" means nothing. */
static void check_heap_measurement(void)
{
    char name[256];
    struct heap_usage before, with_blocks, with_context, after;
    void *blocks[100], *token;
    DWORD size;
    HBC hbc = NULL;
    int i;

    heap_measure(&before);
    for (i = 0; i < 100; i++) blocks[i] = HeapAlloc(GetProcessHeap(), 0, 1000);
    heap_measure(&with_blocks);
    for (i = 0; i < 100; i++) HeapFree(GetProcessHeap(), 0, blocks[i]);
    fault_off();
    heap_measure(&before);
    if (DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc) == S_OK) DsBackupFree(token);
    heap_measure(&with_context);
    if (hbc) DsBackupEnd(hbc);
    heap_measure(&after);
    figure("heap-calibration", "hundred_blocks=%lld hundred_blocks_bytes=%lld context_blocks=%lld context_bytes=%lld",
           with_blocks.blocks - before.blocks, with_blocks.bytes - before.bytes, with_context.blocks - before.blocks,
           with_context.bytes - before.bytes);
    snprintf(name, sizeof(name), "faults: HeapWalk over the process heap is meaningful under Wine: 100 blocks of "
             "1000 bytes show as +%lld blocks, +%lld bytes; an open backup context as +%lld blocks, +%lld bytes",
             with_blocks.blocks - before.blocks, with_blocks.bytes - before.bytes, with_context.blocks - before.blocks,
             with_context.bytes - before.bytes);
    ok_property(name, with_blocks.blocks - before.blocks >= 100 && with_blocks.bytes - before.bytes >= 100000
                && hbc && with_context.blocks > before.blocks && after.blocks <= with_context.blocks,
                "HeapWalk does not see allocations: the leak checks mean nothing\n");
}

/* ---- entry ---------------------------------------------------------------- */

static BOOL take_backup_token(void)
{
    void *token;
    HBC hbc;
    BOOL taken;

    if (!ntds_service_set_running(TRUE)) return FALSE;
    taken = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &backup_token_size, &hbc) == S_OK
         && backup_token_size == sizeof(backup_token);
    if (taken)
    {
        memcpy(backup_token, token, sizeof(backup_token));
        DsBackupFree(token);
        DsBackupEnd(hbc);
    }
    return ntds_service_set_running(FALSE) && taken;
}

/* reliability.exe faults backup|truncate|restore [--persistent-every-n] */
START_TEST(faults)
{
    static const struct sequence backup = {"backup", backup_sequence, 2, TRUE};
    static const struct sequence truncate = {"truncate", truncate_sequence, 1, FALSE};
    static const struct sequence restore_w = {"restore-W", restore_sequence_w, 1, TRUE};
    static const struct sequence restore_a = {"restore-A", restore_sequence_a, 1, TRUE};
    static const struct sequence restore_failed = {"restore-failed-first", restore_sequence_failed_first, 1, TRUE};
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    const char *what = argc > 2 ? argv[2] : "backup";
    BOOL every_n = argc > 3 && !strcmp(argv[3], "--persistent-every-n");
    WCHAR path[MAX_PATH];
    size_t i;

    if (!fault_test_mode_available())
    {
        ok(0, "faults: the DLL is not the test build (build/<arch>/test/ntdsbcli.dll): it has no fault injection\n");
        return;
    }
    fault_off();
    if (!read_dsa_paths(&paths))
    {
        ok(0, "faults: the sample database is not configured\n");
        return;
    }
    if (!strcmp(what, "backup"))
    {
        check_heap_measurement();
        if (!folder_snapshot_take(&snapshot, paths.log_dir)) { ok(0, "faults: cannot read %ls\n", paths.log_dir); return; }
        expected_file_init(&database_file, 0x44, paths.database);
        log_count = expected_logs(log_files);
        walk_sequence(&backup, every_n);
        test_log_folder_listing_refused();
    }
    else if (!strcmp(what, "truncate"))
    {
        for (i = 0; i < ARRAYSIZE(extra_logs); i++)
        {
            static BYTE content[100000];
            DWORD j;
            for (j = 0; j < extra_log_sizes[i]; j++) content[j] = (BYTE)(j * 31 + i);
            join_path(path, paths.log_dir, extra_logs[i]);
            write_whole_file(path, content, extra_log_sizes[i]);
        }
        if (!folder_snapshot_take(&snapshot, paths.log_dir)) { ok(0, "faults: cannot read %ls\n", paths.log_dir); return; }
        expected_file_init(&database_file, 0x44, paths.database);
        truncate_log_count = expected_logs(truncate_logs);
        walk_sequence(&truncate, every_n);
        for (i = 0; i < ARRAYSIZE(extra_logs); i++)
        {
            join_path(path, paths.log_dir, extra_logs[i]);
            DeleteFileW(path);
        }
    }
    else if (!strcmp(what, "restore"))
    {
        if (!ntds_service_exists()) { ok(0, "faults restore: the NTDS service stand-in is not installed\n"); return; }
        if (!take_backup_token()) { ok(0, "faults restore: no token from a real backup\n"); return; }
        if (!folder_snapshot_take(&snapshot, paths.log_dir)) { ok(0, "faults: cannot read %ls\n", paths.log_dir); return; }
        walk_sequence(&restore_w, every_n);
        walk_sequence(&restore_a, every_n);
        walk_sequence(&restore_failed, every_n);
        test_lifetime_under_faults();
    }
    else ok(0, "faults: unknown sequence %s\n", what);
    folder_snapshot_free(&snapshot);
}
