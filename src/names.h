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

/* Finds the listed name an attachment name refers to.  The name may carry the
 * listed entry's BFT code in front of it or no BFT code at all; after that it must
 * equal the listed UNC path exactly, except for ASCII case.  Anything else (another
 * BFT code, a suffix, "..", "/", a stream, a name longer than a path may be) does
 * not match.  Returns the index into listed[], or -1. */
long attachment_name_find(const WCHAR *name, const WCHAR *const *listed_paths,
                          const WCHAR *listed_bft, size_t listed_count);

/* TRUE if a server name names this machine: NULL, empty, or the NetBIOS name, the
 * DNS host name or the fully qualified DNS name, with or without a leading "\\",
 * in any ASCII case.  Names with '_' never match (the documentation forbids it). */
BOOL server_name_is_local(const WCHAR *name, const WCHAR *netbios_name,
                          const WCHAR *dns_host_name, const WCHAR *dns_full_name);

#endif
