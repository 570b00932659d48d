/*
 * conformance.exe standalone_tool MODE [ARGUMENTS]: one step of a backup tool,
 * or of the NTDS stand-in, for the shell suites (tests/conformance/run.sh,
 * tests/service/sessions.sh), which check its exit code:
 *   expect-backup HRESULT      DsBackupPrepareW gives that code now (a backup
 *                              it starts is ended at once)
 *   expect-online 0|1          DsIsNTDSOnlineW, the first call of the process,
 *                              says so (a tool's first call in a Wine session)
 *   stand-in-starting MS1 MS2  the stand-in's running event as it starts
 *   set-identity               DsSetAuthIdentityW and A with a password (for
 *                              the trace checks)
 * Exit code 0 if so, 1 if not, 2 for a mode it does not know.  Not in Wine's
 * tree: the modes serve this project's suites (tools/wine-tree).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

static int expect_backup(const char *expected)
{
    HRESULT want = (HRESULT)strtoul(expected, NULL, 0), hr;
    void *token;
    DWORD token_size;
    HBC hbc;

    hr = DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc);
    if (hr == S_OK)
    {
        DsBackupFree(token);
        DsBackupEnd(hbc);
    }
    printf("DsBackupPrepareW gave %#lx, expected %#lx\n", (unsigned long)hr, (unsigned long)want);
    return hr != want;
}

static int expect_online(BOOL expected)
{
    DWORD started = GetTickCount();
    BOOL online = !expected;
    HRESULT hr = DsIsNTDSOnlineW(NULL, &online);

    printf("DsIsNTDSOnlineW gave %#lx, online %d, after %lu ms\n", (unsigned long)hr, online,
           (unsigned long)(GetTickCount() - started));
    return hr != S_OK || !online != !expected;
}

/* What the NTDS stand-in does with its event (common/ntds_layout.h) as it
 * starts: the event exists, not signalled, for STARTING_MS, then signalled for
 * RUNNING_MS. */
static int stand_in_starting(int starting_ms, int running_ms)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NTDS_RUNNING_EVENT_NAME);

    if (!event) return 1;
    Sleep(starting_ms);
    SetEvent(event);
    Sleep(running_ms);
    CloseHandle(event);
    return 0;
}

START_TEST(standalone_tool)
{
    char **argv;
    int argc = winetest_get_mainargs(&argv);
    const char *mode = argc > 2 ? argv[2] : "";

    if (!strcmp(mode, "expect-backup") && argc > 3) exit(expect_backup(argv[3]));
    if (!strcmp(mode, "expect-online") && argc > 3) exit(expect_online(atoi(argv[3])));
    if (!strcmp(mode, "stand-in-starting") && argc > 4) exit(stand_in_starting(atoi(argv[3]), atoi(argv[4])));
    if (!strcmp(mode, "set-identity"))
        exit(DsSetAuthIdentityW(L"Administrator", L"EXAMPLE", L"s3cret-PASSWORD") != S_OK
             || DsSetAuthIdentityA("Administrator", "EXAMPLE", "s3cret-PASSWORD") != S_OK);
    fprintf(stderr, "usage: conformance.exe standalone_tool expect-backup HRESULT | expect-online 0|1 | "
            "stand-in-starting STARTING_MS RUNNING_MS | set-identity\n");
    exit(2);
}
