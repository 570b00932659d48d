#!/bin/bash
# wine-tree.sh: make check-wine-tree, as TAP lines.  The DLL and its tests in
# Debian's Wine source (the installed Wine's version), built with Wine's own
# makefiles, and make dlls/ntdsbcli/tests/check run there.
#
# The source tree is prepared once and kept outside the repository, in
#   ~/.cache/ntdsbcli/wine-src-VERSION/wine
# ("prepared" there names the recipe it was made by; a run finds it or makes it
# again):
#   - fetched with apt-get source, through an apt state of our own whose deb-src
#     entries are the twins of the host's deb entries (apt-state.sh; nothing is
#     written into /etc/apt), unpacked with dpkg-source -x (Debian's patches);
#   - the generated files Debian's source leaves out made as debian/rules makes
#     them where that needs nothing more (make_requests, the icons' links), and
#     the rest stubbed as empty files: they belong to modules that are not built
#     here, and Wine's makefile generator only needs them to exist;
#   - Wine's tools are Debian's of the same version (wine64-tools: winebuild,
#     winegcc, widl, wrc, wmc) with makedep built from this source, given to
#     configure by --with-wine-tools, so that neither flex nor bison is needed;
#   - configured for x86-64 (--enable-win64), without the optional libraries.
# Then every run: tools/wine-tree exports into it (changing nothing that did not
# change), configure runs again only if configure.ac changed, make builds
# dlls/ntdsbcli and its tests, and make dlls/ntdsbcli/tests/check runs them.  A
# tree that is not built whole has no Wine to run tests with: the installed
# Wine, the same version, stands in (loader/wine runs it, server/wineserver
# links to it, and .winewrapper, which the tree's wine script reads, points
# WINEDLLPATH at dlls/ntdsbcli, so that a new prefix gets the DLL built here as
# its builtin), in a throwaway prefix.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -uo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/tests/wine-form/apt-state.sh"

version=$(wine_version) || exit 1
cache=$(cache_root)/wine-src-$version
tree=$cache/wine
tools=$cache/tools
log=$cache/log
# The preparation's recipe: a tree prepared by another one is made again.
recipe="wine-src recipe 2"
configure_options=(--enable-win64 --with-wine-tools="$tools" --without-x --without-freetype --without-alsa
    --without-capi --without-cups --without-dbus --without-fontconfig --without-gphoto --without-gnutls
    --without-gssapi --without-gstreamer --without-krb5 --without-netapi --without-opencl --without-opengl
    --without-osmesa --without-oss --without-pcap --without-pulse --without-sane --without-sdl --without-udev
    --without-unwind --without-usb --without-v4l2 --without-vulkan --without-inotify --without-xcomposite
    --without-xcursor --without-xfixes --without-xinerama --without-xinput --without-xinput2 --without-xrandr
    --without-xrender --without-xshape --without-xshm --without-xxf86vm --enable-werror
    FLEX=false BISON=false wine_cv_recent_flex=yes wine_cv_recent_bison=yes)
t0=$(date +%s)
step() {   # step NAME COMMAND...: one TAP line, with the time it took; the output in $log
    local name=$1 start=$(date +%s) status
    shift
    "$@" > "$log" 2>&1
    status=$?
    if [ $status = 0 ]; then
        echo "ok - $name ($(( $(date +%s) - start )) s)"
    else
        echo "not ok - $name (exit status $status):"
        tail -n 40 "$log" | sed 's/^/  /'
    fi
    return $status
}

# ---- preparing Debian's Wine source, once ----------------------------------------------

fetch() {
    rm -rf "$cache/apt" "$cache/download" "$tree"
    mkdir -p "$cache/download"
    private_apt_state "$cache/apt" deb-src amd64 all || return 1
    (cd "$cache/download" && apt-get -q source --download-only "wine=$version") || return 1
    dpkg-source -x "$cache"/download/wine_*.dsc "$tree" || return 1
    rm -rf "$cache/apt" "$cache/download"
}

