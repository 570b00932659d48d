/*
 * Shared by the unit tests: cmocka (natively; the PE build maps cmocka's calls
 * onto Wine's test API, cmocka_on_winetest.h), wide literals, and a leak check
 * on the DLL's own allocator.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_UNIT_H
#define NTDSBCLI_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "portable.h"
#include "memory.h"
#include "fault.h"

#ifdef _WIN32
#include "cmocka_on_winetest.h"
#else
#include <cmocka.h>
#endif

/* WCHAR is uint16_t natively, the same type as char16_t: u"" literals are WCHAR
 * strings. */
#define W(s) ((const WCHAR *)u"" s)

/* Asserts with the values in the message, as Wine's tests print them. */
#define assert_hr(got, expected) do { \
        HRESULT got_ = (got), expected_ = (expected); \
        if (got_ != expected_) \
            fail_msg("%s: got %#lx, expected %#lx", #got, (unsigned long)(uint32_t)got_, \
                     (unsigned long)(uint32_t)expected_); \
    } while (0)

/* Every test leaves the allocator and the fault injection as it found them. */
static inline int unit_setup(void **state)
{
    fault_disarm_all();
    *state = (void *)(intptr_t)mem_live_count();
    return 0;
}

static inline int unit_teardown(void **state)
{
    long before = (long)(intptr_t)*state;
    fault_disarm_all();
    if (mem_live_count() != before)
    {
        print_error("leak: %ld live allocations before the test, %ld after\n", before,
                    mem_live_count());
        return -1;
    }
    return 0;
}

#define UNIT_TEST(f) cmocka_unit_test_setup_teardown(f, unit_setup, unit_teardown)

#endif
