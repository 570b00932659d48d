#!/bin/bash
# run.sh ARCH: runs the conformance tests of build/ARCH/ntdsbcli.dll under Wine, in
# a throwaway prefix with a generated directory database.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
arch=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/wine.sh"
trap wine_prefix_destroy EXIT
wine_prefix_create || exit 1

# The test program and the DLL side by side, as an application ships them.
bin="$WINEPREFIX/drive_c/tests"
mkdir -p "$bin"
cp "$here/build/$arch/conformance.exe" "$here/build/$arch/ntdsbcli.dll" "$bin/"
cd "$bin" || exit 1
status=0

sample_db_create
wine conformance.exe || status=1
wine conformance.exe no-privilege || status=1

# The debug trace: one line per call and one per result, on stderr.
NTDSBCLI_DEBUG=1 wine conformance.exe no-privilege > /dev/null 2> trace.txt
if grep -qF 'DsBackupPrepareW ((null), 0, 0x1,' trace.txt && grep -q 'DsBackupPrepareW -> ERROR_ACCESS_DENIED' trace.txt; then
    echo "PASS: NTDSBCLI_DEBUG traces calls and results"
else
    echo "FAIL: NTDSBCLI_DEBUG trace missing; got:"; head -5 trace.txt; status=1
fi

sample_db_unregister
wine conformance.exe not-a-dc || status=1
exit $status
