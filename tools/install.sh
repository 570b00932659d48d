#!/bin/bash
# tools/install.sh MODE: installs ntdsbcli where mingw-w64 and Wine find it,
# remembers what it installed, and uninstalls exactly that.  make install,
# uninstall, install-wine and uninstall-wine (install.mk) call it from the top of
# the source tree and pass their variables in the environment.
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
#   install-wine   WINEPREFIX, BUILD, FORCE (0), SERVICE (1), WINE, WINESERVER
#       A 64-bit prefix (it has drive_c/windows/syswow64) gets the x86-64 DLL in
#       C:\windows\system32 and the i686 one in syswow64; a 32-bit prefix the i686
#       DLL in system32.  dsbackup.exe and ntdssvc.exe of the prefix's own
#       architecture go into system32, and ntdssvc.exe is registered as the
#       service NTDS (ntdssvc install); SERVICE=0 does neither.  The link
#       dosdevices/unc/<computer>/c$ -> ../../c: makes the administrative share
#       \\COMPUTER\C$ resolve, if the prefix has none.
#   uninstall-wine WINEPREFIX, WINE, WINESERVER
#       Unregisters the service (ntdssvc uninstall, which stops it first) if
#       install-wine registered it, then removes what the record lists.
#       ntdssvc.log, which the service writes beside itself, is data and stays.
#   Both wait for the wineserver to end (wineserver -w) after changing the
#   service, so that the registry is saved; at most a minute: a wineserver kept
#   running (wineserver -p, or a program still open) saves it by itself.
#   A 64-bit prefix without its 32-bit side (syswow64 empty: made by a 64-bit
#   Wine alone), where no 32-bit program can start, gets it from the emulated
#   32-bit Wine first (tools/wine32 --setup-prefix) if that is there; otherwise
#   install-wine says what to run.
#
# Other packages' files are safe:
# - A file is ours if it is a regular file and: a header or .pc with our
#   copyright line, a DLL or .exe with our version resource, an import library
#   that our manifest lists.
# - install never overwrites a file that is not ours.  It keeps it and says so: on
#   Debian, mingw-w64's package has its own ntdsbcli.h, ntdsbmsg.h and
#   libntdsbcli.a, ABI-identical with ours (tests/abi).
# - install-wine changes nothing if a file it would overwrite is not ours, unless
#   FORCE=1, which moves that file to C:\windows\ntdsbcli-replaced\, from where
#   uninstall-wine puts it back.  A service NTDS that runs another program is
#   left as it is.
# - What was installed is written down before the files are copied, so that an
#   interrupted install can be undone: per triplet the manifest, one path a line
#   as on the target (without DESTDIR); in the prefix the record
#   drive_c/windows/ntdsbcli-installed-files, paths relative to the prefix,
#   "@service NTDS" if install-wine registered the service, and
#   "@replaced <path>" for each file FORCE=1 moved aside.  Both list every file
#   installed and, ending in "/", every directory the installation created.
# - Uninstall removes only the files listed, each only if it is still ours, then
#   the listed directories that are empty, then the list.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
cd "$(dirname "$0")/.."

mode=${1:-}
build=${BUILD:-build}
marker='The ntdsbcli project authors'                    # in our headers and .pc
product='ntdsbcli: Directory Backup Functions for Wine'  # ProductName of our version resource
triplets='x86_64-w64-mingw32 i686-w64-mingw32'

say() { printf '%s\n' "$*"; }
die() { printf 'ntdsbcli %s: %s\n' "$mode" "$*" >&2; exit 1; }
exists() { [ -e "$1" ] || [ -L "$1" ]; }

# is_ours FILE LISTED: whether FILE is ours (above); LISTED says whether our
# manifest lists it, which is all an import library can show.
is_ours() {
    [ -f "$1" ] && [ ! -L "$1" ] || return 1
    case $1 in
        *.h|*.pc) grep -Fq "$marker" "$1" ;;
        *.dll|*.exe) strings -el "$1" | grep -Fxq "$product" ;;
        *) [ "$2" = listed ] ;;
    esac
}

# remove_if_ours FILE LISTED: removes a file of the list that is still ours.
remove_if_ours() {
    if [ -L "$1" ] || { [ -e "$1" ] && ! is_ours "$1" "$2"; }; then
        say "kept $1: it is no longer ours (another package replaced it?)"
    elif [ -e "$1" ]; then
        rm -f "$1"
        say "  REMOVE  $1"
    fi
}

