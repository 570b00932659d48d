/*
 * Unit tests of the read-ahead policy: it is tried only for a client that works
 * between reads, kept only when the client's cycles get faster, measured again
 * after a while, and tried less and less often while it keeps losing.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "unit.h"
#include "read_ahead_policy.h"

#define CHUNK 65536u
/* One tick a microsecond: the client times below (100 ticks) are above
 * READ_AHEAD_MIN_WORK_US. */
#define TICKS_PER_SECOND 1000000

/* A simulated client: the call takes CALL ticks, the client then works WORK
 * ticks before the next call. */
struct simulation
{
    struct read_ahead_policy policy;
    int64_t clock;
};

static void start(struct simulation *sim, enum read_ahead_mode mode)
{
    read_ahead_policy_init(&sim->policy, mode, TICKS_PER_SECOND);
    sim->clock = 1000;
}

static void chunk(struct simulation *sim, int64_t call, int64_t work)
{
    int64_t entry = sim->clock;

    sim->clock += call;
    read_ahead_policy_chunk(&sim->policy, entry, sim->clock, CHUNK);
    sim->clock += work;
}

/* N chunks whose call time depends on whether they are read ahead. */
static void chunks(struct simulation *sim, int n, int64_t in_turn_call, int64_t ahead_call, int64_t work)
{
    while (n--) chunk(sim, sim->policy.ahead ? ahead_call : in_turn_call, work);
}

static void test_never_and_always(void **state)
{
    struct simulation sim;

    (void)state;
    start(&sim, READ_AHEAD_NEVER);
    chunks(&sim, 1000, 100, 10, 1000);
    assert_false(sim.policy.ahead);
    start(&sim, READ_AHEAD_ALWAYS);
    assert_true(sim.policy.ahead);
    chunks(&sim, 1000, 100, 1000, 0);
    assert_true(sim.policy.ahead);
}

/* A client that only reads (streaming) never gets a read ahead, however long,
 * and its calls are timed less and less often. */
static void test_idle_client_never_tried(void **state)
{
    struct simulation sim;
    int i, timed = 0;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    for (i = 0; i < 100000; i++)
    {
        timed += read_ahead_policy_timed(&sim.policy);
        chunk(&sim, 100, 5);
        assert_false(sim.policy.ahead);
    }
    /* Windows of 1 + 8 chunks after holds of 64, 128, ... then 1,024 chunks. */
    assert_true(timed < 100000 / READ_AHEAD_HOLD_MAX * (1 + READ_AHEAD_WINDOW) + 6 * (1 + READ_AHEAD_WINDOW));
    assert_true(timed > 100000 / (READ_AHEAD_HOLD_MAX + 1 + READ_AHEAD_WINDOW) * (1 + READ_AHEAD_WINDOW));
}

/* A client that works as long as the read takes: read-ahead is tried after one
 * window read in turn, kept when it halves the cycle, and the choice is measured
 * again after READ_AHEAD_HOLD_MIN chunks. */
static void test_kept_when_it_pays(void **state)
{
    struct simulation sim;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    chunk(&sim, 100, 100);                    /* the first chunk only starts the clock */
    chunks(&sim, READ_AHEAD_WINDOW - 1, 100, 10, 100);
    assert_false(sim.policy.ahead);
    chunks(&sim, 1, 100, 10, 100);
    assert_true(sim.policy.ahead);
    assert_int_equal(sim.policy.phase, READ_AHEAD_MEASURE_AHEAD);
    chunks(&sim, READ_AHEAD_WINDOW, 100, 10, 100);
    assert_true(sim.policy.ahead);
    assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
    chunks(&sim, READ_AHEAD_HOLD_MIN - 1, 100, 10, 100);
    assert_true(sim.policy.ahead);
    chunks(&sim, 1, 100, 10, 100);
    assert_false(sim.policy.ahead);           /* measured in turn again */
    assert_int_equal(sim.policy.phase, READ_AHEAD_MEASURE_IN_TURN);
    assert_true(read_ahead_policy_timed(&sim.policy));
    /* The hold was not timed: the window's first chunk starts the clock again. */
    chunks(&sim, READ_AHEAD_WINDOW, 100, 10, 100);
    assert_false(sim.policy.ahead);
    chunks(&sim, 1, 100, 10, 100);
    assert_true(sim.policy.ahead);
}

