#!/bin/sh
# build-cmocka-mingw.sh ARCH OUTDIR
# Cross-builds cmocka for mingw-w64 from Debian's source package (apt needs a
# deb-src entry: .ci/install-deps adds one), giving OUTDIR/lib/libcmocka-static.a
# and OUTDIR/include/cmocka.h for the PE conformance tests.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
arch=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
src=build/cmocka-src
if [ ! -f "$src/CMakeLists.txt" ]; then
    rm -rf build/cmocka-download && mkdir -p build/cmocka-download
    (cd build/cmocka-download && apt-get source --download-only cmocka >/dev/null 2>&1) || {
        echo "build-cmocka-mingw: apt-get source cmocka failed: add a deb-src entry (make deps)" >&2
        exit 1
    }
    mkdir -p "$src"
    tar -xf "$(ls build/cmocka-download/cmocka_*.orig.tar.* | grep -v "\.asc$" | head -n 1)" -C "$src" --strip-components=1
fi
rm -rf "$out/cmake"
cmake -S "$src" -B "$out/cmake" -DCMAKE_SYSTEM_NAME=Windows \
    -DCMAKE_C_COMPILER="$arch-w64-mingw32-gcc" -DCMAKE_RC_COMPILER="$arch-w64-mingw32-windres" \
    -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$out" >/dev/null
cmake --build "$out/cmake" -j2 >/dev/null
cmake --install "$out/cmake" >/dev/null
ls "$out"/lib/libcmocka*.a
