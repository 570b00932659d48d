/*
 * Handle torture (docs/behaviour.md, "Handles"):
 *   - a million values that were never issued (random 32- and 64-bit values,
 *     small integers, live handles with a wrong generation, stray high bits or
 *     the wrong kind) and pointers into this process's own memory (every byte
 *     offset of a stack buffer, a heap block and the program's image), each given
 *     to every export that takes a handle: ERROR_INVALID_PARAMETER, and nothing
 *     written to the caller's memory (canaries);
 *   - DsBackupEnd racing DsBackupRead, DsBackupClose and DsBackupOpenFile on the
 *     same handle from 2, 3 and 4 threads, and two DsBackupEnd racing each other;
 *   - 30,000 contexts made and ended on 4 threads: no handle value ever seen
 *     twice, live or not;
 *   - stale handles after their slot is reused: never valid again, never equal to
 *     a new one;
 *   - every handle ever issued is checked against this process's memory: a
 *     handle that is also a valid address would be a pointer into the caller's
 *     memory that the DLL accepts.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <wchar.h>
#include "reliability.h"

#ifdef _WIN64
#define INDEX_BITS 24
#define GENERATION_BITS 32
#else
#define INDEX_BITS 20
#define GENERATION_BITS 12
#endif
#define INDEX_MASK (((ULONG_PTR)1 << INDEX_BITS) - 1)
#define GENERATION_MASK ((ULONG_PTR)(((ULONGLONG)1 << GENERATION_BITS) - 1))

static struct dsa_paths paths;
static volatile LONG64 handle_operations;
static LONG threads_started;

/* ---- a set of handle values (every value ever issued, and the live ones) --- */

struct value_set
{
    SRWLOCK lock;
    ULONG_PTR *slots;       /* open addressing, linear probing; 0 = empty */
    size_t capacity, count;
    BOOL full;
};

