/*
 * dsbackup restore DIR: the documented restore sequence: verify the backup; DsIsNTDSOnline must say offline;
 * DsRestorePrepare with the saved token; DsRestoreGetDatabaseLocations;
 * DsRestoreRegister; replace the files through the UNC paths the DLL gave (the
 * database through a temporary name and MoveFileExW; in the destination folders
 * only the transaction logs edb.log and edbXXXXX.log and the checkpoint edb.chk
 * are deleted); read every written file back; DsRestoreRegisterComplete with
 * S_OK, or with the failure's code so that the directory stays offline;
 * DsRestoreEnd.
 *
 * A restore that failed or stopped half way (the program crashed, was killed)
 * is finished by restoring again: the DLL lets a new registration replace one
 * that can no longer complete (docs/behaviour.md, "Restore").  --resume, which
 * once completed the registration left behind, is still accepted and means the
 * same as a plain restore.
 *
 * Only a test build (tests/roundtrip: dsbackup compiled with
 * DSBACKUP_TEST_CRASH_AFTER_REGISTER) terminates its own process (exit code 99)
 * right after DsRestoreRegisterW succeeds, leaving a registered restore that is
 * never completed, as a crash would; the tool that ships has no such switch.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "restore.h"
#include "ntds_layout.h"

#define MAX_TOKEN_SIZE      65536


static const char restore_help[] =
    "Usage: dsbackup restore DIR\n"
    "\n"
    "Restores the directory database from the backup in DIR, made by\n"
    "'dsbackup backup DIR', in the documented order of ntdsbcli.dll:\n"
    "  1. checks the backup as 'dsbackup verify DIR' does (the manifest and its\n"
    "     'end' line, the size and SHA-256 of every file and of the expiry token)\n"
    "     before anything is changed;\n"
    "  2. the directory must be offline (DsIsNTDSOnline): take it offline first\n"
    "     with 'dsbackup offline' (which stops the NTDS service, or marks the\n"
    "     directory offline where no service is registered);\n"
    "  3. DsRestorePrepare with DIR\\expiry.token: a damaged token is refused\n"
    "     (hrUnknownExpiryTokenFormat), and so is a backup older than the tombstone\n"
    "     lifetime (hrContentsExpired);\n"
    "  4. DsRestoreGetDatabaseLocations tells where the database, the logs and\n"
    "     the checkpoint go;\n"
    "  5. DsRestoreRegister registers the restore: from now until it completes,\n"
    "     the directory service does not start. A restore registered earlier\n"
    "     that failed or never completed (its program stopped) is replaced;\n"
    "     one still running elsewhere is not (hrRestoreInProgress);\n"
    "  6. replaces the files: in the log folder it deletes the transaction logs\n"
    "     (edb.log and edbXXXXX.log) and in the checkpoint folder the checkpoint\n"
    "     (edb.chk). ONLY these are deleted: every other file in those folders is\n"
    "     left alone. It writes the database under a temporary name in its folder\n"
    "     and renames it over the old one, copies the backed-up logs in, and reads\n"
    "     every written file back to check its SHA-256;\n"
    "  7. DsRestoreRegisterComplete: after success the directory may be brought\n"
    "     online again ('dsbackup online'); after a failure the restore stays\n"
    "     registered and the directory does not start until a restore completes:\n"
    "     correct the cause and run the same restore again.\n"
    "\n"
    "  --resume  accepted for scripts written for earlier versions: the same as\n"
    "            restoring again, which replaces an unfinished registration.\n"
    "\n"
    "Exit status: 0 restored, 1 refused or failed (nothing was changed unless the\n"
    "restore had been registered), 2 usage error.\n";

/* The refusal of a restore while the directory is online, saying what to do. */
static void report_online(const char *what)
{
    struct ntds_service service;

    query_ntds_service(&service);
    if (service.known && !service.registered)
        report(hrDatabaseInUse, "%s: the directory is online (no NTDS service is registered, so a database "
               "that exists counts as in use until it is marked offline): run 'dsbackup offline', then "
               "restore again", what);
    else
        report(hrDatabaseInUse, "%s: the directory service is online: stop it first with "
               "'dsbackup offline' (or 'net stop NTDS'), then restore again", what);
}

