/*
 * Name parsing (see names.h and docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "names.h"

BOOL bft_is_backup_code(WCHAR c)
{
    return c == BFTW_NTDS_DATABASE || c == BFTW_LOG || c == BFTW_PATCH_FILE;
}

long attachment_name_find(const WCHAR *name, const WCHAR *const *listed_paths,
                          const WCHAR *listed_bft, size_t listed_count)
{
    WCHAR bft = 0;
    size_t i;

    if (!name || !name[0]) return -1;   /* an empty name has no BFT code to skip */
    if (wstr_len_bounded(name, NTDSBCLI_MAX_PATH + 2) > NTDSBCLI_MAX_PATH + 1) return -1;
    /* UNC names start with '\', which is never a BFT code, so a code in front of
     * the name is recognised without ambiguity. */
    if (name[0] != '\\')
    {
        bft = name[0];
        name++;
    }
    for (i = 0; i < listed_count; i++)
    {
        if (bft && bft != listed_bft[i]) continue;
        if (wstr_equal_nocase(name, listed_paths[i])) return (long)i;
    }
    return -1;
}

static const WCHAR *skip_unc_prefix(const WCHAR *name)
{
    if (name[0] == '\\' && name[1] == '\\') return name + 2;
    return name;
}

BOOL server_name_is_local(const WCHAR *name, const WCHAR *netbios_name,
                          const WCHAR *dns_host_name, const WCHAR *dns_full_name)
{
    const WCHAR *p;

    if (!name || !name[0]) return TRUE;
    name = skip_unc_prefix(name);
    if (wstr_len_bounded(name, 256) >= 256) return FALSE;   /* DNS names are shorter */
    for (p = name; *p; p++)
        if (*p == '_' || *p == '\\' || *p == '/') return FALSE;
    if (!name[0]) return FALSE;
    return (netbios_name && netbios_name[0] && wstr_equal_nocase(name, netbios_name))
        || (dns_host_name && dns_host_name[0] && wstr_equal_nocase(name, dns_host_name))
        || (dns_full_name && dns_full_name[0] && wstr_equal_nocase(name, dns_full_name));
}

static int hex_digit(WCHAR c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = wchar_upper_ascii(c);
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static BOOL equal_nocase_n(const WCHAR *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (wchar_upper_ascii(a[i]) != wchar_upper_ascii((WCHAR)(unsigned char)b[i])) return FALSE;
    return TRUE;
}

enum log_name_kind log_name_classify(const WCHAR *file_name, ULONG *generation)
{
    size_t length = wstr_len_bounded(file_name, 16), i;
    ULONG value = 0;
    int digit;

    if (length == 7 && equal_nocase_n(file_name, "edb.log", 7)) return LOG_NAME_CURRENT;
    if (length != 12 || !equal_nocase_n(file_name, "edb", 3)
            || !equal_nocase_n(file_name + 8, ".log", 4))
        return LOG_NAME_OTHER;
    for (i = 3; i < 8; i++)
    {
        if ((digit = hex_digit(file_name[i])) < 0) return LOG_NAME_OTHER;
        value = value * 16 + (ULONG)digit;
    }
    if (generation) *generation = value;
    return LOG_NAME_NUMBERED;
}