/* Each time read-ahead wins again it is kept twice as long, up to
 * READ_AHEAD_HOLD_MAX; the first loss brings the hold back to READ_AHEAD_HOLD_MIN. */
static void test_kept_longer_while_it_keeps_paying(void **state)
{
    struct simulation sim;
    unsigned expected = READ_AHEAD_HOLD_MIN;
    int round;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    for (round = 0; round < 6; round++)
    {
        chunks(&sim, 1 + 2 * READ_AHEAD_WINDOW, 100, 10, 100);
        assert_true(sim.policy.ahead);
        assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
        assert_int_equal(sim.policy.hold, expected);
        chunks(&sim, sim.policy.hold, 100, 10, 100);
        assert_int_equal(sim.policy.phase, READ_AHEAD_MEASURE_IN_TURN);
        if (expected < READ_AHEAD_HOLD_MAX) expected *= 2;
    }
    assert_int_equal(expected, READ_AHEAD_HOLD_MAX);
    /* The client changes: read-ahead now loses. */
    chunks(&sim, 1 + 2 * READ_AHEAD_WINDOW, 100, 300, 100);
    assert_false(sim.policy.ahead);
    assert_int_equal(sim.policy.hold, READ_AHEAD_HOLD_MIN);
}

/* During a hold the clock is not read: zeros for times change nothing. */
static void test_hold_is_not_timed(void **state)
{
    struct read_ahead_policy policy;
    int64_t t = 1000;
    int i;

    (void)state;
    read_ahead_policy_init(&policy, READ_AHEAD_MEASURED, TICKS_PER_SECOND);
    assert_true(read_ahead_policy_timed(&policy));
    for (i = 0; i <= READ_AHEAD_WINDOW; i++, t += 200) read_ahead_policy_chunk(&policy, t, t + 100, CHUNK);
    assert_true(policy.ahead);
    for (i = 0; i < READ_AHEAD_WINDOW; i++, t += 110) read_ahead_policy_chunk(&policy, t, t + 10, CHUNK);
    assert_int_equal(policy.phase, READ_AHEAD_HOLD);
    assert_false(read_ahead_policy_timed(&policy));
    for (i = 0; i < READ_AHEAD_HOLD_MIN - 1; i++) read_ahead_policy_chunk(&policy, 0, 0, CHUNK);
    assert_true(policy.ahead);
    assert_false(read_ahead_policy_timed(&policy));
    read_ahead_policy_chunk(&policy, 0, 0, CHUNK);
    assert_true(read_ahead_policy_timed(&policy));
    assert_int_equal(policy.last_return, 0);
    assert_int_equal(read_ahead_policy_timed(&(struct read_ahead_policy){.mode = READ_AHEAD_ALWAYS}), 0);
}

/* Read-ahead that saves less than READ_AHEAD_MIN_GAIN is dropped, and tried
 * again after ever longer holds, up to READ_AHEAD_HOLD_MAX chunks. */
static void test_dropped_when_it_does_not_pay(void **state)
{
    struct simulation sim;
    unsigned expected_hold = READ_AHEAD_HOLD_MIN;
    int round, tried;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    for (round = 0; round < 8; round++)
    {
        /* In turn 200 ticks a cycle; ahead 195: under the 5 % it must save.
         * The first chunk of each round starts the clock. */
        chunks(&sim, 1 + READ_AHEAD_WINDOW, 100, 95, 100);
        assert_true(sim.policy.ahead);
        chunks(&sim, READ_AHEAD_WINDOW, 100, 95, 100);
        assert_false(sim.policy.ahead);
        assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
        assert_int_equal(sim.policy.hold, expected_hold);
        for (tried = 0; sim.policy.phase == READ_AHEAD_HOLD; tried++)
        {
            chunks(&sim, 1, 100, 95, 100);
            assert_false(sim.policy.ahead);
        }
        assert_int_equal(tried, expected_hold);
        if (expected_hold < READ_AHEAD_HOLD_MAX) expected_hold *= 2;
    }
    assert_int_equal(expected_hold, READ_AHEAD_HOLD_MAX);
}

/* A client that works a large share of the time, but too briefly for a hand-over
 * to another thread to pay (under READ_AHEAD_MIN_WORK_US a chunk), is not tried. */