struct restore_run
{
    const WCHAR *dir;           /* absolute */
    BOOL resume;
    struct restore_plan plan;
    WCHAR *token_path, *locations;
    char *token;
    size_t token_size;
    struct pipeline_buffers buffers;
    HBC hbc;
};

/* Steps 1 and the service's own state: the directory must be offline. */
static BOOL check_offline(void)
{
    struct ntds_service service;
    BOOL online = TRUE;
    HRESULT hr;

    if ((hr = DsIsNTDSOnlineW(NULL, &online)))
    {
        report(hr, "DsIsNTDSOnlineW failed; nothing was changed");
        return FALSE;
    }
    if (online)
    {
        report_online("restore refused, nothing was changed");
        return FALSE;
    }
    /* The DLL calls every state but "running" offline; a service that is still
     * starting or stopping may hold the database, so only "stopped" will do. */
    query_ntds_service(&service);
    if (service.known && service.registered && service.status.dwCurrentState != SERVICE_STOPPED)
    {
        report(hrDatabaseInUse, "restore refused, nothing was changed: the NTDS service is %s; wait until it "
               "is stopped ('sc query NTDS'), then restore again", service_state_name(service.status.dwCurrentState));
        return FALSE;
    }
    return TRUE;
}

/* Step 2: a full restore context, from the token saved with the backup. */
static BOOL prepare_restore(struct restore_run *run)
{
    HRESULT hr = DsRestorePrepareW(NULL, 0, run->token, (DWORD)run->token_size, &run->hbc);

    if (!hr) return TRUE;
    run->hbc = NULL;
    if (hr == hrDatabaseInUse) report_online("DsRestorePrepareW refused the restore, nothing was changed");
    else if (hr == hrContentsExpired)
        report(hr, "DsRestorePrepareW refused the backup in %s: it is older than the tombstone lifetime, "
               "and restoring it could bring back objects the rest of the forest has deleted; nothing "
               "was changed", u8(run->dir));
    else if (hr == hrUnknownExpiryTokenFormat)
        report(hr, "DsRestorePrepareW refused %s: it is not an expiry token this DLL wrote, or it is "
               "damaged; nothing was changed", u8(run->token_path));
    else report(hr, "DsRestorePrepareW failed; nothing was changed");
    return FALSE;
}

/* Step 3: where the files go, and the plan. */
static BOOL locate_targets(struct restore_run *run)
{
    struct restore_plan *plan = &run->plan;
    DWORD locations_size = 0;
    HRESULT hr;

    if ((hr = DsRestoreGetDatabaseLocationsW(run->hbc, &run->locations, &locations_size)))
    {
        run->locations = NULL;
        report(hr, "DsRestoreGetDatabaseLocationsW failed; nothing was changed");
        return FALSE;
    }
    if (!parse_locations(plan, run->locations, locations_size) || !plan_targets(plan)) return FALSE;
    print("restoring %s: database to %s, logs to %s, checkpoint folder %s\n", u8(run->dir),
          u8(plan->database_location), u8(plan->log_dir), u8(plan->checkpoint_dir));
    return TRUE;
}

/* Step 4, register: from here the directory cannot start until the restore
 * completes.  A registration left by a restore that failed or stopped is
 * replaced by the DLL. */
static BOOL register_restore(struct restore_run *run)
{
    struct restore_plan *plan = &run->plan;
    EDB_RSTMAPW map;
    HRESULT hr;

    map.wszDatabaseName = plan->database->unc;
    map.wszNewDatabaseName = plan->database_location;
    hr = DsRestoreRegisterW(run->hbc, plan->checkpoint_dir, plan->log_dir, &map, 1, plan->backup_log_path,
                            plan->generation_low, plan->generation_high);
    if (hr == hrRestoreInProgress)
    {
        report(hr, "DsRestoreRegisterW refused: another restore is registered and its program still "
               "runs; nothing was changed. Wait for it to end ('dsbackup status' shows its process), "
               "then restore again");
        return FALSE;
    }
    if (hr == hrDatabaseInUse) report_online("DsRestoreRegisterW refused the restore, nothing was changed");
    else if (hr) report(hr, "DsRestoreRegisterW failed; nothing was changed");
    if (hr) return FALSE;
    print("registered the restore: %s -> %s, logs %05lX..%05lX from %s\n", u8(map.wszDatabaseName),
          u8(map.wszNewDatabaseName), plan->generation_low, plan->generation_high, u8(plan->backup_log_path));
#ifdef DSBACKUP_TEST_CRASH_AFTER_REGISTER
    print_error_line("dsbackup: test build: terminating right after DsRestoreRegisterW\n");
    TerminateProcess(GetCurrentProcess(), 99);
#endif
    return TRUE;
}