# make_dirs DIR ROOT: creates DIR and its missing parents, and adds each one below
# ROOT to created_dirs as the lists have it: without ROOT, ending in "/".
make_dirs() {
    local dir=$1 missing=()
    while [ ! -d "$dir" ]; do
        exists "$dir" && die "$dir exists and is not a directory"
        missing=("$dir" "${missing[@]}")
        dir=$(dirname "$dir")
    done
    for dir in "${missing[@]}"; do
        mkdir "$dir"
        case $dir in "$2"/*) created_dirs+=("${dir#"$2"}/") ;; esac
    done
}

# remove_empty_dirs DIR...: removes those that are empty, the deepest first (a
# folder sorts after its parent).
remove_empty_dirs() {
    local dir
    printf '%s\n' "$@" | LC_ALL=C sort -ru | while IFS= read -r dir; do
        if [ -n "$dir" ] && [ -d "$dir" ] && [ ! -L "$dir" ] && rmdir "$dir" 2>/dev/null; then
            say "  RMDIR   $dir"
        fi
    done
}

# list_add LIST LINE...: appends to the manifest or record LIST each LINE it lacks.
list_add() {
    local list=$1 line
    shift
    touch "$list"
    for line; do
        grep -Fxq -- "$line" "$list" || printf '%s\n' "$line" >> "$list"
    done
}

# has_dotdot PATH: whether a path read from a list climbs out with "..".
has_dotdot() { case /$1/ in */../*) return 0 ;; esac; return 1; }

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
            ntdsbcli.pc.in > "$pc"
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

# ---- install-wine, uninstall-wine ----------------------------------------------------

open_prefix() {
    [ -n "${WINEPREFIX:-}" ] || die "needs the Wine prefix: make $mode WINEPREFIX=/path/to/prefix"
    [ -d "$WINEPREFIX" ] || die "WINEPREFIX=$WINEPREFIX does not exist (make one first: WINEPREFIX=$WINEPREFIX wineboot -i)"
    [ -f "$WINEPREFIX/system.reg" ] || die "WINEPREFIX=$WINEPREFIX is not a Wine prefix: it has no system.reg"
    pfx=$(cd "$WINEPREFIX" && pwd)
    export WINEPREFIX=$pfx WINEDEBUG=${WINEDEBUG:--all}
    wine=${WINE:-wine}
    wineserver=${WINESERVER:-wineserver}
    # ntdssvc.exe goes into system32, and it is the prefix's native program.  In
    # a 64-bit prefix where Debian's "wine" picks the 32-bit loader (wine32 is
    # installed), a 32-bit process sees syswow64 as system32 and would not find
    # it: run it with the 64-bit loader then, unless WINE= names one.
    native_wine=$wine
    if [ -z "${WINE:-}" ] && [ -d "$pfx/drive_c/windows/syswow64" ] && [ -x /usr/lib/wine/wine64 ]; then
        native_wine=/usr/lib/wine/wine64
    fi
    win=drive_c/windows
    record=$pfx/$win/ntdsbcli-installed-files
    saved=$win/ntdsbcli-replaced               # where FORCE=1 keeps what it replaced
    service_exe='C:\windows\system32\ntdssvc.exe'
}

need_wine() { command -v "$wine" >/dev/null || die "$wine is not installed (WINE= names it)"; }
save_registry() {
    local waiter i
    say "waiting for the prefix's wineserver to end, which saves the registry ($wineserver -w)"
    "$wineserver" -w &
    waiter=$!
    # NTDSBCLI_WINESERVER_WAIT: the bound in seconds (the tests shorten it).
    for i in $(seq $((${NTDSBCLI_WINESERVER_WAIT:-60} * 10))); do
        kill -0 "$waiter" 2> /dev/null || { wait "$waiter"; return 0; }
        sleep 0.1
    done
    kill "$waiter" 2> /dev/null || true
    wait "$waiter" 2> /dev/null || true
    say "the prefix's wineserver still runs after ${NTDSBCLI_WINESERVER_WAIT:-60} s (a program is open in the prefix, or it was"
    say "started with 'wineserver -p'): what was registered is in its registry, which Wine writes to disk"
    say "every 30 s and when it ends; 'WINEPREFIX=$pfx $wineserver -k' ends it now"
}

# A 64-bit prefix whose 32-bit side was never installed.
lacks_32bit_side() { [ -d "$pfx/$win/syswow64" ] && [ ! -f "$pfx/$win/syswow64/kernel32.dll" ]; }

# Gives such a prefix its 32-bit side with the emulated 32-bit Wine, if it is
# there; otherwise says, at the end, what to run.
setup_32bit_side() {
    lacks_32bit_side || return 0
    if tools/wine32 --bindir > /dev/null 2>&1; then
        say "the prefix has no 32-bit side yet: installing Wine's 32-bit files with the emulated 32-bit Wine"
        WINEPREFIX=$pfx tools/wine32 --setup-prefix || die "could not give $pfx its 32-bit side"
    fi
}

explain_32bit_side() {
    lacks_32bit_side || return 0
    say "note: $pfx has no 32-bit side (its syswow64 is empty: it was made by a 64-bit Wine alone),"
    say "  so no 32-bit program starts in it yet; the i686 DLL waits in syswow64. To run 32-bit tools there:"
    say "    make wine32 && WINEPREFIX=$pfx tools/wine32 --setup-prefix"
    say "  then start each with 'tools/wine32 TOOL.exe', or 'wine TOOL.exe' with the folder that"
    say "  'tools/wine32 --bindir' prints first in PATH. Where 32-bit code runs natively, Debian's"
    say "  wine32:i386 does it instead:"
    say "    rm $pfx/.update-timestamp && WINEPREFIX=$pfx wineboot -u"
}

# service_image: the program the service NTDS runs, without quotes, or nothing.
service_image() {
    "$wine" reg query 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS' /v ImagePath 2>/dev/null \
        | tr -d '\r"' | sed -n 's/^ *ImagePath  *REG_[A-Z_]*  *//p' || true
}
is_our_service() { [ "${1,,}" = "${service_exe,,}" ]; }

