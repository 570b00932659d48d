# Shell helpers for running the DLL under Wine in a throwaway prefix, with a
# generated directory database.  Sourced by the test and demo scripts.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later

export WINEDEBUG=${WINEDEBUG:--all}
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"

# wine_use_arch ARCH: the Wine that runs ARCH's programs.  For i686 that is the
# emulated 32-bit Wine beside the host's 64-bit one (make wine32; docs/wine32.md):
# its folder goes first in PATH, so that wine, wineboot and wineserver below, and
# 64-bit Wine processes starting 32-bit ones, go through it.
wine_use_arch() {
    local bindir
    case $1 in
        i686)
            bindir=$("$(dirname "${BASH_SOURCE[0]}")/../wine32/wine32" --bindir) || return 1
            PATH=$bindir:$PATH
            export PATH ;;
    esac
}

# Creates a new prefix in a temporary folder and exports WINEPREFIX.  The prefix
# is ours alone: wine_prefix_destroy ends its wineserver and removes it.
wine_prefix_create() {
    WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/ntdsbcli-wine.XXXXXX")
    export WINEPREFIX
    wineboot -i >/dev/null 2>&1 || { echo "wineboot failed" >&2; return 1; }
    wineserver -w
    # The UNC names the DLL returns use this machine's administrative share,
    # \\COMPUTER\C$, which Wine resolves through dosdevices/unc (what
    # make install-wine and dsbackup link-share set up).
    # NTDSBCLI_TEST_NO_UNC_LINK=1 leaves it out, to test those.
    if [ "${NTDSBCLI_TEST_NO_UNC_LINK:-0}" != 1 ]; then
        host=$(wine_computer_name | tr 'A-Z' 'a-z')
        mkdir -p "$WINEPREFIX/dosdevices/unc/$host"
        ln -sfn ../../c: "$WINEPREFIX/dosdevices/unc/$host/c\$"
    fi
}

wine_prefix_destroy() {
    [ -n "${WINEPREFIX:-}" ] || return 0
    case "$WINEPREFIX" in
        "${TMPDIR:-/tmp}"/ntdsbcli-wine.*) ;;
        *) echo "refusing to remove $WINEPREFIX: not a prefix these scripts made" >&2; return 1 ;;
    esac
    wineserver -k 2>/dev/null || true
    # Processes a killed server left behind (services.exe and the like) would hold
    # the test's output pipe open for ever.
    pids=$(wine_prefix_processes)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    rm -rf "$WINEPREFIX"
    unset WINEPREFIX
}

# The computer name as Wine reports it (GetComputerNameW: the host name, upper case).
wine_computer_name() {
    hostname | cut -d. -f1 | cut -c1-15 | tr 'a-z' 'A-Z'
}

# ntds_layout NAME: a string of common/ntds_layout.h as the shell writes it,
# e.g. NTDS_PARAMETERS_KEY gives SYSTEM\CurrentControlSet\Services\NTDS\Parameters.
# The registry keys and value names the tests use come from there, as the DLL's do.
NTDS_LAYOUT_H="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/common/ntds_layout.h"
ntds_layout() {
    sed -n "s/^#define $1 L\"\(.*\)\"\$/\1/p" "$NTDS_LAYOUT_H" | sed 's/\\\\/\\/g'
}
NTDS_KEY="HKLM\\$(ntds_layout NTDS_PARAMETERS_KEY)"
NTDS_SERVICE_KEY="HKLM\\$(ntds_layout NTDS_SERVICE_KEY)"
RESTORE_KEY="HKLM\\$(ntds_layout RESTORE_IN_PROGRESS_KEY)"

# sample_db_create [DATABASE_BYTES [LOG_COUNT]]
# Writes a directory database into C:\Windows\NTDS of the prefix: ntds.dit of
# random bytes, numbered logs edb00001.log.., the current edb.log, the checkpoint
# edb.chk, and files a backup must leave alone; then records the paths in the
# registry exactly where a domain controller has them.
sample_db_create() {
    size=${1:-3145739}
    logs=${2:-3}
    ntds="$WINEPREFIX/drive_c/windows/NTDS"
    mkdir -p "$ntds"
    head -c "$size" /dev/urandom > "$ntds/ntds.dit"
    i=1
    while [ "$i" -le "$logs" ]; do
        head -c $((1048576 + i * 4099)) /dev/urandom > "$ntds/$(printf 'edb%05X.log' "$i")"
        i=$((i + 1))
    done
    head -c 1048576 /dev/urandom > "$ntds/edb.log"
    head -c 8192 /dev/urandom > "$ntds/edb.chk"
    head -c 4096 /dev/urandom > "$ntds/edbtmp.log"       # not a transaction log
    head -c 4096 /dev/urandom > "$ntds/res1.log"         # neither
    sample_db_register 'C:\Windows\NTDS\ntds.dit' 'C:\Windows\NTDS' 'C:\Windows\NTDS'
}

