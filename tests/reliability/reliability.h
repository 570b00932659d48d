/*
 * Reliability tests of ntdsbcli.dll under Wine: fault injection along whole
 * sequences, files changing underneath a backup, and handle torture, in the
 * manner of SQLite's anomaly tests ("How SQLite Is Tested").  Only the public header
 * and Win32 are used.  Like every PE test program they speak Wine's test dialect
 * (tests/lib/wine/test.h): one unit per file (faults, changes, handles,
 * durability), ok(), skip(), trace(), and TAP counted by tests/lib/tap-count.awk;
 * besides, "FIGURE: key value" lines, which tests/reliability/report.py turns
 * into docs/reliability.md.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef RELIABILITY_H
#define RELIABILITY_H

#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ntdsbcli.h>
/* The NTDS service stand-in, registrations, tokens, the sample's paths (tests/lib). */
#include "ntds_test_support.h"
#include "restore_journal_path.h"
/* Last: its ok, skip and trace are macros. */
#include "wine/test.h"

#define RESTORE_KEY     L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress"

/* ---- reporting ------------------------------------------------------------ */

/* One property checked many times, reported as one check of Wine's dialect at
 * the end: "ok N - FILE:LINE: what (N checks)", or a failure "what: M of N
 * checks failed", with the first few violations shown before it as traces
 * ("# FILE:LINE: ! what: ...", not counted). */
struct check
{
    char what[200];
    long checked, failed;
    int quiet;          /* count, print nothing (repeats of a run already reported) */
};

void check_init(struct check *c, const char *fmt, ...);
/* Counts one check; on failure traces the detail (the first 8 of each check). */
#define check_that(c, holds, ...) check_that_(__FILE__, __LINE__, c, holds, __VA_ARGS__)
int check_that_(const char *file, int line, struct check *c, int holds, const char *fmt, ...);
/* The one check of the property; returns !failed. */
#define check_report(c) check_report_(__FILE__, __LINE__, c)
int check_report_(const char *file, int line, struct check *c);

/* One named property checked once: "ok N - FILE:LINE: NAME" if it holds, else
 * the failure with the message. */
#define ok_property(name, holds, ...) do { \
        winetest_push_context("%s", name); \
        ok(holds, __VA_ARGS__); \
        winetest_pop_context(); \
    } while (0)

/* "FIGURE: key value": for the report. */
void figure(const char *key, const char *fmt, ...);

/* ---- return codes --------------------------------------------------------- */

/* TRUE for S_OK and every code docs/behaviour.md names. */
BOOL hr_is_documented(HRESULT hr);
const char *hr_name(HRESULT hr);   /* symbolic name, or the value in hex (static buffer ring) */

/* ---- the sample database -------------------------------------------------- */

void join_path(WCHAR *out, const WCHAR *dir, const WCHAR *name);

/* Whole-file contents, in memory that is not the process heap (VirtualAlloc), so
 * that the heap measurements see only what the DLL (and Wine) allocate. */
struct blob
{
    BYTE *data;
    DWORD size;
    DWORD capacity;
};
BOOL blob_read_file(struct blob *blob, const WCHAR *path);   /* FALSE if the file cannot be read */
void blob_free(struct blob *blob);
BOOL write_whole_file(const WCHAR *path, const void *data, DWORD size);

/* Every file of a folder and its contents: "nothing deleted or half-written". */
struct folder_file
{
    WCHAR name[MAX_PATH];
    struct blob content;
};
struct folder_snapshot
{
    WCHAR dir[MAX_PATH];
    struct folder_file files[64];
    int count;
};
BOOL folder_snapshot_take(struct folder_snapshot *snapshot, const WCHAR *dir);
void folder_snapshot_free(struct folder_snapshot *snapshot);
const struct folder_file *folder_snapshot_find(const struct folder_snapshot *snapshot, const WCHAR *name);
/* Compares the folder with the snapshot; names in `may_be_gone` (NULL-terminated,
 * may be NULL) are allowed to be missing.  Writes what differs into `why`. */
BOOL folder_matches(const struct folder_snapshot *snapshot, const WCHAR *const *may_be_gone,
                    char *why, size_t why_size);

/* ---- the process heap ----------------------------------------------------- */

struct heap_usage
{
    long long bytes, blocks;
};
void heap_measure(struct heap_usage *usage);

/* ---- fault injection ------------------------------------------------------ */

enum fault_kind_id { KIND_ALLOC, KIND_OPEN, KIND_READ, KIND_WRITE, KIND_REGISTRY, KIND_COUNT };
extern const char *const kind_names[KIND_COUNT];
/* Through the test build's exports (src/test_hooks.c): the n-th operation of the
 * kind from now on fails (disarmed when n == 0).  fault_off disarms every kind;
 * with the DLL that ships, which has no such exports, it does nothing. */
void fault_set(enum fault_kind_id kind, long n, BOOL persistent);
void fault_off(void);
/* TRUE if the DLL loaded is the test build (build/<arch>/test/ntdsbcli.dll). */
BOOL fault_test_mode_available(void);

ULONGLONG now_filetime(void);
/* Runs a shell script on the Unix side (/bin/sh, as Wine allows) and waits for
 * it; returns its exit status, or a value above 0xfffffff0 if it did not run. */
DWORD run_unix(const char *script);


#endif
