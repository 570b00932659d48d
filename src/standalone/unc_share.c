/*
 * Administrative shares under Wine (see unc_share.h and docs/behaviour.md).
 *
 * Standalone only: in Wine's tree Wine itself should resolve this computer's
 * administrative shares, and a DLL there does not ask whether it runs under Wine
 * (docs/wine-upstream.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <windows.h>
#include "unc_share.h"
#include "platform.h"
#include "portable.h"
#include "wine/debug.h"

WINE_DEFAULT_DEBUG_CHANNEL(ntdsbcli);

static LONG drives_checked;   /* one bit per drive letter */

void unc_share_check(WCHAR drive)
{
    WCHAR root[MAX_COMPUTERNAME_LENGTH + 16];
    LONG bit;

    drive = wchar_upper_ascii(drive);
    if (drive < 'A' || drive > 'Z') return;
    bit = 1L << (drive - 'A');
    if (InterlockedOr(&drives_checked, bit) & bit) return;
    if (!GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version")) return;
    _snwprintf(root, ARRAYSIZE(root), L"\\\\%ls\\%lc$\\", computer_names_get()->netbios, drive);
    root[ARRAYSIZE(root) - 1] = 0;
    if (GetFileAttributesW(root) != INVALID_FILE_ATTRIBUTES) return;   /* it resolves */
    ERR("%s does not resolve in this Wine prefix, so the names this DLL lists cannot be opened "
        "through it (a restore writes its files there). Run 'dsbackup link-share' once, or install "
        "with 'make install-wine'; docs/behaviour.md, \"UNC paths under Wine\".\n", debugstr_w(root));
}
