#!/usr/bin/env python3
# Writes the seed corpora in tests/fuzz/corpus/ (committed).  Run from the
# repository root after changing an input format; libFuzzer never writes there
# itself (its working corpora are under build/fuzz/).
#
# Copyright 2026 The ntdsbcli project authors
# SPDX-License-Identifier: LGPL-2.1-or-later
import os, shutil, struct, zlib

ROOT = os.path.join('tests', 'fuzz', 'corpus')


def w(s):
    return s.encode('utf-16-le')


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def token(t, days, ident, version=1, size=40, flags=0, reserved=0):
    b = b'NBXT' + struct.pack('<HHQIIQI', version, size, t, days, flags, ident, reserved)
    return b + struct.pack('<I', zlib.crc32(b) & 0xffffffff)


for target in ('fuzz_attachment_name', 'fuzz_expiry_token', 'fuzz_name_list', 'fuzz_restore_map',
               'fuzz_restore_journal', 'fuzz_manifest', 'fuzz_config_path', 'fuzz_sha256'):
    shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)

dit = '\\\\DC01\\C$\\Windows\\NTDS\\ntds.dit'
log = '\\\\DC01\\C$\\Windows\\NTDS\\edb00001.log'

# fuzz_attachment_name: mode, mask and choice bytes, UTF-16LE name.
A = 'fuzz_attachment_name'
put(A, 'exact_dit', bytes([0, 0, 0]) + w(dit))
put(A, 'bft_log', bytes([0, 0, 0]) + w('\x21' + log))
put(A, 'lower_case', bytes([0, 0, 0]) + w(dit.lower()))
put(A, 'wrong_bft', bytes([0, 0, 0]) + w('\x21' + dit))
put(A, 'suffix_stream', bytes([0, 0, 0]) + w(dit + '::$DATA'))
put(A, 'prefix_then_nul', bytes([0x43, 0, 0]) + w('\x00tail'))
put(A, 'empty_then_listed', bytes([0x40, 0, 0]) + w('\x00' + dit))
put(A, 'case_mask', bytes([0x07, 0xa5, 0x05]))
put(A, 'surrogates', bytes([0x02, 0, 0]) + b'\x00\xd8\x41\x00\x00\xdc')
put(A, 'long', bytes([0x83, 0x07, 0]) + w('\\x'))
put(A, 'server', bytes([0, 0, 0]) + w('\\\\dc01.Corp.example.com'))
put(A, 'server_root_dot', bytes([0, 0, 0]) + w('dc01.corp.example.com.'))
put(A, 'localhost', bytes([0, 0, 0]) + w('\\\\LocalHost'))
put(A, 'loopback_v4', bytes([0, 0, 0]) + w('127.0.1.1'))
put(A, 'loopback_v4_leading_zero', bytes([0, 0, 0]) + w('127.0.0.01'))
put(A, 'loopback_v6', bytes([0, 0, 0]) + w('::1'))
put(A, 'log_numbered', bytes([0, 0, 0]) + w('EDB0000A.LOG'))
put(A, 'empty', bytes([0, 0, 0]))

# fuzz_expiry_token: the token bytes (or, from 20 bytes, time/lifetime/id fields).
E = 'fuzz_expiry_token'
put(E, 'valid', token(134116992000000000, 180, 0x0123456789abcdef))
put(E, 'valid_max_lifetime', token(0xffffffffffffffff, 36500, 0))
put(E, 'lifetime_zero', token(134116992000000000, 0, 1))
put(E, 'flags_set', token(134116992000000000, 60, 2, flags=1))
put(E, 'bad_crc', token(1, 1, 1)[:-1] + b'\x00')
put(E, 'truncated', token(1, 1, 1)[:39])
put(E, 'fields_only', struct.pack('<QIQ', 134116992000000000, 180, 42))

# fuzz_name_list: fault byte, then UTF-16LE entries "<selector><path>" split by NULs.
N = 'fuzz_name_list'
entries = '\x03' + dit + '\x00' + '\x00' + log + '\x00' + '\x01' + '\\\\DC01\\C$\\Windows\\NTDS'
put(N, 'three_entries', b'\x00' + w(entries))
put(N, 'empty', b'\x00')
put(N, 'empty_paths', b'\x00' + w('\x00\x00\x05'))
put(N, 'non_ascii', b'\x00' + w('\x03\\\\DC01\\caf\u00e9\\ntds.dit'))
put(N, 'fault_second_alloc', b'\x81' + w(entries))
put(N, 'fault_persistent', b'\xc0' + w(entries * 20))

# fuzz_restore_map: prefix byte, low and high log generations (LE), UTF-16LE path.
R = 'fuzz_restore_map'
def gens(low, high):
    return struct.pack('<II', low, high)
