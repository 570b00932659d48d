/*
 * The restore registration as other parts of the DLL see it.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "restore_state.h"

BOOL restore_state_in_progress(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, RESTORE_IN_PROGRESS_KEY, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}
