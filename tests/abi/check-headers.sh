#!/bin/bash
# ABI check 5: include/ntdsbcli.h (with ntdsbmsg.h) compiles without a single
# diagnostic under -Wall -Wextra -pedantic, as C (c99, c11) and C++ (c++98, c++17),
# ANSI and UNICODE, for every architecture.  tests/abi/header_use.c uses every
# macro, type and prototype of the headers.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
BUILD=${BUILD:-build}
ARCHES=${ARCHES:-x86_64 i686}
here=$(dirname "$0")
out=$BUILD/abi/headers
mkdir -p "$out"
export LC_ALL=C

jobs=()
missing=
for arch in $ARCHES; do
    for cc in $arch-w64-mingw32-gcc $arch-w64-mingw32-g++; do
        command -v $cc >/dev/null 2>&1 || missing="$missing $cc"
    done
done
for arch in $ARCHES; do
    for lang in c99 c11 c++98 c++17; do
        for mode in ANSI UNICODE; do
            case $lang in
                c++*) cc=$arch-w64-mingw32-g++; x=c++ ;;
                *)    cc=$arch-w64-mingw32-gcc; x=c ;;
            esac
            defs=; [ $mode = UNICODE ] && defs="-DUNICODE -D_UNICODE"
            tag=$arch-$lang-$mode
            # shellcheck disable=SC2086
            ( $cc -x $x -std=$lang -Wall -Wextra -pedantic $defs -Iinclude \
                  -c "$here/header_use.c" -o "$out/$tag.o" >"$out/$tag.log" 2>&1
              echo $? >"$out/$tag.status" ) &
            jobs+=("$tag")
        done
    done
done
wait

for tag in "${jobs[@]}"; do
    read -r arch lang mode <<<"${tag//-/ }"
    status=$(cat "$out/$tag.status" 2>/dev/null || echo 255)
    what="$arch $lang $mode: our header compiles with -Wall -Wextra -pedantic"
    if [ "$status" -eq 127 ]; then
        echo "not ok - $what: compiler not installed (Debian: g++-mingw-w64-x86-64-win32, g++-mingw-w64-i686-win32)"
    elif [ "$status" -ne 0 ]; then
        echo "not ok - $what: compiler exit status $status: $(head -n 4 "$out/$tag.log" | tr '\n' '|')"
    elif [ -s "$out/$tag.log" ]; then
        echo "not ok - $what: $(grep -c -E 'warning|note' "$out/$tag.log") diagnostics: $(grep -m 3 -E 'warning|error' "$out/$tag.log" | tr '\n' '|')"
    else
        echo "ok - $what, silently"
    fi
done
[ -n "$missing" ] && echo "  missing compilers:$missing"
exit 0
