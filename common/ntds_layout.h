/*
 * The directory's layout on this machine, as the DLL, dsbackup, the NTDS
 * stand-in and the tests all need it: where a domain controller records its
 * database, where a restore registration lives, and how the transaction logs
 * are named.  One copy, so that the programs cannot drift apart.
 *
 * Facts only, and one small pure function: nothing here needs the DLL.  Include
 * <windows.h> (or, in the DLL's native builds, portable.h) first: the
 * strings are WCHAR literals.  The shell test scripts read the string macros
 * from this file too (tests/lib/wine.sh, ntds_layout), so each is written as one
 * plain literal on one line.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDS_LAYOUT_H
#define NTDS_LAYOUT_H

/* ---- the directory service and its configuration (HKEY_LOCAL_MACHINE) ------------- */

#define NTDS_SERVICE_NAME L"NTDS"
#define NTDS_SERVICE_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS"
/* The service's start type (REG_DWORD, the service manager's own value):
 * SERVICE_AUTO_START while the directory is to be online, so that it is started
 * again with every session of a Wine prefix; SERVICE_DEMAND_START once it was
 * taken offline (docs/behaviour.md, "Online and offline"). */
#define NTDS_SERVICE_VALUE_START L"Start"
#define NTDS_PARAMETERS_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters"

/* Values of NTDS_PARAMETERS_KEY, where a domain controller records them. */
#define NTDS_VALUE_DATABASE_FILE L"DSA Database file"
#define NTDS_VALUE_LOG_DIR L"Database log files path"
#define NTDS_VALUE_WORKING_DIR L"DSA Working Directory"
#define NTDS_VALUE_TOMBSTONE_LIFETIME L"Tombstone Lifetime (days)"
/* Written by DsSetCurrentBackupLog. */
#define NTDS_VALUE_CURRENT_BACKUP_LOG L"Current Backup Log"
/* REG_DWORD; 1 means the directory is stopped, on a machine with no NTDS service
 * (where the DLL was copied next to a tool): "dsbackup offline" sets it, "dsbackup
 * online" removes it.  With a service, the service's state decides instead
 * (docs/behaviour.md, "Online and offline"). */
#define NTDS_VALUE_OFFLINE L"Directory Offline"

/* The stand-in's running state, for every process of the prefix (Global\: 32- and
 * 64-bit processes, services and tools alike, share one namespace).  A manual-reset
 * event that exists while the NTDS stand-in's service thread runs: not signalled
 * while it starts or stops, signalled while it holds the database.  It dies with
 * the service's process, so a killed service is never taken for a running one.
 * (docs/behaviour.md, "Online and offline") */
#define NTDS_RUNNING_EVENT_NAME L"Global\\ntdsbcli NTDS stand-in running"

/* Active Directory's default tombstone lifetime since Windows Server 2003 SP1,
 * and the range of configured values that are taken into account. */
#define NTDS_DEFAULT_TOMBSTONE_LIFETIME_DAYS 180
#define NTDS_MIN_TOMBSTONE_LIFETIME_DAYS 2
#define NTDS_MAX_TOMBSTONE_LIFETIME_DAYS 36500

/* ---- the restore registration ----------------------------------------------------- */

/* While this key exists a restore is registered and the directory must not start. */
#define RESTORE_IN_PROGRESS_KEY L"SYSTEM\\CurrentControlSet\\Services\\NTDS\\Restore In Progress"
#define RESTORE_VALUE_CHECKPOINT_PATH L"Checkpoint File Path"
#define RESTORE_VALUE_LOG_PATH L"Log Path"
#define RESTORE_VALUE_BACKUP_LOG_PATH L"Backup Log Path"
#define RESTORE_VALUE_MAP L"Restore Map"
#define RESTORE_VALUE_LOW_LOG L"Low Log Number"
#define RESTORE_VALUE_HIGH_LOG L"High Log Number"
#define RESTORE_VALUE_STATUS L"Restore Status"
#define RESTORE_VALUE_BACKUP_TIME L"Backup Time"
#define RESTORE_VALUE_BACKUP_ID L"Backup Id"
#define RESTORE_VALUE_REGISTRATION_TIME L"Registration Time"
/* Who may complete the registration: the context that made it (a random id
 * it keeps), in a process identified by its id and start time (0 once that
 * context ended without completing). */
#define RESTORE_VALUE_REGISTRATION_ID L"Registration Id"
#define RESTORE_VALUE_OWNER_PROCESS L"Owner Process"
#define RESTORE_VALUE_OWNER_START_TIME L"Owner Start Time"

#ifndef __WINESRC__
/* The journal that keeps the registration durable under Wine 8, in the
 * standalone build: this folder and file in the machine's ProgramData folder
 * (restore_journal_path.h finds it). */
#define RESTORE_JOURNAL_FOLDER_NAME L"ntdsbcli"
#define RESTORE_JOURNAL_FILE_NAME L"Restore In Progress.txt"
/* Where Windows records the machine's ProgramData folder (REG_EXPAND_SZ). */
#define PROFILE_LIST_KEY L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList"
#define PROFILE_VALUE_PROGRAM_DATA L"ProgramData"
#endif

/* ---- files of the database engine ------------------------------------------------- */

#define NTDS_CURRENT_LOG_NAME L"edb.log"
#define NTDS_LOG_PATTERN L"edb*.log"
#define NTDS_CHECKPOINT_NAME L"edb.chk"

enum ntds_log_name_kind
{
    NTDS_LOG_NAME_OTHER,      /* not a transaction log (edbtmp.log, res1.log, ...) */
    NTDS_LOG_NAME_CURRENT,    /* edb.log, the log being written */
    NTDS_LOG_NAME_NUMBERED    /* edbXXXXX.log, XXXXX its generation in hexadecimal */
};

/* Classifies a bare file name (no folder), in any ASCII case; stores the
 * generation of a numbered log in *generation if that is not NULL. */
static inline enum ntds_log_name_kind ntds_log_name_classify(const WCHAR *name, unsigned long *generation)
{
    static const char prefix[] = "edb", suffix[] = ".log";
    unsigned long value = 0;
    int length, i;

    for (length = 0; length < 13 && name[length]; length++) ;
    if (length != 7 && length != 12) return NTDS_LOG_NAME_OTHER;
    for (i = 0; i < 3; i++)
        if ((name[i] | 0x20) != prefix[i]) return NTDS_LOG_NAME_OTHER;
    for (i = 0; i < 4; i++)
        if ((name[length - 4 + i] | (i ? 0x20 : 0)) != suffix[i]) return NTDS_LOG_NAME_OTHER;
    if (length == 7) return NTDS_LOG_NAME_CURRENT;
    for (i = 3; i < 8; i++)
    {
        WCHAR c = name[i];
        if (c >= '0' && c <= '9') value = value * 16 + (unsigned long)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') value = value * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
        else return NTDS_LOG_NAME_OTHER;
    }
    if (generation) *generation = value;
    return NTDS_LOG_NAME_NUMBERED;
}

#endif
