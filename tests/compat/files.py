#!/usr/bin/env python3
# files.py DIR: writes the directory database of the compatibility fixture into
# DIR: the same bytes on every machine and for ever (SHAKE-256 of a fixed text per
# file), so that the backup of them in tests/compat/backup-0.4.0/ need not carry
# them.  Sizes: a database of several read buffers that is no multiple of any
# block size, logs just over one buffer, the current log, the checkpoint.
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
import hashlib
import os
import sys

FILES = (
    ('ntds.dit', 3 * 1048576 + 11),
    ('edb00001.log', 1048576 + 4099),
    ('edb00002.log', 1048576 + 2 * 4099),
    ('edb.log', 1048576),
    ('edb.chk', 8192),
)


def content(name, size):
    return hashlib.shake_256(('ntdsbcli compatibility fixture: ' + name).encode()).digest(size)


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, size in FILES:
        with open(os.path.join(folder, name), 'wb') as f:
            f.write(content(name, size))


if __name__ == '__main__':
    main()
