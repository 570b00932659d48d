/*
 * The few Windows types, codes and functions that the DLL's platform-neutral core
 * uses (handle table, name lists, name parsing, the token and journal formats), for
 * its native builds only: unit tests, sanitizers, valgrind and fuzzers reach this
 * header through -I (tests/programs.mk).  The DLL itself is
 * built with the real <windows.h>, so the core is written in plain Win32 (SRW
 * locks, Interlocked*, HeapAlloc) and reads the same in both.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_NATIVE_WINDOWS_H
#define NTDSBCLI_NATIVE_WINDOWS_H

#ifdef _WIN32
#error "the native stand-in for <windows.h> was reached in a Windows build"
#endif

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef uint16_t WCHAR;
typedef char CHAR;
typedef unsigned char BYTE;
typedef unsigned char BOOLEAN;
typedef int BOOL;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef uint32_t DWORD;
typedef int32_t HRESULT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uintptr_t ULONG_PTR;
typedef size_t SIZE_T;
typedef void *PVOID;
typedef void *HANDLE;

#define WINAPI
#define TRUE 1
#define FALSE 0
#define S_OK ((HRESULT)0)
#define ARRAYSIZE(x) (sizeof(x) / sizeof((x)[0]))
#define CONTAINING_RECORD(address, type, field) ((type *)((char *)(address) - offsetof(type, field)))

#define ERROR_SUCCESS 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_ACCESS_DENIED 5
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_HANDLE_EOF 38
#define ERROR_INVALID_PARAMETER 87
#define ERROR_INVALID_DATA 13
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define RPC_S_INVALID_BINDING 1702
#define RPC_S_ALREADY_LISTENING 1713

/* ---- Interlocked*, on the compiler's atomics ------------------------------------ */

static inline LONG InterlockedIncrement(LONG volatile *value)
{
    return __atomic_add_fetch(value, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedDecrement(LONG volatile *value)
{
    return __atomic_sub_fetch(value, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchange(LONG volatile *value, LONG new_value)
{
    return __atomic_exchange_n(value, new_value, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchangeAdd(LONG volatile *value, LONG add)
{
    return __atomic_fetch_add(value, add, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedOr(LONG volatile *value, LONG bits)
{
    return __atomic_fetch_or(value, bits, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedCompareExchange(LONG volatile *value, LONG new_value, LONG expected)
{
    __atomic_compare_exchange_n(value, &expected, new_value, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

static inline LONGLONG InterlockedCompareExchange64(LONGLONG volatile *value, LONGLONG new_value,
                                                    LONGLONG expected)
{
    __atomic_compare_exchange_n(value, &expected, new_value, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

/* ---- SRW locks (exclusive use only), on pthread mutexes ----------------------- */

typedef struct
{
    pthread_mutex_t mutex;
} SRWLOCK;

#define SRWLOCK_INIT { PTHREAD_MUTEX_INITIALIZER }

static inline void InitializeSRWLock(SRWLOCK *lock)
{
    pthread_mutex_init(&lock->mutex, NULL);
}

static inline void AcquireSRWLockExclusive(SRWLOCK *lock)
{
    pthread_mutex_lock(&lock->mutex);
}

static inline BOOLEAN TryAcquireSRWLockExclusive(SRWLOCK *lock)
{
    return !pthread_mutex_trylock(&lock->mutex);
}

static inline void ReleaseSRWLockExclusive(SRWLOCK *lock)
{
    pthread_mutex_unlock(&lock->mutex);
}

/* ---- the process heap, on the C library's allocator ----------------------------- */

#define HEAP_ZERO_MEMORY 0x08

static inline HANDLE GetProcessHeap(void)
{
    static int heap;
    return &heap;
}

static inline void *HeapAlloc(HANDLE heap, DWORD flags, SIZE_T size)
{
    (void)heap;
    return (flags & HEAP_ZERO_MEMORY) ? calloc(1, size) : malloc(size);
}

static inline void *HeapReAlloc(HANDLE heap, DWORD flags, void *p, SIZE_T size)
{
    (void)heap; (void)flags;
    return realloc(p, size);
}

static inline BOOL HeapFree(HANDLE heap, DWORD flags, void *p)
{
    (void)heap; (void)flags;
    free(p);
    return TRUE;
}

#endif
