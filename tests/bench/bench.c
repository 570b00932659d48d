/*
 * bench: performance figures of ntdsbcli.dll, each measured in the same process
 * against a baseline that does the same work without the DLL, interleaved run by
 * run so that the machine's drift and noise fall on both alike.
 *
 *   bench stream ROUNDS COLD_ROUNDS PASSES
 *                                     DsBackupOpenFile + DsBackupRead against
 *                                     CreateFile + ReadFile, 64 KiB..4 MiB buffers,
 *                                     from the page cache (each run PASSES backups)
 *                                     and, COLD_ROUNDS > 0, from disk
 *   bench files ROUNDS                the fixed cost of one file, apart from its bytes
 *   bench alone read|hash             one half of "dsbackup backup" alone, for run.sh
 *                                     to time against dsbackup.exe: every file read
 *                                     through the DLL, or as many bytes hashed
 *   bench sha256 portable|chosen MIB  dsbackup's SHA-256 over MIB messages of 1 MiB,
 *                                     for run.sh to compare with openssl speed
 *   bench logs ROUNDS N...            listing, reading and truncating N small logs
 *   bench handles MAXPOP BATCHES      per-call costs with 1, 1000 and MAXPOP other
 *                                     live contexts
 *   bench memory dll|plain BUFSIZE PASSES
 *                                     peak working set while reading the database
 *                                     PASSES times (run in a fresh process)
 *   bench online ROUNDS running|stopped
 *                                     the cost of DsIsNTDSOnlineW and of
 *                                     DsBackupPrepareW + DsBackupEnd, against
 *                                     the service-manager query that decided it
 *                                     before, with the NTDS stand-in running or
 *                                     stopped
 *
 * The program measures only; it prints one line per sample on stdout,
 * "S <section> key=value ...", and tests/bench/report.py turns them into medians,
 * ratios, tables and the plot.  Progress goes to stderr.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <psapi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <ntdsbcli.h>
#include <ntdsbmsg.h>
#include "ntds_layout.h"
#include "sha256.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

static const DWORD buffer_sizes[] = {64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB};
#define BUFFER_SIZE_COUNT (sizeof(buffer_sizes) / sizeof(buffer_sizes[0]))

static void die(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("bench: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

static void progress(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("bench: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    fflush(stderr);
    va_end(args);
}

static double qpc_frequency;
static const char *sha256_implementation;

static double now(void)
{
    LARGE_INTEGER count;

    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / qpc_frequency;
}

static void *buffer_alloc(size_t size)
{
    BYTE *buffer = VirtualAlloc(NULL, size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!buffer) die("VirtualAlloc(%zu) failed", size);
    return buffer;
}

static void buffer_free(void *buffer)
{
    VirtualFree(buffer, 0, MEM_RELEASE);
}

/* ---------------------------------------------------------------------------
 * The files of a backup, as the DLL lists them. */

struct backup_file
{
    WCHAR *name;        /* as listed, BFT code first: what DsBackupOpenFileW takes */
    WCHAR *local;       /* C:\...: what the baseline opens, the file the DLL opens */
    ULONGLONG size;
};

static struct backup_file files[256];
static int file_count, database_index = -1;
static ULONGLONG total_bytes;
/* \\HOST\C$\rest -> C:\rest */
static WCHAR *unc_to_local(const WCHAR *unc)
{
    const WCHAR *share;
    WCHAR *local;

    if (unc[0] != '\\' || unc[1] != '\\' || !(share = wcschr(unc + 2, '\\')))
        die("unexpected name in a list: %ls", unc);
    share++;
    if (!share[0] || share[1] != '$' || share[2] != '\\') die("unexpected share in %ls", unc);
    if (!(local = malloc((wcslen(share) + 1) * sizeof(WCHAR)))) die("out of memory");
    local[0] = share[0];
    local[1] = ':';
    wcscpy(local + 2, share + 2);
    return local;
}

static void record_file(const WCHAR *listed)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    struct backup_file *file;

    if (file_count == (int)(sizeof(files) / sizeof(files[0]))) die("too many files");
    file = &files[file_count];
    if (!(file->name = _wcsdup(listed))) die("out of memory");
    file->local = unc_to_local(listed + 1);
    if (!GetFileAttributesExW(file->local, GetFileExInfoStandard, &data))
        die("cannot stat %ls: error %lu", file->local, GetLastError());
    file->size = ((ULONGLONG)data.nFileSizeHigh << 32) | data.nFileSizeLow;
    if (listed[0] == BFT_NTDS_DATABASE) database_index = file_count;
    total_bytes += file->size;
    file_count++;
}

/* DsBackupPrepare, and the two lists (DsBackupOpenFile opens only listed names). */
static HBC prepare_context(BOOL record)
{
    void *token = NULL;
    DWORD token_size = 0, size = 0;
    WCHAR *list = NULL, *p;
    HBC hbc = NULL;
    HRESULT hr;
    int pass;

    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)))
        die("DsBackupPrepareW failed: %#lx", hr);
    DsBackupFree(token);
    for (pass = 0; pass < 2; pass++)
    {
        hr = pass ? DsBackupGetBackupLogsW(hbc, &list, &size) : DsBackupGetDatabaseNamesW(hbc, &list, &size);
        if (hr) die("listing the files failed: %#lx", hr);
        if (record)
            for (p = list; *p; p += wcslen(p) + 1) record_file(p);
        DsBackupFree(list);
    }
    return hbc;
}

