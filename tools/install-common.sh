# install-common.sh: what tools/install.sh (make install) and tools/ntdsbcli-setup
# (a Wine prefix) share: how a file is recognised as ours, and the lists of what was
# installed.  Sourced by both (bash); the packages install it as
# /usr/share/ntdsbcli/install-common.sh.  The sourcing script sets $mode (for
# messages).
#
# A file is ours if it is a regular file and: a header or .pc with our copyright
# line, a DLL or .exe with our version resource (the files of make all, their
# copies marked as Wine builtins, and Wine's copies of those in a prefix alike), an
# import library that our list names.  The lists hold one path a line and, ending
# in "/", every directory the installation created.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

marker='The ntdsbcli project authors'                    # in our headers and .pc
product='ntdsbcli: Directory Backup Functions for Wine'  # ProductName of our version resource

say() { printf '%s\n' "$*"; }
die() { printf 'ntdsbcli %s: %s\n' "$mode" "$*" >&2; exit 1; }
exists() { [ -e "$1" ] || [ -L "$1" ]; }

# has_product FILE: whether a PE file's version resource says ProductName is ours:
# the UTF-16LE string, NUL-terminated, after the NUL of its key.
has_product() {
    LC_ALL=C grep -qaP "\\x00\\x00$(printf '%s' "$product" | sed 's/./&\\x00/g')\\x00\\x00" "$1"
}

# is_ours FILE LISTED: whether FILE is ours (above); LISTED says whether our
# list names it, which is all an import library can show.
is_ours() {
    [ -f "$1" ] && [ ! -L "$1" ] || return 1
    case $1 in
        *.h|*.pc) grep -Fq "$marker" "$1" ;;
        *.dll|*.exe) has_product "$1" ;;
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
