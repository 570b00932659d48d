/*
 * Helpers shared by the PE test programs (see ntds_test_support.c).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDS_TEST_SUPPORT_H
#define NTDS_TEST_SUPPORT_H

#include <windows.h>
#include "ntds_layout.h"

/* What the registry says about the directory database under test. */
struct dsa_paths
{
    WCHAR database[MAX_PATH];
    WCHAR log_dir[MAX_PATH];
    WCHAR working_dir[MAX_PATH];
};

/* FALSE if a value is missing. */
BOOL read_dsa_paths(struct dsa_paths *paths);
/* "C:\x" -> "\\COMPUTER\C$\x"; FALSE if the computer's name cannot be had
 * (the name is then left out). */
BOOL expected_unc(const WCHAR *local, WCHAR *unc, size_t size);

/* Starts or stops the NTDS service and waits; FALSE if there is no such service
 * or it would not reach the state. */
BOOL ntds_service_set_running(BOOL running);
BOOL ntds_service_exists(void);
/* A restore registration is visible in the registry. */
BOOL restore_registered(void);
/* Crafts a token in the DLL's documented format (docs/behaviour.md). */
void make_token(BYTE token[40], ULONGLONG backup_time, DWORD lifetime_days);

#endif
