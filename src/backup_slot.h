/*
 * One backup at a time on this machine, as the directory's database engine
 * allows one external backup at a time (docs/behaviour.md, "One backup at a
 * time").  The slot is held by a backup context from DsBackupPrepare to
 * DsBackupEnd, across processes and bitnesses; a process that dies gives it up
 * with its handles, so a crashed backup never blocks the next one.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_BACKUP_SLOT_H
#define NTDSBCLI_BACKUP_SLOT_H

#include <windows.h>

/* S_OK with *slot held; hrBackupInProgress while another backup holds it;
 * hrError if the system refuses the objects that make it. */
HRESULT backup_slot_take(HANDLE *slot);
void backup_slot_give_up(HANDLE slot);

#endif
