#!/bin/bash
# tools/install.sh MODE: installs ntdsbcli where mingw-w64 finds it, remembers
# what it installed, and uninstalls exactly that.  make install and uninstall
# (install.mk) call it from the top of the source tree and pass their variables in
# the environment.  A Wine prefix is tools/ntdsbcli-setup's (make install-wine).
#
#   install        PREFIX (/usr/local), DESTDIR, BUILD (build), VERSION
#       For each triplet <t>, x86_64-w64-mingw32 and i686-w64-mingw32, under
#       $DESTDIR$PREFIX/<t>/:
#         include/ntdsbcli.h, include/ntdsbmsg.h
#         lib/libntdsbcli.a, lib/ntdsbcli.lib    the import libraries (GNU ld, link.exe)
#         bin/ntdsbcli.dll
#         lib/pkgconfig/ntdsbcli.pc              from ntdsbcli.pc.in
#         lib/ntdsbcli/installed-files           the manifest
#       so that <t>-gcc finds them through pkg-config, or by itself with
#       PREFIX=/usr, which is mingw-w64's own search path.
#   uninstall      PREFIX, DESTDIR
#
# Other packages' files are safe (what counts as ours: tools/install-common.sh):
# - install never overwrites a file that is not ours.  It keeps it and says so: on
#   Debian, mingw-w64's package has its own ntdsbcli.h, ntdsbmsg.h and
#   libntdsbcli.a, ABI-identical with ours (tests/abi).
# - What was installed is written down before the files are copied, so that an
#   interrupted install can be undone: per triplet the manifest, one path a line
#   as on the target (without DESTDIR), listing every file installed and, ending
#   in "/", every directory the installation created.
# - Uninstall removes only the files listed, each only if it is still ours, then
#   the listed directories that are empty, then the list.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
cd "$(dirname "$0")/.."

mode=${1:-}
build=${BUILD:-build}
triplets='x86_64-w64-mingw32 i686-w64-mingw32'
. tools/install-common.sh

# ---- install, uninstall ------------------------------------------------------------

unix_paths() {
    prefix=${PREFIX:-/usr/local}
    case $prefix in /*) ;; *) die "PREFIX must be an absolute path (got '$prefix')" ;; esac
    has_dotdot "$prefix" && die "PREFIX must not contain .. (got '$prefix')"
    prefix=${prefix%/}              # PREFIX=/ puts the triplets' folders in /
    destdir=${DESTDIR:-}
    destdir=${destdir%/}
}

install_unix() {
    unix_paths
    [ -n "${VERSION:-}" ] || die "needs VERSION (make install passes the Makefile's)"
    local t arch base manifest rel src dst listed
    for src in include/ntdsbcli.h include/ntdsbmsg.h ntdsbcli.pc.in \
               "$build"/{x86_64,i686}/{libntdsbcli.a,ntdsbcli.lib,ntdsbcli.dll}; do
        [ -f "$src" ] || die "$src is missing (make all builds it)"
    done
    pc=$(mktemp "${TMPDIR:-/tmp}/ntdsbcli.pc.XXXXXX")
    trap 'rm -f "$pc"' EXIT
    for t in $triplets; do
        arch=${t%%-*}
        base=$prefix/$t                            # as on the target
        manifest=$base/lib/ntdsbcli/installed-files
        sed -e "s|@PREFIX@|$prefix|g" -e "s|@TRIPLET@|$t|g" -e "s|@VERSION@|$VERSION|g" \
            -e 's|@INCLUDEDIR@|${prefix}/include|' -e 's|@LIBDIR@|${prefix}/lib|' \
            -e 's|@BINDIR@|${prefix}/bin|' ntdsbcli.pc.in > "$pc"
        created_dirs=()
        make_dirs "$destdir$base/lib/ntdsbcli" "$destdir"
        list_add "$destdir$manifest" "$manifest" "${created_dirs[@]}"
        # What goes where: "<path under PREFIX/<t>> <source>" a line.
        while read -r rel src; do
            dst=$destdir$base/$rel
            listed=unlisted
            if grep -Fxq "$base/$rel" "$destdir$manifest"; then listed=listed; fi
            if exists "$dst" && ! is_ours "$dst" $listed; then
                case $rel in
                    include/*|lib/libntdsbcli.a)
                        say "kept $dst: it belongs to another package; it is ABI-identical with ours (tests/abi)" ;;
                    *)  say "kept $dst: it belongs to another package; ours is not installed in its place" ;;
                esac
                continue
            fi
            created_dirs=()
            make_dirs "$(dirname "$dst")" "$destdir"
            list_add "$destdir$manifest" "${created_dirs[@]}" "$base/$rel"
            say "  INSTALL $dst"
            # install removes the old file first: a DLL in use keeps its contents.
            case $rel in
                *.dll) install -m 755 "$src" "$dst" ;;
                *) install -m 644 "$src" "$dst" ;;
            esac
        done <<EOF
include/ntdsbcli.h include/ntdsbcli.h
include/ntdsbmsg.h include/ntdsbmsg.h
lib/libntdsbcli.a $build/$arch/libntdsbcli.a
lib/ntdsbcli.lib $build/$arch/ntdsbcli.lib
bin/ntdsbcli.dll $build/$arch/ntdsbcli.dll
lib/pkgconfig/ntdsbcli.pc $pc
EOF
        say "  MANIFEST $destdir$manifest"
    done
}

uninstall_unix() {
    unix_paths
    local t base manifest path dirs=()
    for t in $triplets; do
        base=$prefix/$t
        manifest=$base/lib/ntdsbcli/installed-files
        if [ ! -f "$destdir$manifest" ]; then
            say "nothing to uninstall for $t: no manifest $destdir$manifest"
            continue
        fi
        while IFS= read -r path; do
            if has_dotdot "$path"; then
                say "ignored '$path' in $destdir$manifest: it has .. in it"
                continue
            fi
            case $path in
                ''|"$manifest") ;;                 # the manifest goes last
                /*/) dirs+=("$destdir${path%/}") ;;
                "$base"/*) remove_if_ours "$destdir$path" listed ;;
                *) say "ignored '$path' in $destdir$manifest: not under $base" ;;
            esac
        done < "$destdir$manifest"
        rm -f "$destdir$manifest"
        say "  REMOVE  $destdir$manifest"
    done
    # The folders of both triplets together: they share their parents.
    remove_empty_dirs "${dirs[@]}"
}

case $mode in
    install) install_unix ;;
    uninstall) uninstall_unix ;;
    *) die "usage: tools/install.sh install|uninstall" ;;
esac
