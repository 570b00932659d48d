#!/usr/bin/env python3
"""token.py: rewrites the expiry token of a dsbackup backup folder, for the tests.

    token.py age DIR DAYS        the backup time becomes DAYS days ago (CRC fixed)
    token.py flip DIR OFFSET     byte OFFSET of the token is inverted (CRC not fixed)
    token.py show DIR            prints the token's fields

The token format is the DLL's own, documented in docs/behaviour.md ("Expiry
token"): 40 bytes, little-endian; magic "NBXT", version 1, size 40, the backup
time as a FILETIME at offset 8, the tombstone lifetime in days at 16, flags at
20, the backup id at 24, reserved at 32, and at 36 the CRC-32 (IEEE 802.3) of
bytes 0..35.

age and flip also rewrite the manifest's "token <sha256>" line, so that the
backup still verifies and the token itself reaches DsRestorePrepare: what is
tested is the DLL's judgement of the token, not dsbackup's check of the folder.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import hashlib
import os
import struct
import sys
import time
import zlib

TOKEN_SIZE = 40
FILETIME_UNIX_EPOCH = 116444736000000000   # 1970-01-01 as a FILETIME
TICKS_PER_SECOND = 10000000


def read_token(folder):
    with open(os.path.join(folder, "expiry.token"), "rb") as f:
        token = bytearray(f.read())
    if len(token) != TOKEN_SIZE or token[0:4] != b"NBXT":
        sys.exit("token.py: %s/expiry.token is not a 40-byte NBXT token" % folder)
    return token


def write_token(folder, token):
    with open(os.path.join(folder, "expiry.token"), "wb") as f:
        f.write(token)
    # The manifest's token line follows the new bytes.
    manifest = os.path.join(folder, "manifest.txt")
    with open(manifest, "rb") as f:
        lines = f.read().split(b"\n")
    digest = hashlib.sha256(token).hexdigest().encode()
    found = False
    for i, line in enumerate(lines):
        if line.startswith(b"token "):
            lines[i] = b"token " + digest
            found = True
    if not found:
        sys.exit("token.py: %s has no token line" % manifest)
    with open(manifest, "wb") as f:
        f.write(b"\n".join(lines))


def fix_crc(token):
    struct.pack_into("<I", token, 36, zlib.crc32(bytes(token[0:36])) & 0xFFFFFFFF)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("age", "flip", "show"):
        sys.exit(__doc__)
    command, folder = argv[1], argv[2]
    token = read_token(folder)
    if command == "show":
        magic, version, size, backup_time, lifetime, flags, backup_id, reserved, crc = \
            struct.unpack("<4sHHQIIQII", bytes(token))
        seconds = (backup_time - FILETIME_UNIX_EPOCH) / TICKS_PER_SECOND
        print("magic %s version %d size %d backup time %s UTC lifetime %d days flags %#x id %016x crc %08x (%s)"
              % (magic.decode(), version, size, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)),
                 lifetime, flags, backup_id, crc,
                 "ok" if crc == zlib.crc32(bytes(token[0:36])) & 0xFFFFFFFF else "BAD"))
        return 0
    if len(argv) != 4:
        sys.exit(__doc__)
    if command == "age":
        days = float(argv[3])
        now = FILETIME_UNIX_EPOCH + int(time.time() * TICKS_PER_SECOND)
        struct.pack_into("<Q", token, 8, now - int(days * 86400 * TICKS_PER_SECOND))
        fix_crc(token)
    else:
        offset = int(argv[3], 0)
        if not 0 <= offset < TOKEN_SIZE:
            sys.exit("token.py: offset %d is outside the token" % offset)
        token[offset] ^= 0xFF
    write_token(folder, token)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