static void value_set_init(struct value_set *set, size_t capacity)
{
    InitializeSRWLock(&set->lock);
    set->capacity = capacity;
    set->count = 0;
    set->full = FALSE;
    set->slots = VirtualAlloc(NULL, capacity * sizeof(ULONG_PTR), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

static size_t hash_value(ULONG_PTR v)
{
    ULONGLONG x = v;
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33;
    return (size_t)x;
}

/* Adds v (never 0: no handle is NULL); FALSE if it was there already. */
static BOOL value_set_add(struct value_set *set, ULONG_PTR v)
{
    size_t mask = set->capacity - 1, i;
    BOOL added = TRUE;

    AcquireSRWLockExclusive(&set->lock);
    for (i = hash_value(v) & mask; set->slots[i]; i = (i + 1) & mask)
        if (set->slots[i] == v) { added = FALSE; break; }
    if (added)
    {
        if (set->count + 1 < set->capacity * 3 / 4)
        {
            set->slots[i] = v;
            set->count++;
        }
        else set->full = TRUE;
    }
    ReleaseSRWLockExclusive(&set->lock);
    return added;
}

static BOOL value_set_contains(struct value_set *set, ULONG_PTR v)
{
    size_t mask = set->capacity - 1, i;
    BOOL found = FALSE;

    AcquireSRWLockShared(&set->lock);
    for (i = hash_value(v) & mask; set->slots[i]; i = (i + 1) & mask)
        if (set->slots[i] == v) { found = TRUE; break; }
    ReleaseSRWLockShared(&set->lock);
    return found;
}

/* Removal without tombstones (Knuth 6.4, algorithm R): later entries of the
 * probe run move back into the hole when their home allows it. */
static void value_set_remove(struct value_set *set, ULONG_PTR v)
{
    size_t mask = set->capacity - 1, i, j, home;

    AcquireSRWLockExclusive(&set->lock);
    for (i = hash_value(v) & mask; set->slots[i] && set->slots[i] != v; i = (i + 1) & mask) {}
    if (set->slots[i] == v)
    {
        set->slots[i] = 0;
        set->count--;
        for (j = (i + 1) & mask; set->slots[j]; j = (j + 1) & mask)
        {
            home = hash_value(set->slots[j]) & mask;
            /* Leave it if its home lies cyclically in (i, j]. */
            if (i <= j ? (i < home && home <= j) : (i < home || home <= j)) continue;
            set->slots[i] = set->slots[j];
            set->slots[j] = 0;
            i = j;
        }
    }
    ReleaseSRWLockExclusive(&set->lock);
}

static struct value_set issued;   /* every handle value the DLL ever gave */
static struct value_set live;     /* the ones not ended yet */
static struct check c_unique, c_not_memory;
static volatile LONG memory_alias_examples;
static ULONG_PTR memory_alias_value;
static char memory_alias_evidence[300];

/* The regions of this process that issued handles fell into, by allocation base. */
static struct { void *base; BOOL image; LONG count; } alias_regions[8];
static SRWLOCK alias_lock = SRWLOCK_INIT;

static void record_alias_region(void *base, BOOL image)
{
    int i;
    AcquireSRWLockExclusive(&alias_lock);
    for (i = 0; i < 8; i++)
    {
        if (alias_regions[i].base == base || !alias_regions[i].base)
        {
            alias_regions[i].base = base;
            alias_regions[i].image = image;
            alias_regions[i].count++;
            break;
        }
    }
    ReleaseSRWLockExclusive(&alias_lock);
}

static void describe_alias_regions(void)
{
    WCHAR module[MAX_PATH];
    int i;
    for (i = 0; i < 8 && alias_regions[i].base; i++)
    {
        if (!alias_regions[i].image || !GetModuleFileNameW((HMODULE)alias_regions[i].base, module, MAX_PATH))
            wcscpy(module, alias_regions[i].image ? L"(an image)" : L"(private or mapped memory)");
        trace("%ld handles issued were addresses inside %ls at %p%s\n", (long)alias_regions[i].count, module,
              alias_regions[i].base, alias_regions[i].base == (void *)GetModuleHandleW(NULL) ? " (this program)" : "");
    }
}

/* Every handle the DLL issues comes through here, from the thread that made it. */
static void handle_issued(HBC hbc, BOOL restore)
{
    MEMORY_BASIC_INFORMATION info;
    ULONG_PTR v = (ULONG_PTR)hbc;
    BOOL is_memory;

    check_that(&c_unique, value_set_add(&issued, v), "handle %p issued a second time", hbc);
    check_that(&c_unique, value_set_add(&live, v), "handle %p is already live", hbc);
    is_memory = VirtualQuery(hbc, &info, sizeof(info)) && info.State == MEM_COMMIT;
    if (is_memory) record_alias_region(info.AllocationBase, info.Type == MEM_IMAGE);
    if (is_memory && InterlockedIncrement(&memory_alias_examples) == 1)
    {
        /* Show it: the address, computed as a pointer into this process's memory
         * (not copied from the handle), works as a handle. */
        BYTE *base = info.AllocationBase;
        BYTE *pointer = base + (v - (ULONG_PTR)base);
        WCHAR *list = NULL;
        DWORD size;
        HRESULT hr = restore ? DsRestoreGetDatabaseLocationsW((HBC)pointer, &list, &size)
                             : DsBackupGetDatabaseNamesW((HBC)pointer, &list, &size);
        if (hr == S_OK) DsBackupFree(list);
        memory_alias_value = v;
        {
            WCHAR module[MAX_PATH];
            if (info.Type != MEM_IMAGE || !GetModuleFileNameW((HMODULE)base, module, MAX_PATH))
                wcscpy(module, L"an allocation");
            snprintf(memory_alias_evidence, sizeof(memory_alias_evidence), "%s((HBC)((BYTE *)%ls base %p + %#lx)) "
                     "returned %s", restore ? "DsRestoreGetDatabaseLocationsW" : "DsBackupGetDatabaseNamesW", module,
                     base, (unsigned long)(v - (ULONG_PTR)base), hr_name(hr));
        }
    }
    check_that(&c_not_memory, !is_memory, "handle %p is also an address of this process's memory (%s, "
               "allocation base %p): a pointer into the caller's memory that the DLL accepts as a live handle",
               hbc, info.Type == MEM_IMAGE ? "image" : info.Type == MEM_PRIVATE ? "private" : "mapped",
               info.AllocationBase);
}

static void handle_ending(HBC hbc)
{
    value_set_remove(&live, (ULONG_PTR)hbc);
}

static __thread HRESULT last_prepare_result;

static HBC new_backup(void)
{
    void *token;
    DWORD size;
    HBC hbc = NULL;
    HRESULT hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &size, &hbc);

    last_prepare_result = hr;
    if (hr) return NULL;
    DsBackupFree(token);
    handle_issued(hbc, FALSE);
    return hbc;
}

static HBC new_restore(void)
{
    HBC hbc = NULL;
    if ((last_prepare_result = DsRestorePrepareW(NULL, 0, NULL, 0, &hbc))) return NULL;
    handle_issued(hbc, TRUE);
    return hbc;
}

static HRESULT end_backup(HBC hbc)
{
    handle_ending(hbc);
    return DsBackupEnd(hbc);
}

static HRESULT end_restore(HBC hbc)
{
    handle_ending(hbc);
    return DsRestoreEnd(hbc);
}

/* ---- every handle export, with canaries ------------------------------------ */

#define CANARY 0xA5
static BYTE read_canary[24576];

/* Calls all 16 handle-taking exports with v; returns how many did not return
 * ERROR_INVALID_PARAMETER or wrote where they must not. */
static int torture_value(HBC v, struct check *c, const char *what)
{
    static EDB_RSTMAPW map_w = {L"C:\\old\\ntds.dit", L"C:\\Windows\\NTDS\\ntds.dit"};
    static EDB_RSTMAPA map_a = {"C:\\old\\ntds.dit", "C:\\Windows\\NTDS\\ntds.dit"};
    WCHAR *list_w;
    char *list_a;
    DWORD size, got;
    LARGE_INTEGER file_size;
    HRESULT hr;
    int bad = 0;

#define LIST_CALL(call, list) \
    do { list = (void *)(ULONG_PTR)0x5a5a; size = 0x5a5a; hr = call(v, &list, &size); \
         if (hr != ERROR_INVALID_PARAMETER || list || size) { bad++; \
             check_that(c, FALSE, "%s %p: %s returned %s, list %p, size %lu", what, v, #call, hr_name(hr), list, size); \
             if (hr == S_OK && list) DsBackupFree(list); } } while (0)
#define SIMPLE_CALL(name, expr) \
    do { hr = (expr); if (hr != ERROR_INVALID_PARAMETER) { bad++; \
             check_that(c, FALSE, "%s %p: %s returned %s", what, v, name, hr_name(hr)); } } while (0)

    LIST_CALL(DsBackupGetDatabaseNamesW, list_w);
    LIST_CALL(DsBackupGetDatabaseNamesA, list_a);
    LIST_CALL(DsBackupGetBackupLogsW, list_w);
    LIST_CALL(DsBackupGetBackupLogsA, list_a);
    LIST_CALL(DsRestoreGetDatabaseLocationsW, list_w);
    LIST_CALL(DsRestoreGetDatabaseLocationsA, list_a);
    file_size.QuadPart = 0x5a5a5a5a5a5aLL;
    SIMPLE_CALL("DsBackupOpenFileW", DsBackupOpenFileW(v, L"\\\\X\\C$\\Windows\\NTDS\\ntds.dit", 65536, &file_size));
    SIMPLE_CALL("DsBackupOpenFileA", DsBackupOpenFileA(v, "\\\\X\\C$\\Windows\\NTDS\\ntds.dit", 65536, &file_size));
    if (file_size.QuadPart != 0x5a5a5a5a5a5aLL)
    {
        bad++;
        check_that(c, FALSE, "%s %p: DsBackupOpenFile wrote the file size", what, v);
    }
    got = 0x5a5a;
    SIMPLE_CALL("DsBackupRead", DsBackupRead(v, read_canary, sizeof(read_canary), &got));
    if (got != 0)
    {
        bad++;
        check_that(c, FALSE, "%s %p: DsBackupRead left *pcbRead %lu", what, v, got);
    }
    SIMPLE_CALL("DsBackupClose", DsBackupClose(v));
    SIMPLE_CALL("DsBackupTruncateLogs", DsBackupTruncateLogs(v));
    SIMPLE_CALL("DsBackupEnd", DsBackupEnd(v));
    SIMPLE_CALL("DsRestoreRegisterW", DsRestoreRegisterW(v, L"C:\\Windows\\NTDS", L"C:\\Windows\\NTDS", &map_w, 1,
                                                         L"C:\\Windows\\NTDS", 1, 2));
    SIMPLE_CALL("DsRestoreRegisterA", DsRestoreRegisterA(v, "C:\\Windows\\NTDS", "C:\\Windows\\NTDS", &map_a, 1,
                                                         "C:\\Windows\\NTDS", 1, 2));
    SIMPLE_CALL("DsRestoreRegisterComplete", DsRestoreRegisterComplete(v, S_OK));
    SIMPLE_CALL("DsRestoreEnd", DsRestoreEnd(v));
#undef LIST_CALL
#undef SIMPLE_CALL
    InterlockedAdd64(&handle_operations, 16);
    if (!bad) check_that(c, TRUE, "");
    return bad;
}

static ULONGLONG rng_state = 0x9e3779b97f4a7c15ULL;
static ULONGLONG next_random(void)
{
    ULONGLONG x = (rng_state += 0x9e3779b97f4a7c15ULL);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Live contexts while the garbage goes in, so that the table is populated and
 * "wrong generation" and "wrong kind" have something to miss: the one backup the
 * machine allows (docs/behaviour.md, "One backup at a time") and a few restore
 * contexts. */
#define LIVE_BACKUPS 1
#define LIVE_RESTORES 8
static HBC live_backup[LIVE_BACKUPS], live_restore[LIVE_RESTORES];
static BYTE image_canary[4096] = {1};

static void test_never_issued(long total)
{
    struct check c, canaries;
    BYTE stack_block[4096];
    BYTE *heap_block = HeapAlloc(GetProcessHeap(), 0, 4096);
    IMAGE_DOS_HEADER *dos = (IMAGE_DOS_HEADER *)GetModuleHandleW(NULL);
    IMAGE_NT_HEADERS *nt = (IMAGE_NT_HEADERS *)((BYTE *)dos + dos->e_lfanew);
    BYTE *image = (BYTE *)dos;
    DWORD image_size = nt->OptionalHeader.SizeOfImage, i;
    long n = 0, skipped = 0, pointers = 0, counts[8] = {0};
    DWORD started = GetTickCount();
    int k;

    check_init(&c, "handles: never-issued values and pointers into the caller's memory, given to all 16 handle "
               "exports, give ERROR_INVALID_PARAMETER and leave the out-parameters as documented");
    check_init(&canaries, "handles: nothing is written to the caller's memory the bad handles point at (canaries)");
    memset(stack_block, CANARY, sizeof(stack_block));
    memset(heap_block, CANARY, 4096);
    memset(read_canary, CANARY, sizeof(read_canary));
    memset(image_canary, CANARY, sizeof(image_canary));
    for (k = 0; k < LIVE_BACKUPS; k++) live_backup[k] = new_backup();
    for (k = 0; k < LIVE_RESTORES; k++) live_restore[k] = new_restore();

#define TRY(value, category) \
    do { HBC v_ = (HBC)(ULONG_PTR)(value); \
         if (value_set_contains(&live, (ULONG_PTR)v_)) { skipped++; break; } \
         torture_value(v_, &c, category); n++; } while (0)

    /* Pointers into the caller's memory, every byte offset. */
    for (i = 0; i < sizeof(stack_block); i++) TRY(stack_block + i, "stack pointer");
    for (i = 0; i < 4096; i++) TRY(heap_block + i, "heap pointer");
    for (i = 0; i < sizeof(image_canary); i++) TRY(image_canary + i, "image data pointer");
    for (i = 0; i < image_size; i++) TRY(image + i, "image pointer");
    TRY(&stack_block, "stack pointer");
    TRY(live_backup, "pointer to a variable holding a live handle");
    pointers = n;
    counts[0] = n;
    /* Small integers. */
    for (i = 0; i < 65536; i++) TRY(i, "small integer");
    counts[1] = n - pointers;
    /* Live handles, each changed: another generation, stray high bits, the other kind. */
    for (k = 0; k < LIVE_RESTORES; k++)
    {
        ULONG_PTR handles[2] = {(ULONG_PTR)live_backup[k % LIVE_BACKUPS], (ULONG_PTR)live_restore[k]};
        int h;
        for (h = 0; h < 2; h++)
        {
            ULONG_PTR index = handles[h] & INDEX_MASK, generation = handles[h] >> INDEX_BITS;
            long j;
            for (j = 1; j <= 2000; j++)
            {
                TRY(((((generation + j) & GENERATION_MASK)) << INDEX_BITS) | index, "wrong generation");
                TRY(((((generation - j) & GENERATION_MASK)) << INDEX_BITS) | index, "wrong generation");
            }
            TRY(index, "generation 0");
            TRY((GENERATION_MASK << INDEX_BITS) | index, "highest generation");
            for (j = INDEX_BITS + GENERATION_BITS; j < (long)(8 * sizeof(ULONG_PTR)); j++)
                TRY(handles[h] | ((ULONG_PTR)1 << j), "stray high bit");
        }
        /* The other kind: a live backup handle to the restore exports and the reverse
         * (the full torture expects every export to refuse; these are live, so only
         * the other family's exports are called). */
        {
            WCHAR *list;
            DWORD size;
            HBC backup = live_backup[k % LIVE_BACKUPS];
            HRESULT hr = DsRestoreGetDatabaseLocationsW(backup, &list, &size);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live backup handle given to "
                       "DsRestoreGetDatabaseLocationsW: %s", hr_name(hr));
            hr = DsRestoreEnd(backup);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live backup handle given to DsRestoreEnd: %s",
                       hr_name(hr));
            hr = DsRestoreRegisterComplete(backup, S_OK);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live backup handle given to "
                       "DsRestoreRegisterComplete: %s", hr_name(hr));
            hr = DsBackupGetDatabaseNamesW(live_restore[k], &list, &size);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live restore handle given to "
                       "DsBackupGetDatabaseNamesW: %s", hr_name(hr));
            hr = DsBackupEnd(live_restore[k]);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live restore handle given to DsBackupEnd: %s",
                       hr_name(hr));
            hr = DsBackupTruncateLogs(live_restore[k]);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a live restore handle given to DsBackupTruncateLogs: %s",
                       hr_name(hr));
            InterlockedAdd64(&handle_operations, 6);
        }
    }
    counts[2] = n - counts[0] - counts[1];
    /* Random values, 32-bit and full width, until `total` values that are not
     * pointers have gone in. */
    while (n - pointers < total)
    {
        ULONGLONG r = next_random();
        if (n % 2) TRY((ULONG_PTR)(DWORD)r, "random 32-bit value");
        else TRY((ULONG_PTR)r, "random value");
    }
    counts[3] = n - counts[0] - counts[1] - counts[2];
