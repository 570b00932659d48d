/*
 * Fault injection, in the manner of SQLite's test_malloc.c and test_vfs.c: a test
 * arms a countdown for one kind of operation, and the N-th such operation fails as
 * if the system had refused it.  Disarmed (the default), each check is one load.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_FAULT_H
#define NTDSBCLI_FAULT_H

enum fault_kind
{
    FAULT_ALLOC,
    FAULT_FILE_OPEN,
    FAULT_FILE_READ,
    FAULT_FILE_WRITE,
    FAULT_REGISTRY,
    FAULT_KIND_COUNT
};

/* Fail the n-th operation of this kind from now on (n >= 1); 0 disarms.  With
 * persistent set, every operation after the n-th fails too. */
void fault_arm(enum fault_kind kind, long n, int persistent);
void fault_disarm_all(void);
/* Number of operations of this kind seen since the last fault_arm (nothing is
 * counted while no fault is armed). */
long fault_count(enum fault_kind kind);
/* Number of faults injected since the process started. */
long fault_injected_total(void);
int fault_should_fail(enum fault_kind kind);
/* Reads NTDSBCLI_FAULT=kind:n[:persistent] (kinds: alloc, open, read, write, registry)
 * so that tests of the real DLL under Wine can inject faults too. */
void fault_arm_from_environment(const char *value);
/* In the DLL: re-reads NTDSBCLI_FAULT if it was set when the process started. */
void fault_rearm_from_environment(void);

#endif