static void load_files(void)
{
    HBC hbc = prepare_context(TRUE);

    DsBackupEnd(hbc);
    if (database_index < 0) die("the database list names no database");
    progress("%d files, %llu bytes (database %llu bytes)", file_count, total_bytes,
             files[database_index].size);
}

/* ---------------------------------------------------------------------------
 * Reading: through the DLL, and the baseline without it. */

/* Backs up files[first..last) through the DLL, to the end of each. */
static ULONGLONG read_dll(HBC hbc, BYTE *buffer, DWORD buffer_size, int first, int last)
{
    ULONGLONG total = 0, file_total;
    LARGE_INTEGER size;
    DWORD got;
    HRESULT hr;
    int i;

    for (i = first; i < last; i++)
    {
        if ((hr = DsBackupOpenFileW(hbc, files[i].name, buffer_size, &size)))
            die("DsBackupOpenFileW(%ls) failed: %#lx", files[i].name, hr);
        file_total = 0;
        for (;;)
        {
            hr = DsBackupRead(hbc, buffer, buffer_size, &got);
            if (hr == ERROR_HANDLE_EOF) break;
            if (hr) die("DsBackupRead failed: %#lx", hr);
            file_total += got;
        }
        if ((hr = DsBackupClose(hbc))) die("DsBackupClose failed: %#lx", hr);
        if (file_total != (ULONGLONG)size.QuadPart) die("short read of %ls", files[i].name);
        total += file_total;
    }
    return total;
}

static HANDLE plain_open(int i)
{
    HANDLE file = CreateFileW(files[i].local, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) die("CreateFileW(%ls) failed: %lu", files[i].local, GetLastError());
    return file;
}

/* The baseline: a plain CreateFile + ReadFile loop over the same files. */
static ULONGLONG read_plain(BYTE *buffer, DWORD buffer_size, int first, int last)
{
    ULONGLONG total = 0;
    HANDLE file;
    DWORD got;
    int i;

    for (i = first; i < last; i++)
    {
        file = plain_open(i);
        for (;;)
        {
            if (!ReadFile(file, buffer, buffer_size, &got, NULL)) die("ReadFile failed: %lu", GetLastError());
            if (!got) break;
            total += got;
        }
        CloseHandle(file);
    }
    return total;
}

static ULONGLONG read_all(BOOL dll, HBC hbc, BYTE *buffer, DWORD buffer_size)
{
    ULONGLONG got = dll ? read_dll(hbc, buffer, buffer_size, 0, file_count)
                        : read_plain(buffer, buffer_size, 0, file_count);
    if (got != total_bytes) die("read %llu bytes, expected %llu", got, total_bytes);
    return got;
}

/* ---------------------------------------------------------------------------
 * Work that run.sh does for bench.exe, on the Unix side.  Runs "from disk" start
 * with the sample database's pages evicted from the page cache, and a PE program
 * cannot call posix_fadvise; the many-logs section needs thousands of files
 * written again between rounds, which Wine does slowly (creating a name first
 * searches the folder for it in every case, so each file costs a scan of a
 * folder of thousands).  So run.sh keeps a small shell loop that reads requests
 * from a FIFO (BENCH_REQUEST_FIFO, a Unix path), "NUMBER evict" or "NUMBER logs
 * N", does the work and answers by creating the file named by
 * BENCH_REQUEST_DONE with the request's number appended (a Windows path).  The
 * loop sleeps in read(), so it costs nothing while the benchmark runs. */

