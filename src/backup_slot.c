/*
 * The machine's one backup slot (backup_slot.h).
 *
 * The slot is a named event: whoever created it holds the slot, for as long as
 * its handle is open.  Kernel objects live while a handle to them is open and die
 * with the last one, so a backup that ends, and a process that dies, both free
 * it; and a handle cannot be left behind by a thread, as a mutex's ownership can.
 * Taking the slot opens the event's name for a moment even when it exists; a
 * short named mutex keeps two takers from seeing each other's moment, so that a
 * refused caller never makes the slot look held after its holder gave it up.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "backup_slot.h"

/* Global\: one namespace for every process of the machine (of a Wine prefix),
 * 32- and 64-bit alike. */
#define BACKUP_SLOT_NAME L"Global\\ntdsbcli backup in progress"
#define BACKUP_SLOT_GUARD_NAME L"Global\\ntdsbcli backup slot guard"
/* The guard is held for two system calls: a holder that takes longer died. */
#define BACKUP_SLOT_GUARD_WAIT_MS 10000

HRESULT backup_slot_take(HANDLE *slot)
{
    HANDLE guard, event;
    DWORD wait, error;
    HRESULT hr = S_OK;

    *slot = NULL;
    if (!(guard = CreateMutexW(NULL, FALSE, BACKUP_SLOT_GUARD_NAME))) return hrError;
    /* Abandoned: its holder died between its two calls, which leaves nothing half done. */
    wait = WaitForSingleObject(guard, BACKUP_SLOT_GUARD_WAIT_MS);
    if (wait != WAIT_OBJECT_0 && wait != WAIT_ABANDONED)
    {
        CloseHandle(guard);
        return hrError;
    }
    event = CreateEventW(NULL, TRUE, FALSE, BACKUP_SLOT_NAME);
    error = GetLastError();
    if (!event) hr = hrError;
    else if (error == ERROR_ALREADY_EXISTS)
    {
        CloseHandle(event);
        hr = hrBackupInProgress;
    }
    else *slot = event;
    ReleaseMutex(guard);
    CloseHandle(guard);
    return hr;
}

void backup_slot_give_up(HANDLE slot)
{
    if (slot) CloseHandle(slot);
}
