/*
 * ntdssvc's command line (ntdssvc.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include "ntdssvc.h"

static void usage(FILE *out)
{
    fputs("usage: ntdssvc install      register the service NTDS (demand start) to run this program\n"
          "       ntdssvc uninstall    stop the service if it runs, and delete it\n"
          "       ntdssvc [service]    run as the service (the service control manager does this)\n"
          "       ntdssvc --help       this text\n"
          "\n"
          "A stand-in for the directory service: while it runs it holds the database named by\n"
          "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters \"DSA Database file\" and\n"
          "<\"Database log files path\">\\edb.log open without FILE_SHARE_DELETE, so they cannot\n"
          "be deleted or replaced. It does not start while the key ...\\NTDS\\Restore In Progress\n"
          "exists. Start and stop it with: net start NTDS / net stop NTDS; once started it\n"
          "starts with every Wine session until it is stopped again.\n"
          "Exit status: 0 done, 1 failed, 2 bad usage.\n", out);
}

int main(int argc, char **argv)
{
    DWORD n;

    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "/?")))
    {
        usage(stdout);
        return EXIT_OK;
    }
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "install") && strcmp(argv[1], "uninstall")
                     && strcmp(argv[1], "service")))
    {
        usage(stderr);
        return EXIT_USAGE;
    }
    n = GetModuleFileNameW(NULL, exe_path, PATH_CCH);
    if (!n || n >= PATH_CCH)
    {
        fprintf(stderr, "ntdssvc: the path of this program is too long\n");
        return EXIT_FAILED;
    }
    if (argc == 1 || !strcmp(argv[1], "service")) return run_service();
    return !strcmp(argv[1], "install") ? install_service() : uninstall_service();
}