static BOOL ask_run_sh(const char *what)
{
    static unsigned int sequence;
    const char *fifo = getenv("BENCH_REQUEST_FIFO"), *done = getenv("BENCH_REQUEST_DONE");
    char request[64], answer[MAX_PATH], state[8] = "";
    WCHAR path[MAX_PATH + 16];
    HANDLE file;
    DWORD written = 0, got = 0;
    int waited;

    if (!fifo || !*fifo || !done || !*done) return FALSE;
    sequence++;
    swprintf(path, ARRAYSIZE(path), L"\\\\?\\unix%hs", fifo);
    file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    snprintf(request, sizeof(request), "%u %s\n", sequence, what);
    WriteFile(file, request, (DWORD)strlen(request), &written, NULL);
    CloseHandle(file);
    if (written != strlen(request)) return FALSE;
    snprintf(answer, sizeof(answer), "%s.%u", done, sequence);
    for (waited = 0; waited < 60000; waited += 2)
    {
        file = CreateFileA(answer, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
        if (file != INVALID_HANDLE_VALUE)
        {
            ReadFile(file, state, sizeof(state) - 1, &got, NULL);
            CloseHandle(file);
            DeleteFileA(answer);
            return !strncmp(state, "ok", 2);
        }
        Sleep(2);
    }
    return FALSE;
}

static BOOL evict_cache(void)
{
    return ask_run_sh("evict");
}

/* ---------------------------------------------------------------------------
 * stream */

/* One timed run is PASSES backups of every file: from the page cache one backup
 * takes only some 60 ms here, and a run of a few hundred ms averages out the
 * scheduler's hiccups. */
static void run_stream_pair(const char *cache, int round, DWORD size, BOOL dll_first, HBC hbc, BYTE *buffer,
                            int passes)
{
    int k, p;

    for (k = 0; k < 2; k++)
    {
        BOOL dll = dll_first ? k == 0 : k == 1;
        double t0, t1;

        if (!strcmp(cache, "disk") && !evict_cache()) die("cannot evict the database from the page cache");
        t0 = now();
        for (p = 0; p < passes; p++) read_all(dll, hbc, buffer, size);
        t1 = now();
        printf("S stream cache=%s size=%lu round=%d who=%s bytes=%llu secs=%.6f\n", cache, size, round,
               dll ? "dll" : "plain", total_bytes * passes, t1 - t0);
        fflush(stdout);
    }
}

/* For each buffer size, the order of the pair alternates from round to round (and
 * from size to size), so two consecutive rounds make a balanced pair. */
static int cmd_stream(int rounds, int cold_rounds, int passes)
{
    BYTE *buffer = buffer_alloc(buffer_sizes[BUFFER_SIZE_COUNT - 1]);
    HBC hbc = prepare_context(FALSE);
    size_t s;
    int r;

    /* Warm the page cache and both code paths. */
    read_all(FALSE, hbc, buffer, 1 * MIB);
    read_all(TRUE, hbc, buffer, 1 * MIB);
    for (r = 0; r < rounds; r++)
    {
        for (s = 0; s < BUFFER_SIZE_COUNT; s++)
            run_stream_pair("page", r, buffer_sizes[s], (r + s) % 2 == 0, hbc, buffer, passes);
        progress("stream, page cache: round %d of %d", r + 1, rounds);
    }
    if (cold_rounds > 0)
    {
        if (!evict_cache())
        {
            printf("S stream-cold unavailable=1\n");
            progress("cannot evict the database from the page cache: no figures from disk");
        }
        else for (r = 0; r < cold_rounds; r++)
        {
            for (s = 0; s < BUFFER_SIZE_COUNT; s++)
                run_stream_pair("disk", r, buffer_sizes[s], (r + s) % 2 == 1, hbc, buffer, 1);
            progress("stream, from disk: round %d of %d", r + 1, cold_rounds);
        }
    }
    DsBackupEnd(hbc);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * files: the fixed cost of one file, apart from its bytes.  For each log, in
 * interleaved pairs: the whole file through the DLL against ReadFile ("read",
 * 4 MiB buffer), and DsBackupOpenFileW + DsBackupClose against CreateFileW +
 * CloseHandle ("open"). */

static int cmd_files(int rounds)
{
    BYTE *buffer = buffer_alloc(4 * MIB);
    HBC hbc = prepare_context(FALSE);
    LARGE_INTEGER size;
    HRESULT hr;
    int r, i, k, kind;

    read_all(TRUE, hbc, buffer, 4 * MIB);   /* warm */
    for (r = 0; r < rounds; r++)
    {
        for (i = 0; i < file_count; i++)
        {
            if (i == database_index) continue;
            for (kind = 0; kind < 2; kind++)
                for (k = 0; k < 2; k++)
                {
                    BOOL dll = ((r + i + kind) % 2) ? k == 0 : k == 1;
                    double t0 = now(), t1;

                    if (kind == 0)
                    {
                        if (dll) read_dll(hbc, buffer, 4 * MIB, i, i + 1);
                        else read_plain(buffer, 4 * MIB, i, i + 1);
                    }
                    else if (dll)
                    {
                        if ((hr = DsBackupOpenFileW(hbc, files[i].name, 4 * MIB, &size)))
                            die("DsBackupOpenFileW failed: %#lx", hr);
                        if ((hr = DsBackupClose(hbc))) die("DsBackupClose failed: %#lx", hr);
                    }
                    else CloseHandle(plain_open(i));
                    t1 = now();
                    printf("S files round=%d file=%d kind=%s who=%s bytes=%llu secs=%.6f\n", r, i,
                           kind ? "open" : "read", dll ? "dll" : "plain", kind ? 0 : files[i].size, t1 - t0);
                }
        }
        fflush(stdout);
    }
    progress("files: %d rounds", rounds);
    DsBackupEnd(hbc);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * alone read|hash: each half of what "dsbackup backup" does, alone, in a process
 * of its own that run.sh starts and times as it times dsbackup.exe.  "read":
 * DsBackupOpenFileW, DsBackupRead to the end and DsBackupClose for every file the
 * two lists name, with dsbackup's buffer (1 MiB), the data left alone.  "hash":
 * SHA-256 as dsbackup computes it (tools/dsbackup/sha256.c, the implementation
 * it chooses) over as many bytes, a hash per file as dsbackup makes them, from a
 * buffer in memory. */

static void hash_alone(const BYTE *buffer, DWORD buffer_size)
{
    BYTE digest[SHA256_DIGEST_SIZE];
    struct sha256 sha;
    ULONGLONG left;
    int i;

    for (i = 0; i < file_count; i++)
    {
        sha256_init(&sha);
        for (left = files[i].size; left; )
        {
            DWORD n = left < buffer_size ? (DWORD)left : buffer_size;
            sha256_update(&sha, buffer, n);
            left -= n;
        }
        sha256_final(&sha, digest);
    }
}

static int cmd_alone(const char *what)
{
    const DWORD buffer_size = 1 * MIB;     /* dsbackup's READ_BUFFER_SIZE */
    BYTE *buffer = buffer_alloc(buffer_size);
    BOOL read = !strcmp(what, "read");
    double t0, t1;
    HBC hbc = NULL;
    DWORD i;

    if (read) hbc = prepare_context(FALSE);
    else for (i = 0; i < buffer_size; i++) buffer[i] = (BYTE)(i * 2654435761u >> 24);
    t0 = now();
    if (read) read_all(TRUE, hbc, buffer, buffer_size);
    else hash_alone(buffer, buffer_size);
    t1 = now();
    if (hbc) DsBackupEnd(hbc);
    printf("S alone what=%s bytes=%llu secs=%.6f sha256=%s\n", read ? "read" : "hash", total_bytes, t1 - t0,
           sha256_implementation);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * sha256 portable|chosen MIB: SHA-256 throughput as dsbackup computes it, measured
 * as "openssl speed -evp sha256 -bytes 1048576" measures OpenSSL's, which run.sh
 * runs in turn with it: MIB messages of 1 MiB from memory, each hashed whole
 * (begin, one update, finish).  "chosen" is the implementation dsbackup
 * chooses on this processor, "portable" the one in plain C. */

static int cmd_sha256(const char *which, int mebibytes)
{
    BYTE *buffer = buffer_alloc(MIB), digest[SHA256_DIGEST_SIZE];
    BOOL portable = !strcmp(which, "portable");
    FILETIME created, ended, kernel, user0, user1;
    struct sha256 sha;
    double t0, t1;
    DWORD i;
    int m;

    for (i = 0; i < MIB; i++) buffer[i] = (BYTE)(i * 2654435761u >> 24);
    GetThreadTimes(GetCurrentThread(), &created, &ended, &kernel, &user0);
    t0 = now();
    for (m = 0; m < mebibytes; m++)
    {
        if (portable) sha256_init_with(&sha, sha256_compress_portable);
        else sha256_init(&sha);
        sha256_update(&sha, buffer, MIB);
        sha256_final(&sha, digest);
    }
    t1 = now();
    GetThreadTimes(GetCurrentThread(), &created, &ended, &kernel, &user1);
    /* openssl speed divides by the user CPU time it used, not by the time that
     * passed (unless given -elapsed); so does this, so that the two compare
     * whatever else the machine runs meanwhile. */
    printf("S sha256 implementation=%s bytes=%llu secs=%.6f user_secs=%.6f\n",
           portable ? "portable" : sha256_implementation, (ULONGLONG)mebibytes * MIB, t1 - t0,
           (double)((((ULONGLONG)user1.dwHighDateTime << 32) | user1.dwLowDateTime)
                    - (((ULONGLONG)user0.dwHighDateTime << 32) | user0.dwLowDateTime)) / 1e7);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * logs ROUNDS N...: many small logs.  Each N has a folder of its own,
 * C:\bench-logs\N, with a small ntds.dit, edb.log and N numbered logs of 4 to
 * 16 KiB, and the directory's registry values point at it while it is measured
 * (they are put back at the end).  Each round visits every N, in an order that
 * rotates from round to round, and times, through one context: listing the logs
 * (DsBackupGetBackupLogsW), opening + reading + closing every listed log, and
 * DsBackupTruncateLogs, which needs the complete backup that this is (the
 * database is listed and read first, outside the timed spans).  The baseline does
 * the same listing and reading without the DLL (FindFirstFileW over edb*.log;
 * CreateFileW + ReadFile + CloseHandle).  Before each visit, outside the timed
 * spans, run.sh writes the numbered logs again (see ask_run_sh). */

#define LOG_BUFFER_SIZE (64 * KIB)
#define LOG_VALUE_COUNT 3

static const WCHAR *const log_values[LOG_VALUE_COUNT] = {
    NTDS_VALUE_DATABASE_FILE, NTDS_VALUE_LOG_DIR, NTDS_VALUE_WORKING_DIR};

static void log_folder(int n, WCHAR *path, size_t size)
{
    swprintf(path, size, L"C:\\bench-logs\\%d", n);
}

/* Points the directory's database, log and working paths at FOLDER, or, with
 * SAVED, back at what they were. */
static void set_log_values(const WCHAR *folder, WCHAR saved[LOG_VALUE_COUNT][MAX_PATH])
{
    WCHAR value[MAX_PATH + 16];
    HKEY key;
    LSTATUS status;
    int v;

    if ((status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, KEY_SET_VALUE, &key)))
        die("cannot open the NTDS parameters: %ld", status);
    for (v = 0; v < LOG_VALUE_COUNT; v++)
    {
        if (saved) wcscpy(value, saved[v]);
        else if (v == 0) swprintf(value, ARRAYSIZE(value), L"%ls\\ntds.dit", folder);
        else wcscpy(value, folder);
        if ((status = RegSetValueExW(key, log_values[v], 0, REG_SZ, (const BYTE *)value,
                                     (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)))))
            die("cannot set %ls: %ld", log_values[v], status);
    }
    RegCloseKey(key);
}

static void save_log_values(WCHAR saved[LOG_VALUE_COUNT][MAX_PATH])
{
    DWORD size;
    LSTATUS status;
    int v;

    for (v = 0; v < LOG_VALUE_COUNT; v++)
    {
        size = MAX_PATH * sizeof(WCHAR);
        if ((status = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, log_values[v], RRF_RT_REG_SZ, NULL,
                                   saved[v], &size)))
            die("cannot read %ls: %ld", log_values[v], status);
    }
}

/* The folder for N logs: written by run.sh (see ask_run_sh), the numbered logs
 * again each time (the last truncation deleted them). */
static void write_logs(int n)
{
    char request[32];

    snprintf(request, sizeof(request), "logs %d", n);
    if (!ask_run_sh(request)) die("run.sh could not write the %d logs", n);
}

/* The names in a list. */
static int list_count(const WCHAR *list)
{
    int count = 0;

    for (; *list; list += wcslen(list) + 1) count++;
    return count;
}

/* Opens, reads to the end and closes every name of LIST through the DLL. */
static int read_listed(HBC hbc, const WCHAR *list, BYTE *buffer)
{
    LARGE_INTEGER size;
    ULONGLONG file_total;
    DWORD got;
    HRESULT hr;
    int count = 0;

    for (; *list; list += wcslen(list) + 1, count++)
    {
        if ((hr = DsBackupOpenFileW(hbc, list, LOG_BUFFER_SIZE, &size)))
            die("DsBackupOpenFileW(%ls) failed: %#lx", list, hr);
        for (file_total = 0; !(hr = DsBackupRead(hbc, buffer, LOG_BUFFER_SIZE, &got)); ) file_total += got;
        if (hr != ERROR_HANDLE_EOF) die("DsBackupRead failed: %#lx", hr);
        if ((hr = DsBackupClose(hbc))) die("DsBackupClose failed: %#lx", hr);
        if (file_total != (ULONGLONG)size.QuadPart) die("short read of %ls", list);
    }
    return count;
}

/* The baseline: the same folder listed and read without the DLL. */
static int plain_list_logs(const WCHAR *folder)
{
    WIN32_FIND_DATAW data;
    WCHAR pattern[96];
    HANDLE find;
    int count = 0;

    swprintf(pattern, ARRAYSIZE(pattern), L"%ls\\%ls", folder, NTDS_LOG_PATTERN);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) die("cannot list %ls", folder);
    do
        if (ntds_log_name_classify(data.cFileName, NULL) != NTDS_LOG_NAME_OTHER) count++;
    while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

static int plain_read_logs(const WCHAR *folder, const WCHAR *list, BYTE *buffer)
{
    WCHAR path[96];
    HANDLE file;
    DWORD got;
    int count = 0;

    for (; *list; list += wcslen(list) + 1, count++)
    {
        swprintf(path, ARRAYSIZE(path), L"%ls%ls", folder, wcsrchr(list, '\\'));
        file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
        if (file == INVALID_HANDLE_VALUE) die("CreateFileW(%ls) failed: %lu", path, GetLastError());
        do
            if (!ReadFile(file, buffer, LOG_BUFFER_SIZE, &got, NULL)) die("ReadFile failed: %lu", GetLastError());
        while (got);
        CloseHandle(file);
    }
    return count;
}

/* The warm-up visit (round -1) prints nothing. */
static void print_logs_sample(int n, int round, const char *op, const char *who, int count, double secs)
{
    if (round >= 0)
        printf("S logs logs=%d round=%d op=%s who=%s count=%d secs=%.6f\n", n, round, op, who, count, secs);
}

/* One visit: N numbered logs written, then measured; the DLL and the baseline
 * take turns at going first. */
static void visit_logs(int n, int round, BYTE *buffer)
{
    WCHAR folder[64], *database = NULL, *logs = NULL;
    void *token = NULL;
    DWORD token_size = 0, size = 0;
    HBC hbc = NULL;
    HRESULT hr;
    double t0, t1;
    int count, k;

    write_logs(n);
    log_folder(n, folder, ARRAYSIZE(folder));
    set_log_values(folder, NULL);
    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)))
        die("DsBackupPrepareW failed: %#lx", hr);
    DsBackupFree(token);
    if ((hr = DsBackupGetDatabaseNamesW(hbc, &database, &size))) die("DsBackupGetDatabaseNamesW failed: %#lx", hr);
    read_listed(hbc, database, buffer);
    for (k = 0; k < 2; k++)
    {
        t0 = now();
        if ((k + round) % 2)
        {
            count = plain_list_logs(folder);
            print_logs_sample(n, round, "list", "plain", count, now() - t0);
            continue;
        }
        hr = DsBackupGetBackupLogsW(hbc, &logs, &size);
        t1 = now();
        if (hr) die("DsBackupGetBackupLogsW failed: %#lx", hr);
        if ((count = list_count(logs)) != n + 1) die("%d logs listed in %ls, expected %d", count, folder, n + 1);
        print_logs_sample(n, round, "list", "dll", count, t1 - t0);
    }
    for (k = 0; k < 2; k++)
    {
        BOOL dll = (k + round) % 2 == 0;

        t0 = now();
        count = dll ? read_listed(hbc, logs, buffer) : plain_read_logs(folder, logs, buffer);
        print_logs_sample(n, round, "read", dll ? "dll" : "plain", count, now() - t0);
    }
    t0 = now();
    hr = DsBackupTruncateLogs(hbc);
    t1 = now();
    if (hr) die("DsBackupTruncateLogs failed: %#lx", hr);
    print_logs_sample(n, round, "truncate", "dll", n, t1 - t0);
    DsBackupFree(database);
    DsBackupFree(logs);
    if ((hr = DsBackupEnd(hbc))) die("DsBackupEnd failed: %#lx", hr);
    if ((count = plain_list_logs(folder)) != 1) die("%d logs left in %ls after truncation", count, folder);
    fflush(stdout);
}