/* Steps 5 and 6: replace the files, then report the outcome: only success lets
 * the directory start again.  Returns the exit code. */
static int replace_and_complete(struct restore_run *run)
{
    HRESULT restore_hr = replace_files(&run->plan, &run->buffers), hr;
    char description[1200];

    if ((hr = DsRestoreRegisterComplete(run->hbc, restore_hr ? restore_hr : S_OK)))
    {
        report(hr, "DsRestoreRegisterComplete failed: the restore stays registered and the directory "
               "service will not start; run 'dsbackup restore %s' again", u8(run->dir));
        return EXIT_FAILED;
    }
    if (restore_hr)
    {
        print_error_line("dsbackup: the restore FAILED. It stays registered, so the directory service will "
                         "not start on these files; correct the cause, then run 'dsbackup restore %s' again. "
                         "Status recorded: %s\n", u8(run->dir), describe_code(restore_hr, description, sizeof(description)));
        return EXIT_FAILED;
    }
    print("restore complete: %llu files, %llu bytes; the directory may be brought online again "
          "('dsbackup online')\n", (ULONGLONG)run->plan.item_count, run->plan.total_bytes);
    return EXIT_OK;
}

/* The backup must be whole before anything is touched; then its token. */
static BOOL check_backup(struct restore_run *run)
{
    if (!verify_backup(run->dir, &run->buffers, &run->plan.manifest) || !check_restorable(&run->plan))
    {
        print_error_line("dsbackup: restore refused: %s is not a complete, intact backup; nothing was changed\n",
                         u8(run->dir));
        return FALSE;
    }
    if (!(run->token_path = path_join(run->dir, TOKEN_FILE_NAME, malloc)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot read the expiry token");
        return FALSE;
    }
    return read_whole_file(run->token_path, MAX_TOKEN_SIZE, &run->token, &run->token_size);
}

static int run_restore(struct restore_run *run)
{
    int status = EXIT_FAILED;
    HRESULT hr;

    if (!pipeline_buffers_allocate(&run->buffers)) return EXIT_FAILED;
    if (check_backup(run) && check_offline() && prepare_restore(run) && locate_targets(run)
            && register_restore(run))
        status = replace_and_complete(run);
    if (run->locations) DsBackupFree(run->locations);
    /* 7. End the context; it never undoes a registration. */
    if (run->hbc && (hr = DsRestoreEnd(run->hbc)))
    {
        report(hr, "DsRestoreEnd failed");
        status = EXIT_FAILED;
    }
    return status;
}

int cmd_restore(int argc, WCHAR **argv)
{
    struct restore_run run = {0};
    const WCHAR *dir_argument = NULL;
    WCHAR *dir;
    int status, code;

    if ((code = parse_folder_arguments(argc, argv, "restore", restore_help, L"--resume", &run.resume,
                                       &dir_argument)) != ARGUMENTS_OK)
        return code;
    if (!dir_argument || !dir_argument[0]) return usage_error(restore_help, "restore: which folder?%s", L"");
    if (!(dir = full_folder_path(dir_argument)))
    {
        report_sys((HRESULT)GetLastError(), "cannot use %s as the backup folder", u8(dir_argument));
        return EXIT_FAILED;
    }
    run.dir = run.plan.dir = dir;
    status = run_restore(&run);
    restore_plan_free(&run.plan);
    free(run.token);
    free(run.token_path);
    pipeline_buffers_free(&run.buffers);
    free(dir);
    return status;
}