put(R, 'drive_path', bytes([0]) + gens(1, 5) + w('C:\\Windows\\NTDS'))
put(R, 'target_trailing', bytes([0]) + gens(0, 0xfffff) + w('c:\\windows\\ntds\\'))
put(R, 'unc_target', bytes([0x04]) + gens(5, 4) + w('\\\\dc01\\c$\\Windows\\NTDS'))
put(R, 'dotdot', bytes([1]) + gens(0, 0x100000) + w('a\\..\\b'))
put(R, 'stream', bytes([3]) + gens(7, 7) + w(':x'))
put(R, 'unc_share_only', bytes([2]))
put(R, 'long', bytes([0x81]) + gens(0, 0) + w('\\y'))
put(R, 'root', bytes([0x10]) + gens(0xfffff, 0xfffff) + w('Z:\\'))
put(R, 'device_com1', bytes([3]) + gens(1, 5) + w('\\cOM1'))        # a device name in the last component
put(R, 'device_nul_ext', bytes([1]) + gens(1, 5) + w('nul.txt\\x'))  # ... with an extension, not last
put(R, 'not_device_com0', bytes([1]) + gens(1, 5) + w('COM0'))

# fuzz_restore_journal: byte 0 even, then a journal to read; odd, then UTF-16LE
# paths and map names split by NULs, to write.  "read_0_4" is what version 0.4's
# DLL wrote (captured from it); the others are it changed.
J = 'fuzz_restore_journal'
journal = (
    '=ntdsbcli restore registration 1\n'
    'Checkpoint File Path=C:\\Windows\\NTDS\n'
    'Log Path=C:\\Windows\\NTDS\n'
    'Backup Log Path=C:\\Restore\n'
    'Restore Map=C:\\Windows\\NTDS\\ntds.dit|D:\\NTDS\\ntds.dit|C:\\x\\edb.dit|C:\\Windows\\NTDS\\edb.dit\n'
    'Low Log Number=1\n'
    'High Log Number=1048575\n'
    'Backup Time=134116992000000000\n'
    'Backup Id=81985529216486895\n'
    'Registration Time=134116992100000000\n'
    'Restore Status=3355377668\n'
    'Registration Id=18446744073709551615\n'
    'Owner Process=4660\n'
    'Owner Start Time=134116991000000000\n'
)
jlines = journal.splitlines(keepends=True)
put(J, 'read_0_4', b'\x00' + w(journal))
put(J, 'read_without_owners', b'\x00' + w(''.join(jlines[:-3])))
put(J, 'read_reordered', b'\x00' + w(jlines[0] + ''.join(reversed(jlines[1:]))))
put(J, 'read_cut', b'\x00' + w(journal[:len(journal) // 2]))
put(J, 'read_odd_size', b'\x00' + w(journal) + b'x')
put(J, 'read_overflow', b'\x00' + w(journal.replace('=1048575', '=4294967296')))
put(J, 'read_signed', b'\x00' + w(journal.replace('Low Log Number=1', 'Low Log Number=-1')))
put(J, 'write_paths', b'\x01' + w('C:\\Windows\\NTDS\0C:\\Windows\\NTDS\0C:\\Restore\0'
                                  'C:\\Windows\\NTDS\\ntds.dit\0D:\\NTDS\\ntds.dit\0'))
put(J, 'write_line_break', b'\x03' + w('C:\\a\nb\0C:\\b\0C:\\c\0x\0y\0'))
put(J, 'write_bar_in_map', b'\x05' + w('C:\\a\0C:\\b\0C:\\c\0x|y\0z\0'))
put(J, 'write_non_ascii', b'\x07' + w('C:\\caf\u00e9\0C:\\\u65e5\0C:\\c\0\U0001d11e\0z\0'))

# fuzz_manifest: manifest.txt bytes.  "real" is the manifest of a backup that
# dsbackup made of the sample database under Wine (tools/demo.sh); the others
# are it damaged, or written with what a reader accepts but the writer avoids.
M = 'fuzz_manifest'
real = (
    'ntdsbcli-backup 1\n'
    '44 3145739 ec0b912b6765dba4a306141c9537c45ab49409d8632c1a8e5adf7d2e03489aae database\\ntds.dit \\\\DC01\\C$\\Windows\\NTDS\\ntds.dit\n'
    '21 1052675 b7b7270103154dd5b38dbe1e8cb8dcb2416dada75dc9e78a1e8d6e9e5ad08eb6 logs\\edb00001.log \\\\DC01\\C$\\Windows\\NTDS\\edb00001.log\n'
    '21 1056774 f8fb2bb5d15a50d7a0c9c74aca42bd2b9a5f52bfa8e73756e1cab47d87eae072 logs\\edb00002.log \\\\DC01\\C$\\Windows\\NTDS\\edb00002.log\n'
    '21 1060873 abffec14fa808a38f8cb91fdacae520be680f0a932e7e104bfd4a8c68463fa5a logs\\edb00003.log \\\\DC01\\C$\\Windows\\NTDS\\edb00003.log\n'
    '21 1048576 2fbe9797ee9b3604fd10797c1843dfb6fe2e015e6da62d535fe7ae80f44c9622 logs\\edb.log \\\\DC01\\C$\\Windows\\NTDS\\edb.log\n'
    'token e56b23356f497fa7e174e67e3ccb6b5a61e4a8ebcf0dff7e19ef041d8a26640f\n'
    'end\n'
)
lines = real.splitlines(keepends=True)
put(M, 'real', real.encode())
put(M, 'crlf', real.replace('\n', '\r\n').encode())
put(M, 'no_final_lf', real[:-1].encode())
put(M, 'no_end', ''.join(lines[:-1]).encode())
put(M, 'cut_mid_line', real[:len(real) // 2].encode())
put(M, 'empty', b'')
put(M, 'header_only', lines[0].encode())
put(M, 'newer_format', ('ntdsbcli-backup 2\n' + ''.join(lines[1:])).encode())
put(M, 'no_files', (lines[0] + ''.join(lines[-2:])).encode())
put(M, 'end_without_token', (''.join(lines[:-2]) + 'end\n').encode())
put(M, 'line_after_token', (''.join(lines[:-1]) + lines[1] + 'end\n').encode())
put(M, 'text_after_end', (real + 'end\n').encode())
put(M, 'duplicate_case', (''.join(lines[:3]) + lines[2].replace('logs\\edb00001.log', 'LOGS\\EDB00001.LOG')
                          + ''.join(lines[3:])).encode())
put(M, 'reserved_name', (lines[0] + lines[1].replace('database\\ntds.dit', 'Expiry.Token') + ''.join(lines[2:])).encode())
put(M, 'dotdot', (lines[0] + lines[1].replace('database\\ntds.dit', 'database\\..\\..\\x') + ''.join(lines[2:])).encode())
put(M, 'drive', (lines[0] + lines[1].replace('database\\ntds.dit', 'C:\\x') + ''.join(lines[2:])).encode())
put(M, 'nul', real.replace('edb.log ', 'edb\0.log ', 1).encode())
put(M, 'bad_token', real.replace('token e', 'token g').encode())
put(M, 'size_overflow', real.replace(' 3145739 ', ' 18446744073709551616 ').encode())
put(M, 'size_max', real.replace(' 3145739 ', ' 18446744073709551615 ').encode())
put(M, 'upper_hex', real.replace('44 3145739 ec0b', '4A 3145739 EC0B').encode())
esc = (lines[0] + '25 7 ' + '0' * 64 + ' database\\a%20b%25c%7f caf\xe9\u65e5\U0001d11e\\%7E%41 \\\\DC01\\C$\\%20x\n'
       + ''.join(lines[-2:]))
put(M, 'escapes_utf8', esc.encode())
put(M, 'bad_escape', esc.replace('%20b', '%2gb').encode())
put(M, 'escaped_nul', esc.replace('%20b', '%00b').encode())
put(M, 'overlong_utf8', esc.encode().replace(b'\xc3\xa9', b'\xc0\xaf'))
put(M, 'surrogate_utf8', esc.encode().replace(b'\xc3\xa9', b'\xed\xa0\x80'))

# fuzz_config_path: the output size byte (mod 64, + 1), a pad byte, UTF-16LE path.
P = 'fuzz_config_path'
for name, path in (('drive', 'C:\\Windows\\NTDS\\ntds.dit'), ('dots', 'C:\\a\\.\\b\\..\\c\\'),
                   ('unc', '\\\\dc01\\share\\x\\..\\y'), ('slash', 'D:/x//y/z. '), ('rel', 'Windows\\NTDS'),
                   ('root', 'C:\\..\\..')):
    put(P, name, bytes([200, 0]) + w(path))

# fuzz_sha256: a repeat count less one, a seed for the pieces, the message.
S = 'fuzz_sha256'
put(S, 'empty', b'\0\0')
put(S, 'abc', b'\0\x01abc')
put(S, 'two_blocks', b'\0\x02abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')
put(S, 'block_edges', b'\x07\x03' + bytes(range(55)))
put(S, 'many_blocks', b'\xff\x04' + bytes(range(256)) * 4)
