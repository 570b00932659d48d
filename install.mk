# install.mk: installing ntdsbcli where mingw-w64 and Wine find it.
# The Makefile includes it (include install.mk); it uses VERSION, BUILD and ARCHES.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]
#       for each of x86_64-w64-mingw32 and i686-w64-mingw32 (<t>):
#         $(DESTDIR)$(PREFIX)/<t>/include/ntdsbcli.h, ntdsbmsg.h
#         $(DESTDIR)$(PREFIX)/<t>/lib/libntdsbcli.a            the import library
#         $(DESTDIR)$(PREFIX)/<t>/lib/ntdsbcli.lib             the same for link.exe, lld-link
#         $(DESTDIR)$(PREFIX)/<t>/bin/ntdsbcli.dll
#         $(DESTDIR)$(PREFIX)/<t>/lib/pkgconfig/ntdsbcli.pc    from ntdsbcli.pc.in
#         $(DESTDIR)$(PREFIX)/<t>/lib/ntdsbcli/installed-files the manifest
#       so that   <t>-gcc client.c $$(PKG_CONFIG_PATH=$(PREFIX)/<t>/lib/pkgconfig \
#                                    pkg-config --cflags --libs ntdsbcli)
#       works, and with PREFIX=/usr (mingw-w64's own search path) plain -lntdsbcli.
#       A file already there that is not ours is kept, never overwritten: on Debian,
#       mingw-w64's package has /usr/x86_64-w64-mingw32/include/ntdsbcli.h,
#       ntdsbmsg.h and lib/libntdsbcli.a (ABI-identical with ours: tests/abi).
#       Ours are: headers and the .pc with "The ntdsbcli project authors" in them,
#       DLLs with our version resource, the import library if the manifest lists it.
#       The manifest holds one path a line as on the target (without DESTDIR):
#       every installed file, itself included, and, ending in "/", the directories
#       the installation created.
#   make uninstall [PREFIX=...] [DESTDIR=...]
#       removes the files the manifests list (a header, .pc or DLL only if it is
#       still ours), the manifests, then those created directories that are empty.
#
#   make install-wine WINEPREFIX=<prefix> [FORCE=1] [SERVICE=0]
#       64-bit prefix (it has drive_c/windows/syswow64): the x86-64 DLL into
#       C:\windows\system32, the i686 DLL into C:\windows\syswow64; 32-bit prefix:
#       the i686 DLL into system32.  dsbackup.exe and ntdssvc.exe of the prefix's
#       native architecture into system32, and ntdssvc.exe registered as the
#       service NTDS (ntdssvc install; not with SERVICE=0, which also leaves out
#       ntdssvc.exe).  The link dosdevices/unc/<computer>/c$ -> ../../c: (the
#       administrative share \\COMPUTER\C$) if the prefix has none.
#       A file already in the prefix without our version resource is not
#       overwritten: install-wine stops before changing anything, unless FORCE=1,
#       which moves the foreign file to C:\windows\ntdsbcli-replaced\ (and
#       uninstall-wine puts it back).  A service NTDS running another program is
#       left as it is.  What it did is recorded in
#       <prefix>/drive_c/windows/ntdsbcli-installed-files: paths relative to the
#       prefix, "/"-terminated ones the directories it created, "@service NTDS" if
#       it registered the service, "@replaced <path>" for each FORCE=1 replacement.
#   make uninstall-wine WINEPREFIX=<prefix>
#       unregisters the service (ntdssvc uninstall: stops it first) if install-wine
#       registered it, removes the recorded files (each only if it still has our
#       version resource) and the link, puts replaced files back, removes the
#       created directories that are empty, then the record.  ntdssvc.log, which
#       the service writes beside itself when it runs, is data, and stays.
#   Both end with wineserver -w, so that the registry is saved.  WINE=wine and
#   WINESERVER=wineserver name the programs.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

ifndef NTDSBCLI_INSTALL_MK
NTDSBCLI_INSTALL_MK := 1

PREFIX     ?= /usr/local
DESTDIR    ?=
WINE       ?= wine
WINESERVER ?= wineserver
FORCE      ?= 0
SERVICE    ?= 1