sample_db_register() {
    wine reg add "$NTDS_KEY" /v "$(ntds_layout NTDS_VALUE_DATABASE_FILE)" /t REG_SZ /d "$1" /f >/dev/null 2>&1
    wine reg add "$NTDS_KEY" /v "$(ntds_layout NTDS_VALUE_LOG_DIR)" /t REG_SZ /d "$2" /f >/dev/null 2>&1
    wine reg add "$NTDS_KEY" /v "$(ntds_layout NTDS_VALUE_WORKING_DIR)" /t REG_SZ /d "$3" /f >/dev/null 2>&1
    wine_server_idle
}

sample_db_unregister() {
    wine reg delete "$NTDS_KEY" /f >/dev/null 2>&1 || true
    wine_server_idle
}

# Waits until the prefix is idle, unless its wineserver was made persistent (then
# "wineserver -w" would wait for ever, and there is nothing to wait for).
wine_server_idle() {
    [ "${NTDSBCLI_WINE_PERSISTENT:-0}" = 1 ] || wineserver -w
}

# Keeps the prefix's wineserver running between programs.  Otherwise it ends a
# few seconds after the last program, taking services with it, and a program that
# starts just as it ends fails with "wine client error: recvmsg".  A script that
# starts many programs with work of its own in between calls it once.  The server
# it may start gets none of the script's output: it would hold a pipe open until
# the prefix is destroyed.
wine_server_keep() {
    wineserver -p > /dev/null 2>&1 < /dev/null
    export NTDSBCLI_WINE_PERSISTENT=1
}

# wine_prefix_state [--no-times]: the prefix's system32, syswow64 (names, sizes, times of
# files) and dosdevices (entries, link targets).
wine_prefix_state() {
    local d
    for d in drive_c/windows/system32 drive_c/windows/syswow64; do
        if [ "${1:-}" = --no-times ]; then
            find "$WINEPREFIX/$d" -type f -printf "$d/%P f %s\n"
        else
            find "$WINEPREFIX/$d" -type f -printf "$d/%P f %s %T@\n"
        fi
        find "$WINEPREFIX/$d" ! -type f -printf "$d/%P %y %l\n"
    done | LC_ALL=C sort
    find "$WINEPREFIX/dosdevices" -printf 'dosdevices/%P %y %l\n' | LC_ALL=C sort
}
# ntds_service_image: ImagePath of the service NTDS, or nothing.
ntds_service_image() {
    wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\NTDS' /v ImagePath 2>/dev/null \
        | tr -d '\r' | sed -n 's/^ *ImagePath  *REG_[A-Z_]*  *//p'
}
# The NTDS service's state as "STATE WIN32_EXIT_CODE SERVICE_EXIT_CODE" (the last
# in hex, upper case), e.g. "RUNNING 0 0x0", "STOPPED 1066 0xC7FF0004"; "ABSENT"
# if there is no such service.  sc's output goes through a file, not a pipe: a
# Wine process started by it may keep a pipe open.
ntds_service_state() {
    local o s w x
    wine sc query NTDS > "$WINEPREFIX/sc-query.out" 2>&1 || { echo ABSENT; return; }
    o=$(tr -d '\r' < "$WINEPREFIX/sc-query.out")
    s=$(printf '%s\n' "$o" | sed -n 's/^ *STATE *: *[0-9]* *\([A-Z_]*\).*/\1/p')
    w=$(printf '%s\n' "$o" | sed -n 's/^ *WIN32_EXIT_CODE *: *\([0-9]*\).*/\1/p')
    x=$(printf '%s\n' "$o" | sed -n 's/^ *SERVICE_EXIT_CODE *:.*(0x\([0-9a-fA-F]*\)).*/\1/p' | tr a-f A-F)
    echo "$s $w 0x$x"
}

# ntds_service_wait_state STATE: polls for up to 10 s until the NTDS service is in
# STATE; prints the last state seen.
ntds_service_wait_state() {
    local _ s
    for _ in $(seq 50); do
        s=$(ntds_service_state)
        [ "${s%% *}" = "$1" ] && break
        sleep 0.2
    done
    echo "$s"
}

# The Unix path of the sample database folder.
sample_db_dir() {
    echo "$WINEPREFIX/drive_c/windows/NTDS"
}

# wine_prefix_processes: the PIDs of every Wine process of this prefix (the server,
# services.exe, winedevice.exe, programs), found by their environment.
wine_prefix_processes() {
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
        case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in
            */wine*|*/qemu-i386-static) ;;   # qemu-i386: tests/wine32/wine32
            *) continue ;;
        esac
        if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX"; then
            echo "$pid"
        fi
    done
}

# Kills every process of this prefix, its wineserver included, with SIGKILL: Wine
# dies without saving anything, as in a power cut.  Other prefixes are not
# touched.  A persistent server (wine_server_keep) is started again afterwards.
wine_server_crash() {
    pids=$(wine_prefix_processes)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    sleep 1
    if [ "${NTDSBCLI_WINE_PERSISTENT:-0}" = 1 ]; then wineserver -p; fi
}

# flip_byte FILE OFFSET: inverts the bits of one byte, so the file surely changes
# (writing a fixed byte would change nothing one time in 256).
flip_byte() {
    python3 -c 'import sys; f = open(sys.argv[1], "r+b"); o = int(sys.argv[2]); f.seek(o); b = f.read(1); f.seek(o); f.write(bytes([b[0] ^ 0xff]))' "$1" "$2"
}
