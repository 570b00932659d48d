/*
 * When to read ahead.  A read ahead overlaps the next DsBackupRead's read with
 * the client's work on the chunk it just got, on another core; but DsBackupRead
 * fills the caller's buffer, so a chunk read ahead must then be copied, and from
 * the page cache that copy costs nearly what the read did.  Whether it pays
 * depends on the client, the cache and the machine, so it is measured, not
 * guessed: the policy times whole client cycles (from one chunk's return to the
 * next's) for a window of chunks read in turn, then for a window read ahead,
 * keeps the faster for a while (longer each time it makes the same choice), and
 * measures again.  A client that does almost
 * nothing between reads is never tried with read-ahead.
 *
 * Platform-neutral (times are ticks of any clock) so that it is unit-tested.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_READ_AHEAD_POLICY_H
#define NTDSBCLI_READ_AHEAD_POLICY_H

#include <stdint.h>

#define READ_AHEAD_WINDOW 16        /* chunks timed per measurement */
#define READ_AHEAD_HOLD_MIN 64      /* chunks a choice is kept before measuring again */
#define READ_AHEAD_HOLD_MAX 512     /* ... once the same choice was made several times over */
#define READ_AHEAD_MIN_GAIN 0.05    /* read-ahead must save this share of the time */
#define READ_AHEAD_MIN_WORK 0.10    /* the client's share of the time that makes trying worth it */
#define READ_AHEAD_MIN_WORK_US 20   /* ... and its time after 3 chunks in 4: below it, handing
                                     * the read to another thread costs more than it can save */

enum read_ahead_mode
{
    READ_AHEAD_NEVER,
    READ_AHEAD_MEASURED,        /* the default */
    READ_AHEAD_ALWAYS           /* for tests: every chunk but a file's first */
};

enum read_ahead_phase
{
    READ_AHEAD_MEASURE_IN_TURN,
    READ_AHEAD_MEASURE_AHEAD,
    READ_AHEAD_HOLD
};

struct read_ahead_policy
{
    enum read_ahead_mode mode;
    int ahead;                  /* read the next chunk ahead of the call that wants it */
    enum read_ahead_phase phase;
    int64_t last_return;        /* when the previous chunk was returned; 0 before any */
    unsigned chunks;            /* the window being timed */
    unsigned busy_chunks;       /* ... those after which the client worked READ_AHEAD_MIN_WORK_US */
    int64_t time, client_time;
    uint64_t bytes;
    double in_turn_cost;        /* ticks per byte, last window read in turn */
    int64_t min_client_ticks;   /* READ_AHEAD_MIN_WORK_US in ticks */
    unsigned hold, next_hold;
    int decided, ahead_chosen;  /* the last choice made after a measurement */
};

/* TICKS_PER_SECOND: of the clock whose times read_ahead_policy_chunk gets. */
void read_ahead_policy_init(struct read_ahead_policy *policy, enum read_ahead_mode mode, int64_t ticks_per_second);
/* A chunk of BYTES was returned by a call that began at ENTRY and returned at
 * EXIT.  Called before the next read ahead is started, so that the choice made
 * here applies from the very next chunk. */
void read_ahead_policy_chunk(struct read_ahead_policy *policy, int64_t entry, int64_t exit, uint32_t bytes);

/* Whether the next chunk's times are used: if not, read_ahead_policy_chunk takes
 * zeros, and the clock is not read (twice a call) during a hold. */
int read_ahead_policy_timed(const struct read_ahead_policy *policy);

#endif