static int cmd_logs(int rounds, const int *sizes, int size_count)
{
    WCHAR saved[LOG_VALUE_COUNT][MAX_PATH];
    BYTE *buffer = buffer_alloc(LOG_BUFFER_SIZE);
    int r, k;

    save_log_values(saved);
    for (k = 0; k < size_count; k++) visit_logs(sizes[k], -1, buffer);   /* warm */
    for (r = 0; r < rounds; r++)
    {
        for (k = 0; k < size_count; k++) visit_logs(sizes[(k + r) % size_count], r, buffer);
        progress("logs: round %d of %d", r + 1, rounds);
    }
    set_log_values(NULL, saved);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * handles */

static HBC bare_prepare(void)
{
    void *token = NULL;
    DWORD token_size = 0;
    HBC hbc = NULL;
    HRESULT hr;

    if ((hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc)))
        die("DsBackupPrepareW failed: %#lx", hr);
    DsBackupFree(token);
    return hbc;
}

static SIZE_T working_set(SIZE_T *peak)
{
    PROCESS_MEMORY_COUNTERS counters;

    counters.cb = sizeof(counters);
    if (!GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters)))
        die("GetProcessMemoryInfo failed: %lu", GetLastError());
    if (peak) *peak = counters.PeakWorkingSetSize;
    return counters.WorkingSetSize;
}