#undef TRY

    for (i = 0; i < sizeof(stack_block); i++)
        if (!check_that(&canaries, stack_block[i] == CANARY, "stack byte %lu changed", i)) break;
    for (i = 0; i < 4096; i++)
        if (!check_that(&canaries, heap_block[i] == CANARY, "heap byte %lu changed", i)) break;
    for (i = 0; i < sizeof(image_canary); i++)
        if (!check_that(&canaries, image_canary[i] == CANARY, "image byte %lu changed", i)) break;
    for (i = 0; i < sizeof(read_canary); i++)
        if (!check_that(&canaries, read_canary[i] == CANARY, "DsBackupRead buffer byte %lu changed", i)) break;
    HeapFree(GetProcessHeap(), 0, heap_block);
    /* The live contexts were not disturbed by any of it. */
    for (k = 0; k < LIVE_BACKUPS; k++)
    {
        WCHAR *list;
        DWORD size;
        HRESULT hr = DsBackupGetDatabaseNamesW(live_backup[k], &list, &size);
        if (check_that(&c, hr == S_OK, "live backup handle %p no longer works: %s", live_backup[k], hr_name(hr)))
            DsBackupFree(list);
        check_that(&c, end_backup(live_backup[k]) == S_OK, "DsBackupEnd of a live handle failed");
        InterlockedAdd64(&handle_operations, 2);
    }
    for (k = 0; k < LIVE_RESTORES; k++)
    {
        WCHAR *list;
        DWORD size;
        HRESULT hr = DsRestoreGetDatabaseLocationsW(live_restore[k], &list, &size);
        if (check_that(&c, hr == S_OK, "live restore handle %p no longer works: %s", live_restore[k], hr_name(hr)))
            DsBackupFree(list);
        check_that(&c, end_restore(live_restore[k]) == S_OK, "DsRestoreEnd of a live handle failed");
        InterlockedAdd64(&handle_operations, 2);
    }
    figure("handles", "phase=never-issued values=%ld pointers=%ld small_integers=%ld altered_live=%ld random=%ld "
           "skipped_live=%ld calls=%lld seconds=%.1f", n - pointers, counts[0], counts[1], counts[2], counts[3],
           skipped, (long long)n * 16, (GetTickCount() - started) / 1000.0);
    check_report(&c);
    check_report(&canaries);
}