.PHONY: install uninstall install-wine uninstall-wine

ifneq ($(filter install-wine uninstall-wine,$(MAKECMDGOALS)),)
ifeq ($(strip $(WINEPREFIX)),)
$(error $(filter install-wine uninstall-wine,$(MAKECMDGOALS)) needs the Wine prefix: \
make $(filter install-wine uninstall-wine,$(MAKECMDGOALS)) WINEPREFIX=/path/to/prefix)
endif
endif

# The installer itself, a POSIX shell script, run as
#     sh -c "$NTDSBCLI_INSTALL_SH" install.mk MODE ARGS...
# It reaches the recipes through the environment, verbatim (no make expansion).
define NTDSBCLI_INSTALL_SCRIPT
set -eu
mode=$1
shift
me="ntdsbcli $mode"
product='ntdsbcli: Directory Backup Functions for Wine'   # ProductName of our version resource
marker='The ntdsbcli project authors'                     # in our headers and .pc
abi_note='it is ABI-identical with ours (tests/abi)'

say() { printf '%s\n' "$*"; }
die() { printf '%s: %s\n' "$me" "$*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' HUP INT PIPE TERM
: > "$work/dirs"

exists() { [ -e "$1" ] || [ -L "$1" ]; }
# has_marker FILE: a regular file (not a link) with our copyright line.
has_marker() { [ -f "$1" ] && [ ! -L "$1" ] && grep -Fq "$marker" "$1"; }
# has_product FILE: a regular file with our version resource.
has_product() {
    [ -f "$1" ] && [ ! -L "$1" ] && strings -el "$1" 2>/dev/null | grep -Fxq "$product"
}
# identify NAME: the test that tells a file of that name ours by its contents
# (has_marker, has_product), or "none": then only the manifest can.
identify() {
    case $1 in
        *.h|*.pc) echo has_marker ;;
        *.dll|*.exe) echo has_product ;;
        *) echo none ;;
    esac
}
# deepest_first: directory paths from stdin, longest first, once each.
deepest_first() { awk 'length($0) && !seen[$0]++ { print length($0) "\t" $0 }' | sort -rn | cut -f2-; }
# mkdir_recorded DIR ROOT: creates DIR and its missing parents, and appends each one
# created below ROOT to $work/dirs as "<path relative to ROOT>/" (ROOT: no trailing /).
mkdir_recorded() {
    d=$1 missing=
    while [ ! -d "$d" ]; do
        exists "$d" && die "$d exists and is not a directory"
        missing="$d
$missing"
        d=$(dirname "$d")
    done
    printf '%s' "$missing" | while IFS= read -r m; do
        [ -n "$m" ] || continue
        mkdir "$m" || exit 1
        case $m in "$2"/*) printf '%s/\n' "${m#"$2"}" >> "$work/dirs" ;; esac
    done
}
strip_slashes() { printf '%s' "$1" | sed -e 's|//*|/|g' -e 's|\(.\)/$|\1|'; }
safe_path() {           # no . or .. components
    case /$1/ in */../*|*/./*) return 1 ;; esac
}

# ---- make install / uninstall ---------------------------------------------------

unix_common() {
    destdir=$(strip_slashes "$1")
    if [ "$destdir" = / ]; then destdir=; fi
    prefix=$(strip_slashes "$2")
    case $prefix in
        /*) ;;
        *) die "PREFIX must be an absolute path (got '$2')" ;;
    esac
    safe_path "$prefix" || die "PREFIX must not contain . or .. (got '$2')"
    if [ "$prefix" = / ]; then prefix=; fi
    command -v strings >/dev/null || die "needs strings (binutils) to recognise our DLLs"
}

unix_install() {        # DESTDIR PREFIX VERSION BUILD ARCH...
    unix_common "$1" "$2"
    version=$3 build=$4
    shift 4
    for arch; do
        t=$arch-w64-mingw32
        base=$prefix/$t                 # as on the target
        root=$destdir$base              # where it goes now
        man_rel=$base/lib/ntdsbcli/installed-files
        man=$destdir$man_rel
        : > "$work/dirs"
        : > "$work/todo"
        : > "$work/files"
        if [ -f "$man" ]; then cp "$man" "$work/old"; else : > "$work/old"; fi
        sed -e "s|@PREFIX@|$prefix|g" -e "s|@TRIPLET@|$t|g" -e "s|@VERSION@|$version|g" \
            ntdsbcli.pc.in > "$work/$t.pc"
        # What goes where: "<path under PREFIX/<t>> <mode> <source>" a line.
        printf '%s\n' "include/ntdsbcli.h 644 include/ntdsbcli.h" \
                      "include/ntdsbmsg.h 644 include/ntdsbmsg.h" \
                      "lib/libntdsbcli.a 644 $build/$arch/libntdsbcli.a" \
                      "lib/ntdsbcli.lib 644 $build/$arch/ntdsbcli.lib" \
                      "bin/ntdsbcli.dll 755 $build/$arch/ntdsbcli.dll" \
                      "lib/pkgconfig/ntdsbcli.pc 644 $work/$t.pc" > "$work/items"
        while read -r rel perm src; do
            [ -f "$src" ] || die "$src is missing (make all builds it)"
            dst=$root/$rel
            if exists "$dst"; then
                test=$(identify "$rel")
                if [ "$test" = none ]; then
                    ours=no
                    [ -f "$dst" ] && [ ! -L "$dst" ] && grep -Fxq "$base/$rel" "$work/old" && ours=yes
                else
                    ours=no
                    $test "$dst" && ours=yes
                fi
                if [ $ours = no ]; then
                    case $rel in
                        include/*|lib/libntdsbcli.a)
                            say "kept $dst: it belongs to another package; $abi_note" ;;
                        *)  say "kept $dst: it belongs to another package; ours is not installed in its place" ;;
                    esac
                    continue
                fi
            fi
            printf '%s %s %s\n' "$rel" "$perm" "$src" >> "$work/todo"
            printf '%s\n' "$base/$rel" >> "$work/files"
        done < "$work/items"
        # The directories first, then the manifest (so that whatever is copied is
        # recorded even if copying fails half-way), then the files.
        mkdir_recorded "$root/lib/ntdsbcli" "$destdir"
        while read -r rel perm src; do
            mkdir_recorded "$(dirname "$root/$rel")" "$destdir"
        done < "$work/todo"
        {
            cat "$work/files"
            printf '%s\n' "$man_rel"
            grep '/$' "$work/old" || true
            cat "$work/dirs"
        } | awk 'length($0) && !seen[$0]++' > "$man.new"
        mv -f "$man.new" "$man"
        chmod 644 "$man"
        while read -r rel perm src; do
            say "  INSTALL $root/$rel"
            # A new file renamed into place: a DLL in use keeps its old contents.
            install -m "$perm" "$src" "$root/$rel.ntdsbcli-new"
            mv -f "$root/$rel.ntdsbcli-new" "$root/$rel"
        done < "$work/todo"
        say "  MANIFEST $man ($(grep -vc '/$' "$man") files)"
    done
}

unix_uninstall() {      # DESTDIR PREFIX ARCH...
    unix_common "$1" "$2"
    shift 2
    found=0
    for arch; do
        t=$arch-w64-mingw32
        base=$prefix/$t
        man_rel=$base/lib/ntdsbcli/installed-files
        man=$destdir$man_rel
        if [ ! -f "$man" ]; then
            say "nothing to uninstall for $t: no manifest $man"
            continue
        fi
        found=1
        while IFS= read -r p; do
            case $p in
                '') continue ;;
                /*) ;;
                *) say "ignored '$p' in $man: not an absolute path"; continue ;;
            esac
            if ! safe_path "$p"; then
                say "ignored '$p' in $man: it has . or .. in it"; continue
            fi
            case $p in
                */) printf '%s\n' "$p" >> "$work/dirs"; continue ;;
                "$man_rel") continue ;;           # last
                "$base"/*) ;;
                *) say "ignored '$p' in $man: not under $base"; continue ;;
            esac
            f=$destdir$p
            if [ -L "$f" ]; then
                say "kept $f: a symbolic link, not the file ntdsbcli installed"
            elif [ -f "$f" ]; then
                test=$(identify "$f")
                if [ "$test" != none ] && ! $test "$f"; then
                    say "kept $f: it is no longer ours (another package replaced it?)"
                else
                    rm -f "$f"
                    say "  REMOVE  $f"
                fi
            elif exists "$f"; then
                say "kept $f: not a regular file"
            fi
        done < "$man"
        rm -f "$man"
        say "  REMOVE  $man"
    done
    # The created directories, of every triplet together (they share parents).
    deepest_first < "$work/dirs" | while IFS= read -r d; do
        dd=$destdir${d%/}
        if [ -d "$dd" ] && [ ! -L "$dd" ] && rmdir "$dd" 2>/dev/null; then
            say "  RMDIR   $dd"
        fi
    done
    [ $found = 1 ] || say "ntdsbcli is not installed under $destdir$prefix"
}

# ---- make install-wine / uninstall-wine ---------------------------------------------

wine_common() {         # WINEPREFIX WINE WINESERVER
    [ -n "$1" ] || die "needs the Wine prefix: make $mode WINEPREFIX=/path/to/prefix"
    [ -d "$1" ] || die "WINEPREFIX=$1 does not exist (make one first: WINEPREFIX=$1 wineboot -i)"
    [ -f "$1/system.reg" ] || die "WINEPREFIX=$1 is not a Wine prefix: it has no system.reg"
    pfx=$(cd "$1" && pwd)
    wine=$2 wineserver=$3
    export WINEPREFIX="$pfx"
    export WINEDEBUG="${WINEDEBUG:--all}"
    win=drive_c/windows
    record=$pfx/$win/ntdsbcli-installed-files
    saved=$win/ntdsbcli-replaced
    svc_win='C:\windows\system32\ntdssvc.exe'
    ran_wine=0
    command -v strings >/dev/null || die "needs strings (binutils) to recognise our files"
}
need_wine() {
    command -v "$wine" >/dev/null || die "$wine is not installed (WINE= names it)"
    ran_wine=1
}
# The service NTDS's ImagePath, quotes removed, or nothing if there is no such service.
# (Call need_wine first: this runs in a subshell.)
service_image() {
    "$wine" reg query 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS' /v ImagePath 2>/dev/null \
        | tr -d '\r' | sed -n 's/^ *ImagePath  *REG_[A-Z_]*  *//p' | tr -d '"' || true
}
is_our_service() {
    [ "$(printf '%s' "$1" | tr 'A-Z' 'a-z')" = "$(printf '%s' "$svc_win" | tr 'A-Z' 'a-z')" ]
}
save_registry() {
    if [ $ran_wine = 1 ]; then
        say "waiting for the prefix's wineserver to end, which saves the registry ($wineserver -w)"
        "$wineserver" -w
    fi
}
record_add() { printf '%s\n' "$1" >> "$record"; }
# record_dirs: moves the directories mkdir_recorded noted into the record.
record_dirs() { sed 's|^/||' "$work/dirs" >> "$record"; : > "$work/dirs"; }

