#!/bin/bash
# run.sh ARCH: make check-wine-form's suite for one architecture, as TAP lines:
# the DLL in Wine's own form builds with Wine's toolchain (build-dll.sh), is what
# Wine's tree would ship (check-dll.py; on i686 every export pops the .spec's
# argument bytes, tests/abi/check-stack.py), and passes the conformance suite
# (tests/conformance/run.sh, told that this DLL has none of the standalone build's
# own parts).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
arch=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 1
dlls=build/wine-form
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if tests/wine-form/build-dll.sh "$arch" "$dlls" > "$log" 2>&1; then
    echo "ok - $arch: the DLL builds in Wine's form with Wine's toolchain (winegcc, -D__WINESRC__, Wine's warnings as errors)"
else
    echo "not ok - $arch: the DLL does not build in Wine's form with Wine's toolchain:"
    sed 's/^/  /' "$log"
    exit 1
fi
python3 tests/wine-form/check-dll.py "$arch" "$dlls/$arch/ntdsbcli.dll"
if [ "$arch" = i686 ]; then
    python3 tests/abi/check-stack.py --arch i686 --dll "$dlls/i686/ntdsbcli.dll" --def ntdsbcli.def
fi
NTDSBCLI_TEST_DLLS=$here/$dlls NTDSBCLI_TEST_WINE_FORM=1 tests/conformance/run.sh "$arch"
