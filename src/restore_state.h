/*
 * The machine-wide restore registration, kept in the registry key
 * HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress.  While it
 * exists the directory is offline: the NTDS service refuses to start,
 * DsIsNTDSOnline reports FALSE and DsBackupPrepare fails with hrRestoreInProgress.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_RESTORE_STATE_H
#define NTDSBCLI_RESTORE_STATE_H

#include <windows.h>
#include "ntds_layout.h"

struct restore_registration
{
    const WCHAR *checkpoint_path;
    const WCHAR *log_path;
    const WCHAR *backup_log_path;
    const WCHAR *const *old_names;
    const WCHAR *const *new_names;
    long map_count;
    ULONG generation_low, generation_high;
    ULONGLONG backup_time;          /* from the expiry token */
    ULONGLONG backup_id;
};

/* TRUE if a restore is registered and not completed (the key, or the journal, from
 * which the key is then put back). */
BOOL restore_state_in_progress(void);
/* Creates the registration, durably (the key is flushed to disk).  Fails with
 * hrRestoreInProgress if one exists already (two racing callers: one wins), or
 * with hrError when the registry refuses; then nothing is left behind. */
HRESULT restore_state_register(const struct restore_registration *registration);
/* With S_OK, removes the registration; with a failure status, records it in the
 * registration, which stays.  hrInvalidBackupSequence if nothing is registered. */
HRESULT restore_state_complete(HRESULT restore_status);

#endif
