/*
 * Uses every part of include/ntdsbcli.h and include/ntdsbmsg.h, so that the ABI
 * suite can compile it as C and as C++, ANSI and UNICODE, with -Wall -Wextra
 * -pedantic, and demand silence (check-headers.sh).  Only our header is included:
 * it must bring windows.h itself, and survive being included twice.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <ntdsbcli.h>
#include <ntdsbcli.h>
#include <ntdsbmsg.h>

int abi_header_use(HBC hbc, BFT type);

int abi_header_use(HBC hbc, BFT type)
{
    /* Every prototype, assigned to a pointer of the exact documented type. */
    HRESULT (WINAPI *is_online_a)(LPCSTR, BOOL *) = DsIsNTDSOnlineA;
    HRESULT (WINAPI *is_online_w)(LPCWSTR, BOOL *) = DsIsNTDSOnlineW;
    HRESULT (WINAPI *is_online)(LPCTSTR, BOOL *) = DsIsNTDSOnline;
    HRESULT (WINAPI *prepare_a)(LPCSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *) = DsBackupPrepareA;
    HRESULT (WINAPI *prepare_w)(LPCWSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *) = DsBackupPrepareW;
    HRESULT (WINAPI *prepare)(LPCTSTR, ULONG, ULONG, PVOID *, LPDWORD, HBC *) = DsBackupPrepare;
    HRESULT (WINAPI *names_a)(HBC, LPSTR *, LPDWORD) = DsBackupGetDatabaseNamesA;
    HRESULT (WINAPI *names_w)(HBC, LPWSTR *, LPDWORD) = DsBackupGetDatabaseNamesW;
    HRESULT (WINAPI *names)(HBC, LPTSTR *, LPDWORD) = DsBackupGetDatabaseNames;
    HRESULT (WINAPI *open_a)(HBC, LPCSTR, DWORD, LARGE_INTEGER *) = DsBackupOpenFileA;
    HRESULT (WINAPI *open_w)(HBC, LPCWSTR, DWORD, LARGE_INTEGER *) = DsBackupOpenFileW;
    HRESULT (WINAPI *open)(HBC, LPCTSTR, DWORD, LARGE_INTEGER *) = DsBackupOpenFile;
    HRESULT (WINAPI *read)(HBC, PVOID, DWORD, PDWORD) = DsBackupRead;
    HRESULT (WINAPI *close)(HBC) = DsBackupClose;
    HRESULT (WINAPI *logs_a)(HBC, LPSTR *, LPDWORD) = DsBackupGetBackupLogsA;
    HRESULT (WINAPI *logs_w)(HBC, LPWSTR *, LPDWORD) = DsBackupGetBackupLogsW;
    HRESULT (WINAPI *logs)(HBC, LPTSTR *, LPDWORD) = DsBackupGetBackupLogs;
    HRESULT (WINAPI *truncate)(HBC) = DsBackupTruncateLogs;
    HRESULT (WINAPI *end)(HBC) = DsBackupEnd;
    VOID (WINAPI *free_)(PVOID) = DsBackupFree;
    HRESULT (WINAPI *locs_a)(HBC, LPSTR *, LPDWORD) = DsRestoreGetDatabaseLocationsA;
    HRESULT (WINAPI *locs_w)(HBC, LPWSTR *, LPDWORD) = DsRestoreGetDatabaseLocationsW;
    HRESULT (WINAPI *locs)(HBC, LPTSTR *, LPDWORD) = DsRestoreGetDatabaseLocations;
    HRESULT (WINAPI *rprep_a)(LPCSTR, ULONG, PVOID, DWORD, HBC *) = DsRestorePrepareA;
    HRESULT (WINAPI *rprep_w)(LPCWSTR, ULONG, PVOID, DWORD, HBC *) = DsRestorePrepareW;
    HRESULT (WINAPI *rprep)(LPCTSTR, ULONG, PVOID, DWORD, HBC *) = DsRestorePrepare;
    HRESULT (WINAPI *reg_a)(HBC, LPCSTR, LPCSTR, EDB_RSTMAPA *, LONG, LPCSTR, ULONG, ULONG) =
        DsRestoreRegisterA;
    HRESULT (WINAPI *reg_w)(HBC, LPCWSTR, LPCWSTR, EDB_RSTMAPW *, LONG, LPCWSTR, ULONG, ULONG) =
        DsRestoreRegisterW;
    HRESULT (WINAPI *reg)(HBC, LPCTSTR, LPCTSTR, EDB_RSTMAP *, LONG, LPCTSTR, ULONG, ULONG) =
        DsRestoreRegister;
    HRESULT (WINAPI *complete)(HBC, HRESULT) = DsRestoreRegisterComplete;
    HRESULT (WINAPI *rend)(HBC) = DsRestoreEnd;
    HRESULT (WINAPI *cur_a)(LPCSTR, DWORD) = DsSetCurrentBackupLogA;
    HRESULT (WINAPI *cur_w)(LPCWSTR, DWORD) = DsSetCurrentBackupLogW;
    HRESULT (WINAPI *cur)(LPCTSTR, DWORD) = DsSetCurrentBackupLog;
    HRESULT (WINAPI *auth_a)(LPCSTR, LPCSTR, LPCSTR) = DsSetAuthIdentityA;
    HRESULT (WINAPI *auth_w)(LPCWSTR, LPCWSTR, LPCWSTR) = DsSetAuthIdentityW;
    HRESULT (WINAPI *auth)(LPCTSTR, LPCTSTR, LPCTSTR) = DsSetAuthIdentity;

    static const HRESULT codes[] = {
        hrNone, hrNyi, hrInvalidParam, hrError, hrInvalidHandle, hrRestoreInProgress,
        hrAlreadyOpen, hrInvalidRecips, hrCouldNotConnect, hrRestoreMapExists,
        hrIncrementalBackupDisabled, hrLogFileNotFound, hrCircularLogging, hrNoFullRestore,
        hrCommunicationError, hrFullBackupNotTaken, hrMissingExpiryToken,
        hrUnknownExpiryTokenFormat, hrContentsExpired, hrAlreadyListening, hrBackupInProgress,
        hrNoBackup, hrInvalidBackupSequence, hrInvalidPath, hrFileNotFound
    };
    static const ULONG flags[] = {
        BACKUP_TYPE_FULL, BACKUP_TYPE_LOGS_ONLY, BACKUP_TYPE_INCREMENTAL,
        RESTORE_TYPE_AUTHORATATIVE, RESTORE_TYPE_ONLINE, RESTORE_TYPE_CATCHUP,
        FACILITY_SYSTEM, FACILITY_NTDSB, FACILITY_BACKUP, STATUS_SEVERITY_SUCCESS,
        STATUS_SEVERITY_INFORMATIONAL, STATUS_SEVERITY_WARNING, STATUS_SEVERITY_ERROR
    };
    static const DWORD disable = BACKUP_DISABLE_INCREMENTAL;
    static const char *const a_notes[] = { g_aszBackupAnnotation, g_aszRestoreAnnotation };
    static const WCHAR *const w_notes[] = { g_wszBackupAnnotation, g_wszRestoreAnnotation };
    static const TCHAR *const t_notes[] = { g_szBackupAnnotation, g_szRestoreAnnotation };
    EDB_RSTMAPA map_a = { NULL, NULL };
    EDB_RSTMAPW map_w = { NULL, NULL };
    EDB_RSTMAP map = { NULL, NULL };
    PEDB_RSTMAP pmap = &map;
    PEDB_RSTMAPA pmap_a = &map_a;
    PEDB_RSTMAPW pmap_w = &map_w;
    int score = 0;

    switch (type) {
    case BFT_LOG: score = 1; break;
    case BFT_LOG_DIR: score = 2; break;
    case BFT_CHECKPOINT_DIR: score = 3; break;
    case BFT_NTDS_DATABASE: score = 4; break;
    case BFT_PATCH_FILE: score = 5; break;
    case BFT_UNKNOWN: score = 6; break;
    default: break;
    }
    if (type & BFT_DIRECTORY) score += 10;
    if (type & BFT_DATABASE_DIRECTORY) score += 20;
    if (type & BFT_LOG_DIRECTORY) score += 40;

    score += (is_online_a != NULL) + (is_online_w != NULL) + (is_online != NULL);
    score += (prepare_a != NULL) + (prepare_w != NULL) + (prepare != NULL);
    score += (names_a != NULL) + (names_w != NULL) + (names != NULL);
    score += (open_a != NULL) + (open_w != NULL) + (open != NULL) + (read != NULL);
    score += (close != NULL) + (logs_a != NULL) + (logs_w != NULL) + (logs != NULL);
    score += (truncate != NULL) + (end != NULL) + (free_ != NULL);
    score += (locs_a != NULL) + (locs_w != NULL) + (locs != NULL);
    score += (rprep_a != NULL) + (rprep_w != NULL) + (rprep != NULL);
    score += (reg_a != NULL) + (reg_w != NULL) + (reg != NULL) + (complete != NULL);
    score += (rend != NULL) + (cur_a != NULL) + (cur_w != NULL) + (cur != NULL);
    score += (auth_a != NULL) + (auth_w != NULL) + (auth != NULL);
    score += (int)(sizeof(codes) / sizeof(codes[0])) + (int)(sizeof(flags) / sizeof(flags[0]));
    score += (disable == 0xffffffffUL) + (a_notes[0][0] == 'N') + (w_notes[1][0] == L'N');
    score += (t_notes[0][0] == TEXT('N'));
    score += (pmap == &map) + (pmap_a->szNewDatabaseName == NULL) + (sizeof(*pmap) == sizeof(map_a));
    score += (pmap_w->wszNewDatabaseName == NULL) + (hbc == NULL);
    return score;
}
