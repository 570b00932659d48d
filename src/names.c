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