/* The other live contexts are limited restore contexts (DsRestorePrepareW without
 * a token): they live in the same handle table as backup contexts, and cost about
 * a tenth of a DsBackupPrepareW, whose query of the service manager would make a
 * population of 100,000 take minutes under Wine. */
static HBC *population;
static int population_count;

static HBC limited_restore_prepare(void)
{
    HBC hbc = NULL;
    HRESULT hr;

    if ((hr = DsRestorePrepareW(NULL, 0, NULL, 0, &hbc))) die("DsRestorePrepareW failed: %#lx", hr);
    return hbc;
}

static void set_population(int target)
{
    double t0 = now();
    int grown = 0;
    SIZE_T before = working_set(NULL);

    while (population_count < target)
    {
        population[population_count++] = limited_restore_prepare();
        grown++;
        if (grown % 20000 == 0) progress("handles: %d other live contexts", population_count);
    }
    while (population_count > target)
        if (DsRestoreEnd(population[--population_count])) die("DsRestoreEnd failed");
    if (grown)
        printf("S grow population=%d grown=%d secs=%.6f ws_bytes=%lld\n", population_count, grown, now() - t0,
               (long long)working_set(NULL) - (long long)before);
}

enum handle_op { OP_CLOSE_VALID, OP_CLOSE_INVALID, OP_TOUR_1000, OP_PREPARE_END, OP_TOUR_ALL, OP_COUNT };
static const char *const op_names[] = {"close-valid", "close-invalid", "tour-1000", "prepare-end", "tour-all"};