/* ---- DsBackupEnd racing calls on the same handle ----------------------------- */

static struct blob database;
static WCHAR database_name[MAX_PATH + 1];

struct racer
{
    HANDLE start, done, thread;
    BYTE buffer[65536];
    long unexpected;
    char example[200];
};

static HBC race_handle;
static volatile LONG race_quit;
static struct racer racers[3];
static int racer_count;

static void racer_unexpected(struct racer *r, const char *call, HRESULT hr)
{
    if (!r->unexpected++) snprintf(r->example, sizeof(r->example), "%s returned %s", call, hr_name(hr));
}

/* A chunk that comes back must be the file's, at a multiple of the buffer size. */
static BOOL chunk_is_the_files(const BYTE *chunk, DWORD size)
{
    DWORD offset;
    for (offset = 0; offset + size <= database.size; offset += 65536)
        if (!memcmp(database.data + offset, chunk, size)) return TRUE;
    return FALSE;
}

static DWORD WINAPI racer_main(void *arg)
{
    struct racer *r = arg;
    LARGE_INTEGER size;
    DWORD got;
    HRESULT hr;
    int i;

    InterlockedIncrement(&threads_started);
    for (;;)
    {
        WaitForSingleObject(r->start, INFINITE);
        if (race_quit) break;
        for (i = 0;; i++)
        {
            HBC hbc = race_handle;
            got = 0;
            hr = DsBackupRead(hbc, r->buffer, sizeof(r->buffer), &got);
            InterlockedIncrement64(&handle_operations);
            if (hr == ERROR_INVALID_PARAMETER) break;
            if (hr == S_OK) { if (!chunk_is_the_files(r->buffer, got)) racer_unexpected(r, "DsBackupRead (data)", hr); }
            else if (hr != ERROR_HANDLE_EOF && hr != hrInvalidHandle) racer_unexpected(r, "DsBackupRead", hr);
            if (i % 3 == 2)
            {
                hr = DsBackupClose(hbc);
                InterlockedIncrement64(&handle_operations);
                if (hr == ERROR_INVALID_PARAMETER) break;
                if (hr != S_OK && hr != hrInvalidHandle) racer_unexpected(r, "DsBackupClose", hr);
                hr = DsBackupOpenFileW(hbc, database_name, 65536, &size);
                InterlockedIncrement64(&handle_operations);
                if (hr == ERROR_INVALID_PARAMETER) break;
                if (hr != S_OK && hr != hrAlreadyOpen) racer_unexpected(r, "DsBackupOpenFileW", hr);
            }
        }
        SetEvent(r->done);
    }
    return 0;
}

