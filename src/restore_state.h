/*
 * The machine-wide restore registration: while a restore is registered and not
 * completed, the directory stays offline and no backup can start.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_RESTORE_STATE_H
#define NTDSBCLI_RESTORE_STATE_H

#include <windows.h>

#define RESTORE_IN_PROGRESS_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress"

/* TRUE if HKLM\...\NTDS\Restore In Progress exists. */
BOOL restore_state_in_progress(void);

#endif
