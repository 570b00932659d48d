#!/bin/bash
# tests/deb/run.sh: the Debian packages (make deb, deb.mk, debian/), as a user of
# each would meet them, with nothing installed on this machine.
#
#   1. make deb builds the four packages; their version is the Makefile's VERSION
#      (+unreleased while CHANGELOG.md has an [Unreleased] section), and
#      debian/changelog-from-md refuses a VERSION that is not CHANGELOG.md's newest
#      release; each package's changelog holds every release of CHANGELOG.md.
#   2. lintian: no error, no warning; every override in debian/ gives its reason.
#   3. every file of every package: its path, owner (package) and mode, against
#      the list below; no path that a package installed here owns (mingw-w64's
#      ntdsbcli.h, ntdsbmsg.h, libntdsbcli.a); no maintainer script and no
#      conffile, so that removing the packages leaves no file of theirs; the six
#      PE files carry Wine's builtin marker, and the DLLs export what make's do.
#   4. ntdsbcli-dev unpacked: pkg-config's flags name its folders, a client builds
#      with them against its header and import library, the import libraries are
#      make's, and a plain -lntdsbcli still finds mingw-w64's.
#   5. x86-64: the packages unpacked into a temporary root that WINEDLLPATH names
#      when a prefix is created, as Wine's own folders would be: the prefix gets
#      copies of the packaged files in system32; Wine loads the DLL from the
#      unpacked folder as a builtin (a different ntdsbcli.dll put in system32 is
#      not the one loaded); dsbackup backup and verify with no DLL beside the
#      program; ntdsbcli-setup (what it says, the service and its state, the
#      link, idempotence), its --undo, and setup again on the prefix that now
#      predates the packages (wineboot -u); the conformance suite with the
#      packaged DLL (tests/conformance/run.sh --builtin).
#   6. i686, through the emulated 32-bit Wine (tests/wine32/wine32): the prefix's
#      syswow64 gets the i386 package's files; dsbackup backup and verify with
#      the 32-bit tool and DLL loaded as builtins; the conformance suite.
# Prints TAP lines (tests/lib/tap-count.awk) and exits non-zero if any failed.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
. tests/lib/wine.sh
. tests/lib/checks.sh
. tests/lib/tap.sh

BUILD=${BUILD:-build}
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
debs=$BUILD/deb
WINE64_DIR=usr/lib/x86_64-linux-gnu/wine/x86_64-windows
WINE32_DIR=usr/lib/i386-linux-gnu/wine/i386-windows

for c in dpkg-buildpackage dh lintian fakeroot winebuild dpkg-deb pkg-config wine wineserver \
         x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc x86_64-w64-mingw32-objdump; do
    command -v "$c" >/dev/null || { echo "not ok - $c is not installed (.ci/install-deps installs it)"; exit 1; }