struct end_args
{
    HANDLE go;
    HRESULT hr;
    HBC hbc;
};

static DWORD WINAPI end_thread(void *arg)
{
    struct end_args *args = arg;
    InterlockedIncrement(&threads_started);
    WaitForSingleObject(args->go, INFINITE);
    args->hr = DsBackupEnd(args->hbc);
    return 0;
}

static void test_end_races(int rounds_per_config)
{
    struct check c, double_end;
    struct heap_usage before, after;
    int threads, round, i;
    long rounds = 0;
    DWORD started = GetTickCount();
    LARGE_INTEGER size;
    WCHAR *list;
    DWORD list_size;

    check_init(&c, "handles: DsBackupEnd racing DsBackupRead, DsBackupClose and DsBackupOpenFile on the same handle "
               "(2, 3 and 4 threads): only documented results, only the file's bytes, End S_OK once");
    check_init(&double_end, "handles: two threads ending the same handle at once: exactly one S_OK");
    if (!blob_read_file(&database, paths.database)) { ok(0, "handles: cannot read the database\n"); return; }
    database_name[0] = 0x44;
    expected_unc(paths.database, database_name + 1, MAX_PATH);
    for (i = 0; i < 3; i++)
    {
        racers[i].start = CreateEventW(NULL, FALSE, FALSE, NULL);
        racers[i].done = CreateEventW(NULL, FALSE, FALSE, NULL);
        racers[i].thread = CreateThread(NULL, 0, racer_main, &racers[i], 0, NULL);
    }
    heap_measure(&before);
    for (threads = 2; threads <= 4; threads++)
    {
        racer_count = threads - 1;
        for (round = 0; round < rounds_per_config; round++)
        {
            HBC hbc = new_backup();
            HRESULT hr;
            if (!check_that(&c, hbc != NULL, "DsBackupPrepareW failed")) break;
            hr = DsBackupGetDatabaseNamesW(hbc, &list, &list_size);
            if (hr == S_OK) DsBackupFree(list);
            hr = DsBackupOpenFileW(hbc, database_name, 65536, &size);
            check_that(&c, hr == S_OK, "DsBackupOpenFileW returned %s", hr_name(hr));
            race_handle = hbc;
            for (i = 0; i < racer_count; i++) SetEvent(racers[i].start);
            /* End at a different moment each round. */
            for (i = (int)(next_random() % 20000); i > 0; i--) YieldProcessor();
            if (round % 7 == 0) Sleep(0);
            hr = end_backup(hbc);
            InterlockedIncrement64(&handle_operations);
            check_that(&c, hr == S_OK, "DsBackupEnd returned %s while another thread used the handle", hr_name(hr));
            for (i = 0; i < racer_count; i++) WaitForSingleObject(racers[i].done, INFINITE);
            hr = DsBackupEnd(hbc);
            InterlockedIncrement64(&handle_operations);
            check_that(&c, hr == ERROR_INVALID_PARAMETER, "a second DsBackupEnd returned %s", hr_name(hr));
            rounds++;
        }
    }
    for (i = 0; i < 3; i++)
        check_that(&c, !racers[i].unexpected, "thread %d: %ld unexpected results, e.g. %s", i, racers[i].unexpected,
                   racers[i].example);
    race_quit = TRUE;
    for (i = 0; i < 3; i++)
    {
        SetEvent(racers[i].start);
        WaitForSingleObject(racers[i].thread, INFINITE);
        CloseHandle(racers[i].thread);
        CloseHandle(racers[i].start);
        CloseHandle(racers[i].done);
    }
    heap_measure(&after);
    check_that(&c, after.blocks <= before.blocks + 16, "the heap grew by %lld blocks (%lld bytes) over %ld rounds: "
               "contexts ended during a call are not freed", after.blocks - before.blocks, after.bytes - before.bytes,
               rounds);

    /* Two Ends at once. */
    for (round = 0; round < rounds_per_config; round++)
    {
        HANDLE go = CreateEventW(NULL, TRUE, FALSE, NULL), t[2];
        struct end_args args[2];
        HBC shared = new_backup();

        handle_ending(shared);
        for (i = 0; i < 2; i++)
        {
            args[i].go = go;
            args[i].hr = E_FAIL;
            args[i].hbc = shared;
            t[i] = CreateThread(NULL, 0, end_thread, &args[i], 0, NULL);
        }
        SetEvent(go);
        WaitForMultipleObjects(2, t, TRUE, INFINITE);
        CloseHandle(t[0]);
        CloseHandle(t[1]);
        CloseHandle(go);
        InterlockedAdd64(&handle_operations, 2);
        check_that(&double_end, (args[0].hr == S_OK) + (args[1].hr == S_OK) == 1
                   && (args[0].hr == ERROR_INVALID_PARAMETER || args[1].hr == ERROR_INVALID_PARAMETER),
                   "round %d: the two DsBackupEnd returned %s and %s", round, hr_name(args[0].hr),
                   hr_name(args[1].hr));
    }
    figure("handles", "phase=end-races rounds=%ld threads=2,3,4 double_end_rounds=%d seconds=%.1f", rounds,
           rounds_per_config, (GetTickCount() - started) / 1000.0);
    check_report(&c);
    check_report(&double_end);
}

