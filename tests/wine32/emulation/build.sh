#!/bin/bash
# build.sh CACHE_DIR STAMP: puts an emulated 32-bit Wine into CACHE_DIR, marked with
# STAMP (run by tests/wine32/wine32 --build, "make wine32", which first sees that the cache
# is missing or stale; docs/wine32.md explains the route).
#
# Nothing of Wine is built.  Debian's own i386 packages of the installed Wine version
# (wine32, libwine and the i386 libraries they run on) are fetched from the Debian
# archive the host's apt already uses, with an apt state of their own (the host's dpkg
# and apt configuration are not changed: no i386 architecture is added), and unpacked
# with dpkg -x into CACHE_DIR/root.  Their 32-bit programs run under qemu-i386 (from
# Debian's qemu-user-static, also unpacked, not installed), talking to the host's own
# 64-bit wineserver.  Debian's libwine postinst is run against that tree (it makes
# zlib1.dll), and one small i386 library built here from qemu-fixes.c is preloaded into
# every 32-bit process (why: qemu-fixes.c).  CACHE_DIR/bin holds wine, wineboot,
# wineserver ... for PATH.
#
# The tree is made in a temporary directory beside CACHE_DIR, checked with selftest.c,
# and only then renamed into place: an interrupted build leaves no half-made cache.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

cache=${1:?usage: build.sh CACHE_DIR STAMP}
stamp=${2:?usage: build.sh CACHE_DIR STAMP}
here=$(cd "$(dirname "$0")" && pwd)

say() { echo "wine32: $*"; }
die() { echo "wine32: $*" >&2; exit 1; }
t0=$(date +%s)
step() { say "$* ($(( $(date +%s) - t0 )) s)"; }

# --- what the host must have ------------------------------------------------------------
version=$(dpkg-query -W -f='${Version}' wine64 2>/dev/null) || die "Debian's wine64 is not installed"
for p in libwine:amd64 wine; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) || die "Debian's $p is not installed"
    [ "$v" = "$version" ] || die "$p $v and wine64 $version differ"
done
[ -x /usr/lib/wine/wine64 ] && [ -x /usr/lib/wine/wineserver ] && [ -d /usr/share/wine/nls ] \
    || die "Debian's wine64 is incomplete (/usr/lib/wine/wine64, wineserver, /usr/share/wine)"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || die "cannot tell the Debian release (/etc/os-release)"
cc=
for c in "${CC:-}" gcc clang; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
done
[ -n "$cc" ] || die "no C compiler (gcc or clang) for the i386 helper library"
command -v i686-w64-mingw32-gcc >/dev/null || die "i686-w64-mingw32-gcc is missing (gcc-mingw-w64-i686)"

