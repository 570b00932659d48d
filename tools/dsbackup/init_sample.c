/*
 * dsbackup init-sample [DIR] [--force]: a sample directory database to try the
 * other commands on: pseudo-random files named as the database engine names
 * them, the paths recorded where a domain controller records them, and under
 * Wine the administrative share made to resolve (link_share.c).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"
#include <ntsecapi.h>
#include "ntds_layout.h"

static const char init_sample_help[] =
    "Usage: dsbackup init-sample [DIR] [--force]\n"
    "\n"
    "Creates a sample directory database in the folder DIR (default\n"
    "C:\\Windows\\NTDS; it is created if needed), to try the other commands on:\n"
    "  ntds.dit                       a few MiB of pseudo-random bytes\n"
    "  edb00001.log .. edb00003.log   numbered transaction logs\n"
    "  edb.log                        the current log\n"
    "  edb.chk                        the checkpoint\n"
    "and records DIR\\ntds.dit, DIR and DIR as \"DSA Database file\", \"Database log\n"
    "files path\" and \"DSA Working Directory\" under\n"
    "HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters.\n"
    "\n"
    "It refuses to overwrite anything: if one of these files exists, or the\n"
    "registry already names another database file that exists, it changes nothing.\n"
    "Under Wine it then makes \\\\COMPUTER\\C$ resolve, as 'dsbackup link-share'\n"
    "does.\n"
    "\n"
    "  --force  overwrite the files and the registry values anyway (never while\n"
    "           the NTDS service is running)\n"
    "\n"
    "Exit status: 0 created, 1 refused or failed, 2 usage error.\n";

#define SAMPLE_DEFAULT_DIR     L"C:\\Windows\\NTDS"
#define SAMPLE_DATABASE_BYTES  (4 * 1048576 + 4099)    /* not a multiple of any buffer size */
#define SAMPLE_LOG_BYTES       1048576
#define SAMPLE_CHECKPOINT_BYTES 8192

struct sample_file
{
    const WCHAR *name;
    size_t size;
};

static const struct sample_file sample_files[] =
{
    {L"ntds.dit", SAMPLE_DATABASE_BYTES},
    {L"edb00001.log", SAMPLE_LOG_BYTES + 1 * 4099},
    {L"edb00002.log", SAMPLE_LOG_BYTES + 2 * 4099},
    {L"edb00003.log", SAMPLE_LOG_BYTES + 3 * 4099},
    {NTDS_CURRENT_LOG_NAME, SAMPLE_LOG_BYTES},
    {NTDS_CHECKPOINT_NAME, SAMPLE_CHECKPOINT_BYTES},
};

/* xorshift64*: pseudo-random bytes, seeded from the system's generator. */
static void fill_pseudo_random(BYTE *data, size_t size, ULONGLONG *state)
{
    size_t i;

    for (i = 0; i < size; i++)
    {
        if (!(i & 7))
        {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
        }
        data[i] = (BYTE)((*state * 0x2545F4914F6CDD1DULL) >> (8 * (i & 7)));
    }
}

