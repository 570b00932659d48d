/*
 * conformance.exe [mode]: runs one group of conformance tests (run.sh chooses).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "conformance.h"

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "backup";

    if (!strcmp(mode, "backup")) return run_backup_tests();
    if (!strcmp(mode, "not-a-dc")) return run_not_a_dc_tests();
    if (!strcmp(mode, "offline-without-service")) return run_offline_without_service_tests();
    if (!strcmp(mode, "no-backup-privilege")) return run_no_backup_privilege_tests();
    if (!strcmp(mode, "restore")) return run_restore_tests();
    if (!strcmp(mode, "no-restore-privilege")) return run_no_restore_privilege_tests();
    if (!strcmp(mode, "share-not-resolving")) return run_share_not_resolving_tests();
    if (!strcmp(mode, "one-backup")) return run_one_backup_tests();
    if (!strcmp(mode, "whole-backup")) return whole_backup();
    if (!strcmp(mode, "hold-backup") && argc > 2) return hold_backup(argv[2]);
    if (!strcmp(mode, "expect-backup") && argc > 2) return expect_backup(argv[2]);
    if (!strcmp(mode, "expect-online") && argc > 2) return expect_online(atoi(argv[2]));
    if (!strcmp(mode, "stand-in-starting") && argc > 3) return stand_in_starting(atoi(argv[2]), atoi(argv[3]));
    if (!strcmp(mode, "register-and-crash")) return register_and_crash();
    if (!strcmp(mode, "check-registration-survived")) return check_registration_survived();
    if (!strcmp(mode, "set-identity"))
        return DsSetAuthIdentityW(L"Administrator", L"EXAMPLE", L"s3cret-PASSWORD") != S_OK
               || DsSetAuthIdentityA("Administrator", "EXAMPLE", "s3cret-PASSWORD") != S_OK;
    return 2;
}
