/*
 * When to read ahead (see read_ahead_policy.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "read_ahead_policy.h"

static void start_window(struct read_ahead_policy *policy, enum read_ahead_phase phase, int ahead)
{
    /* Holds are not timed: a window after one starts its own clock. */
    if (policy->phase == READ_AHEAD_HOLD) policy->last_return = 0;
    policy->phase = phase;
    policy->ahead = ahead;
    policy->chunks = policy->busy_chunks = 0;
    policy->time = policy->client_time = 0;
    policy->bytes = 0;
}

/* Keeps a choice for a while, twice as long each time the same choice is made
 * again: a steady client is measured less and less often, a change of mind is
 * checked again soon (one noisy window must not switch a good choice off for long). */
static void decide(struct read_ahead_policy *policy, int ahead)
{
    if (policy->decided && policy->ahead_chosen == ahead)
    {
        if (policy->next_hold < READ_AHEAD_HOLD_MAX) policy->next_hold *= 2;
    }
    else policy->next_hold = READ_AHEAD_HOLD_MIN;
    policy->decided = 1;
    policy->ahead_chosen = ahead;
    start_window(policy, READ_AHEAD_HOLD, ahead);
    policy->hold = policy->next_hold;
}

void read_ahead_policy_init(struct read_ahead_policy *policy, enum read_ahead_mode mode, int64_t ticks_per_second)
{
    memset(policy, 0, sizeof(*policy));
    policy->mode = mode;
    policy->min_client_ticks = ticks_per_second / 1000000 * READ_AHEAD_MIN_WORK_US
                             + ticks_per_second % 1000000 * READ_AHEAD_MIN_WORK_US / 1000000;
    policy->next_hold = READ_AHEAD_HOLD_MIN;
    start_window(policy, READ_AHEAD_MEASURE_IN_TURN, mode == READ_AHEAD_ALWAYS);
}

void read_ahead_policy_chunk(struct read_ahead_policy *policy, int64_t entry, int64_t exit, uint32_t bytes)
{
    int64_t cycle, client;
    double cost;

    if (policy->mode != READ_AHEAD_MEASURED) return;
    if (policy->phase == READ_AHEAD_HOLD)
    {
        if (--policy->hold == 0) start_window(policy, READ_AHEAD_MEASURE_IN_TURN, 0);
        return;
    }
    if (!policy->last_return || exit < entry || entry < policy->last_return)
    {
        policy->last_return = exit;
        return;
    }
    cycle = exit - policy->last_return;
    client = entry - policy->last_return;
    policy->last_return = exit;
    policy->chunks++;
    if (client >= policy->min_client_ticks) policy->busy_chunks++;
    policy->time += cycle;
    policy->client_time += client;
    policy->bytes += bytes;
    if (policy->chunks < READ_AHEAD_WINDOW || !policy->bytes) return;

    cost = (double)policy->time / (double)policy->bytes;
    if (policy->phase == READ_AHEAD_MEASURE_IN_TURN)
    {
        policy->in_turn_cost = cost;
        /* Chunk by chunk: one long pause (the client preempted, say) is not work. */
        if ((double)policy->client_time < READ_AHEAD_MIN_WORK * (double)policy->time
                || policy->busy_chunks < policy->chunks * 3 / 4)
            decide(policy, 0);
        else
            start_window(policy, READ_AHEAD_MEASURE_AHEAD, 1);
    }
    else decide(policy, cost < (1.0 - READ_AHEAD_MIN_GAIN) * policy->in_turn_cost);
}

int read_ahead_policy_timed(const struct read_ahead_policy *policy)
{
    return policy->mode == READ_AHEAD_MEASURED && policy->phase != READ_AHEAD_HOLD;
}
