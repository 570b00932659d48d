/*
 * Conformance tests on a machine that is not a domain controller: no directory
 * database is configured (run.sh removes the generated one's registration).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conformance.h"

static void test_not_a_domain_controller(void)
{
    BOOL online = 42;
    void *token = (void *)1;
    DWORD token_size = 1;
    HBC hbc = (HBC)1;

    /* What a machine that is not a domain controller answers is this DLL's
     * choice (docs/behaviour.md). */
    ok_hr_choice(DsIsNTDSOnlineW(NULL, &online), S_OK);
    ok(online == FALSE || broken(TRUE), "online: got %d, expected FALSE\n", online);
    ok_hr_choice(DsIsNTDSOnlineA("", &online), S_OK);
    ok(online == FALSE || broken(TRUE), "online: got %d, expected FALSE\n", online);
    ok_hr_choice(DsBackupPrepareW(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), hrCouldNotConnect);
    ok(!hbc, "hbc: got %p, expected NULL\n", hbc);
    ok(!token, "token: got %p, expected NULL\n", token);
    ok_hr_choice(DsBackupPrepareA(NULL, 0, BACKUP_TYPE_FULL, &token, &token_size, &hbc), hrCouldNotConnect);
}

START_TEST(not_a_dc)
{
    struct dsa_paths paths;

    if (read_dsa_paths(&paths))
    {
        skip("this machine is a domain controller\n");
        return;
    }
    test_not_a_domain_controller();
}
