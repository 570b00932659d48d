/*
 * The machine-wide restore registration, kept in the registry key
 * HKLM\SYSTEM\CurrentControlSet\Services\NTDS\Restore In Progress.  While it
 * exists the directory is offline: the NTDS service refuses to start,
 * DsIsNTDSOnline reports FALSE and DsBackupPrepare fails with hrRestoreInProgress.
 *
 * A registration belongs to the context that made it (its Registration Id, and
 * the owner's process).  Only that context completes it.  A new registration
 * replaces one that can no longer complete: completed with a failure, or whose
 * owner ended without completing it or whose process is gone; one whose owner is
 * alive is a live restore, and a second one is refused (docs/behaviour.md,
 * "Restore").
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

/* TRUE if a restore is registered and not completed. */
BOOL restore_state_in_progress(void);
/* Creates the registration, durably, owned by the calling process, replacing one
 * that can no longer complete; stores its id in *registration_id.  Fails with
 * hrRestoreInProgress while a live restore is registered (two racing callers: one
 * wins), or with hrError when the registry refuses; then nothing of the new
 * registration is left behind. */
HRESULT restore_state_register(const struct restore_registration *registration, ULONGLONG *registration_id);
/* For the owner of registration_id only: with S_OK, removes the registration;
 * with a failure status, records it, and the registration stays (the directory
 * stays offline) until a new restore replaces it and completes.
 * hrInvalidBackupSequence if this id is not the registration in place. */
HRESULT restore_state_complete(ULONGLONG registration_id, HRESULT restore_status);
/* The owner of registration_id ends without completing: a new restore may then
 * replace the registration, which otherwise stays as it is. */
void restore_state_owner_ended(ULONGLONG registration_id);

#endif
