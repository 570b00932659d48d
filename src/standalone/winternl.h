/*
 * mingw-w64's <winternl.h>, and what the DLL needs of ntdll that it does not
 * declare.  Wine's winternl.h declares all of it; in the standalone build this
 * header stands in front of mingw-w64's, reached through -I only there (the
 * Makefile), as wine/debug.h beside it is.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include_next <winternl.h>

#ifndef NTDSBCLI_WINTERNL_H
#define NTDSBCLI_WINTERNL_H

/* Documented with ntifs.h of the Windows driver kit, which mingw-w64 10's
 * user-mode winternl.h leaves out; the declaration is the one of Wine's and of
 * the kit's. */
NTSYSAPI NTSTATUS NTAPI NtQueryFullAttributesFile(const OBJECT_ATTRIBUTES *attributes,
                                                  FILE_NETWORK_OPEN_INFORMATION *information);

#endif
