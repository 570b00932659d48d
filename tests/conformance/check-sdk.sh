#!/bin/bash
# check-sdk.sh ARCH...: the conformance tests build against the SDK's header, as
# they would on Windows, and the units Wine's tree gets (all but standalone_*.c)
# build and link on their own, with only what that tree has besides Windows'
# headers (build/conformance/wine-tree/include: a wine/test.h and ntds_layout.h):
# the DLL and Windows are all they call.  One TAP line per check.  CFLAGS and LIBS
# are those conformance.exe is built with (tests/programs.mk), from make.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
build=${BUILD:-build}
read -ra cflags <<< "${CFLAGS:?CFLAGS: the flags conformance.exe is built with}"
read -ra libs <<< "${LIBS:?LIBS: the libraries conformance.exe links beyond the DLL}"
units=(tests/conformance/*.c)
wine_units=()
for u in "${units[@]}"; do case $u in */standalone_*) ;; *) wine_units+=("$u") ;; esac; done
status=0
for arch in "$@"; do
    if "$arch-w64-mingw32-gcc" "${cflags[@]}" -fsyntax-only -Itests/lib -Icommon "${units[@]}"; then
        echo "ok - conformance tests build against the SDK header ($arch)"
    else
        echo "not ok - conformance tests do not build against the SDK header ($arch)"; status=1
    fi
    tests/lib/make-testlist.sh "${wine_units[@]}" > "$build/conformance/wine-tree/testlist.c"
    if "$arch-w64-mingw32-gcc" "${cflags[@]}" -I"$build/conformance/wine-tree/include" \
           -o "$build/$arch/conformance-wine-tree.exe" "${wine_units[@]}" "$build/conformance/wine-tree/testlist.c" \
           -L"$build/$arch" -lntdsbcli "${libs[@]}"; then
        echo "ok - the units Wine's tree gets build and link without the standalone ones ($arch)"
    else
        echo "not ok - the units Wine's tree gets do not build or link on their own ($arch)"; status=1
    fi
done
exit $status
