/*
 * reliability.exe MODE [ARGS]: one part of the reliability tests (run.sh chooses).
 *   faults backup|truncate|restore [--persistent-every-n]
 *   changes                     files changing underneath a backup
 *   unreadable-log-folder       GetBackupLogs on a folder the process may not list
 *   handles [--quick]           handle torture
 *   durability-register         registers a restore and waits to be killed
 *   durability-check            after the kill: is the registration still there?
 *   disk-full                   DsRestoreRegister and Complete with the journal's disk full
 * "faults" needs the test build of the DLL next to it (run.sh copies
 * build/<arch>/test/ntdsbcli.dll for that part; the others get the DLL that ships).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include "reliability.h"

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (!strcmp(mode, "faults")) return run_fault_tests(argc, argv);
    if (!strcmp(mode, "changes")) return run_change_tests(argc, argv);
    if (!strcmp(mode, "unreadable-log-folder")) return run_unreadable_log_folder_test(argc, argv);
    if (!strcmp(mode, "handles")) return run_handle_tests(argc, argv);
    if (!strcmp(mode, "durability-register")) return run_durability_register(argc, argv);
    if (!strcmp(mode, "durability-check")) return run_durability_check(argc, argv);
    if (!strcmp(mode, "disk-full")) return run_disk_full_test(argc, argv);
    fprintf(stderr, "usage: reliability.exe faults|changes|unreadable-log-folder|handles|durability-register|"
            "durability-check|disk-full ...\n");
    return 2;
}
