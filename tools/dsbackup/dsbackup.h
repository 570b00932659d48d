/*
 * What the files of dsbackup share: the exit codes, the subcommands' entry
 * points, the console output and error reports (output.c), and the system
 * helpers (system.c).  Each subcommand lives in its own file; dsbackup.c holds
 * the command table.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef DSBACKUP_H
#define DSBACKUP_H

#include <stdarg.h>
#include <stdio.h>   /* __MINGW_PRINTF_FORMAT */
#include <windows.h>
#include "ntdsbcli.h"
#include "manifest.h"
#include "config_path.h"
#include "path_join.h"
#include "sha256.h"

#define EXIT_OK     0
#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* DsBackupRead wants a multiple of 8192 of at least 24576 bytes; the same size
 * serves every copy and hash loop. */
#define READ_BUFFER_SIZE (1024 * 1024)
/* Writes into a file go in pieces of at most this size.  Linux 6.x takes a
 * large write into the page cache in large blocks of memory, and on a virtual
 * machine that hands its free memory back to the host, such blocks come back
 * slowly.  On the machines this project is measured on, 1 GiB written in
 * writes of 1 MiB took from 0.12 to 1.9 s, in writes of 2 MiB from 3.7 to 4.8
 * s, and in writes of 128 to 512 KiB 0.12 to 0.15 s every time: a backup keeps
 * up with its hash only with the smaller writes (docs/performance.md). */
#define WRITE_CHUNK_SIZE (256 * 1024)

#define MANIFEST_FILE_NAME L"manifest.txt"
#define TOKEN_FILE_NAME    L"expiry.token"

#define PRINTF_LIKE(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))

/* ---- subcommands (one file each) ---------------------------------------------- */

int cmd_backup(int argc, WCHAR **argv);
int cmd_verify(int argc, WCHAR **argv);
int cmd_restore(int argc, WCHAR **argv);
int cmd_status(int argc, WCHAR **argv);
int cmd_init_sample(int argc, WCHAR **argv);
int cmd_link_share(int argc, WCHAR **argv);
int cmd_offline(int argc, WCHAR **argv);
int cmd_online(int argc, WCHAR **argv);

/* ---- the command line (dsbackup.c) ---------------------------------------------- */

#define ARGUMENTS_OK (-1)

BOOL is_help_option(const WCHAR *arg);
/* Prints "dsbackup: " FORMAT (with the argument as UTF-8) and HELP to stderr;
 * returns EXIT_USAGE. */
int usage_error(const char *help, const char *format, const WCHAR *argument);
/* The arguments of a subcommand that takes a folder and at most one option of
 * its own (OPTION, which sets *OPTION_GIVEN; NULL if none): "--help", the option,
 * "--" and one folder, in any order.  Returns ARGUMENTS_OK, or the exit code when
 * the help was printed or the arguments are wrong. */
int parse_folder_arguments(int argc, WCHAR **argv, const char *command, const char *help,
                           const WCHAR *option, BOOL *option_given, const WCHAR **folder);

/* ---- output (output.c) ------------------------------------------------------------ */

BOOL handle_is_console(HANDLE handle);
/* UTF-8 text to stdout or stderr: UTF-8 to pipes and files, UTF-16 to a console. */
void print(const char *format, ...) PRINTF_LIKE(1, 2);
void print_error_line(const char *format, ...) PRINTF_LIKE(1, 2);
/* "label" padded to 24 columns, a space, the text, a line end. */
void print_field(const char *label, const char *format, ...) PRINTF_LIKE(2, 3);
/* A wide string as UTF-8 for messages; the result lives until four more calls. */
const char *u8(const WCHAR *s);

/* "dsbackup: <what failed>: <symbolic name> (<hex>): <meaning>" on stderr.
 * report: for a code the DLL returned (the documentation's meaning first);
 * report_sys: for the program's own system calls (the system's message first);
 */
