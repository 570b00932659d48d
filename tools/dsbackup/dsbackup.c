/*
 * dsbackup: backs up and restores the directory database through ntdsbcli.dll the
 * way a legacy backup application does, and checks such backups.
 *
 *   dsbackup backup DIR [--truncate-logs]     backup.c
 *   dsbackup verify DIR                       verify.c
 *   dsbackup restore DIR                      restore.c
 *   dsbackup status                           status.c
 *   dsbackup offline | online                 online.c
 *   dsbackup init-sample [DIR] [--force]      init_sample.c
 *   dsbackup link-share                       link_share.c
 *
 * This file holds the command table, the general help and the argument helpers
 * the subcommands share.  A backup folder and its manifest.txt are described in
 * backup.c and manifest.h; console output and progress are in output.c, the
 * system helpers in system.c.
 *
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include "dsbackup.h"

struct command
{
    const char *name;
    int (*run)(int argc, WCHAR **argv);     /* argv[0] is the command's name */
};

static const struct command commands[] =
{
    {"backup", cmd_backup},
    {"verify", cmd_verify},
    {"restore", cmd_restore},
    {"status", cmd_status},
    {"offline", cmd_offline},
    {"online", cmd_online},
    {"init-sample", cmd_init_sample},
    {"link-share", cmd_link_share},
};

static const char general_help[] =
    "Usage: dsbackup COMMAND [ARGUMENTS]\n"
    "\n"
    "Backs up and restores the directory database of this domain controller\n"
    "through ntdsbcli.dll (the Directory Backup Functions), and checks backups.\n"
    "\n"
    "Commands:\n"
    "  backup DIR [--truncate-logs]  back up the database and its logs into DIR\n"
    "  verify DIR                    check every file of the backup in DIR\n"
    "  restore DIR                   restore the backup in DIR (the directory must\n"
    "                                be offline); run it again after a restore\n"
    "                                that failed or stopped half way\n"
    "  status                        show whether the directory is online, where its\n"
    "                                database is, the NTDS service's state, and any\n"
    "                                restore in progress\n"
    "  offline                       take the directory offline for a restore (stop\n"
    "                                the NTDS service, or mark it offline where\n"
    "                                there is none)\n"
    "  online                        bring it back online after a restore\n"
    "  init-sample [DIR] [--force]   create a sample directory database to try the\n"
    "                                other commands on (default C:\\Windows\\NTDS)\n"
    "  link-share                    under Wine, make this machine's administrative\n"
    "                                shares (\\\\COMPUTER\\C$) resolve for the drives\n"
    "                                the directory uses\n"
    "\n"
    "'dsbackup COMMAND --help' describes one command.\n"
    "\n"
    "Exit status: 0 success, 1 the operation failed, 2 usage error.\n";

int usage_error(const char *help, const char *format, const WCHAR *argument)
{
    print_error_line("dsbackup: ");
    print_error_line(format, u8(argument));
    print_error_line("\n\n%s", help);
    return EXIT_USAGE;
}

BOOL is_help_option(const WCHAR *arg)
{
    return !wcscmp(arg, L"--help") || !wcscmp(arg, L"-h") || !wcscmp(arg, L"/?");
}

int parse_folder_arguments(int argc, WCHAR **argv, const char *command, const char *help,
                           const WCHAR *option, BOOL *option_given, const WCHAR **folder)
{
    BOOL options_done = FALSE;
    char format[64];
    int i;

    *folder = NULL;
    for (i = 1; i < argc; i++)
    {
        if (!options_done && is_help_option(argv[i]))
        {
            print("%s", help);
            return EXIT_OK;
        }
        if (!options_done && option && !wcscmp(argv[i], option)) *option_given = TRUE;
        else if (!options_done && !wcscmp(argv[i], L"--")) options_done = TRUE;
        else if (!options_done && argv[i][0] == '-' && argv[i][1])
        {
            snprintf(format, sizeof(format), "%s: unknown option %%s", command);
            return usage_error(help, format, argv[i]);
        }
        else if (*folder)
        {
            snprintf(format, sizeof(format), "%s: one folder only, not also %%s", command);
            return usage_error(help, format, argv[i]);
        }
        else *folder = argv[i];
    }
    return ARGUMENTS_OK;
}

/* The command a name on the command line stands for, or NULL. */
static const struct command *find_command(const WCHAR *name)
{
    size_t i, k;

    for (i = 0; i < ARRAYSIZE(commands); i++)
    {
        for (k = 0; commands[i].name[k] && name[k] == (WCHAR)commands[i].name[k]; k++) ;
        if (!commands[i].name[k] && !name[k]) return &commands[i];
    }
    return NULL;
}

/* wmain: wide arguments whatever the code page, since a folder may be any
 * Unicode path.  The C runtime splits the command line as CommandLineToArgvW
 * does, but for corners no path reaches (doubled quotes, the program's own
 * name); CommandLineToArgvW would bring in shell32, whose loading under Wine
 * costs every run of the tool about as much again as the rest of its start. */
int __cdecl wmain(int argc, WCHAR **argv)
{
    const struct command *command;
    int status;

    /* Once, before any thread hashes: the SHA extensions where cpuid reports them. */
    sha256_choose_implementation();
    if (argc < 2)
    {
        print_error_line("%s", general_help);
        status = EXIT_USAGE;
    }
    else if (is_help_option(argv[1]) || !wcscmp(argv[1], L"help"))
    {
        print("%s", general_help);
        status = EXIT_OK;
    }
    else if ((command = find_command(argv[1]))) status = command->run(argc - 1, argv + 1);
    else status = usage_error(general_help, "unknown command %s", argv[1]);
    return status;
}
