/*
 * A mutex that builds on Windows (SRW lock) and natively (pthreads).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_SYNC_H
#define NTDSBCLI_SYNC_H

#ifdef _WIN32
#include <windows.h>
struct mutex { SRWLOCK srw; };
#define MUTEX_INIT { SRWLOCK_INIT }
static inline void mutex_init(struct mutex *m) { InitializeSRWLock(&m->srw); }
static inline void mutex_lock(struct mutex *m) { AcquireSRWLockExclusive(&m->srw); }
static inline int mutex_try_lock(struct mutex *m) { return TryAcquireSRWLockExclusive(&m->srw); }
static inline void mutex_unlock(struct mutex *m) { ReleaseSRWLockExclusive(&m->srw); }
static inline void mutex_destroy(struct mutex *m) { (void)m; }
#else
#include <pthread.h>
struct mutex { pthread_mutex_t m; };
#define MUTEX_INIT { PTHREAD_MUTEX_INITIALIZER }
static inline void mutex_init(struct mutex *m) { pthread_mutex_init(&m->m, NULL); }
static inline void mutex_lock(struct mutex *m) { pthread_mutex_lock(&m->m); }
static inline int mutex_try_lock(struct mutex *m) { return !pthread_mutex_trylock(&m->m); }
static inline void mutex_unlock(struct mutex *m) { pthread_mutex_unlock(&m->m); }
static inline void mutex_destroy(struct mutex *m) { pthread_mutex_destroy(&m->m); }
#endif

#endif
