/*
 * Whether this machine's administrative shares resolve under Wine.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_UNC_SHARE_H
#define NTDSBCLI_UNC_SHARE_H

#include <windows.h>

/* The lists name files as \\COMPUTER\X$\...  Wine resolves such names through
 * <prefix>/dosdevices/unc/<computer>/<share>, which a prefix does not have by
 * default, and a restore tool writes the files through those names.  Making the
 * share resolve is the installer's job (make install-wine, dsbackup link-share):
 * the DLL starts no process and changes nothing in the prefix.  Under Wine, when
 * \\COMPUTER\X$\ does not resolve, this says so once per drive and process, on
 * the err class of the ntdsbcli channel (on by default, as Wine's is), naming the
 * command that fixes it.  On Windows it does nothing. */
void unc_share_check(WCHAR drive_letter);

#endif
