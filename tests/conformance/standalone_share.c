/*
 * The locations when this computer's administrative share (\\COMPUTER\C$) does
 * not resolve in the prefix: the DLL still gives them, warns once on its
 * warning channel and changes nothing in the prefix (run.sh checks the warning
 * and the prefix).  Not in Wine's tree: the warning is this project's
 * (tools/wine-tree).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

/* run.sh removes the prefix's link for \\COMPUTER\C$ first: the lists are still
 * given (the DLL reads the files by their local paths), and run.sh checks what
 * the DLL said about the share on stderr, and that it made no link itself. */
static void test_locations_without_share(void)
{
    WCHAR *list = NULL;
    DWORD size;
    HBC limited;
    int i;

    ok_hr(DsRestorePrepareW(NULL, 0, NULL, 0, &limited), S_OK);
    for (i = 0; i < 2; i++)
    {
        ok_hr(DsRestoreGetDatabaseLocationsW(limited, &list, &size), S_OK);
        ok_int(count_list_entries(list, size), 3);
        DsBackupFree(list);
    }
    ok_hr(DsRestoreEnd(limited), S_OK);
}

START_TEST(standalone_share)
{
    struct dsa_paths paths;

    if (!read_dsa_paths(&paths))
    {
        skip("no directory database is configured\n");
        return;
    }
    test_locations_without_share();
}