/* ---- tens of thousands of contexts on 4 threads ---------------------------- */

/* Each thread keeps up to 8 restore contexts alive, ending the oldest, and every
 * fourth context it makes is a backup, used and ended at once: the machine allows
 * one backup at a time, so a thread's backup may find another thread's running and
 * be refused with hrBackupInProgress (docs/behaviour.md), and nothing else. */
struct churner
{
    long contexts, target;
    long backups, backups_refused;
    long unexpected;
    char example[200];
    int id;
};

static void churn_unexpected(struct churner *w, const char *what, HRESULT hr)
{
    if (!w->unexpected++)
        snprintf(w->example, sizeof(w->example), "%s returned %s after %ld contexts", what, hr_name(hr), w->contexts);
}

/* One backup context, made, shown to work and ended; FALSE if it was refused. */
static BOOL churn_backup(struct churner *w)
{
    HBC hbc = new_backup();
    WCHAR *list;
    DWORD size;
    HRESULT hr;

    InterlockedIncrement64(&handle_operations);
    if (!hbc)
    {
        if (last_prepare_result == hrBackupInProgress) w->backups_refused++;
        else churn_unexpected(w, "DsBackupPrepareW", last_prepare_result);
        return FALSE;
    }
    if ((hr = DsBackupGetDatabaseNamesW(hbc, &list, &size)) == S_OK) DsBackupFree(list);
    else churn_unexpected(w, "DsBackupGetDatabaseNamesW of a new handle", hr);
    if ((hr = end_backup(hbc)) != S_OK) churn_unexpected(w, "DsBackupEnd", hr);
    InterlockedAdd64(&handle_operations, 2);
    w->backups++;
    return TRUE;
}

