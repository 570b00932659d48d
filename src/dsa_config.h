/*
 * Where this machine's directory database lives, read where a domain controller
 * records it: HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Parameters.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_DSA_CONFIG_H
#define NTDSBCLI_DSA_CONFIG_H

#include <windows.h>
#include "ntds_layout.h"

struct dsa_config
{
    WCHAR *database_path;    /* "DSA Database file": full path of ntds.dit */
    WCHAR *log_dir;          /* "Database log files path": edb*.log */
    WCHAR *working_dir;      /* "DSA Working Directory": edb.chk */
};

/* S_OK; hrCouldNotConnect when the machine is not configured as a domain
 * controller (a value missing or naming no path by the rule of config_path.h:
 * empty, not a string, not absolute, too long);
 * ERROR_NOT_ENOUGH_MEMORY; hrError when the registry cannot be read. */
HRESULT dsa_config_load(struct dsa_config *config);
void dsa_config_free(struct dsa_config *config);
/* The configured tombstone lifetime, read only by the calls that need it (a
 * backup records it in its token, a restore checks the token's age): the
 * default when the value is absent, hrError when it is there but cannot be read
 * (a shorter lifetime might have made a backup unrestorable). */
HRESULT dsa_tombstone_lifetime(DWORD *days);

/* "C:\dir\file" -> "\\COMPUTER\C$\dir\file"; UNC paths are kept as they are. */
HRESULT local_path_to_unc(const WCHAR *local_path, WCHAR **unc_path);

#endif