static void test_brief_client_not_tried(void **state)
{
    struct simulation sim;

    (void)state;
    read_ahead_policy_init(&sim.policy, READ_AHEAD_MEASURED, 10 * TICKS_PER_SECOND);
    sim.clock = 1000;
    chunks(&sim, 1 + READ_AHEAD_WINDOW, 150, 10, 10 * READ_AHEAD_MIN_WORK_US - 1);
    assert_false(sim.policy.ahead);
    assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
    read_ahead_policy_init(&sim.policy, READ_AHEAD_MEASURED, 10 * TICKS_PER_SECOND);
    chunks(&sim, 1 + READ_AHEAD_WINDOW, 150, 10, 10 * READ_AHEAD_MIN_WORK_US);
    assert_true(sim.policy.ahead);
    assert_int_equal(sim.policy.min_client_ticks, 10 * READ_AHEAD_MIN_WORK_US);
}

/* An idle client preempted once for long is not a client that works. */
static void test_one_long_pause_is_not_work(void **state)
{
    struct simulation sim;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    chunks(&sim, 1 + READ_AHEAD_WINDOW / 2, 10, 10, 1);
    chunk(&sim, 10, 100000);            /* well over 10 % of the window's time */
    chunks(&sim, READ_AHEAD_WINDOW / 2 - 1, 10, 10, 1);
    assert_false(sim.policy.ahead);
    assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
    /* Working after 3 chunks in 4 is enough. */
    start(&sim, READ_AHEAD_MEASURED);
    chunk(&sim, 10, 100);
    chunks(&sim, READ_AHEAD_WINDOW / 4, 10, 10, 1);
    chunks(&sim, READ_AHEAD_WINDOW - READ_AHEAD_WINDOW / 4, 10, 10, 100);
    assert_true(sim.policy.ahead);
}

/* A read-ahead that makes things slower is dropped at once. */
static void test_dropped_when_slower(void **state)
{
    struct simulation sim;

    (void)state;
    start(&sim, READ_AHEAD_MEASURED);
    chunk(&sim, 100, 100);
    chunks(&sim, 2 * READ_AHEAD_WINDOW, 100, 300, 100);
    assert_false(sim.policy.ahead);
    assert_int_equal(sim.policy.phase, READ_AHEAD_HOLD);
}

/* A clock that goes backwards, or calls that overlap, restart the timing of a
 * cycle instead of counting negative or huge times. */
static void test_clock_anomalies(void **state)
{
    struct read_ahead_policy policy;
    int i;

    (void)state;
    read_ahead_policy_init(&policy, READ_AHEAD_MEASURED, TICKS_PER_SECOND);
    read_ahead_policy_chunk(&policy, 1000, 1100, CHUNK);
    read_ahead_policy_chunk(&policy, 900, 950, CHUNK);      /* entry before the last return */
    assert_int_equal(policy.chunks, 0);
    read_ahead_policy_chunk(&policy, 2000, 1990, CHUNK);    /* exit before entry */
    assert_int_equal(policy.chunks, 0);
    assert_int_equal(policy.last_return, 1990);
    read_ahead_policy_chunk(&policy, 2100, 2200, CHUNK);
    assert_int_equal(policy.chunks, 1);
    assert_int_equal(policy.time, 210);
    assert_int_equal(policy.client_time, 110);
    /* Empty chunks (none is returned with S_OK, but) never divide by zero. */
    read_ahead_policy_init(&policy, READ_AHEAD_MEASURED, TICKS_PER_SECOND);
    for (i = 0; i < 2 * READ_AHEAD_WINDOW; i++) read_ahead_policy_chunk(&policy, 3000 + 10 * i, 3005 + 10 * i, 0);
    assert_int_equal(policy.phase, READ_AHEAD_MEASURE_IN_TURN);
    assert_false(policy.ahead);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        UNIT_TEST(test_never_and_always),
        UNIT_TEST(test_idle_client_never_tried),
        UNIT_TEST(test_kept_when_it_pays),
        UNIT_TEST(test_kept_longer_while_it_keeps_paying),
        UNIT_TEST(test_hold_is_not_timed),
        UNIT_TEST(test_dropped_when_it_does_not_pay),
        UNIT_TEST(test_dropped_when_slower),
        UNIT_TEST(test_brief_client_not_tried),
        UNIT_TEST(test_one_long_pause_is_not_work),
        UNIT_TEST(test_clock_anomalies),
    };
    return cmocka_run_group_tests_name("read_ahead_policy", tests, NULL, NULL);
}