static BOOL set_parameter(HKEY key, const WCHAR *name, const WCHAR *value)
{
    LONG error = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                                (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    if (error) report_sys((HRESULT)error, "cannot set HKLM\\%s\\%s", u8(NTDS_PARAMETERS_KEY), u8(name));
    return !error;
}

/* Nothing is overwritten without --force: not a sample file, not another
 * database the registry names.  TRUE if the sample may be written. */
static BOOL check_nothing_overwritten(const WCHAR *dir, const WCHAR *database, BOOL force)
{
    WCHAR *path, *configured;
    enum config_path_status path_status;
    char existing[512] = "";
    BOOL refused = FALSE;
    LONG error;
    size_t k;

    for (k = 0; k < ARRAYSIZE(sample_files) && !force; k++)
    {
        if (!(path = path_join(dir, sample_files[k].name, malloc)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
            return FALSE;
        }
        if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES)
            snprintf(existing + strlen(existing), sizeof(existing) - strlen(existing), "%s%s",
                     existing[0] ? ", " : "", u8(sample_files[k].name));
        free(path);
    }
    if (existing[0])
    {
        report(hrDatabaseDuplicate, "%s already holds %s: init-sample does not overwrite a database "
               "(--force does)", u8(dir), existing);
        refused = TRUE;
    }
    if ((configured = config_path_read(NTDS_VALUE_DATABASE_FILE, &error, &path_status)))
    {
        if (!force && _wcsicmp(configured, database) && GetFileAttributesW(configured) != INVALID_FILE_ATTRIBUTES)
        {
            report(hrDatabaseDuplicate, "the registry already names the database %s, which exists: "
                   "init-sample does not replace the configuration of a directory (--force does)",
                   u8(configured));
            refused = TRUE;
        }
        free(configured);
    }
    if (refused) print_error_line("dsbackup: init-sample: nothing was changed\n");
    return !refused;
}

/* The sample's files, in DIR (created). */
static BOOL write_sample_files(const WCHAR *dir, BOOL force)
{
    ULONGLONG seed = 0, state;
    WCHAR *path = NULL;
    BYTE *data = NULL;
    BOOL ok = FALSE;
    DWORD error;
    size_t k;

    if ((error = create_folder(dir)))
    {
        report_sys((HRESULT)error, "cannot create the folder %s", u8(dir));
        return FALSE;
    }
    if (!(data = malloc(SAMPLE_DATABASE_BYTES)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
        return FALSE;
    }
    /* RtlGenRandom is advapi32's, which the tool loads anyway; BCrypt would load
     * a library of its own at every start for this one seed. */
    if (!RtlGenRandom(&seed, sizeof(seed)) || !seed)
        seed = GetTickCount64() ^ ((ULONGLONG)GetCurrentProcessId() << 32) ^ 0x9E3779B97F4A7C15ULL;
    state = seed;
    for (k = 0; k < ARRAYSIZE(sample_files); k++)
    {
        fill_pseudo_random(data, sample_files[k].size, &state);
        if (!(path = path_join(dir, sample_files[k].name, malloc)))
        {
            report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
            goto done;
        }
        if (!write_new_file(path, data, sample_files[k].size, force ? CREATE_ALWAYS : CREATE_NEW)) goto done;
        print("created %s (%llu bytes)\n", u8(path), (ULONGLONG)sample_files[k].size);
        free(path);
        path = NULL;
    }
    ok = TRUE;
done:
    free(path);
    free(data);
    return ok;
}

/* The three paths under NTDS\Parameters, where a domain controller has them. */
static BOOL record_parameters(const WCHAR *dir, const WCHAR *database)
{
    DWORD disposition;
    HKEY key;
    LONG error = RegCreateKeyExW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, 0, NULL, REG_OPTION_NON_VOLATILE,
                                 KEY_SET_VALUE, NULL, &key, &disposition);
    BOOL ok;

    if (error)
    {
        report_sys((HRESULT)error, "cannot create HKLM\\%s", u8(NTDS_PARAMETERS_KEY));
        return FALSE;
    }
    ok = set_parameter(key, NTDS_VALUE_DATABASE_FILE, database) && set_parameter(key, NTDS_VALUE_LOG_DIR, dir)
         && set_parameter(key, NTDS_VALUE_WORKING_DIR, dir);
    if (ok)
    {
        RegFlushKey(key);
        print("recorded under HKLM\\%s: DSA Database file = %s, Database log files path = %s, "
              "DSA Working Directory = %s\n", u8(NTDS_PARAMETERS_KEY), u8(database), u8(dir), u8(dir));
    }
    RegCloseKey(key);
    return ok;
}

static int create_sample(const WCHAR *dir, BOOL force)
{
    struct ntds_service service;
    WCHAR *database = path_join(dir, L"ntds.dit", malloc);
    int status = EXIT_FAILED;

    if (!database)
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot create the sample");
        return EXIT_FAILED;
    }
    if (!check_nothing_overwritten(dir, database, force)) goto done;
    query_ntds_service(&service);
    if (service.registered && service.status.dwCurrentState != SERVICE_STOPPED)
    {
        report(hrDatabaseInUse, "the NTDS service is %s: stop it first (net stop NTDS); nothing was changed",
               service_state_name(service.status.dwCurrentState));
        goto done;
    }
    if (!write_sample_files(dir, force) || !record_parameters(dir, database)) goto done;
    /* The DLL names the files \\COMPUTER\C$\...: make that resolve under Wine. */
    if (!link_shares_for_directory())
    {
        print_error_line("dsbackup: init-sample: the sample is created, but its files cannot be reached "
                         "through their UNC names yet\n");
        goto done;
    }
    status = EXIT_OK;
done:
    free(database);
    return status;
}

int cmd_init_sample(int argc, WCHAR **argv)
{
    const WCHAR *dir_argument = NULL;
    BOOL force = FALSE;
    WCHAR *dir;
    int status, code;

    if ((code = parse_folder_arguments(argc, argv, "init-sample", init_sample_help, L"--force", &force,
                                       &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (dir_argument && !dir_argument[0])
        return usage_error(init_sample_help, "init-sample: an empty folder name%s", L"");
    if (!(dir = full_folder_path(dir_argument ? dir_argument : SAMPLE_DEFAULT_DIR)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the database folder",
                   u8(dir_argument ? dir_argument : SAMPLE_DEFAULT_DIR));
        return EXIT_FAILED;
    }
    status = create_sample(dir, force);
    free(dir);
    return status;
}
