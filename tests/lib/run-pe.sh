#!/bin/bash
# run-pe.sh [--program PROGRAM] ARCH UNIT...: runs build/ARCH/PROGRAM, a PE
# test program of units (by default unit/unit.exe, the PE build of the unit
# tests), under Wine, each unit in a process of its own, in a throwaway prefix,
# and exits non-zero if any failed or the program was not built.  i686 programs
# run through the emulated 32-bit Wine (tests/wine32/wine32, docs/wine32.md).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
program=unit/unit.exe
if [ "${1:-}" = --program ]; then program=$2; shift 2; fi
name=${program##*/}
arch=$1; shift
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/lib/wine.sh"
if declare -F wine_use_arch > /dev/null; then wine_use_arch "$arch" || exit 1; fi
if [ ! -f "$here/build/$arch/$program" ]; then
    echo "not ok - $arch $name: not built (see the build errors above)"
    exit 1
fi
trap wine_prefix_destroy EXIT
wine_prefix_create || { echo "not ok - $arch $name: no Wine prefix"; exit 1; }
bin="$WINEPREFIX/drive_c/unit"
mkdir -p "$bin"
cp "$here/build/$arch/$program" "$bin/"
export WINETEST_PLATFORM=wine
status=0
for t in "$@"; do
    (cd "$bin" && wine "$name" "$t") > "$bin/$t.out" 2>&1
    code=$?
    tr -d '\r' < "$bin/$t.out"
    # A program that never started (no loader for its architecture, say) may
    # print nothing and still exit 0: it must at least close with its plan.
    if ! grep -q '^1\.\.[0-9]' "$bin/$t.out"; then
        echo "not ok - $arch $name $t: reported no plan (exit status $code): it did not run to its end"
        status=1
    elif [ "$code" -ne 0 ]; then
        echo "not ok - $arch $name $t: exited with status $code"
        status=1
    fi
done
exit $status
