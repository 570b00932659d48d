/*
 * The restore family.  Not implemented yet: every export traces its call, reads
 * none of its arguments beyond the trace, and returns hrNyi, as the project's
 * rules ask of an unimplemented function (docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _NTDSBCLI_DEFINED
#include "ntdsbcli.h"
#include "trace.h"

#define FIXME_NYI() do { TRACE("not implemented\n"); return hrNyi; } while (0)

HRESULT WINAPI DsRestorePrepareW(LPCWSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken,
                                 DWORD cbExpiryTokenSize, HBC *phbc)
{
    TRACE("(%p, %#lx, %p, %lu, %p)\n", szServerName, rtFlag, pvExpiryToken, cbExpiryTokenSize, phbc);
    FIXME_NYI();
}

HRESULT WINAPI DsRestorePrepareA(LPCSTR szServerName, ULONG rtFlag, PVOID pvExpiryToken,
                                 DWORD cbExpiryTokenSize, HBC *phbc)
{
    TRACE("(%p, %#lx, %p, %lu, %p)\n", szServerName, rtFlag, pvExpiryToken, cbExpiryTokenSize, phbc);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreGetDatabaseLocationsW(HBC hbc, LPWSTR *pszDatabaseLocationList, LPDWORD pcbSize)
{
    TRACE("(%p, %p, %p)\n", hbc, pszDatabaseLocationList, pcbSize);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreGetDatabaseLocationsA(HBC hbc, LPSTR *pszDatabaseLocationList, LPDWORD pcbSize)
{
    TRACE("(%p, %p, %p)\n", hbc, pszDatabaseLocationList, pcbSize);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreRegisterW(HBC hbc, LPCWSTR szCheckPointFilePath, LPCWSTR szLogPath,
                                  EDB_RSTMAPW rgrstmap[], LONG crstmap, LPCWSTR szBackupLogPath,
                                  ULONG genLow, ULONG genHigh)
{
    TRACE("(%p, %p, %p, %p, %ld, %p, %#lx, %#lx)\n", hbc, szCheckPointFilePath, szLogPath,
          rgrstmap, crstmap, szBackupLogPath, genLow, genHigh);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreRegisterA(HBC hbc, LPCSTR szCheckPointFilePath, LPCSTR szLogPath,
                                  EDB_RSTMAPA rgrstmap[], LONG crstmap, LPCSTR szBackupLogPath,
                                  ULONG genLow, ULONG genHigh)
{
    TRACE("(%p, %p, %p, %p, %ld, %p, %#lx, %#lx)\n", hbc, szCheckPointFilePath, szLogPath,
          rgrstmap, crstmap, szBackupLogPath, genLow, genHigh);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreRegisterComplete(HBC hbc, HRESULT hrRestoreState)
{
    TRACE("(%p, %#lx)\n", hbc, (unsigned long)hrRestoreState);
    FIXME_NYI();
}

HRESULT WINAPI DsRestoreEnd(HBC hbc)
{
    TRACE("(%p)\n", hbc);
    FIXME_NYI();
}

HRESULT WINAPI DsSetCurrentBackupLogW(LPCWSTR szServerName, DWORD dwCurrentLog)
{
    TRACE("(%p, %lu)\n", szServerName, dwCurrentLog);
    FIXME_NYI();
}

HRESULT WINAPI DsSetCurrentBackupLogA(LPCSTR szServerName, DWORD dwCurrentLog)
{
    TRACE("(%p, %lu)\n", szServerName, dwCurrentLog);
    FIXME_NYI();
}

HRESULT WINAPI DsSetAuthIdentityW(LPCWSTR szUserName, LPCWSTR szDomainName, LPCWSTR szPassword)
{
    TRACE("(%p, %p, %p)\n", szUserName, szDomainName, szPassword);
    FIXME_NYI();
}

HRESULT WINAPI DsSetAuthIdentityA(LPCSTR szUserName, LPCSTR szDomainName, LPCSTR szPassword)
{
    TRACE("(%p, %p, %p)\n", szUserName, szDomainName, szPassword);
    FIXME_NYI();
}

/* Exported by Microsoft's DLL, but its prototype is in no public header or page.
 * It takes no arguments here (i686: DsRestoreCheckExpiryToken@0), so it reads
 * none, and says it is not implemented. */
HRESULT WINAPI DsRestoreCheckExpiryToken(void)
{
    TRACE("()\n");
    FIXME_NYI();
}