/* Touring handles[0..count) in a scattered order, a different context each call:
 * a lookup, then hrMissingExpiryToken from a limited context. */
static void tour(const HBC *handles, unsigned int count, int calls)
{
    unsigned int j = 0;
    HRESULT hr;
    int i;

    for (i = 0; i < calls; i++)
    {
        j = (j + 7919u) % count;
        if ((hr = DsRestoreRegisterComplete(handles[j], S_OK)) != hrMissingExpiryToken)
            die("tour: DsRestoreRegisterComplete returned %#lx", hr);
    }
}

/* Up to 1,000 of the population, spread evenly over it. */
static HBC spread_handles[1000];
static unsigned int spread_count;

static void spread_population(void)
{
    unsigned int k;

    spread_count = population_count < 1000 ? (unsigned int)population_count : 1000;
    for (k = 0; k < spread_count; k++)
        spread_handles[k] = population[(size_t)k * population_count / spread_count];
}

static double time_op(enum handle_op op, int calls, HBC *valid, HBC stale)
{
    double t0, t1;
    HRESULT hr;
    int i;

    t0 = now();
    switch (op)
    {
    case OP_CLOSE_VALID:
        /* A live backup handle with no file open: a lookup, then hrInvalidHandle. */
        for (i = 0; i < calls; i++)
            if ((hr = DsBackupClose(*valid)) != hrInvalidHandle) die("close-valid: DsBackupClose returned %#lx", hr);
        break;
    case OP_CLOSE_INVALID:
        /* An ended handle: ERROR_INVALID_PARAMETER. */
        for (i = 0; i < calls; i++)
            if ((hr = DsBackupClose(stale)) != ERROR_INVALID_PARAMETER)
                die("close-invalid: DsBackupClose returned %#lx", hr);
        break;
    case OP_TOUR_1000:
        tour(spread_handles, spread_count, calls);
        break;
    case OP_TOUR_ALL:
        tour(population, (unsigned int)population_count, calls);
        break;
    case OP_PREPARE_END:
        /* One backup at a time: the valid handle's backup gives way meanwhile. */
        DsBackupEnd(*valid);
        t0 = now();
        for (i = 0; i < calls; i++)
            if (DsBackupEnd(bare_prepare())) die("DsBackupEnd failed");
        t1 = now();
        *valid = bare_prepare();
        return t1 - t0;
    default:
        break;
    }
    t1 = now();
    return t1 - t0;
}