wine_install() {        # WINEPREFIX BUILD FORCE SERVICE WINE WINESERVER
    wine_common "$1" "$5" "$6"
    build=$2 force=$3 service=$4
    # What goes where: "<path in the prefix> <source>" a line.
    if [ -d "$pfx/$win/syswow64" ]; then
        native=x86_64
        printf '%s\n' "$win/system32/ntdsbcli.dll $build/x86_64/ntdsbcli.dll" \
                      "$win/syswow64/ntdsbcli.dll $build/i686/ntdsbcli.dll" \
                      "$win/system32/dsbackup.exe $build/x86_64/dsbackup.exe" > "$work/items"
        say "installing into the 64-bit Wine prefix $pfx"
    else
        native=i686
        printf '%s\n' "$win/system32/ntdsbcli.dll $build/i686/ntdsbcli.dll" \
                      "$win/system32/dsbackup.exe $build/i686/dsbackup.exe" > "$work/items"
        say "installing into the 32-bit Wine prefix $pfx"
    fi
    if [ "$service" != 0 ]; then
        printf '%s\n' "$win/system32/ntdssvc.exe $build/$native/ntdssvc.exe" >> "$work/items"
    fi
    [ -d "$pfx/$win/system32" ] || die "$pfx/$win/system32 does not exist"

    # Everything is checked before anything changes.
    foreign=
    while read -r rel src; do
        [ -f "$src" ] || die "$src is missing (make all builds it)"
        if exists "$pfx/$rel" && ! has_product "$pfx/$rel"; then
            foreign="$foreign $rel"
            if [ "$force" = 1 ] && exists "$pfx/$saved/${rel#"$win"/}"; then
                die "$pfx/$rel is not ours, and $pfx/$saved/${rel#"$win"/} (where FORCE=1 would keep it) exists already"
            fi
        fi
    done < "$work/items"
    if [ -n "$foreign" ] && [ "$force" != 1 ]; then
        for f in $foreign; do
            printf '%s: refusing to overwrite %s: it is not ours (no "%s" version resource) and another program may need it\n' \
                "$me" "$pfx/$f" "$product" >&2
        done
        die "nothing was changed; FORCE=1 replaces it (keeping it in $pfx/$saved, to be put back by make uninstall-wine)"
    fi
    image=
    if [ "$service" != 0 ]; then
        need_wine
        image=$(service_image)
    fi

    touch "$record"
    while read -r rel src; do
        case " $foreign " in
            *" $rel "*)
                mkdir_recorded "$(dirname "$pfx/$saved/${rel#"$win"/}")" "$pfx"
                record_dirs
                mv "$pfx/$rel" "$pfx/$saved/${rel#"$win"/}"
                record_add "@replaced $rel"
                say "  MOVED   $pfx/$rel (not ours) to $pfx/$saved/${rel#"$win"/}" ;;
        esac
        record_add "$rel"
        say "  INSTALL $pfx/$rel"
        cp "$src" "$pfx/$rel.ntdsbcli-new"
        mv -f "$pfx/$rel.ntdsbcli-new" "$pfx/$rel"
    done < "$work/items"

    if [ "$service" != 0 ]; then
        if [ -z "$image" ]; then
            "$wine" "$svc_win" install 2>&1 | tr -d '\r'
            [ "$(service_image)" != "" ] || die "could not register the service NTDS ($svc_win install)"
            record_add "@service NTDS"
        elif is_our_service "$image"; then
            say "service NTDS is registered already, to run $svc_win"
        else
            say "kept service NTDS: it runs $image, not ours; $svc_win is not registered"
        fi
    fi

    host=$(uname -n | cut -d. -f1 | cut -c1-15 | tr 'A-Z' 'a-z')
    link="dosdevices/unc/$host/c\$"
    if exists "$pfx/$link"; then
        say "the administrative share link $pfx/$link exists already: kept"
    else
        mkdir_recorded "$pfx/dosdevices/unc/$host" "$pfx"
        record_dirs
        ln -s ../../c: "$pfx/$link"
        record_add "$link"
        say "  LINK    $pfx/$link -> ../../c: (\\\\$(printf '%s' "$host" | tr 'a-z' 'A-Z')\\C\$)"
    fi

    # The record: what was there before, then what this run added, once each.
    awk 'length($0) && !seen[$0]++' "$record" > "$record.new"
    mv -f "$record.new" "$record"
    say "  RECORD  $record"
    save_registry
}

