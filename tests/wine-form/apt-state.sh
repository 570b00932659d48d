# Sourced: private_apt_state DIR TYPE ARCH SUITES makes an apt state of the
# project's own in DIR (its lists, caches and sources there; nothing is written
# into /etc/apt and no architecture is added to the host) and exports APT_CONFIG
# for it.  Its entries are of TYPE (deb or deb-src) for ARCH, with the URIs of the
# host's own "deb" entries of its release, component main; SUITES is "release"
# for the release suite alone (as tests/wine32/emulation/build.sh fetches
# Debian's i386 packages) or "all" for every suite of the release (updates and
# security too, where the host's installed versions may come from).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

private_apt_state() {
    local dir=$1 type=$2 arch=$3 suites=$4 codename uri suite
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || { echo "cannot tell the Debian release (/etc/os-release)" >&2; return 1; }
    mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/sources.list.d" "$dir/preferences.d"
    : > "$dir/status"
    apt-get indextargets --format '$(REPO_URI) $(RELEASE)' "Target-Of: deb" "Identifier: Packages" \
        | sort -u | while read -r uri suite; do
            case $suite in
                "$codename") ;;
                "$codename"-*) [ "$suites" = all ] || continue ;;
                *) continue ;;
            esac
            echo "$type [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
        done > "$dir/sources.list"
    [ -s "$dir/sources.list" ] || { echo "the host's apt has no 'deb' source for $codename" >&2; return 1; }
    cat > "$dir/apt.conf" <<CONF
Dir::State "$dir";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir";
Dir::Cache::archives "$dir/archives";
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
Dir::Etc::Preferences "$dir/preferences";
Dir::Etc::PreferencesParts "$dir/preferences.d";
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Acquire::Languages "none";
CONF
    [ "$(id -u)" -ne 0 ] || echo 'APT::Sandbox::User "root";' >> "$dir/apt.conf"
    export APT_CONFIG=$dir/apt.conf
    apt-get -q update > "$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; return 1; }
}

# cache_root: where the project keeps what it fetches, outside the repository
# (tests/wine32/wine32 keeps the emulated 32-bit Wine there too).
cache_root() {
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/ntdsbcli"
}

# wine_version: the installed Wine's Debian version, which everything fetched matches.
wine_version() {
    dpkg-query -W -f='${Version}' wine64 2>/dev/null || { echo "Debian's wine64 is not installed" >&2; return 1; }
}
