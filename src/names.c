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

const WCHAR *attachment_name_parse(const WCHAR *name, WCHAR *bft)
{
    *bft = 0;
    if (!name || !name[0]) return NULL;   /* an empty name has no BFT code to skip */
    if (wstr_len_bounded(name, NTDSBCLI_MAX_PATH + 2) > NTDSBCLI_MAX_PATH + 1) return NULL;
    /* UNC names start with '\', which is never a BFT code, so a code in front of
     * the name is recognised without ambiguity. */
    if (name[0] != '\\') *bft = *name++;
    return name;
}

BOOL attachment_bft_matches(WCHAR given_bft, WCHAR listed_bft)
{
    return !given_bft || given_bft == listed_bft;
}

static const WCHAR *skip_unc_prefix(const WCHAR *name)
{
    if (name[0] == '\\' && name[1] == '\\') return name + 2;
    return name;
}

static BOOL equal_ascii_nocase(const WCHAR *name, const char *ascii)
{
    while (*ascii && wchar_upper_ascii(*name) == wchar_upper_ascii((WCHAR)(unsigned char)*ascii))
    {
        name++;
        ascii++;
    }
    return !*name && !*ascii;
}

/* 127.x.y.z in plain dotted decimal: every address of 127.0.0.0/8 is this machine. */
static BOOL is_ipv4_loopback(const WCHAR *name)
{
    unsigned int part, value, digits;
    const WCHAR *start;

    for (part = 0; part < 4; part++)
    {
        for (start = name, value = digits = 0; *name >= '0' && *name <= '9' && digits < 4; name++, digits++)
            value = value * 10 + (*name - '0');
        if (!digits || digits > 3 || value > 255 || (digits > 1 && *start == '0')) return FALSE;
        if (!part && value != 127) return FALSE;
        if (part < 3 && *name++ != '.') return FALSE;
    }
    return !*name;
}

static BOOL is_loopback_name(const WCHAR *name)
{
    return equal_ascii_nocase(name, "localhost") || equal_ascii_nocase(name, "localhost.")
        || equal_ascii_nocase(name, "::1") || equal_ascii_nocase(name, "0:0:0:0:0:0:0:1")
        || is_ipv4_loopback(name);
}

static BOOL equal_configured(const WCHAR *name, const WCHAR *configured)
{
    return configured && configured[0] && wstr_equal_nocase(name, configured);
}

BOOL server_name_is_local(const WCHAR *name, const WCHAR *netbios_name,
                          const WCHAR *dns_host_name, const WCHAR *dns_full_name)
{
    WCHAR without_dot[256];
    const WCHAR *p;
    size_t length;

    if (!name || !name[0]) return TRUE;
    name = skip_unc_prefix(name);
    if ((length = wstr_len_bounded(name, 256)) >= 256) return FALSE;   /* DNS names are shorter */
    for (p = name; *p; p++)
        if (*p == '_' || *p == '\\' || *p == '/') return FALSE;
    if (!name[0]) return FALSE;
    if (is_loopback_name(name)) return TRUE;
    if (equal_configured(name, netbios_name) || equal_configured(name, dns_host_name)
            || equal_configured(name, dns_full_name))
        return TRUE;
    /* A DNS name may end in the root's dot ("dc01.corp.example.com."); a NetBIOS
     * name may not. */
    if (length < 2 || name[length - 1] != '.' || name[length - 2] == '.') return FALSE;
    for (p = name; p < name + length - 1; p++) without_dot[p - name] = *p;
    without_dot[length - 1] = 0;
    return equal_configured(without_dot, dns_host_name) || equal_configured(without_dot, dns_full_name);
}
