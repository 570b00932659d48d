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
 *   database-location          the directory database's location as the DLL
 *                              gives it (DsRestorePrepareW without a token, then
 *                              DsRestoreGetDatabaseLocationsW): prints
 *                              "configured <UNC path>" or "not configured"
 *                              (hrCouldNotConnect); anything else fails
 *                              (tests/service/configured.sh)
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

static int database_location(void)
{
    WCHAR *list = NULL;
    DWORD size = 0;
    HRESULT hr;
    HBC hbc;

    if ((hr = DsRestorePrepareW(NULL, 0, NULL, 0, &hbc)) == hrCouldNotConnect)
    {
        printf("not configured\n");
        return 0;
    }
    if (hr)
    {
        printf("DsRestorePrepareW gave %#lx, expected S_OK or hrCouldNotConnect\n", (unsigned long)hr);
        return 1;
    }
    hr = DsRestoreGetDatabaseLocationsW(hbc, &list, &size);
    DsRestoreEnd(hbc);
    /* The database comes first, as BFT_NTDS_DATABASE and its path. */
    if (hr || !list || size < 3 * sizeof(WCHAR) || list[0] != 0x44)
    {
        printf("DsRestoreGetDatabaseLocationsW gave %#lx, list %s\n", (unsigned long)hr,
               list ? wine_dbgstr_wn(list, size / sizeof(WCHAR)) : "(none)");
        if (list) DsBackupFree(list);
        return 1;
    }
    printf("configured %ls\n", list + 1);
    DsBackupFree(list);
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
    if (!strcmp(mode, "database-location")) exit(database_location());
    if (!strcmp(mode, "set-identity"))
        exit(DsSetAuthIdentityW(L"Administrator", L"EXAMPLE", L"s3cret-PASSWORD") != S_OK
             || DsSetAuthIdentityA("Administrator", "EXAMPLE", "s3cret-PASSWORD") != S_OK);
    fprintf(stderr, "usage: conformance.exe standalone_tool expect-backup HRESULT | expect-online 0|1 | "
            "stand-in-starting STARTING_MS RUNNING_MS | set-identity | database-location\n");
    exit(2);
}