static DWORD WINAPI churn_main(void *arg)
{
    struct churner *w = arg;
    HBC window[8] = {0};
    int slot = 0, k;

    InterlockedIncrement(&threads_started);
    while (w->contexts < w->target)
    {
        HBC hbc;
        WCHAR *list;
        DWORD size;
        HRESULT hr;

        if ((w->contexts + w->id) % 4 == 0)
        {
            if (churn_backup(w)) w->contexts++;
            else Sleep(0);
            continue;
        }
        if (window[slot])
        {
            if ((hr = end_restore(window[slot])) != S_OK) churn_unexpected(w, "DsRestoreEnd", hr);
            InterlockedIncrement64(&handle_operations);
            window[slot] = NULL;
        }
        hbc = new_restore();
        InterlockedIncrement64(&handle_operations);
        if (!hbc)
        {
            churn_unexpected(w, "DsRestorePrepareW", last_prepare_result);
            continue;
        }
        /* It is this context, of this kind. */
        if ((hr = DsRestoreGetDatabaseLocationsW(hbc, &list, &size)) == S_OK) DsBackupFree(list);
        else churn_unexpected(w, "DsRestoreGetDatabaseLocationsW of a new handle", hr);
        InterlockedIncrement64(&handle_operations);
        window[slot] = hbc;
        slot = (slot + 1) % 8;
        w->contexts++;
    }
    for (k = 0; k < 8; k++)
        if (window[k])
        {
            HRESULT hr = end_restore(window[k]);
            InterlockedIncrement64(&handle_operations);
            if (hr != S_OK) churn_unexpected(w, "DsRestoreEnd", hr);
        }
    return 0;
}

static void test_many_contexts(long total)
{
    struct churner workers[4];
    HANDLE threads[4];
    struct check c;
    DWORD started = GetTickCount();
    long made = 0, backups = 0, refused = 0;
    int i;

    check_init(&c, "handles: %ld contexts made and ended on 4 threads, every one working and ended with S_OK, a "
               "quarter of them backups, each one either made or refused with hrBackupInProgress", total);
    for (i = 0; i < 4; i++)
    {
        memset(&workers[i], 0, sizeof(workers[i]));
        workers[i].target = total / 4;
        workers[i].id = i;
        threads[i] = CreateThread(NULL, 0, churn_main, &workers[i], 0, NULL);
    }
    WaitForMultipleObjects(4, threads, TRUE, INFINITE);
    for (i = 0; i < 4; i++)
    {
        CloseHandle(threads[i]);
        made += workers[i].contexts;
        backups += workers[i].backups;
        refused += workers[i].backups_refused;
        check_that(&c, !workers[i].unexpected, "thread %d: %ld unexpected results, e.g. %s", i, workers[i].unexpected,
                   workers[i].example);
    }
    check_that(&c, made == total / 4 * 4, "%ld contexts made", made);
    check_that(&c, backups >= total / 4 - 4, "%ld backups made", backups);
    figure("handles", "phase=many-contexts contexts=%ld backups=%ld backups_refused=%ld threads=4 "
           "live_restores_per_thread=8 seconds=%.1f", made, backups, refused, (GetTickCount() - started) / 1000.0);
    check_report(&c);
}

/* ---- stale handles after their slot is reused -------------------------------- */

static void test_stale_handles(int count)
{
    struct check c;
    HBC stale[64], fresh[256];
    int i, j, reused = 0, nfresh = 0;
    DWORD started = GetTickCount();

    check_init(&c, "handles: an ended handle never works again and never equals a new one, after its slot is "
               "reused");
    if (count > 64) count = 64;
    for (i = 0; i < count; i++)
    {
        stale[i] = new_backup();
        end_backup(stale[i]);
    }
    /* Make contexts until every stale handle's slot holds a live one again
     * (FIFO reuse: a few hundred at most), keeping them all alive: restore
     * contexts, and the first a backup (one at a time). */
    for (j = 0; j < 256 && reused < count; j++)
    {
        fresh[nfresh] = j ? new_restore() : new_backup();
        if (!fresh[nfresh]) break;
        for (i = 0; i < count; i++)
        {
            check_that(&c, fresh[nfresh] != stale[i], "new handle %p equals the ended %p", fresh[nfresh], stale[i]);
            if (((ULONG_PTR)fresh[nfresh] & INDEX_MASK) == ((ULONG_PTR)stale[i] & INDEX_MASK)) reused++;
        }
        nfresh++;
    }
    trace("stale handles: %d of %d slots reused by %d new contexts\n", reused, count, nfresh);
    check_that(&c, reused > 0, "no slot was reused within %d new contexts", nfresh);
    for (i = 0; i < count; i++) torture_value(stale[i], &c, "ended handle");
    for (j = 0; j < nfresh; j++)
    {
        HRESULT hr = j ? end_restore(fresh[j]) : end_backup(fresh[j]);
        check_that(&c, hr == S_OK, "ending a new handle: %s", hr_name(hr));
        InterlockedIncrement64(&handle_operations);
    }
    for (i = 0; i < count; i++) torture_value(stale[i], &c, "ended handle");
    figure("handles", "phase=stale stale=%d new=%d slots_reused=%d seconds=%.1f", count, nfresh, reused,
           (GetTickCount() - started) / 1000.0);
    check_report(&c);
}

