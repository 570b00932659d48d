/*
 * libFuzzer target: DsRestoreRegister's argument validation.  Each fuzzed path is
 * judged by path_is_plain_absolute and by a restatement of restore_map.h written
 * separately (split into components first, then check each), and the two must
 * agree; path_matches_any and restore_map_validate are checked the same way.
 *
 * Input: byte 0 chooses a prefix (none, "C:\", "\\srv\share\", a target), then
 * 8 bytes of log generations, then UTF-16LE.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portable.h"
#include "restore_map.h"

#define W(s) ((const WCHAR *)u"" s)
#define CHECK(x) do { if (!(x)) { fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); abort(); } } while (0)

static const WCHAR *const targets[] = {W("C:\\Windows\\NTDS"), W("\\\\DC01\\C$\\Windows\\NTDS\\")};
static const WCHAR *const folders[] = {W("C:\\Logs"), W("\\\\DC01\\C$\\Windows\\NTDS\\")};
static const struct restore_targets map_targets = {targets, 2, folders, 2};
static const WCHAR *const prefixes[] = {W(""), W("C:\\"), W("\\\\srv\\share\\"), W("c:\\windows\\ntds")};

static WCHAR fold(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 32) : c;
}

static size_t length_of(const WCHAR *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static int forbidden(WCHAR c)
{
    return c < 0x20 || c == '/' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<'
           || c == '>' || c == '|';
}

/* CON, PRN, AUX, NUL, COM1-9 and LPT1-9 ('#' a digit 1-9), alone or before an
 * extension. */
static int device_name(const WCHAR *component, size_t length)
{
    static const char *const devices[] = {"CON", "PRN", "AUX", "NUL", "COM#", "LPT#"};
    size_t stem = 0, d, k;

    while (stem < length && component[stem] != '.') stem++;
    for (d = 0; d < sizeof(devices) / sizeof(devices[0]); d++)
    {
        if (stem != strlen(devices[d])) continue;
        for (k = 0; k < stem; k++)
        {
            char want = devices[d][k];
            if (want == '#' ? !(component[k] >= '1' && component[k] <= '9') : fold(component[k]) != (WCHAR)want)
                break;
        }
        if (k == stem) return 1;
    }
    return 0;
}

/* The contract, from restore_map.h, by components. */
static int expected_plain_absolute(const WCHAR *path)
{
    size_t n = length_of(path), start, i, components = 0, end;
    int unc;

    if (n > NTDSBCLI_MAX_PATH) return 0;
    if (n >= 3 && ((fold(path[0]) >= 'A' && fold(path[0]) <= 'Z') && path[1] == ':' && path[2] == '\\'))
    {
        unc = 0;
        start = 3;
    }
    else if (n >= 2 && path[0] == '\\' && path[1] == '\\')
    {
        unc = 1;
        start = 2;
    }
    else return 0;
    end = n;
    if (end > start && path[end - 1] == '\\') end--;        /* one trailing separator */
    if (end == start) return !unc && n == 3;              /* "X:\" alone, the root */
    /* Components are path[start..end) split at '\'. */
    for (i = start; i <= end; )
    {
        size_t j = i;
        while (j < end && path[j] != '\\') j++;
        if (j == i) return 0;                                    /* empty component */
        if (path[j - 1] == '.' || path[j - 1] == ' ') return 0;  /* ".", "..", "x.", "x " */
        if (device_name(path + i, j - i)) return 0;              /* "NUL", "com1.txt" */
        for (; i < j; i++)
            if (forbidden(path[i])) return 0;
        components++;
        i = j + 1;
    }
    return components >= (unc ? 2u : 1u);
}

static int expected_equal(const WCHAR *a, const WCHAR *b)
{
    size_t na = length_of(a), nb = length_of(b), i;
    if (na && a[na - 1] == '\\') na--;
    if (nb && b[nb - 1] == '\\') nb--;
    if (na != nb) return 0;
    for (i = 0; i < na; i++)
        if (fold(a[i]) != fold(b[i])) return 0;
    return 1;
}

/* One component more than the folder (its trailing '\\' aside), and no '\\' after it. */
static int expected_in_folder(const WCHAR *path, const WCHAR *folder)
{
    size_t nf = length_of(folder), np = length_of(path), i;
    if (nf && folder[nf - 1] == '\\') nf--;
    if (np < nf + 2 || path[nf] != '\\') return 0;
    for (i = 0; i < nf; i++)
        if (fold(path[i]) != fold(folder[i])) return 0;
    for (i = nf + 1; i < np; i++)
        if (path[i] == '\\') return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const WCHAR *prefix;
    const WCHAR *old_names[2], *new_names[2];
    size_t payload, count = 0, i, n;
    WCHAR *path;
    ULONG low, high;
    int plain, matches, in_folder;
    HRESULT hr;

    if (size < 9) return 0;
    prefix = prefixes[data[0] & 3];
    low = (ULONG)(data[1] | data[2] << 8 | (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24);
    high = (ULONG)(data[5] | data[6] << 8 | (uint32_t)data[7] << 16 | (uint32_t)data[8] << 24);
    if (data[0] & 0x10) { low &= 0x1fffff; high &= 0x1fffff; }   /* near the limit */
    hr = log_generation_range_validate(low, high);
    CHECK(hr == ((low <= high && high <= LOG_GENERATION_MAX) ? S_OK : ERROR_INVALID_PARAMETER));

    data += 9;
    payload = (size - 9) / 2;
    n = length_of(prefix);
    /* bit 7: pad with "x" components to around the longest path */
    if (!(path = malloc((n + payload + 32800 + 1) * sizeof(WCHAR)))) return 0;
    memcpy(path, prefix, n * sizeof(WCHAR));
    count = n;
    if (data[-9] & 0x80)
    {
        size_t target = 32760 + (data[-9] & 15);
        for (; count < target; count++) path[count] = (count % 100) ? 'x' : '\\';
    }
    for (i = 0; i < payload; i++)
    {
        WCHAR c = (WCHAR)(data[2 * i] | data[2 * i + 1] << 8);
        if (!c) break;                       /* the name ends at its first NUL */
        path[count++] = c;
    }
    path[count] = 0;

    plain = path_is_plain_absolute(path);
    if (plain != expected_plain_absolute(path))
    {
        fprintf(stderr, "path_is_plain_absolute: got %d, expected %d\n", plain, expected_plain_absolute(path));
        abort();
    }
    matches = path_matches_any(path, targets, 2);
    CHECK(matches == (expected_equal(path, targets[0]) || expected_equal(path, targets[1])));

    old_names[0] = path;
    new_names[0] = targets[(data[-9] >> 2) & 1];
    old_names[1] = W("D:\\Old\\NTDS");
    new_names[1] = path;
    in_folder = expected_in_folder(path, folders[0]) || expected_in_folder(path, folders[1]);
    CHECK(path_is_in_folder(path, folders[0]) == expected_in_folder(path, folders[0]));
    CHECK(restore_map_validate(old_names, new_names, 1, &map_targets) == (plain ? S_OK : ERROR_INVALID_PARAMETER));
    hr = restore_map_validate(old_names, new_names, 2, &map_targets);
    CHECK(hr == ((plain && (matches || in_folder)) ? S_OK : ERROR_INVALID_PARAMETER));
    /* Alone, the entry must put the directory database in place. */
    hr = restore_map_validate(old_names + 1, new_names + 1, 1, &map_targets);
    CHECK(hr == ((plain && matches) ? S_OK : ERROR_INVALID_PARAMETER));
    free(path);
    return 0;
}