# What debian/rules generates that needs nothing from outside the source, then
# empty files for what is still missing from the makefiles' source lists.
generate() {
    cd "$tree" || return 1
    ./debian/scripts/generate server/trace.generated make_requests && \
    ./debian/scripts/generate server/request.generated make_requests && \
    ./tools/make_requests || return 1
    grep -P '^\tln -sf \.\./\.\./' debian/rules | sed 's/^\t//' | sh || return 1
    ln -sf /usr/share/misc/config.sub tools && ln -sf /usr/share/misc/config.guess tools || return 1
    python3 - <<'EOF'
import os, re
for root, dirs, files in os.walk("."):
    if root.split(os.sep)[1:2] in (["debian"], [".pc"]) or "Makefile.in" not in files:
        continue
    text = open(os.path.join(root, "Makefile.in"), errors="replace").read().replace("\\\n", " ")
    m = re.search(r"^PARENTSRC\s*=\s*(\S+)", text, re.M)
    places = [root] + ([os.path.join(root, m.group(1))] if m else [])
    for m in re.finditer(r"^[A-Z0-9_]*(?:SRCS|SOURCES)\s*=(.*)$", text, re.M):
        for name in m.group(1).split():
            if not any(os.path.lexists(os.path.join(d, name)) for d in places):
                path = os.path.join(root, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "w").close()
                print("stubbed", path)
EOF
}

# Debian's Wine tools, and makedep, which Debian does not ship, from this source.
wine_tools() {
    local t
    rm -rf "$tools"
    for t in winebuild winegcc widl wrc wmc winedump; do
        mkdir -p "$tools/tools/$t" && ln -s "/usr/lib/wine/$t" "$tools/tools/$t/$t" || return 1
    done
    mkdir -p "$tools/config" && : > "$tools/config/config.h"
    gcc -O2 -I"$tools/config" -I"$tree/tools" -I"$tree/include" -D__WINESRC__ \
        -o "$tools/tools/makedep" "$tree/tools/makedep.c"
}

configure_tree() {
    cd "$tree" && autoconf && autoheader && ./configure "${configure_options[@]}"
}

# The installed Wine stands in for the one a whole build would make: the tree's
# wine script (tools/winewrapper) runs loader/wine, here a script running the
# installed loader, with the settings of .winewrapper; runtest looks for
# server/wineserver.
installed_wine() {
    cd "$tree" || return 1
    mkdir -p loader server
    rm -f loader/wine
    printf '%s\n' '#!/bin/sh' '# The installed Wine, standing in for the loader a whole build would make.' \
        'WINELOADER=/usr/lib/wine/wine64; export WINELOADER' 'exec /usr/lib/wine/wine64 "$@"' > loader/wine
    chmod +x loader/wine
    ln -sfn /usr/lib/wine/wineserver server/wineserver
    echo 'WINEDLLPATH="$topdir/dlls/ntdsbcli"; export WINEDLLPATH' > .winewrapper
}

mkdir -p "$cache"
exec 9> "$cache.lock"
flock 9
: > "$log"
if [ "$(cat "$cache/prepared" 2>/dev/null)" != "$recipe" ]; then
    rm -f "$cache/prepared"
    step "Debian's Wine $version source, fetched with an apt state of our own" fetch || exit 1
    step "its generated files made or stubbed" generate || exit 1
    step "Wine's tools: Debian's, and makedep from this source" wine_tools || exit 1
    step "tools/wine-tree exports the DLL and its tests into it" "$here/tools/wine-tree" "$tree" || exit 1
    step "configure (x86-64)" configure_tree || exit 1
    installed_wine || exit 1
    echo "$recipe" > "$cache/prepared"
else
    echo "ok - Debian's Wine $version source, prepared before, in $tree"
    step "tools/wine-tree exports the DLL and its tests into it" "$here/tools/wine-tree" "$tree" || exit 1
    if [ "$tree/configure.ac" -nt "$tree/configure" ]; then
        step "configure again: configure.ac changed" configure_tree || exit 1
    fi
fi

cd "$tree" || exit 1
status=0
step "make dlls/ntdsbcli builds the DLL with Wine's makefiles" make -j2 dlls/ntdsbcli/all || status=1
step "make dlls/ntdsbcli/tests builds its tests" make -j2 dlls/ntdsbcli/tests/all || status=1
if [ $status = 0 ]; then
    WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-wine-tree.XXXXXX")
    export WINEPREFIX WINEDEBUG=${WINEDEBUG:--all}
    trap 'wineserver -k > /dev/null 2>&1; rm -rf "$WINEPREFIX"' EXIT
    ./wine wineboot -i > /dev/null 2>&1
    rm -f dlls/ntdsbcli/tests/*/*.ok
    step "make dlls/ntdsbcli/tests/check passes" make dlls/ntdsbcli/tests/check || status=1
fi
echo "# check-wine-tree took $(( $(date +%s) - t0 )) s"
exit $status
