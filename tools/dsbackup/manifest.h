/*
 * manifest.txt, the list that makes a dsbackup folder a complete backup: one
 * writer and one parser, both pure (bytes in, entries or an error out; no Win32
 * call), so that they build natively too, for the unit tests and the fuzzer
 * (tests/unit/test_manifest.c, tests/fuzz/fuzz_manifest.c).
 *
 * Format version 1: UTF-8 text, lines ending in LF (a reader also accepts CR LF),
 * fields separated by one space:
 *
 *   ntdsbcli-backup 1
 *   <bft> <size> <sha256> <path> <unc>        one line per file, in backup order
 *   ...
 *   token <sha256>
 *   end
 *
 *   <bft>     the file's BFT code from the DLL's list, two hex digits (written in
 *             lower case: 44 database, 21 log, 25 patch file)
 *   <size>    its size in bytes, decimal (at most 20 digits, below 2^64)
 *   <sha256>  the SHA-256 of its contents, 64 hex digits (written in lower case)
 *   <path>    where it is, relative to DIR, with '\' separators (database\ntds.dit);
 *             it stays inside DIR: not empty, no drive or ':', no leading '\' or
 *             '/', no empty, '.' or '..' component; not expiry.token or
 *             manifest.txt, and no path twice (compared without regard to ASCII
 *             case)
 *   <unc>     the name the DLL listed, without its BFT code (\\HOST\C$\...\ntds.dit);
 *             not empty
 *   token     the SHA-256 of expiry.token
 *   end       the last line: a manifest that does not end with it is not a backup
 *
 * In <path> and <unc>, the bytes of '%', space, control characters and DEL are
 * written %XX (two upper-case hex digits; a reader takes either case, and no %00);
 * every other character is its UTF-8 form.  The unescaped bytes must be valid
 * UTF-8 (no overlong forms, no surrogates); names are kept as UTF-16, as Windows
 * uses them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef DSBACKUP_MANIFEST_H
#define DSBACKUP_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include <windows.h>
typedef WCHAR manifest_char;
#else
typedef uint16_t manifest_char;     /* a UTF-16 code unit, as WCHAR on Windows */
#endif

#define MANIFEST_HEADER "ntdsbcli-backup 1"
/* No real manifest comes near this; it bounds what a reader takes into memory. */
#define MANIFEST_MAX_SIZE (64 * 1024 * 1024)

struct manifest_entry
{
    unsigned bft;               /* 0x00-0xff */
    uint64_t size;
    char sha256[65];            /* 64 hex digits as read (any case), NUL-terminated */
    manifest_char *path;        /* "logs\edb00001.log", checked to stay inside DIR */
    manifest_char *unc;         /* the name the DLL listed at backup time */
    unsigned line;              /* where it was read (1 = the first line); 0 if added */
};

struct manifest
{
    struct manifest_entry *entries;
    size_t count, capacity;
    char token_sha256[65];      /* "" until a token line is read or set */
    unsigned token_line;
    unsigned error_line;        /* after a parse error: the line it is on, or 0 */
    manifest_char *error_name;  /* after MANIFEST_DUPLICATE: the path, else NULL */
};

enum manifest_status
{
    MANIFEST_OK,
    MANIFEST_NO_MEMORY,
    /* parse errors, each on error_line unless said otherwise */
    MANIFEST_NUL,               /* a NUL character */
    MANIFEST_AFTER_END,         /* text after the 'end' line */
    MANIFEST_BAD_HEADER,        /* the first line is not MANIFEST_HEADER */
    MANIFEST_END_WITHOUT_TOKEN, /* 'end' with no 'token' line before it */
    MANIFEST_AFTER_TOKEN,       /* a line other than 'end' after the 'token' line */
    MANIFEST_BAD_TOKEN,         /* the token's SHA-256 is malformed */
    MANIFEST_BAD_LINE,          /* not <bft> <size> <sha256> <path> <unc> */
    MANIFEST_BAD_PATH,          /* <path> is malformed or leaves DIR */
    MANIFEST_BAD_UNC,           /* <unc> is malformed or empty */
    MANIFEST_DUPLICATE,         /* <path> again, or a reserved name (error_name) */
    MANIFEST_NO_END,            /* the last line is not 'end' (no error_line) */
    MANIFEST_EMPTY,             /* no line at all (no error_line) */
    MANIFEST_NO_FILES,          /* no file line (no error_line) */
    /* writer */
    MANIFEST_BAD_NAME           /* a name is not valid UTF-16 */
};

/* Reads a manifest.  Whatever the result, *manifest holds the entries (and the
 * token, if its line came first) read before the first error, in order, each
 * valid by the rules above, so that a reader can still check what came before
 * the damage; manifest_free releases it. */
enum manifest_status manifest_parse(const char *data, size_t size, struct manifest *manifest);

/* Appends one entry, with copies of the names (NUL-terminated UTF-16).  Only
 * MANIFEST_OK or MANIFEST_NO_MEMORY; the rules above are the caller's to keep. */
enum manifest_status manifest_add(struct manifest *manifest, unsigned bft, uint64_t size,
                                  const char *sha256, const manifest_char *path, const manifest_char *unc);

/* The text of a manifest, in the format above, into a malloc'ed buffer (*text,
 * NUL-terminated, *length bytes without the NUL).  MANIFEST_BAD_NAME sets
 * *bad_name (if not NULL) to the name that is not valid UTF-16. */
enum manifest_status manifest_write(const struct manifest *manifest, char **text, size_t *length,
                                    const manifest_char **bad_name);

void manifest_free(struct manifest *manifest);

/* The rule for <path>: relative, inside DIR (see above). */
int manifest_path_is_safe(const manifest_char *path);

#endif
