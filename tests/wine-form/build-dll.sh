#!/bin/bash
# build-dll.sh ARCH OUT: builds ntdsbcli.dll in Wine's own form into OUT/ARCH/, as
# Wine's tree would: the sources as tools/wine-tree exports them, compiled and
# linked by Debian's winegcc and winebuild (wine64-tools) against Wine's headers
# and PE import libraries (libwine-dev; for i686 Debian's libwine-dev:i386, fetched
# by i386-dev.sh), with -D__WINESRC__ and Wine's own warning flags as errors, from
# the .spec, with the version resource compiled by wrc, marked as a Wine builtin.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
arch=$1
out=$2/$arch
here=$(cd "$(dirname "$0")/../.." && pwd)

# Wine 8.0's flags for the PE objects of its tree (configure, --enable-werror).
cflags=(-D__WINESRC__ -D__WINE_PE_BUILD -D_UCRT -Wall -fno-strict-aliasing -Wdeclaration-after-statement
        -Wempty-body -Wignored-qualifiers -Winit-self -Wno-packed-not-aligned -Wshift-overflow=2
        -Wstrict-prototypes -Wtype-limits -Wunused-but-set-parameter -Wvla -Wwrite-strings -Wpointer-arith
        -Wlogical-op -Wabsolute-value -Wformat-overflow -Wnonnull -Werror -g -O2)
case $arch in
    x86_64) target=(-b x86_64-w64-mingw32); cflags+=(-mcx16) ;;
    i686)   target=(-b i686-w64-mingw32 --sysroot="$("$here/tests/wine-form/i386-dev.sh")") ;;
    *)      echo "build-dll.sh: no such architecture: $arch" >&2; exit 2 ;;
esac

rm -rf "$out"
mkdir -p "$out/obj"
"$here/tools/wine-tree" --dll-only "$out/tree" > /dev/null
src=$out/tree/dlls/ntdsbcli
for c in "$src"/*.c; do
    winegcc "${target[@]}" -mno-cygwin "${cflags[@]}" -I"$src" -I"$out/tree/include" \
        -c -o "$out/obj/$(basename "${c%.c}").o" "$c"
done
wrc -D__WINESRC__ -o "$out/obj/version.res" "$src/version.rc"
winegcc "${target[@]}" -mno-cygwin -shared -Wl,--wine-builtin -o "$out/ntdsbcli.dll" \
    "$src/ntdsbcli.spec" "$out"/obj/*.o "$out/obj/version.res" -ladvapi32