/* Visits 1, 1000, MAXPOP, 1000, 1 other live contexts (a palindrome: drift
 * cancels); at each, BATCHES rounds of every operation in a rotating order. */
static int cmd_handles(int max_population, int batches)
{
    int levels[5], level_count = 0, v, b, o;
    static const int calls[OP_COUNT] = {100000, 100000, 100000, 40, 100000};
    HBC valid, stale;

    levels[level_count++] = 1;
    if (max_population > 1000) levels[level_count++] = 1000;
    levels[level_count++] = max_population;
    if (max_population > 1000) levels[level_count++] = 1000;
    levels[level_count++] = 1;
    if (!(population = malloc(max_population * sizeof(*population)))) die("out of memory");
    stale = bare_prepare();             /* an ended handle: never valid again */
    DsBackupEnd(stale);
    valid = bare_prepare();
    time_op(OP_PREPARE_END, 20, &valid, stale);   /* warm */
    for (v = 0; v < level_count; v++)
    {
        set_population(levels[v]);
        spread_population();
        for (b = 0; b < batches; b++)
            for (o = 0; o < OP_COUNT; o++)
            {
                enum handle_op op = (enum handle_op)((o + b) % OP_COUNT);
                double secs = time_op(op, calls[op], &valid, stale);
                printf("S handles visit=%d population=%d batch=%d op=%s calls=%d secs=%.6f\n", v,
                       population_count, b, op_names[op], calls[op], secs);
            }
        fflush(stdout);
        progress("handles: measured with %d other live contexts", population_count);
    }
    set_population(0);
    DsBackupEnd(valid);
    free(population);
    return 0;
}

/* ---------------------------------------------------------------------------
 * memory: run in a fresh process, one configuration each. */

/* Linux resets the peak resident set (VmHWM, which Wine reports as
 * PeakWorkingSetSize) when 5 is written to /proc/PID/clear_refs.  Wine's server
 * opens the file, so /proc/self would be the server: run.sh passes this process's
 * Unix id in BENCH_UNIX_PID ("exec wine" keeps it), checked against its name. */
static BOOL reset_peak(void)
{
    const char *pid = getenv("BENCH_UNIX_PID");
    char status[512];
    WCHAR path[64];
    HANDLE file;
    DWORD written = 0, got = 0;
    BOOL ok;

    if (!pid || !*pid || strspn(pid, "0123456789") != strlen(pid)) return FALSE;
    swprintf(path, ARRAYSIZE(path), L"\\\\?\\unix/proc/%hs/status", pid);
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = ReadFile(file, status, sizeof(status) - 1, &got, NULL);
    CloseHandle(file);
    status[ok ? got : 0] = 0;
    if (!strstr(status, "Name:\tbench.exe")) return FALSE;
    swprintf(path, ARRAYSIZE(path), L"\\\\?\\unix/proc/%hs/clear_refs", pid);
    file = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = WriteFile(file, "5\n", 2, &written, NULL) && written == 2;
    CloseHandle(file);
    return ok;
}

static int cmd_memory(BOOL dll, DWORD buffer_size, int passes)
{
    SIZE_T ws_before, peak_before, peak_after, ws_after;
    ULONGLONG total = 0;
    BOOL reset;
    BYTE *buffer;
    HBC hbc = NULL;
    double t0, t1;
    int p;

    reset = reset_peak();
    ws_before = working_set(&peak_before);
    t0 = now();
    /* The backup: its context, the client's buffer, PASSES reads of the database. */
    if (dll) hbc = prepare_context(FALSE);
    buffer = buffer_alloc(buffer_size);
    for (p = 0; p < passes; p++)
        total += dll ? read_dll(hbc, buffer, buffer_size, database_index, database_index + 1)
                     : read_plain(buffer, buffer_size, database_index, database_index + 1);
    if (dll) DsBackupEnd(hbc);
    t1 = now();
    ws_after = working_set(&peak_after);
    printf("S memory who=%s size=%lu bytes=%llu peak_reset=%d ws_before=%zu peak_before=%zu peak_after=%zu "
           "ws_after=%zu secs=%.6f\n", dll ? "dll" : "plain", buffer_size, total, reset, ws_before, peak_before,
           peak_after, ws_after, t1 - t0);
    buffer_free(buffer);
    return 0;
}

