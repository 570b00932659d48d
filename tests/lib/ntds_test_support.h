/*
 * Helpers of the PE test programs for what only this project's setup has (see
 * ntds_test_support.c); the conformance tests that build in Wine's tree do
 * without them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDS_TEST_SUPPORT_H
#define NTDS_TEST_SUPPORT_H

#include <windows.h>
#include "ntds_layout.h"
/* The database's paths and UNC names: Windows facts, a conformance header. */
#include "../conformance/dsa_paths.h"

/* Starts or stops the NTDS service and waits; FALSE if there is no such service
 * or it would not reach the state. */
BOOL ntds_service_set_running(BOOL running);
BOOL ntds_service_exists(void);
/* Crafts a token in the DLL's documented format (docs/behaviour.md). */
void make_token(BYTE token[40], ULONGLONG backup_time, DWORD lifetime_days);

#endif