void report(HRESULT hr, const char *format, ...) PRINTF_LIKE(2, 3);
void report_sys(HRESULT hr, const char *format, ...) PRINTF_LIKE(2, 3);
/* "<name> (<hex>): <meaning>", as report_sys shows codes. */
const char *describe_code(HRESULT hr, char *buffer, size_t size);

/* On a console, one line per file rewritten in place at most five times a second:
 *   log edb00002.log [##########..........]  52% 1.0/2.0 MiB 12.3 MiB/s ETA 0:01
 * kept one column short of the console's width.  Elsewhere (a pipe, a file)
 * nothing until the file is done; then, in both cases, one plain line that says
 * what was done.  A message (report, ...) first ends a bar's line. */
struct progress
{
    BOOL console;
    const char *kind;            /* "database", "log", "restore database", ... */
    const WCHAR *name;           /* base name */
    ULONGLONG total;
    ULONGLONG start, last;       /* GetTickCount64 */
    size_t shown;                /* length of the line on screen */
};

void progress_begin(struct progress *progress, const char *kind, const WCHAR *name, ULONGLONG total);
void progress_update(struct progress *progress, ULONGLONG done);
/* The file is done: LINE replaces the bar on a console. */
void progress_end_line(struct progress *progress, const char *line);
/* "<kind> <name> <total> bytes sha256 <sha256>" */
void progress_end(struct progress *progress, const char *sha256);

/* ---- system helpers (system.c; path_join, with malloc, from common/path_join.h) ---- */

/* The absolute form of a folder given on the command line, without a trailing
 * separator unless it is a root. */
WCHAR *full_folder_path(const WCHAR *path);
const WCHAR *base_name_of(const WCHAR *path);
/* CreateDirectoryW, creating missing parents first.  Returns a Win32 error. */
DWORD create_folder(const WCHAR *path);
BOOL write_all(HANDLE file, const void *data, size_t size);
/* A whole file written, flushed and closed (reported on failure). */
BOOL write_new_file(const WCHAR *path, const void *data, size_t size, DWORD disposition);
/* A small file into memory, NUL-terminated; at most max_size bytes (reported). */
BOOL read_whole_file(const WCHAR *path, size_t max_size, char **data_out, size_t *size_out);

/* ---- copies put on disk in the background (flusher.c) ------------------------------------ */

/* Requests that may wait: flushes of the copy being written, and finished
 * copies, each still open until it is flushed. */
#define FLUSH_QUEUE_SIZE 16
/* A copy being written is flushed every this many bytes, so that the disk
 * writes while the rest is read and hashed.  Measured against cp + sync,
 * 16 MiB did as well as 64 MiB where the disk was fast and better where it
 * was slow (0.92 against 1.04 times cp + sync); 128 MiB and more did worse. */
#define FLUSH_INTERVAL (16 * 1024 * 1024)

struct flush_request
{
    HANDLE file;
    BOOL close;                 /* flushed then closed, else only flushed */
    WCHAR *name;                /* for a close, a copy of the file's name, or NULL */
};

struct flusher
{
    HANDLE thread;
    SRWLOCK lock;
    CONDITION_VARIABLE asked_changed, done_changed;
    /* Counts of requests since the start, under the lock: request N is
     * queue[N % FLUSH_QUEUE_SIZE]. */
    struct flush_request queue[FLUSH_QUEUE_SIZE];
    unsigned asked, taken, done;
    BOOL stopping;
    /* The first failure: its error, the file (until it is closed) and its name. */
    DWORD error;
    HANDLE error_file;
    WCHAR *error_name;
    BOOL reported;
};

/* FALSE (reported) if its thread cannot be started. */
BOOL flusher_start(struct flusher *flusher);
/* Asks for FILE's data written so far to be put on disk; FILE stays open until
 * it is given to flusher_close. */
void flusher_flush(struct flusher *flusher, HANDLE file);
/* FILE, a finished copy called NAME, flushed then closed: FILE belongs to the
 * flusher from now on. */
void flusher_close(struct flusher *flusher, HANDLE file, const WCHAR *name);
/* Waits until every request is carried out: TRUE if all went to disk, else
 * FALSE, reported once if REPORT_FAILURE. */
