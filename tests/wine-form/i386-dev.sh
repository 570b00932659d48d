#!/bin/bash
# i386-dev.sh: prints a folder that holds Debian's i386 Wine development files of
# the installed Wine version (libwine-dev:i386: Wine's i386 PE import libraries,
# usr/lib/i386-linux-gnu/wine/i386-windows), for winegcc --sysroot.  They are
# fetched once, with an apt state of our own (apt-state.sh), unpacked with
# dpkg-deb -x, not installed, and kept outside the repository in
#   ~/.cache/ntdsbcli/wine-dev-i386-VERSION
# made in a temporary folder beside it and renamed into place when complete.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/apt-state.sh"

version=$(wine_version)
cache=$(cache_root)/wine-dev-i386-$version
check=usr/lib/i386-linux-gnu/wine/i386-windows/libkernel32.a
mkdir -p "$(dirname "$cache")"
exec 9> "$cache.lock"
flock 9
if [ ! -f "$cache/$check" ]; then
    tmp=$cache.tmp.$$
    rm -rf "$tmp"
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/debs"
    echo "i386-dev: fetching Debian's libwine-dev:i386 $version" >&2
    private_apt_state "$tmp/apt" deb i386 release
    (cd "$tmp/debs" && apt-get -q download "libwine-dev:i386=$version") > "$tmp/download.log" 2>&1 \
        || { cat "$tmp/download.log" >&2; echo "i386-dev: cannot download libwine-dev:i386=$version" >&2; exit 1; }
    dpkg-deb -x "$tmp"/debs/libwine-dev_*_i386.deb "$tmp/root"
    [ -f "$tmp/root/$check" ] || { echo "i386-dev: libwine-dev:i386 has no $check" >&2; exit 1; }
    rm -rf "$cache"
    mv -T "$tmp/root" "$cache"
fi
echo "$cache"
