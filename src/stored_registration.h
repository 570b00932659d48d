/*
 * The values of a restore registration, as the key RESTORE_IN_PROGRESS_KEY holds
 * them (ntds_layout.h names each).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_STORED_REGISTRATION_H
#define NTDSBCLI_STORED_REGISTRATION_H

#include <string.h>
#include "portable.h"
#include "memory.h"

struct stored_registration
{
    WCHAR *checkpoint_path, *log_path, *backup_log_path;
    WCHAR *restore_map;          /* REG_MULTI_SZ: old\0new\0...\0 */
    size_t restore_map_chars;    /* with the final NUL */
    DWORD generation_low, generation_high, status;
    ULONGLONG backup_time, backup_id, registration_time;
    ULONGLONG registration_id;   /* never 0; 0 in a registration made before owners were recorded */
    DWORD owner_process;         /* 0 once the owner ended without completing */
    ULONGLONG owner_start_time;  /* tells a reused process id from the owner */
};

static inline void stored_registration_free(struct stored_registration *r)
{
    mem_free(r->checkpoint_path);
    mem_free(r->log_path);
    mem_free(r->backup_log_path);
    mem_free(r->restore_map);
    memset(r, 0, sizeof(*r));
}

#endif