/* ---- the platform: the SCM under concurrent handle churn -------------------- */

/* Not a test of the DLL: DsBackupPrepare asks the SCM whether the NTDS service runs
 * when the stand-in's event cannot tell (no stand-in, or one starting or stopping),
 * and under Wine 8 OpenServiceW sometimes fails with ERROR_INVALID_HANDLE while
 * other threads open and close handles (here: token handles, as the DLL's
 * privilege checks do).  The DLL then cannot tell whether the directory is
 * online.  Measured and shown, so that a failure above can be told apart. */
static volatile LONG scm_calls, scm_invalid_handle;

static DWORD WINAPI scm_probe_main(void *arg)
{
    int i;
    (void)arg;
    InterlockedIncrement(&threads_started);
    for (i = 0; i < 500; i++)
    {
        SC_HANDLE manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), service;
        HANDLE token;

        if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) CloseHandle(token);
        InterlockedIncrement(&scm_calls);
        if (!manager)
        {
            InterlockedIncrement(&scm_invalid_handle);
            continue;
        }
        service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_STATUS);
        if (service) CloseServiceHandle(service);
        else if (GetLastError() == ERROR_INVALID_HANDLE) InterlockedIncrement(&scm_invalid_handle);
        CloseServiceHandle(manager);
    }
    return 0;
}

static void probe_scm_race(void)
{
    HANDLE threads[4];
    int i;

    for (i = 0; i < 4; i++) threads[i] = CreateThread(NULL, 0, scm_probe_main, NULL, 0, NULL);
    WaitForMultipleObjects(4, threads, TRUE, INFINITE);
    for (i = 0; i < 4; i++) CloseHandle(threads[i]);
    trace("platform (no DLL involved): %ld of %ld OpenSCManagerW/OpenServiceW calls on 4 threads, with token "
          "handles opened and closed alongside, failed with ERROR_INVALID_HANDLE\n", (long)scm_invalid_handle,
          (long)scm_calls);
    figure("platform", "scm_calls=%ld scm_invalid_handle=%ld threads=4", (long)scm_calls, (long)scm_invalid_handle);
}

/* ---- entry ------------------------------------------------------------------ */

/* reliability.exe handles [VALUES [CONTEXTS [RACE_ROUNDS]]] */
START_TEST(handles)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    long values = argc > 2 ? atol(argv[2]) : 1000000;
    long contexts = argc > 3 ? atol(argv[3]) : 30000;
    int race_rounds = argc > 4 ? atoi(argv[4]) : 300;
    DWORD started = GetTickCount();

    fault_off();
    if (!read_dsa_paths(&paths))
    {
        ok(0, "handles: the sample database is not configured\n");
        return;
    }
    value_set_init(&issued, 1 << 18);
    value_set_init(&live, 1 << 12);
    if (!issued.slots || !live.slots)
    {
        ok(0, "handles: no memory for the sets of handle values\n");
        return;
    }
    check_init(&c_unique, "handles: no handle value is ever issued twice or seen live twice");
    check_init(&c_not_memory, "handles: no handle value issued is an address of this process's memory "
               "(docs/behaviour.md: pointers into the caller's memory give ERROR_INVALID_PARAMETER)");

    test_never_issued(values);
    test_stale_handles(64);
    test_end_races(race_rounds);
    test_many_contexts(contexts);
    probe_scm_race();

    /* A handle that is an address of the caller's memory, shown working. */
    if (memory_alias_examples)
    {
        trace("%ld of %lu handles issued were addresses of this process's memory; the first, %p, used as a "
              "pointer: %s\n", (long)memory_alias_examples, (unsigned long)issued.count, (void *)memory_alias_value,
              memory_alias_evidence);
        describe_alias_regions();
    }
    figure("handles", "phase=total handle_operations=%lld threads=%ld issued=%lu memory_aliases=%ld seconds=%.1f",
           (long long)handle_operations, threads_started + 1, (unsigned long)issued.count,
           (long)memory_alias_examples, (GetTickCount() - started) / 1000.0);
    if (issued.full || live.full)
        ok(0, "handles: the set of handle values filled up: the uniqueness check is partial\n");
    check_report(&c_unique);
    check_report(&c_not_memory);
}
