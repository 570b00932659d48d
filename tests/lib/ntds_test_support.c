/*
 * Helpers shared by the PE test programs (the standalone conformance tests and
 * the reliability tests) for what only this project's setup has: the NTDS
 * service stand-in, and tokens in the DLL's own format.  Win32 only, no test
 * framework.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include "ntds_test_support.h"

BOOL ntds_service_exists(void)
{
    SC_HANDLE manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), service;
    if (!manager) return FALSE;
    service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_STATUS);
    if (service) CloseServiceHandle(service);
    CloseServiceHandle(manager);
    return service != NULL;
}

BOOL ntds_service_set_running(BOOL running)
{
    SC_HANDLE manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT), service;
    SERVICE_STATUS status;
    DWORD wanted = running ? SERVICE_RUNNING : SERVICE_STOPPED;
    BOOL ok = FALSE;
    int i;

    if (!manager) return FALSE;
    service = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS);
    if (service)
    {
        if (running) StartServiceW(service, 0, NULL);
        else ControlService(service, SERVICE_CONTROL_STOP, &status);
        for (i = 0; i < 200; i++)
        {
            if (!QueryServiceStatus(service, &status)) break;
            if (status.dwCurrentState == wanted) { ok = TRUE; break; }
            if (running && status.dwCurrentState == SERVICE_STOPPED && i > 5) break;
            Sleep(50);
        }
        CloseServiceHandle(service);
    }
    CloseServiceHandle(manager);
    return ok;
}

static DWORD crc32_of(const BYTE *p, size_t n)
{
    DWORD crc = 0xffffffff;
    int bit;
    while (n--)
    {
        crc ^= *p++;
        for (bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0xedb88320 & (0 - (crc & 1)));
    }
    return ~crc;
}

void make_token(BYTE token[40], ULONGLONG backup_time, DWORD lifetime_days)
{
    ULONGLONG id = 0x1122334455667788ULL;
    DWORD crc;
    int i;

    memset(token, 0, 40);
    memcpy(token, "NBXT", 4);
    token[4] = 1;
    token[6] = 40;
    for (i = 0; i < 8; i++) token[8 + i] = (BYTE)(backup_time >> (8 * i));
    for (i = 0; i < 4; i++) token[16 + i] = (BYTE)(lifetime_days >> (8 * i));
    for (i = 0; i < 8; i++) token[24 + i] = (BYTE)(id >> (8 * i));
    crc = crc32_of(token, 36);
    for (i = 0; i < 4; i++) token[36 + i] = (BYTE)(crc >> (8 * i));
}
