/*
 * Shared helpers of the conformance tests.  These tests use only the public
 * header and Win32, so that they build against the SDK and run on Windows too.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ntdsbcli.h>
#include "ntds_test_support.h"
/* Reads a whole file into a new buffer (free with HeapFree). */
BYTE *read_whole_file(const WCHAR *path, DWORD *size);
void write_file(const WCHAR *path, const void *data, DWORD size);
/* Opens, reads to the end and closes a listed name; returns the bytes read
 * (HeapFree) and the final HRESULT of the sequence. */
BYTE *backup_whole_file(HBC hbc, const WCHAR *name, DWORD buffer_size, DWORD *size, HRESULT *hr);
HBC prepare_backup(void);
/* Number of entries in a W list, checking its shape on the way. */
int count_list_entries(const WCHAR *list, DWORD bytes);
/* The n-th entry of a W list (BFT first), or NULL. */
const WCHAR *list_entry(const WCHAR *list, int n);


/* Marks a check of a choice docs/behaviour.md records where the documentation is
 * silent (here: which code a situation gives), so Microsoft's DLL may answer
 * otherwise.  Against this project's DLL (its version resource says so) it is a
 * plain assertion; against another ntdsbcli.dll the difference is printed as
 * such ("windows_may_differ: ...") and the test goes on, as Wine's tests mark
 * theirs with broken(). */
#define windows_may_differ_hr(call, expected) \
    windows_may_differ_check_hr((call), (expected), #call, #expected, __FILE__, __LINE__)
void windows_may_differ_check_hr(HRESULT got, HRESULT expected, const char *call, const char *expected_name,
                                 const char *file, int line);

/* Removes a privilege from the process token for the rest of the process. */
void remove_privilege(const WCHAR *name);
int run_backup_tests(void);
int run_not_a_dc_tests(void);
int run_offline_without_service_tests(void);
int run_no_backup_privilege_tests(void);
int run_restore_tests(void);
int run_no_restore_privilege_tests(void);
int run_share_not_resolving_tests(void);
int run_one_backup_tests(void);
int whole_backup(void);
int hold_backup(const char *flag);
int expect_backup(const char *expected);
int expect_online(BOOL expected);
int stand_in_starting(int starting_ms, int running_ms);
int register_and_crash(void);
int check_registration_survived(void);

#endif
