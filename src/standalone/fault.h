/*
 * Fault injection, in the manner of SQLite's test_malloc.c and test_vfs.c: a test
 * arms a countdown for one kind of operation, and the N-th such operation fails as
 * if the system had refused it.
 *
 * It exists only in test builds: the native builds of the core (unit tests,
 * fuzzers) and the test build of the DLL (build/<arch>/test/ntdsbcli.dll, whose
 * extra exports are in test_hooks.c), all compiled with NTDSBCLI_FAULT_INJECTION.
 * In the DLL that ships, every injection point is the constant 0: no counter, no
 * switch, nothing that can make it fail on purpose.
 *
 * Wine's tree has none of it.  So that tools/wine-tree can leave it out exactly,
 * a fault point is always one line of its own,
 *
 *     if (fault_should_fail(FAULT_KIND)) return <what the refused call returns>;
 *
 * (the helpers below set the last error where the call would), in a file that
 * includes this header on a line of its own; the export removes those lines and
 * refuses a file that names fault_ anywhere else (docs/wine-upstream.md).
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

#ifdef NTDSBCLI_FAULT_INJECTION

/* Fail the n-th operation of this kind from now on (n >= 1); 0 disarms.  With
 * persistent set, every operation after the n-th fails too. */
void fault_arm(enum fault_kind kind, long n, int persistent);
void fault_disarm_all(void);
/* Number of operations of this kind seen since the last fault_arm (nothing is
 * counted while no fault is armed). */
long fault_count(enum fault_kind kind);
/* Number of faults injected since the process started. */
long fault_injected_total(void);
/* Disarmed, one load of a flag. */
int fault_should_fail(enum fault_kind kind);

#else

#define fault_should_fail(kind) ((void)(kind), 0)

#endif

#ifdef _WIN32
/* The result of a refused call that reports its error through the last error. */
static inline HANDLE fault_failed_handle(DWORD error)
{
    SetLastError(error);
    return INVALID_HANDLE_VALUE;
}

static inline BOOL fault_failed(DWORD error)
{
    SetLastError(error);
    return FALSE;
}
#endif

#endif
