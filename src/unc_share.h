/*
 * Making this machine's administrative shares reachable under Wine.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_UNC_SHARE_H
#define NTDSBCLI_UNC_SHARE_H

#include <windows.h>

/* The lists name files as \\COMPUTER\X$\...  Wine resolves such names through
 * <prefix>/dosdevices/unc/<computer>/<share>, which a prefix does not have by
 * default.  Under Wine, when \\COMPUTER\X$\ does not resolve, this adds the link
 * unc/<computer>/x$ -> ../../x: (never replacing an existing entry).  On Windows,
 * or when the share resolves already, it does nothing.  Best effort, once per
 * drive and process. */
void unc_share_make_reachable(WCHAR drive_letter);

#endif
