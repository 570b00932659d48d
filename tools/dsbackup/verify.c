/*
 * dsbackup verify DIR: checks a backup against its manifest.txt (manifest.h):
 * every file it lists, by size and SHA-256, and the expiry token.  restore runs
 * the same check before it changes anything (verify_backup).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"

static const char verify_help[] =
    "Usage: dsbackup verify DIR\n"
    "\n"
    "Reads DIR\\manifest.txt and re-reads every file it lists, checking its size\n"
    "and SHA-256, and the expiry token's; a manifest must end with its 'end' line.\n"
    "\n"
    "Exit status: 0 every file matches, 1 a file is missing or differs or the\n"
    "manifest is damaged, 2 usage error.\n";

/* ---- checking the files --------------------------------------------------------- */

/* Checks one listed file against its size and hash; FALSE (reported) if it differs. */
static BOOL verify_file(const WCHAR *dir, const WCHAR *relative, const ULONGLONG *expected_size,
                        const char *expected_sha256, struct pipeline_buffers *buffers,
                        unsigned line_number)
{
    WCHAR *path = path_join(dir, relative, malloc);
    struct progress progress;
    ULONGLONG size;
    char sha256[65], line[512];
    BOOL ok = FALSE;

    if (!path)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot check %s", u8(relative));
        return FALSE;
    }
    progress_begin(&progress, "verify", relative, expected_size ? *expected_size : 0);
    if (!hash_file(path, buffers, &size, sha256, &progress)) ;
    else if (expected_size && size != *expected_size)
        report(hrReadVerifyFailure, "%s has %llu bytes, the manifest (line %u) says %llu", u8(relative),
               size, line_number, *expected_size);
    else if (_strnicmp(sha256, expected_sha256, 64))
        report(hrReadVerifyFailure, "%s has SHA-256 %s, the manifest (line %u) says %.64s", u8(relative),
               sha256, line_number, expected_sha256);
    else
    {
        snprintf(line, sizeof(line), "ok %s %llu bytes sha256 %s", u8(relative), size, sha256);
        progress_end_line(&progress, line);
        ok = TRUE;
    }
    free(path);
    return ok;
}

/* What a parse error of the manifest says, as the line-by-line reader said it. */
static void report_manifest_error(enum manifest_status status, const struct manifest *manifest,
                                  const WCHAR *manifest_path)
{
    const char *path = u8(manifest_path);
    unsigned line = manifest->error_line;

    switch (status)
    {
#define BAD(...) report_sys(ERROR_INVALID_DATA, __VA_ARGS__); break
    case MANIFEST_NUL:        BAD("%s, line %u: a NUL character", path, line);
    case MANIFEST_AFTER_END:  BAD("%s, line %u: text after the 'end' line", path, line);
    case MANIFEST_BAD_HEADER: BAD("%s does not begin with '" MANIFEST_HEADER "': not a backup manifest, "
                                  "or a newer format", path);
    case MANIFEST_END_WITHOUT_TOKEN: BAD("%s has no 'token' line before 'end'", path);
    case MANIFEST_AFTER_TOKEN: BAD("%s, line %u: only 'end' may follow the 'token' line", path, line);
    case MANIFEST_BAD_TOKEN:  BAD("%s, line %u: the token's SHA-256 is malformed", path, line);
    case MANIFEST_BAD_LINE:   BAD("%s, line %u: not a file line (<bft> <size> <sha256> <path> <unc>)",
                                  path, line);
    case MANIFEST_BAD_PATH:   BAD("%s, line %u: the path is malformed or leaves the backup folder", path, line);
    case MANIFEST_BAD_UNC:    BAD("%s, line %u: the original name is malformed", path, line);
    case MANIFEST_DUPLICATE:  BAD("%s, line %u: %s is listed twice or is not a backed-up file", path, line,
                                  u8(manifest->error_name));
    case MANIFEST_NO_END:     BAD("%s does not end with its 'end' line: the manifest is incomplete", path);
    case MANIFEST_EMPTY:      BAD("%s is empty", path);
    case MANIFEST_NO_FILES:   BAD("%s lists no files", path);
#undef BAD
    default: break;
    }
}

/* Checks what the manifest lists, in its order: each file, then the token if
 * its line was read.  Returns the number of files that differ. */
static unsigned verify_listed(const WCHAR *dir, const struct manifest *manifest, struct pipeline_buffers *buffers,
                              unsigned *checked)
{
    unsigned bad = 0;
    size_t i;

    for (i = 0; i < manifest->count; i++)
    {
        const struct manifest_entry *entry = &manifest->entries[i];
        ULONGLONG size = entry->size;

        (*checked)++;
        if (!verify_file(dir, entry->path, &size, entry->sha256, buffers, entry->line)) bad++;
    }
    if (manifest->token_sha256[0])
    {
        (*checked)++;
        if (!verify_file(dir, TOKEN_FILE_NAME, NULL, manifest->token_sha256, buffers, manifest->token_line))
            bad++;
    }
    return bad;
}

/* Reads and parses DIR\manifest.txt; FALSE (reported) only if it cannot be read
 * or memory runs out.  *status says whether the manifest is whole. */
static BOOL read_manifest(const WCHAR *manifest_path, struct manifest *manifest, enum manifest_status *status)
{
    char *text;
    size_t size;

    if (!read_whole_file(manifest_path, MANIFEST_MAX_SIZE, &text, &size)) return FALSE;
    *status = manifest_parse(text, size, manifest);
    free(text);
    return *status != MANIFEST_NO_MEMORY;
}

BOOL verify_backup(const WCHAR *dir, struct pipeline_buffers *buffers, struct manifest *out)
{
    struct manifest manifest = {0};
    enum manifest_status status = MANIFEST_OK;
    WCHAR *manifest_path = NULL;
    unsigned checked = 0, bad;
    BOOL ok = FALSE;

    if (out) memset(out, 0, sizeof(*out));
    if (!(manifest_path = path_join(dir, MANIFEST_FILE_NAME, malloc)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
        goto done;
    }
    if (!read_manifest(manifest_path, &manifest, &status))
    {
        if (status == MANIFEST_NO_MEMORY) report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot verify %s", u8(dir));
        goto done;
    }
    /* What came before any damage is checked first, as a reader going line by
     * line would have; then the damage is reported. */
    bad = verify_listed(dir, &manifest, buffers, &checked);
    report_manifest_error(status, &manifest, manifest_path);
    if (status || bad)
    {
        print_error_line("dsbackup: verify %s: FAILED: %u of %u checked files differ%s\n", u8(dir), bad,
                         checked, status ? ", and the manifest is damaged" : "");
        goto done;
    }
    print("verify %s: ok, %u files and the expiry token match the manifest\n", u8(dir), checked - 1);
    ok = TRUE;
    if (out)
    {
        *out = manifest;
        memset(&manifest, 0, sizeof(manifest));
    }
done:
    manifest_free(&manifest);
    free(manifest_path);
    return ok;
}

int cmd_verify(int argc, WCHAR **argv)
{
    struct pipeline_buffers buffers = {0};
    const WCHAR *dir_argument;
    WCHAR *dir;
    BOOL ok;
    int code;

    if ((code = parse_folder_arguments(argc, argv, "verify", verify_help, NULL, NULL, &dir_argument))
            != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0]) return usage_error(verify_help, "verify: which folder?%s", L"");

    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    ok = pipeline_buffers_allocate(&buffers) && verify_backup(dir, &buffers, NULL);
    pipeline_buffers_free(&buffers);
    free(dir);
    return ok ? EXIT_OK : EXIT_FAILED;
}