BOOL flusher_wait(struct flusher *flusher, BOOL report_failure);
/* Waits, then ends the thread; a flusher never started is left alone. */
void flusher_end(struct flusher *flusher);

/* ---- reading, hashing and writing a file's data (pipeline.c) ---------------------------- */

/* Buffers in flight per file: one being read (and written), one being hashed,
 * and enough others (a millisecond of work each) that neither thread waits when
 * the other is held up for a moment by other programs. */
#define PIPELINE_DEPTH 8

/* The buffers of every file a command reads, allocated once. */
struct pipeline_buffers
{
    BYTE *buffer[PIPELINE_DEPTH];
};

/* Where the data comes from: puts up to READ_BUFFER_SIZE bytes in BUFFER and
 * their count in *GOT (they are hashed and written, even when it returns FALSE);
 * returns FALSE when no read is to follow: the end, or a failure that the source
 * records for its caller to report.  It may run on a thread of its own. */
typedef BOOL pipeline_read_fn(void *source, BYTE *buffer, DWORD *got);

struct pipeline
{
    pipeline_read_fn *read;
    void *source;
    ULONGLONG expected;         /* the bytes the source should give, 0 if unknown */
    HANDLE out;                 /* also written here, unless NULL */
    struct flusher *flusher;    /* flushes OUT as it is written, or NULL */
    struct progress *progress;  /* updated as the data is hashed, or NULL */
    /* The outcome: */
    struct sha256 sha;          /* of every byte given, not finished */
    ULONGLONG bytes;            /* given and hashed (and, unless write_error is set, written) */
    DWORD write_error;          /* the error of a write that failed (the source is
                                 * not read further), or 0 */
};

/* FALSE (reported) if the buffers cannot be had. */
BOOL pipeline_buffers_allocate(struct pipeline_buffers *buffers);
void pipeline_buffers_free(struct pipeline_buffers *buffers);
/* Reads the source to its end or first failure, hashing, and writing unless
 * OUT is NULL.  FALSE (reported) only if a thread could not be started. */
BOOL pipeline_run(struct pipeline *pipeline, struct pipeline_buffers *buffers);

/* Hashes a whole file; FALSE (reported) if it cannot be read.  With a progress
 * (begun by the caller, whose total may be 0 for "the file's size"), a console
 * shows a bar while it reads; the caller ends the line. */
BOOL hash_file(const WCHAR *path, struct pipeline_buffers *buffers, ULONGLONG *size_out, char sha256[65],
               struct progress *progress);

/* The NTDS service, as the service control manager sees it. */
struct ntds_service
{
    BOOL known;                 /* the SCM answered */
    BOOL registered;            /* a service named NTDS exists */
    SERVICE_STATUS_PROCESS status;
    DWORD start_type;           /* SERVICE_AUTO_START: kept online across sessions */
    DWORD error;                /* why not known */
};

void query_ntds_service(struct ntds_service *service);
const char *service_state_name(DWORD state);

/* A string value of the NTDS parameters, expanded, to show it; NULL with *error
 * set if absent or unreadable.  What it means as a path is config_path_read's
 * (common/config_path.h), by the rule the DLL and the stand-in apply. */
WCHAR *read_parameter(const WCHAR *value_name, LONG *error);

/* ---- shared by subcommands ----------------------------------------------------------- */

/* verify.c: reads DIR\manifest.txt and checks every file it lists and the expiry
 * token through BUFFERS, with one "ok" line per good file and a report per
 * problem.  TRUE if the manifest is complete and every file matches; *out (if
 * given) then holds the entries, else it is empty. */
BOOL verify_backup(const WCHAR *dir, struct pipeline_buffers *buffers, struct manifest *out);

/* link_share.c: makes \\COMPUTER\X$ resolve under Wine for the drives the
 * directory's configured paths use (and C:), saying what it did; nothing to do
 * on Windows.  FALSE if a link was needed and could not be made. */
BOOL link_shares_for_directory(void);

#endif