# --- a temporary tree beside the cache ------------------------------------------------------
mkdir -p "$(dirname "$cache")"
for old in "$cache".tmp.*; do             # left behind by a build that was killed
    [ -d "$old" ] || continue
    pid=${old##*.tmp.}
    kill -0 "$pid" 2>/dev/null || rm -rf "$old"
done
tmp=$cache.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
prefix=
cleanup() {
    if [ -n "$prefix" ]; then
        WINEPREFIX=$prefix "$tmp/bin/wineserver" -k 2>/dev/null || true
        rm -rf "$prefix"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
root=$tmp/root
mkdir -p "$root"

# --- Debian's packages, through an apt state of our own -------------------------------------
# The archives are the ones the host's apt uses for its release (its "deb" entries), main
# component, release suite only: the i386 index of the security suite can lag behind.
step "fetching Debian's i386 packages of Wine $version ($codename)"
apt=$tmp/apt
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d" "$apt/preferences.d" "$apt/debs"
: > "$apt/status"
uris=$(apt-get indextargets --format '$(REPO_URI)' "Target-Of: deb" "Release: $codename" \
       "Identifier: Packages" | sort -u)
[ -n "$uris" ] || die "the host's apt has no 'deb' source for $codename"
for u in $uris; do
    echo "deb [arch=i386,amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $u $codename main"
done > "$apt/sources.list"
cat > "$apt/apt.conf" <<EOF
Dir::State "$apt";
Dir::State::Lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt";
Dir::Cache::archives "$apt/archives";
Dir::Etc::SourceList "$apt/sources.list";
Dir::Etc::SourceParts "$apt/sources.list.d";
Dir::Etc::Preferences "$apt/preferences";
Dir::Etc::PreferencesParts "$apt/preferences.d";
APT::Architecture "i386";
APT::Architectures { "i386"; "amd64"; };
Acquire::Languages "none";
EOF
[ "$(id -u)" -ne 0 ] || echo 'APT::Sandbox::User "root";' >> "$apt/apt.conf"
export APT_CONFIG=$apt/apt.conf
apt-get -q update > "$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; die "apt-get update failed"; }

# Wine's 32-bit side, exactly the host's version, with the zlib1.dll it is made from.
pkgs="wine32=$version libwine=$version libz-mingw-w64"
# The i386 libraries its Unix side runs on or loads when present, as the 64-bit side has
# them (libgcc_s: pthread_exit; freetype and fontconfig: fonts, else a warning on every
# start; gnutls: bcrypt, crypt32, secur32), with what apt says they depend on.
libs="libc6 libgcc-s1 libfreetype6 libfontconfig1 libgnutls30"
pkgs="$pkgs $(apt-get -s install --no-install-recommends $libs \
              | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1=\2/p' | tr '\n' ' ')"
(cd "$apt/debs" && apt-get -q download $pkgs qemu-user-static:amd64) > "$apt/download.log" 2>&1 \
    || { cat "$apt/download.log" >&2; die "could not download: $pkgs qemu-user-static:amd64"; }

step "unpacking"
for deb in "$apt"/debs/*.deb; do
    case $deb in
        */qemu-user-static_*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/bin/qemu-i386-static
                              mv "$tmp/usr/bin/qemu-i386-static" "$tmp/qemu-i386-static"
                              rm -rf "$tmp/usr" ;;
        *) dpkg-deb -x "$deb" "$root" ;;
    esac
done
[ -x "$root/usr/lib/wine/wine" ] && [ -f "$root/usr/lib/i386-linux-gnu/wine/i386-unix/ntdll.so" ] \
    || die "the i386 packages do not hold Wine's 32-bit loader"

# What dpkg would have done at installation: libwine's postinst writes zlib1.dll into its
# DLL folders (read from libz-mingw-w64), here inside the tree.
dpkg-deb -e "$apt"/debs/libwine_*_i386.deb "$apt/libwine.control"
sed -e "s#in=/usr/#in=$root/usr/#" -e "s#out=/usr/lib/#out=$root/usr/lib/#" \
    "$apt/libwine.control/postinst" > "$apt/libwine.postinst"
sh "$apt/libwine.postinst" configure
[ -s "$root/usr/lib/i386-linux-gnu/wine/i386-windows/zlib1.dll" ] || die "libwine's postinst made no zlib1.dll"

# The i386 programs find their libraries in the tree's default folders; an empty cache
# keeps the host's /etc/ld.so.cache (which may list host i386 libraries) out.
: > "$root/etc/ld.so.cache"

# --- a tree to build 32-bit Linux programs against -------------------------------------------
# For qemu-fixes.so below, and for the native i386 build of the DLL's core and its unit
# tests (make check-unit: unit-i386, run under the same qemu-i386): Debian's i386 libc
# and its headers, libgcc (the compiler's start files and helpers) and cmocka.
step "the i386 development tree"
dev=$tmp/i386-dev
mkdir -p "$dev" "$apt/devdebs"
gcc_major=$(gcc -dumpversion 2>/dev/null | cut -d. -f1)
(cd "$apt/devdebs" && apt-get -q download "libc6-dev=$(dpkg-deb -f "$apt"/debs/libc6_*_i386.deb Version)" \
     linux-libc-dev:i386 "libgcc-${gcc_major:-12}-dev:i386" libcmocka-dev:i386 libcmocka0:i386) \
     >> "$apt/download.log" 2>&1 \
    || { cat "$apt/download.log" >&2; die "no i386 development packages"; }
for deb in "$apt"/debs/libc6_*_i386.deb "$apt"/debs/libgcc-s1_*_i386.deb "$apt"/devdebs/*.deb; do
    dpkg-deb -x "$deb" "$dev"
done
mkdir -p "$dev/etc"
: > "$dev/etc/ld.so.cache"             # the host's cache would name host libraries
# One folder of libraries, as on a merged-/usr system: the i386 ld.so under qemu
# gives up on /lib/i386-linux-gnu once the host has no such folder.
for f in "$dev"/lib/i386-linux-gnu/*; do
    [ -e "$dev/usr/lib/i386-linux-gnu/${f##*/}" ] || ln -s "../../../lib/i386-linux-gnu/${f##*/}" "$dev/usr/lib/i386-linux-gnu/"
done

# --- the preloaded helper library -----------------------------------------------------------
step "building qemu-fixes.so"
fixes=/usr/lib/i386-linux-gnu/ntdsbcli-qemu-fixes.so
case $cc in
    *clang*) target="--target=i386-linux-gnu" ;;
    *) target= ;;