done
for f in $BUILD/x86_64/conformance.exe $BUILD/i686/conformance.exe $BUILD/x86_64/test/ntdsbcli.dll; do
    [ -f "$f" ] || { echo "not ok - $f is missing (make check builds it)"; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-deb-test.XXXXXX")
cleanup() {
    wine_prefix_destroy
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$SECONDS

# ===== 1. make deb, version and changelog ====================================================
echo "--- make deb"
start=$SECONDS
make --no-print-directory BUILD="$BUILD" deb > "$tmp/make-deb.log" 2>&1
rc=$?
echo "make deb: $((SECONDS - start)) s"
check "make deb exits 0" "$rc" 0
[ "$rc" = 0 ] || { tail -20 "$tmp/make-deb.log"; exit 1; }

newest=$(sed -n 's/^## \[\([0-9][0-9.]*\)\] - .*/\1/p' CHANGELOG.md | head -1)
check "the Makefile's VERSION is the newest release of CHANGELOG.md" "$VERSION" "$newest"
OUT=$(debian/changelog-from-md CHANGELOG.md "$VERSION.1" 2>&1 >/dev/null); rc=$?
check "debian/changelog-from-md refuses a VERSION without its section in CHANGELOG.md" "$rc" 1
check_match "... saying why" "$OUT" "VERSION is $VERSION\\.1 but the newest release in CHANGELOG.md is $newest"
# Items under "## [Unreleased]", above the first release: a package of them.
if awk '/^## \[[0-9]/ { exit } /^## \[Unreleased\]/ { u = 1 } u && /^- / { found = 1 } END { exit !found }' CHANGELOG.md; then
    deb_version=$VERSION+unreleased
else
    deb_version=$VERSION
fi

declare -A arch_of=([ntdsbcli-wine64]=amd64 [ntdsbcli-wine32]=i386 [ntdsbcli-wine]=all [ntdsbcli-dev]=all)
releases=$(sed -n 's/^## \[\([0-9][0-9.]*\)\] - .*/\1/p' CHANGELOG.md | paste -sd' ')
for p in ntdsbcli-wine64 ntdsbcli-wine32 ntdsbcli-wine ntdsbcli-dev; do
    deb=$debs/${p}_${deb_version}_${arch_of[$p]}.deb
    if [ ! -f "$deb" ]; then
        fail "make deb built $deb" "$(ls "$debs"/*.deb 2>/dev/null | paste -sd' ')" "$deb"
        continue
    fi
    pass "make deb built $deb ($(stat -c %s "$deb") bytes)"
    check "$p: Version" "$(dpkg-deb -f "$deb" Version)" "$deb_version"
    check "$p: Architecture" "$(dpkg-deb -f "$deb" Architecture)" "${arch_of[$p]}"
    mkdir -p "$tmp/doc-$p"
    dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$tmp/doc-$p" "./usr/share/doc/$p/changelog.gz"
    changelog=$(zcat "$tmp/doc-$p/usr/share/doc/$p/changelog.gz" 2>/dev/null)
    check "$p: its changelog's newest entry is the package's version" \
        "$(printf '%s\n' "$changelog" | head -1 | sed -n 's/^ntdsbcli (\([^)]*\)).*/\1/p')" "$deb_version"
    check "$p: its changelog has every release of CHANGELOG.md" \
        "$(printf '%s\n' "$changelog" | sed -n 's/^ntdsbcli (\([0-9][0-9.]*\)).*/\1/p' | paste -sd' ')" "$releases"
done
check "ntdsbcli-wine64 depends on wine64" "$(dpkg-deb -f "$debs/ntdsbcli-wine64_${deb_version}_amd64.deb" Depends)" "wine64 (>= 8.0~)"
check "ntdsbcli-wine32 depends on wine32" "$(dpkg-deb -f "$debs/ntdsbcli-wine32_${deb_version}_i386.deb" Depends)" "wine32 (>= 8.0~)"

# ===== 2. lintian ================================================================================
echo "--- lintian"
lintian --fail-on error,warning "$debs"/*.changes > "$tmp/lintian.out" 2>&1
rc=$?
sed 's/^/  lintian: /' "$tmp/lintian.out"
check "lintian exits 0 (--fail-on error,warning)" "$rc" 0
check "lintian reports no error and no warning" "$(grep -cE '^[EW]: ' "$tmp/lintian.out")" 0
# An override line must follow a comment: its reason.
unexplained=$(awk 'FNR == 1 { reason = 0 } /^#/ { reason = 1; next } /^[ \t]*$/ { reason = 0; next }
                   !reason { print FILENAME ": " $0 }' debian/*.lintian-overrides)
check "every lintian override in debian/ follows a comment that gives its reason" "$unexplained" ""

# ===== 3. the files: path, owner, mode; no scripts; the builtin marker ===========================
echo "--- the files of the packages"
for p in ntdsbcli-wine64 ntdsbcli-wine32 ntdsbcli-wine ntdsbcli-dev; do
    dpkg-deb -c "$debs/${p}_${deb_version}_${arch_of[$p]}.deb" | awk -v p="$p" '$1 !~ /^d/ { sub(/^\./, "", $6); print p, $1, $6 }'
done | LC_ALL=C sort > "$tmp/files.got"
LC_ALL=C sort > "$tmp/files.expected" <<EOF
ntdsbcli-wine64 -rw-r--r-- /$WINE64_DIR/ntdsbcli.dll
ntdsbcli-wine64 -rw-r--r-- /$WINE64_DIR/dsbackup.exe
ntdsbcli-wine64 -rw-r--r-- /$WINE64_DIR/ntdssvc.exe
ntdsbcli-wine64 -rw-r--r-- /usr/share/doc/ntdsbcli-wine64/changelog.gz
ntdsbcli-wine64 -rw-r--r-- /usr/share/doc/ntdsbcli-wine64/copyright
ntdsbcli-wine32 -rw-r--r-- /$WINE32_DIR/ntdsbcli.dll
ntdsbcli-wine32 -rw-r--r-- /$WINE32_DIR/dsbackup.exe
ntdsbcli-wine32 -rw-r--r-- /$WINE32_DIR/ntdssvc.exe
ntdsbcli-wine32 -rw-r--r-- /usr/share/doc/ntdsbcli-wine32/changelog.gz
ntdsbcli-wine32 -rw-r--r-- /usr/share/doc/ntdsbcli-wine32/copyright
ntdsbcli-wine -rwxr-xr-x /usr/bin/ntdsbcli-setup
ntdsbcli-wine -rw-r--r-- /usr/share/ntdsbcli/install-common.sh
ntdsbcli-wine -rw-r--r-- /usr/share/man/man1/ntdsbcli-setup.1.gz
ntdsbcli-wine -rw-r--r-- /usr/share/doc/ntdsbcli-wine/README.md.gz
ntdsbcli-wine -rw-r--r-- /usr/share/doc/ntdsbcli-wine/changelog.gz
ntdsbcli-wine -rw-r--r-- /usr/share/doc/ntdsbcli-wine/copyright
ntdsbcli-dev -rw-r--r-- /usr/x86_64-w64-mingw32/include/ntdsbcli/ntdsbcli.h
ntdsbcli-dev -rw-r--r-- /usr/x86_64-w64-mingw32/include/ntdsbcli/ntdsbmsg.h
ntdsbcli-dev -rw-r--r-- /usr/x86_64-w64-mingw32/lib/ntdsbcli/libntdsbcli.a
ntdsbcli-dev -rw-r--r-- /usr/x86_64-w64-mingw32/lib/ntdsbcli/ntdsbcli.lib
ntdsbcli-dev -rw-r--r-- /usr/x86_64-w64-mingw32/lib/pkgconfig/ntdsbcli.pc
ntdsbcli-dev -rw-r--r-- /usr/i686-w64-mingw32/include/ntdsbcli/ntdsbcli.h
ntdsbcli-dev -rw-r--r-- /usr/i686-w64-mingw32/include/ntdsbcli/ntdsbmsg.h
ntdsbcli-dev -rw-r--r-- /usr/i686-w64-mingw32/lib/ntdsbcli/libntdsbcli.a
ntdsbcli-dev -rw-r--r-- /usr/i686-w64-mingw32/lib/ntdsbcli/ntdsbcli.lib
ntdsbcli-dev -rw-r--r-- /usr/i686-w64-mingw32/lib/pkgconfig/ntdsbcli.pc
ntdsbcli-dev -rw-r--r-- /usr/share/doc/ntdsbcli-dev/changelog.gz
ntdsbcli-dev -rw-r--r-- /usr/share/doc/ntdsbcli-dev/copyright
ntdsbcli-dev -rw-r--r-- /usr/share/lintian/overrides/ntdsbcli-dev
EOF
check_same_listing "every file of every package is where the list says, in its package, with its mode" \
    "$tmp/files.expected" "$tmp/files.got"
owned=$(awk '{print $3}' "$tmp/files.got" | while read -r path; do
            dpkg -S "$path" 2>/dev/null | sed 's/^/  /'
        done)
check "no file of the packages is one that a package installed here owns" "$owned" ""
for path in include/ntdsbcli.h include/ntdsbmsg.h lib/libntdsbcli.a; do
    for t in x86_64-w64-mingw32 i686-w64-mingw32; do
        check "mingw-w64's /usr/$t/$path is in no package of ours" "$(grep -c " /usr/$t/$path\$" "$tmp/files.got")" 0
    done
done
for p in ntdsbcli-wine64 ntdsbcli-wine32 ntdsbcli-wine ntdsbcli-dev; do
    deb=$debs/${p}_${deb_version}_${arch_of[$p]}.deb
    check "$p: no maintainer script and no conffile: dpkg removes exactly its files" \
        "$(dpkg-deb --ctrl-tarfile "$deb" | tar -tf - | sed 's|^\./||' | grep -v '^$' | LC_ALL=C sort | paste -sd' ')" \
        "control md5sums"
    dpkg-deb -x "$deb" "$tmp/root"
done
root=$tmp/root

for f in $WINE64_DIR/ntdsbcli.dll $WINE64_DIR/dsbackup.exe $WINE64_DIR/ntdssvc.exe \
         $WINE32_DIR/ntdsbcli.dll $WINE32_DIR/dsbackup.exe $WINE32_DIR/ntdssvc.exe; do
    check "/$f carries Wine's builtin marker (32 bytes at 0x40)" \
        "$(od -An -c -j 64 -N 32 "$root/$f" | tr -s ' \n' ' ' | sed 's/ *$//')" \
        " W i n e b u i l t i n D L L \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0 \\0"
done
check "/$WINE64_DIR/ntdsbcli.dll is an x86-64 PE file" \
    "$(x86_64-w64-mingw32-objdump -f "$root/$WINE64_DIR/ntdsbcli.dll" | sed -n 's/.*file format //p')" pei-x86-64
check "/$WINE32_DIR/ntdsbcli.dll is an i386 PE file" \
    "$(i686-w64-mingw32-objdump -f "$root/$WINE32_DIR/ntdsbcli.dll" | sed -n 's/.*file format //p')" pei-i386
exports() { "$1-w64-mingw32-objdump" -p "$2" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | awk 'NF {print $NF}' | paste -sd' '; }
check "the x86-64 package's DLL exports what make's does" \
    "$(exports x86_64 "$root/$WINE64_DIR/ntdsbcli.dll")" "$(exports x86_64 "$BUILD/x86_64/ntdsbcli.dll")"
check "the i386 package's DLL exports what make's does" \
    "$(exports i686 "$root/$WINE32_DIR/ntdsbcli.dll")" "$(exports i686 "$BUILD/i686/ntdsbcli.dll")"

# ===== 4. ntdsbcli-dev ===========================================================================
echo "--- ntdsbcli-dev: pkg-config, headers, import libraries"
for t in x86_64-w64-mingw32 i686-w64-mingw32; do
    a=${t%%-*}
    pc() { PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$root/usr/$t/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root" pkg-config "$@" ntdsbcli; }
    check "$t: pkg-config --modversion is the Makefile's VERSION" "$(pc --modversion)" "$VERSION"
    flags=$(pc --cflags --libs | sed 's/ *$//')
    check "$t: pkg-config --cflags --libs names the package's folders" "$flags" \
        "-I$root/usr/$t/include/ntdsbcli -L$root/usr/$t/lib/ntdsbcli -lntdsbcli"
    OUT=$($t-gcc -std=gnu11 -Wall -Wextra -Werror -H -o "$tmp/client-$a.exe" tests/install/client.c $flags \
          -Wl,--trace 2>&1); rc=$?
    check "$t: a client builds with pkg-config's flags" "$rc" 0
    check "$t: ... with the package's ntdsbcli.h" \
        "$(printf '%s\n' "$OUT" | grep -E '^\.+ .*/ntdsbcli\.h$' | sed 's/^\.* //' | head -1)" "$root/usr/$t/include/ntdsbcli/ntdsbcli.h"
    check "$t: ... and the package's libntdsbcli.a (ld --trace)" "$(printf '%s\n' "$OUT" | grep -F libntdsbcli.a | head -1)" \
        "$root/usr/$t/lib/ntdsbcli/libntdsbcli.a"
    check_same_file "$t: libntdsbcli.a is make's" "$root/usr/$t/lib/ntdsbcli/libntdsbcli.a" "$BUILD/$a/libntdsbcli.a"
    check_same_file "$t: ntdsbcli.lib is make's" "$root/usr/$t/lib/ntdsbcli/ntdsbcli.lib" "$BUILD/$a/ntdsbcli.lib"
    check_same_file "$t: ntdsbcli.h is include/'s" "$root/usr/$t/include/ntdsbcli/ntdsbcli.h" include/ntdsbcli.h
    check_same_file "$t: ntdsbmsg.h is include/'s" "$root/usr/$t/include/ntdsbcli/ntdsbmsg.h" include/ntdsbmsg.h
    check "$t: a plain -lntdsbcli finds no file of the package (mingw-w64's, if any)" \
        "$($t-gcc -print-file-name=libntdsbcli.a | grep -c '/lib/ntdsbcli/')" 0
done

# ===== 5. x86-64: the packaged files as Wine's builtins =========================================
# Wine searches for builtins in WINEDLLPATH's folders (<dir>/x86_64-windows, <dir>/i386-windows)
# before its own: the unpacked root stands in for an installed system.
export WINEDLLPATH="$root/usr/lib/x86_64-linux-gnu/wine:$root/usr/lib/i386-linux-gnu/wine"
export NTDSBCLI_TEST_NO_UNC_LINK=1          # ntdsbcli-setup makes the link
echo "--- x86-64: a new prefix, made by the host's 64-bit Wine alone"
if ! wine_prefix_create; then
    echo "not ok - cannot create a Wine prefix"
    exit 1
fi
sys32=$WINEPREFIX/drive_c/windows/system32
for f in ntdsbcli.dll dsbackup.exe ntdssvc.exe; do
    check_same_file "the new prefix's system32\\$f is Wine's copy of the package's" "$sys32/$f" "$root/$WINE64_DIR/$f"
done

# Wine loads the file of its folder, not the prefix's copy: with the test build of the DLL
# (its extra export ntdsbcli_test_fault_arm) in system32, the packaged DLL is the one loaded.
x86_64-w64-mingw32-gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$tmp/probe.exe" tests/install/probe.c -static
mkdir -p "$WINEPREFIX/drive_c/apps"
cp "$tmp/probe.exe" "$WINEPREFIX/drive_c/apps/"
cp "$sys32/ntdsbcli.dll" "$tmp/copy.dll"
cp "$BUILD/x86_64/test/ntdsbcli.dll" "$sys32/ntdsbcli.dll"
winebuild --builtin "$sys32/ntdsbcli.dll"
OUT=$(oneline "$(WINEDEBUG=+loaddll timeout 60 wine 'C:\apps\probe.exe' ntdsbcli_test_fault_arm DsBackupFree 2>&1)")
check_match "with WINEDLLPATH, Wine loads ntdsbcli.dll as a builtin" "$OUT" 'ntdsbcli\.dll" at [0-9A-Fa-f]+: builtin'
check_match "... from the package's folder, not the prefix's different copy (no test export)" "$OUT" \
    'export ntdsbcli_test_fault_arm: missing'
OUT=$(oneline "$(env -u WINEDLLPATH timeout 60 wine 'C:\apps\probe.exe' ntdsbcli_test_fault_arm 2>&1)")
check_match "without WINEDLLPATH the prefix's copy is loaded (the test export is there)" "$OUT" \
    'export ntdsbcli_test_fault_arm: found'
cp "$tmp/copy.dll" "$sys32/ntdsbcli.dll"

sample_db_create
mkdir -p "$WINEPREFIX/drive_c/work"
cd "$WINEPREFIX/drive_c/work" || exit 1
OUT=$(WINEDEBUG=+loaddll timeout 300 wine dsbackup backup 'C:\backup' 2>&1); rc=$?
check "wine dsbackup backup, from a folder without the DLL, exits 0" "$rc" 0
[ "$rc" = 0 ] || echo "  output: $(oneline "$OUT" | cut -c1-600)"
OUT=$(oneline "$OUT")
check_match "... running system32's dsbackup.exe as a builtin" "$OUT" \
    'Loaded L"C:\\\\windows\\\\system32\\\\dsbackup\.exe" at [0-9A-Fa-f]+: builtin'
check_match "... with system32's ntdsbcli.dll as a builtin" "$OUT" \
    'Loaded L"C:\\\\windows\\\\system32\\\\ntdsbcli\.dll" at [0-9A-Fa-f]+: builtin'
OUT=$(timeout 300 wine dsbackup verify 'C:\backup' 2>&1); rc=$?
check "wine dsbackup verify exits 0" "$rc" 0
check "... and the manifest has ntds.dit's SHA-256" \
    "$(grep -ci "$(sha256sum < "$(sample_db_dir)/ntds.dit" | cut -d' ' -f1)" "$WINEPREFIX/drive_c/backup/manifest.txt")" 1
cd "$top" || exit 1

echo "--- ntdsbcli-setup in that prefix"
setup=$root/usr/bin/ntdsbcli-setup
host=$(wine_computer_name | tr 'A-Z' 'a-z')
link=$WINEPREFIX/dosdevices/unc/$host/c\$
record=$WINEPREFIX/drive_c/windows/ntdsbcli-installed-files
# The service's start type, as the registry has it (Wine's sc has no qc or config).
start_type() {
    wine reg query "$NTDS_SERVICE_KEY" /v Start 2>/dev/null | tr -d '\r' | sed -n 's/^ *Start  *REG_DWORD  *//p'
}
wineserver -w
wine_prefix_state --no-times > "$tmp/prefix.before"
OUT=$("$setup" 2>&1); rc=$?
check "ntdsbcli-setup exits 0" "$rc" 0
OUT=$(oneline "$OUT")
[ "$rc" = 0 ] || echo "  output: $OUT"
check_match "... finds the prefix's copies there already" "$OUT" "has Wine's copies of ntdsbcli.dll, dsbackup.exe and ntdssvc.exe already"
check_match "... says the prefix has no 32-bit side" "$OUT" 'no 32-bit side'
check_match "... registers the service NTDS (ntdssvc install)" "$OUT" 'installed service NTDS'
check "the service NTDS runs system32's ntdssvc.exe" "$(ntds_service_image)" '"C:\windows\system32\ntdssvc.exe"'
check "... started on demand (3): offline" "$(start_type)" 0x3
check "the share link is made" "$(readlink "$link")" "../../c:"
check "the record lists the service and the link" "$(LC_ALL=C sort "$record" | paste -sd' ')" \
    "$(printf '%s\n' '@service NTDS' dosdevices/unc/ "dosdevices/unc/$host/" "dosdevices/unc/$host/c\$" | LC_ALL=C sort | paste -sd' ')"
OUT=$(cd "$WINEPREFIX/drive_c/work" && timeout 60 wine dsbackup status 2>&1)
check_match "wine dsbackup status shows the stand-in" "$(oneline "$OUT")" 'NTDS service: +(stopped|running)'
# Online, as an administrator leaves it: automatic start.
wineserver -w
wine reg add "$NTDS_SERVICE_KEY" /v Start /t REG_DWORD /d 2 /f > /dev/null 2>&1
wineserver -w
cp "$record" "$tmp/record.first"
OUT=$(oneline "$("$setup" 2>&1)"); rc=$?
check "ntdsbcli-setup again exits 0" "$rc" 0
check_match "... finds the service registered and keeps it" "$OUT" 'service NTDS is registered already'
check_match "... and the link" "$OUT" 'exists already: kept'
check "... and keeps the service's state (automatic start, 2: online)" "$(start_type)" 0x2
check_same_listing "... and the record" "$tmp/record.first" "$record"
check "... and changes nothing else" "$(printf '%s' "$OUT" | grep -oE 'installed service|LINK|UPDATED|INSTALL' | wc -l)" 0

OUT=$("$setup" --undo 2>&1); rc=$?
check "ntdsbcli-setup --undo exits 0" "$rc" 0
OUT=$(oneline "$OUT")
[ "$rc" = 0 ] || echo "  output: $OUT"
check_match "... unregisters the service" "$OUT" 'removed service NTDS'
check "the service NTDS is gone" "$(ntds_service_image)" ""
check_absent "the link is gone" "$link"
check_absent "the record is gone" "$record"
for f in ntdsbcli.dll dsbackup.exe ntdssvc.exe; do
    check_absent "Wine's copy system32\\$f is gone" "$sys32/$f"
done
# ntdssvc.log, which the service (started with the prefix while automatic) writes
# beside itself, is data: it stays.
wine_prefix_state --no-times | grep -v '^drive_c/windows/system32/ntdssvc\.log ' > "$tmp/prefix.after"
grep -vE '^drive_c/windows/system32/(ntdsbcli\.dll|dsbackup\.exe|ntdssvc\.exe) ' "$tmp/prefix.before" > "$tmp/prefix.expected"
check_same_listing "system32, syswow64 and dosdevices are as before ntdsbcli-setup, less the copies" \
    "$tmp/prefix.expected" "$tmp/prefix.after"
OUT=$(oneline "$("$setup" --undo 2>&1)")
check_match "--undo again has nothing to do" "$OUT" 'nothing to uninstall'

# The prefix now lacks the copies, as one made before the packages were installed.
OUT=$("$setup" 2>&1); rc=$?
check "ntdsbcli-setup on a prefix older than the packages exits 0" "$rc" 0
OUT=$(oneline "$OUT")
[ "$rc" = 0 ] || echo "  output: $OUT"
check_match "... says it runs wineboot -u" "$OUT" 'predates the packages; updating it \(wineboot -u\)'
for f in ntdsbcli.dll dsbackup.exe ntdssvc.exe; do
    check_same_file "... after which system32\\$f is the package's again" "$sys32/$f" "$root/$WINE64_DIR/$f"
done
check "... and the service is registered again" "$(ntds_service_image)" '"C:\windows\system32\ntdssvc.exe"'
OUT=$(cd "$WINEPREFIX/drive_c/work" && timeout 60 wine dsbackup status 2>&1); rc=$?
check "wine dsbackup status runs" "$rc" 0
wine_prefix_destroy

unset NTDSBCLI_TEST_NO_UNC_LINK

echo "--- x86-64: the conformance suite with the packaged DLL"
tests/conformance/run.sh x86_64 --builtin || failures=$((failures + 1))

# ===== 6. i686, through the emulated 32-bit Wine =================================================
echo "--- i686: a new prefix with a 32-bit side (the emulated 32-bit Wine)"
(
    failures=0
    wine_use_arch i686 || { echo "not ok - no Wine for i686 programs (make wine32)"; exit 1; }
    trap wine_prefix_destroy EXIT
    wine_prefix_create || { echo "not ok - cannot create a Wine prefix with the emulated 32-bit Wine"; exit 1; }
    wow64=$WINEPREFIX/drive_c/windows/syswow64
    for f in ntdsbcli.dll dsbackup.exe ntdssvc.exe; do
        check_same_file "the new prefix's syswow64\\$f is Wine's copy of the i386 package's" "$wow64/$f" "$root/$WINE32_DIR/$f"
    done
    sample_db_create
    mkdir -p "$WINEPREFIX/drive_c/work"
    cd "$WINEPREFIX/drive_c/work" || exit 1
    OUT=$(WINEDEBUG=+loaddll timeout 300 wine 'C:\windows\syswow64\dsbackup.exe' backup 'C:\backup' 2>&1); rc=$?
    check "the 32-bit dsbackup backup exits 0" "$rc" 0
    [ "$rc" = 0 ] || echo "  output: $(oneline "$OUT" | cut -c1-600)"
    OUT=$(oneline "$OUT")
    check_match "... running syswow64's dsbackup.exe as a builtin" "$OUT" \
        'Loaded L"C:\\\\windows\\\\syswow64\\\\dsbackup\.exe" at [0-9A-Fa-f]+: builtin'
    check_match "... with syswow64's ntdsbcli.dll as a builtin" "$OUT" \
        'Loaded L"C:\\\\windows\\\\syswow64\\\\ntdsbcli\.dll" at [0-9A-Fa-f]+: builtin'
    OUT=$(timeout 300 wine 'C:\windows\syswow64\dsbackup.exe' verify 'C:\backup' 2>&1); rc=$?
    check "the 32-bit dsbackup verify exits 0" "$rc" 0
    check "... and the manifest has ntds.dit's SHA-256" \
        "$(grep -ci "$(sha256sum < "$(sample_db_dir)/ntds.dit" | cut -d' ' -f1)" "$WINEPREFIX/drive_c/backup/manifest.txt")" 1
    cd "$top" || exit 1
    wine_prefix_destroy
    echo "--- i686: the conformance suite with the packaged DLL"
    tests/conformance/run.sh i686 --builtin || failures=$((failures + 1))
    [ "$failures" -eq 0 ]
) || failures=$((failures + 1))

echo
echo "deb: $((SECONDS - t0)) s"
[ "$failures" -eq 0 ]