wine_uninstall() {      # WINEPREFIX WINE WINESERVER
    wine_common "$1" "$2" "$3"
    if [ ! -f "$record" ]; then
        say "nothing to uninstall from $pfx: no record $record"
        return 0
    fi
    if grep -Fxq '@service NTDS' "$record"; then
        need_wine
        image=$(service_image)
        if [ -z "$image" ]; then
            say "service NTDS is not registered (any more)"
        elif ! is_our_service "$image"; then
            say "kept service NTDS: it runs $image now, not ours"
        elif [ -f "$pfx/$win/system32/ntdssvc.exe" ]; then
            "$wine" "$svc_win" uninstall 2>&1 | tr -d '\r'
            [ -z "$(service_image)" ] || die "could not unregister the service NTDS ($svc_win uninstall); nothing removed"
        else
            "$wine" sc stop NTDS >/dev/null 2>&1 || true
            "$wine" sc delete NTDS 2>&1 | tr -d '\r'
            [ -z "$(service_image)" ] || die "could not delete the service NTDS (sc delete NTDS); nothing removed"
            say "removed service NTDS"
        fi
    fi
    while IFS= read -r p; do
        case $p in
            ''|@*) continue ;;
            /*) say "ignored '$p' in $record: not relative to the prefix"; continue ;;
        esac
        if ! safe_path "$p"; then
            say "ignored '$p' in $record: it has . or .. in it"; continue
        fi
        case $p in
            */) printf '%s\n' "$p" >> "$work/dirs" ;;
            dosdevices/*)
                if [ -L "$pfx/$p" ] && [ "$(readlink "$pfx/$p")" = ../../c: ]; then
                    rm -f "$pfx/$p"
                    say "  REMOVE  $pfx/$p"
                elif exists "$pfx/$p"; then
                    say "kept $pfx/$p: it is no longer the link install-wine made"
                fi ;;
            "$win"/*)
                if has_product "$pfx/$p"; then
                    rm -f "$pfx/$p"
                    say "  REMOVE  $pfx/$p"
                elif exists "$pfx/$p"; then
                    say "kept $pfx/$p: it is no longer ours (no ntdsbcli version resource)"
                fi ;;
            *) say "ignored '$p' in $record: not a place install-wine installs to" ;;
        esac
    done < "$record"
    sed -n 's/^@replaced //p' "$record" | while IFS= read -r p; do
        safe_path "$p" || continue
        case $p in "$win"/*) ;; *) continue ;; esac
        if exists "$pfx/$saved/${p#"$win"/}" && ! exists "$pfx/$p"; then
            mv "$pfx/$saved/${p#"$win"/}" "$pfx/$p"
            say "  RESTORE $pfx/$p (the file FORCE=1 replaced)"
        fi
    done
    deepest_first < "$work/dirs" | while IFS= read -r d; do
        if [ -d "$pfx/$d" ] && [ ! -L "$pfx/${d%/}" ] && rmdir "$pfx/$d" 2>/dev/null; then
            say "  RMDIR   $pfx/${d%/}"
        fi
    done
    rm -f "$record"
    say "  REMOVE  $record"
    save_registry
}

case $mode in
    install) unix_install "$@" ;;
    uninstall) unix_uninstall "$@" ;;
    install-wine) wine_install "$@" ;;
    uninstall-wine) wine_uninstall "$@" ;;
    *) die "unknown mode" ;;
esac
endef

NTDSBCLI_INSTALL_RUN = sh -c "$$NTDSBCLI_INSTALL_SH" install.mk
install uninstall install-wine uninstall-wine: \
    private export NTDSBCLI_INSTALL_SH := $(value NTDSBCLI_INSTALL_SCRIPT)

install: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/libntdsbcli.a $(BUILD)/$(a)/ntdsbcli.lib) \
         include/ntdsbcli.h include/ntdsbmsg.h ntdsbcli.pc.in
	@$(NTDSBCLI_INSTALL_RUN) install '$(DESTDIR)' '$(PREFIX)' '$(VERSION)' '$(BUILD)' $(ARCHES)

uninstall:
	@$(NTDSBCLI_INSTALL_RUN) uninstall '$(DESTDIR)' '$(PREFIX)' $(ARCHES)

install-wine: $(foreach a,$(ARCHES),$(BUILD)/$(a)/ntdsbcli.dll $(BUILD)/$(a)/dsbackup.exe \
                                    $(BUILD)/$(a)/ntdssvc.exe)
	@$(NTDSBCLI_INSTALL_RUN) install-wine '$(WINEPREFIX)' '$(BUILD)' '$(FORCE)' '$(SERVICE)' \
	    '$(WINE)' '$(WINESERVER)'

uninstall-wine:
	@$(NTDSBCLI_INSTALL_RUN) uninstall-wine '$(WINEPREFIX)' '$(WINE)' '$(WINESERVER)'

endif