esac
"$cc" $target -m32 --sysroot="$dev" -shared -fPIC -nostdlib -O2 -Wall -fno-stack-protector \
    -o "$root$fixes" "$here/qemu-fixes.c" -lc
echo "$fixes" > "$root/etc/ld.so.preload"

# --- where the 64-bit and 32-bit loaders meet -----------------------------------------------
# Wine starts a 32-bit process by running "wine-preloader" beside the 64-bit loader, with
# the 32-bit loader ("wine" there) as argument, and a 64-bit one as "wine64" beside the
# 32-bit loader.  Both loaders are in root/usr/lib/wine: Debian's i386 one from the
# package, and a copy of the host's 64-bit one (a copy, because Wine locates its folders
# from the real path of the running loader; the rest of the 64-bit Wine is the host's).
step "joining the 32-bit and 64-bit sides"
cp /usr/lib/wine/wine64 "$root/usr/lib/wine/wine64"
mkdir -p "$root/usr/lib/x86_64-linux-gnu" "$root/usr/share"
ln -s /usr/lib/x86_64-linux-gnu/wine "$root/usr/lib/x86_64-linux-gnu/wine"
ln -s /usr/share/wine "$root/usr/share/wine"
cp "$here/wine-preloader" "$root/usr/lib/wine/wine-preloader"
chmod +x "$root/usr/lib/wine/wine-preloader"

# PATH: wine (see the script), wineserver, and programs of Wine by their usual names.
mkdir -p "$tmp/bin"
cp "$here/wine" "$tmp/bin/wine"
cp "$here/wine" "$tmp/bin/wine64"
printf '#!/bin/sh\nexec /usr/lib/wine/wineserver "$@"\n' > "$tmp/bin/wineserver"
for p in wineboot winecfg winepath winedbg wineconsole msiexec regedit regsvr32; do
    printf '#!/bin/sh\nexec "$(dirname "$0")/wine" %s.exe "$@"\n' "$p" > "$tmp/bin/$p"
done
chmod +x "$tmp"/bin/*

# --- check it before it is used ----------------------------------------------------------
# Under no-ia32: a 32-bit program that escaped qemu would be killed, not run natively.
step "checking: a throwaway prefix and tests/wine32/emulation/selftest.c"
"$cc" -O2 -Wall -o "$tmp/no-ia32" "$here/no-ia32.c"
i686-w64-mingw32-gcc -O1 -Wall -o "$tmp/selftest.exe" "$here/selftest.c"
echo "$stamp" > "$tmp/stamp"
prefix=$tmp/prefix          # inside: a killed build leaves nothing elsewhere
mkdir "$prefix"
export WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
PATH=$tmp/bin:$PATH "$tmp/no-ia32" wineboot -i > "$tmp/wineboot.log" 2>&1 \
    || { cat "$tmp/wineboot.log" >&2; die "wineboot failed"; }
"$tmp/bin/wineserver" -w
[ -f "$prefix/drive_c/windows/syswow64/kernel32.dll" ] || die "the prefix has no 32-bit system folder"
NTDSBCLI_WINE32_CACHE=$tmp "$tmp/no-ia32" "$here/../wine32" "$tmp/selftest.exe" > "$tmp/selftest.log" 2>&1 || true
tr -d '\r' < "$tmp/selftest.log" | sed 's/^/  /'
grep -q '^0 failed' "$tmp/selftest.log" || die "the self-test failed: the emulated 32-bit Wine does not work here"
status=0
PATH=$tmp/bin:$PATH "$tmp/no-ia32" wine "$tmp/selftest.exe" child || status=$?
[ "$status" = 42 ] || die "wine (bin/wine) ran a 32-bit program with exit status $status, not 42"
"$tmp/bin/wineserver" -k 2>/dev/null || true
rm -rf "$prefix"
prefix=

# --- into place ---------------------------------------------------------------------------
rm -rf "$apt" "$tmp/selftest.exe"
if [ -e "$cache" ]; then
    mv "$cache" "$cache.old.$$"
    rm -rf "$cache.old.$$"
fi
mv -T "$tmp" "$cache" || die "could not rename $tmp to $cache"
trap - EXIT
step "ready in $cache ($(du -sh "$cache" | cut -f1))"
