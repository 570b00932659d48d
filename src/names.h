/*
 * Parsing of the names callers pass in: attachment names given to
 * DsBackupOpenFile and server names.
 * Pure functions: no file system, no registry.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_NAMES_H
#define NTDSBCLI_NAMES_H

#include "portable.h"
#include "ntds_layout.h"   /* ntds_log_name_classify: the names of transaction logs */

/* TRUE for the BFT codes this DLL puts in front of backup names. */
BOOL bft_is_backup_code(WCHAR c);

/* Splits an attachment name given to DsBackupOpenFile into the BFT code in front
 * of it (*bft, 0 if none) and the path after it, which must then equal a listed
 * UNC path exactly, except for ASCII case.  NULL for a name that can name no
 * listed file (NULL, empty, longer than a path may be). */
const WCHAR *attachment_name_parse(const WCHAR *name, WCHAR *bft);
/* TRUE if a BFT code from attachment_name_parse fits the listed entry's. */
BOOL attachment_bft_matches(WCHAR given_bft, WCHAR listed_bft);
/* TRUE if a server name names this machine: NULL, empty, the NetBIOS name, the
 * DNS host name or the fully qualified DNS name (the DNS names also with the
 * root's trailing dot), "localhost", an address of 127.0.0.0/8 in dotted decimal,
 * or "::1"; with or without a leading "\\", in any ASCII case.  Names with '_'
 * never match (the documentation forbids it). */
BOOL server_name_is_local(const WCHAR *name, const WCHAR *netbios_name,
                          const WCHAR *dns_host_name, const WCHAR *dns_full_name);

#endif