/* ---------------------------------------------------------------------------
 * online: what DsIsNTDSOnline and DsBackupPrepare cost to decide whether the
 * directory runs, with the NTDS stand-in running (run.sh started it) or stopped,
 * against what the DLL did before on every call: asking the service manager
 * (an RPC to services.exe), and against one registry read, a wineserver round
 * trip or three. */

enum online_op { ONLINE_IS_ONLINE, ONLINE_PREPARE_END, ONLINE_SCM_QUERY, ONLINE_REGISTRY_READ, ONLINE_OP_COUNT };
static const char *const online_op_names[] = {"is-online", "prepare-end", "scm-query", "registry-read"};

static void scm_query(void)
{
    SC_HANDLE manager, service;
    SERVICE_STATUS status;

    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT))) die("OpenSCManagerW failed: %lu", GetLastError());
    if ((service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_STATUS)))
    {
        QueryServiceStatus(service, &status);
        CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
}

static double time_online_op(enum online_op op, int calls, BOOL running)
{
    void *token;
    DWORD token_size, start_type, size;
    double t0 = now();
    BOOL online;
    HRESULT hr;
    HBC hbc;
    int i;

    for (i = 0; i < calls; i++)
        switch (op)
        {
        case ONLINE_IS_ONLINE:
            if ((hr = DsIsNTDSOnlineW(NULL, &online)) || online != running)
                die("DsIsNTDSOnlineW returned %#lx, online %d", hr, online);
            break;
        case ONLINE_PREPARE_END:
            hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
            if (hr != (running ? S_OK : hrCouldNotConnect)) die("DsBackupPrepareW returned %#lx", hr);
            if (!hr)
            {
                DsBackupFree(token);
                DsBackupEnd(hbc);
            }
            break;
        case ONLINE_SCM_QUERY:
            scm_query();
            break;
        case ONLINE_REGISTRY_READ:
            size = sizeof(start_type);
            RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_SERVICE_KEY, NTDS_SERVICE_VALUE_START, RRF_RT_REG_DWORD, NULL,
                         &start_type, &size);
            break;
        default:
            break;
        }
    return now() - t0;
}

static int cmd_online(int rounds, BOOL running)
{
    static const int calls[ONLINE_OP_COUNT] = {200, 200, 200, 2000};
    int r, o;

    for (o = 0; o < ONLINE_OP_COUNT; o++) time_online_op((enum online_op)o, 10, running);   /* warm */
    for (r = 0; r < rounds; r++)
    {
        for (o = 0; o < ONLINE_OP_COUNT; o++)
        {
            enum online_op op = (enum online_op)((o + r) % ONLINE_OP_COUNT);
            printf("S online state=%s round=%d op=%s calls=%d secs=%.6f\n", running ? "running" : "stopped", r,
                   online_op_names[op], calls[op], time_online_op(op, calls[op], running));
        }
        fflush(stdout);
    }
    progress("online: %d rounds with the stand-in %s", rounds, running ? "running" : "stopped");
    return 0;
}

/* ------------------------------------------------------------------------- */

static int usage(void)
{
    fputs("usage: bench stream ROUNDS COLD_ROUNDS PASSES | files ROUNDS | alone read|hash\n"
          "       | sha256 portable|chosen MIB\n"
          "       | logs ROUNDS N... | handles MAXPOP BATCHES\n"
          "       | memory dll|plain BUFSIZE PASSES | online ROUNDS running|stopped\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    LARGE_INTEGER frequency;
    int sizes[8], i;

    QueryPerformanceFrequency(&frequency);
    qpc_frequency = (double)frequency.QuadPart;
    sha256_implementation = sha256_choose_implementation();
    if (argc < 2) return usage();
    if (!strcmp(argv[1], "sha256") && argc == 4 && (!strcmp(argv[2], "portable") || !strcmp(argv[2], "chosen")))
        return cmd_sha256(argv[2], atoi(argv[3]));
    if (!strcmp(argv[1], "handles") && argc == 4) return cmd_handles(atoi(argv[2]), atoi(argv[3]));
    if (!strcmp(argv[1], "online") && argc == 4 && (!strcmp(argv[3], "running") || !strcmp(argv[3], "stopped")))
        return cmd_online(atoi(argv[2]), !strcmp(argv[3], "running"));
    if (!strcmp(argv[1], "logs") && argc >= 4 && argc - 3 <= (int)ARRAYSIZE(sizes))
    {
        for (i = 3; i < argc; i++)
            if ((sizes[i - 3] = atoi(argv[i])) < 1 || sizes[i - 3] > 0xFFFFF) return usage();
        return cmd_logs(atoi(argv[2]), sizes, argc - 3);
    }
    load_files();
    if (!strcmp(argv[1], "stream") && argc == 5) return cmd_stream(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (!strcmp(argv[1], "files") && argc == 3) return cmd_files(atoi(argv[2]));
    if (!strcmp(argv[1], "alone") && argc == 3 && (!strcmp(argv[2], "read") || !strcmp(argv[2], "hash")))
        return cmd_alone(argv[2]);
    if (!strcmp(argv[1], "memory") && argc == 5)
        return cmd_memory(!strcmp(argv[2], "dll"), (DWORD)strtoul(argv[3], NULL, 0), atoi(argv[4]));
    return usage();
}