install_wine() {
    open_prefix
    local force=${FORCE:-0} service=${SERVICE:-1} native i rel host link image
    local rels=() srcs=() foreign=()
    [ -d "$pfx/$win/system32" ] || die "$pfx/$win/system32 does not exist"
    if [ -d "$pfx/$win/syswow64" ]; then
        say "installing into the 64-bit Wine prefix $pfx"
        native=x86_64
        rels=("$win/system32/ntdsbcli.dll" "$win/syswow64/ntdsbcli.dll")
        srcs=("$build/x86_64/ntdsbcli.dll" "$build/i686/ntdsbcli.dll")
    else
        say "installing into the 32-bit Wine prefix $pfx"
        native=i686
        rels=("$win/system32/ntdsbcli.dll")
        srcs=("$build/i686/ntdsbcli.dll")
    fi
    rels+=("$win/system32/dsbackup.exe")
    srcs+=("$build/$native/dsbackup.exe")
    if [ "$service" != 0 ]; then
        rels+=("$win/system32/ntdssvc.exe")
        srcs+=("$build/$native/ntdssvc.exe")
    fi

    # Everything is checked before anything changes.
    for i in "${!rels[@]}"; do
        rel=${rels[i]}
        [ -f "${srcs[i]}" ] || die "${srcs[i]} is missing (make all builds it)"
        if exists "$pfx/$rel" && ! is_ours "$pfx/$rel" unlisted; then
            foreign+=("$rel")
            if [ "$force" = 1 ] && exists "$pfx/$saved/${rel#"$win"/}"; then
                die "$pfx/$rel is not ours, and $pfx/$saved/${rel#"$win"/} (where FORCE=1 would keep it) exists already"
            fi
        fi
    done
    if [ ${#foreign[@]} != 0 ] && [ "$force" != 1 ]; then
        for rel in "${foreign[@]}"; do
            printf 'ntdsbcli %s: refusing to overwrite %s: it is not ours (no "%s" version resource) and another program may need it\n' \
                "$mode" "$pfx/$rel" "$product" >&2
        done
        die "nothing was changed; FORCE=1 replaces it (keeping it in $pfx/$saved, to be put back by make uninstall-wine)"
    fi

    setup_32bit_side

    # Each line of the record is written before what it records is done.
    for i in "${!rels[@]}"; do
        rel=${rels[i]}
        if exists "$pfx/$rel" && ! is_ours "$pfx/$rel" unlisted; then     # FORCE=1
            created_dirs=()
            make_dirs "$(dirname "$pfx/$saved/${rel#"$win"/}")" "$pfx"
            list_add "$record" "${created_dirs[@]#/}" "@replaced $rel"
            mv "$pfx/$rel" "$pfx/$saved/${rel#"$win"/}"
            say "  MOVED   $pfx/$rel (not ours) to $pfx/$saved/${rel#"$win"/}"
        fi
        list_add "$record" "$rel"
        say "  INSTALL $pfx/$rel"
        install -m 755 "${srcs[i]}" "$pfx/$rel"
    done

    if [ "$service" != 0 ]; then
        need_wine
        image=$(service_image)
        if [ -z "$image" ]; then
            list_add "$record" '@service NTDS'
            "$native_wine" "$service_exe" install 2>&1 | tr -d '\r'
            [ -n "$(service_image)" ] || die "could not register the service NTDS ($service_exe install)"
        elif is_our_service "$image"; then
            say "service NTDS is registered already, to run $service_exe"
        else
            say "kept service NTDS: it runs $image, not ours; $service_exe is not registered"
        fi
        save_registry
    fi

    host=$(uname -n | cut -d. -f1 | cut -c1-15)
    link="dosdevices/unc/${host,,}/c\$"
    if exists "$pfx/$link"; then
        say "the administrative share link $pfx/$link exists already: kept"
    else
        created_dirs=()
        make_dirs "$(dirname "$pfx/$link")" "$pfx"
        list_add "$record" "${created_dirs[@]#/}" "$link"
        ln -s ../../c: "$pfx/$link"
        say "  LINK    $pfx/$link -> ../../c: (\\\\${host^^}\\C\$)"
    fi
    say "  RECORD  $record"
    explain_32bit_side
}

uninstall_wine() {
    open_prefix
    local line path dirs=() replaced=()
    if [ ! -f "$record" ]; then
        say "nothing to uninstall from $pfx: no record $record"
        return 0
    fi
    # ntdssvc uninstall stops the service and removes it only if it runs ntdssvc.exe.
    if grep -Fxq '@service NTDS' "$record"; then
        need_wine
        if is_ours "$pfx/$win/system32/ntdssvc.exe" listed; then
            "$native_wine" "$service_exe" uninstall 2>&1 | tr -d '\r'
        fi
        if is_our_service "$(service_image)"; then
            die "the service NTDS still runs $service_exe, which could not unregister it; nothing removed (wine sc delete NTDS removes it by hand)"
        fi
        save_registry
    fi
    while IFS= read -r line; do
        if has_dotdot "$line"; then
            say "ignored '$line' in $record: it has .. in it"
            continue
        fi
        case $line in
            ''|'@service NTDS') ;;
            "@replaced $win"/*) replaced+=("${line#@replaced }") ;;
            /*) say "ignored '$line' in $record: not relative to the prefix" ;;
            */) dirs+=("$pfx/${line%/}") ;;
            dosdevices/*)
                if [ -L "$pfx/$line" ] && [ "$(readlink "$pfx/$line")" = ../../c: ]; then
                    rm -f "$pfx/$line"
                    say "  REMOVE  $pfx/$line"
                elif exists "$pfx/$line"; then
                    say "kept $pfx/$line: it is no longer the link install-wine made"
                fi ;;
            "$win"/*) remove_if_ours "$pfx/$line" unlisted ;;   # all carry our version resource
            *) say "ignored '$line' in $record: not a place install-wine installs to" ;;
        esac
    done < "$record"
    for path in "${replaced[@]}"; do
        if exists "$pfx/$saved/${path#"$win"/}" && ! exists "$pfx/$path"; then
            mv "$pfx/$saved/${path#"$win"/}" "$pfx/$path"
            say "  RESTORE $pfx/$path (the file FORCE=1 replaced)"
        fi
    done
    remove_empty_dirs "${dirs[@]}"
    rm -f "$record"
    say "  REMOVE  $record"
}

command -v strings >/dev/null || die "needs strings (binutils) to recognise our files"
case $mode in
    install) install_unix ;;
    uninstall) uninstall_unix ;;
    install-wine) install_wine ;;
    uninstall-wine) uninstall_wine ;;
    *) die "usage: tools/install.sh install|uninstall|install-wine|uninstall-wine" ;;
esac
