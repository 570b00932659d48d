#!/usr/bin/env python3
"""Turns bench.exe's samples into figures: medians, ratios, the targets.

    report.py RAW MACHINE OUTDIR

RAW holds bench.exe's "S <section> key=value ..." lines, MACHINE the key=value
lines run.sh wrote about the machine.  Prints the tables, writes
OUTDIR/performance.md and, with gnuplot, OUTDIR/bench.png.

Copyright 2026 The ntdsbcli project authors
SPDX-License-Identifier: LGPL-2.1-or-later
"""
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

STREAM_TARGET = 0.97      # DLL / baseline throughput, at every buffer of 256 KiB and more
HANDLE_TARGET = 1.5       # cost per call at the largest population / at 1
SHA256_TARGET = 0.9       # dsbackup's SHA-256 / openssl speed -evp sha256, 1 MiB blocks
BACKUP_TARGET = 1.10      # dsbackup backup / (cp + sync of the same files)
VERIFY_TARGET = 1.10      # dsbackup verify / openssl dgst -sha256 of the same files
PIPELINE_DEPTH = 8        # tools/dsbackup/dsbackup.h: buffers of 1 MiB in flight
DSBACKUP_MEMORY_TARGET = 2 * PIPELINE_DEPTH  # peak growth, in buffers of 1 MiB
LOGS_TARGET = 1.5         # cost per log with the most logs / with the fewest
ONLINE_TARGET_MS = 1.0    # DsIsNTDSOnlineW with the stand-in running: "well under a millisecond"


def parse(path):
    samples = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or parts[0] != 'S':
                continue
            fields = {}
            for part in parts[2:]:
                key, _, value = part.partition('=')
                fields[key] = value
            samples[parts[1]].append(fields)
    return samples


def first_loads(samples):
    loads = {}
    for l in samples.get('load', []):
        loads.setdefault(l['section'], l['load1'])
    return loads


def machine_info(path):
    info = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip('\n').partition('=')
            info[key] = value
    return info


def median(values):
    return statistics.median(values) if values else float('nan')


def quartiles(values, fmt='{:.3f}'):
    """The middle half of the values, 'q1–q3'."""
    if len(values) < 2:
        return fmt.format(values[0]) if values else '–'
    q = statistics.quantiles(values, n=4, method='inclusive')
    return (fmt + '–' + fmt).format(q[0], q[2])


def size_name(size):
    size = int(size)
    return f'{size // 1048576} MiB' if size >= 1048576 else f'{size // 1024} KiB'


def table(headers, rows, align_right=True):
    out = ['| ' + ' | '.join(headers) + ' |',
           '|' + '|'.join('---:' if i and align_right else '---' for i in range(len(headers))) + '|']
    out += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(out)


def spread(values, fmt='{:.3f}'):
    return (fmt + '–' + fmt).format(min(values), max(values)) if values else '–'


# --- streaming ------------------------------------------------------------------

def stream_figures(samples):
    runs = defaultdict(lambda: defaultdict(dict))     # (cache, size) -> round -> who -> GB/s
    for s in samples.get('stream', []):
        runs[(s['cache'], int(s['size']))][int(s['round'])][s['who']] = int(s['bytes']) / float(s['secs']) / 1e9
    figures = {}
    for key, rounds in runs.items():
        dll = [r['dll'] for r in rounds.values() if 'dll' in r]
        plain = [r['plain'] for r in rounds.values() if 'plain' in r]
        per_round = [r['dll'] / r['plain'] for r in rounds.values() if len(r) == 2]
        figures[key] = {'dll': dll, 'plain': plain, 'ratio': median(per_round), 'per_round': per_round,
                        'best': max(dll) / max(plain), 'runs': len(rounds)}
    return figures


def stream_section(figures, unavailable):
    lines, verdicts = [], []
    for cache, title in (('page', 'from the page cache'), ('disk', 'from disk (the database evicted from the page cache before each run)')):
        keys = sorted(k for k in figures if k[0] == cache)
        if not keys:
            if cache == 'page' and not figures:
                lines.append('\n*Not measured.*')
            if cache == 'disk' and figures:
                lines.append('\n*From disk: not measured' + (' (the files could not be evicted from the page cache)'
                             if unavailable else '') + '.*')
            continue
        rows = []
        for key in keys:
            f = figures[key]
            ratio = f['ratio']
            ok = ratio >= STREAM_TARGET if key[1] >= 262144 else None
            if ok is not None:
                verdicts.append((f'streaming {cache} {size_name(key[1])}', ok, f'{ratio:.3f}'))
            rows.append([size_name(key[1]), f'{median(f["dll"]):.2f}', f'{median(f["plain"]):.2f}',
                         f'**{ratio:.3f}**', quartiles(f['per_round']), f'{f["best"]:.3f}',
                         f'{f["runs"]} + {f["runs"]}', '–' if ok is None else ('met' if ok else '**not met**')])
        lines.append(f'\nStreaming {title}: GB/s (10^9 bytes a second), medians of the runs. The ratio is DLL / '
                     'baseline throughput within each round (the two runs are adjacent, so they share whatever '
                     'else the machine is doing), median over the rounds, and the middle half of those ratios; '
                     '"fastest" is the DLL\'s fastest run over the baseline\'s, the runs least disturbed.\n')
        lines.append(table(['buffer', 'DLL GB/s', 'baseline GB/s', 'DLL / baseline', '(middle half)',
                            'fastest / fastest', 'runs (DLL + baseline)', f'target ≥ {STREAM_TARGET}'], rows))
    return lines, verdicts


# --- the fixed cost of a file ----------------------------------------------------

def files_section(samples, stream, info):
    runs = defaultdict(dict)                           # (round, file, kind) -> who -> secs
    for s in samples.get('files', []):
        runs[(s['round'], s['file'], s['kind'])][s['who']] = float(s['secs'])
    if not runs:
        return ['\n*Not measured.*'], None
    def cost(kind):
        return [(r['dll'] - r['plain']) * 1e6 for k, r in runs.items() if k[2] == kind and len(r) == 2]
    def plain(kind):
        return [r['plain'] * 1e6 for k, r in runs.items() if k[2] == kind and 'plain' in r]
    read, opened = cost('read'), cost('open')
    files = len({k[1] for k in runs}) + 1           # the logs measured, and the database
    lines = ['\nWhat one file costs the DLL beyond its bytes: for each log, in interleaved pairs, the whole file '
             'through the DLL (4 MiB buffer) against the plain ReadFile loop, and `DsBackupOpenFileW` + '
             '`DsBackupClose` against `CreateFileW` + `CloseHandle`; µs, medians over logs and rounds.\n',
             table(['', 'DLL − baseline (median)', '(min–max)', 'baseline alone'],
                   [['a whole log (open, read, end-of-file check, close)', f'**{median(read):.0f} µs**',
                     spread(read, '{:.0f}'), f'{median(plain("read")):.0f} µs'],
                    ['open + close only', f'{median(opened):.0f} µs', spread(opened, '{:.0f}'),
                     f'{median(plain("open")):.0f} µs']])]
    backup = stream.get(('page', 1048576))
    page = [s for s in samples.get('stream', []) if s['cache'] == 'page']
    if backup and backup['plain'] and page:
        one_backup = int(page[0]['bytes']) / int(info.get('passes', '1')) / (median(backup['plain']) * 1e9)
        expected = 1 / (1 + files * median(read) / 1e6 / one_backup)
        lines.append(f'\nA backup is {files} files; from the page cache the baseline reads all of them in '
                     f'{one_backup * 1000:.0f} ms (1 MiB buffer), so this fixed cost alone predicts a streaming '
                     f'ratio of about {expected:.3f}.')
    return lines, median(read)


# --- SHA-256 ----------------------------------------------------------------------

def sha256_section(samples):
    rounds = defaultdict(dict)                         # round -> (who, implementation) -> GB/s
    for s in samples.get('sha256', []):
        if s.get('who') == 'openssl':
            rate = float(s['bytes_per_sec']) / 1e9
        else:
            rate = int(s['bytes']) / float(s.get('user_secs') or s['secs']) / 1e9
        rounds[int(s['round'])][(s['who'], s['implementation'])] = rate
    chosen = sorted({k[1] for r in rounds.values() for k in r if k[0] == 'dsbackup' and k[1] != 'portable'})
    pairs = [(('dsbackup', c), ('openssl', 'best'), f'dsbackup, {c} (the one it chooses here)',
              'OpenSSL, its best here', True) for c in chosen]
    pairs.append((('dsbackup', 'portable'), ('openssl', 'no-sha'), 'dsbackup, portable C',
                  'OpenSSL without the SHA extensions (`OPENSSL_ia32cap=:~0x20000000`)', False))
    rows, verdicts, figures = [], [], {}
    for ours, theirs, what, baseline, target in pairs:
        complete = [r for r in rounds.values() if ours in r and theirs in r]
        if not complete:
            continue
        ratios = [r[ours] / r[theirs] for r in complete]
        ok = median(ratios) >= SHA256_TARGET
        rows.append([what, f'{median([r[ours] for r in complete]):.2f}', baseline,
                     f'{median([r[theirs] for r in complete]):.2f}', f'**{median(ratios):.2f}**',
                     quartiles(ratios, '{:.2f}'), str(len(complete)),
                     ('met' if ok else '**not met**') if target else '–'])
        if target:
            verdicts.append(('sha256', ok, f'{median(ratios):.2f}'))
        figures[ours[1]] = median(ratios)
    if not rows:
        return ['\n*Not measured.*'], [], {}
    lines = ['\nSHA-256 over messages of 1 MiB from memory, each hashed whole, as `openssl speed -evp sha256 '
             '-bytes 1048576` hashes them: dsbackup\'s (tools/dsbackup/sha256.c, in `bench.exe sha256` under Wine) '
             'and OpenSSL\'s (natively), run in turn, the order alternating; GB/s, medians, and the ratio round by '
             'round. Both are bytes per second of the user CPU time the hashing used, as `openssl speed` reports '
             'them (without `-elapsed`): on a machine that other work shares, the time that passes measures the '
             'other work as much as the hash.\n',
             table(['implementation', 'GB/s', 'baseline', 'GB/s', 'ratio', '(middle half)', 'rounds',
                    f'target ≥ {SHA256_TARGET}'], rows)]
    return lines, verdicts, figures


# --- dsbackup backup and verify ------------------------------------------------------

BACKUP_VARIANTS = (('backup', '`dsbackup backup`'),
                   ('sequential', '`dsbackup verify`, the benchmark\'s build without its reader thread'),
                   ('copy', '`cp` of the same files + `sync` of the copies'),
                   ('verify', '`dsbackup verify`'),
                   ('dgst', '`openssl dgst -sha256` of the same files'),
                   ('read', 'reading alone (`bench.exe alone read`)'),
                   ('hash', 'hashing alone (`bench.exe alone hash`)'),
                   ('start', 'starting a Wine process (`dsbackup --help`)'))


def backup_section(samples):
    rounds = defaultdict(dict)                         # round -> variant -> sample
    for s in samples.get('backup', []):
        rounds[int(s['round'])][s['variant']] = s
    complete = [r for r in rounds.values() if len(r) == len(BACKUP_VARIANTS)]
    if not complete:
        return ['\n*Not measured.*'], [], None
    def secs(r, v):
        return float(r[v]['secs'])
    def ratio(v, base):
        return [secs(r, v) / secs(r, base) for r in complete]
    rows = []
    for v, what in BACKUP_VARIANTS:
        times = [secs(r, v) for r in complete]
        amount = max(int(r[v]['bytes']) for r in complete)
        rows.append([what, f'{median(times):.3f}', f'{amount / median(times) / 1e9:.2f}' if amount else '–',
                     quartiles(times, '{:.3f}')])
    backup_copy = ratio('backup', 'copy')
    # The start of a Wine process is part of every backup and of no cp.
    backup_started_copy = [(secs(r, 'backup') - secs(r, 'start')) / secs(r, 'copy') for r in complete]
    verify_dgst, sequential_dgst = ratio('verify', 'dgst'), ratio('sequential', 'dgst')
    # What bounds each: the slowest of its parts, measured alone in the same round.
    backup_bound = [secs(r, 'backup') / max(secs(r, 'copy'), secs(r, 'hash'), secs(r, 'read')) for r in complete]
    verify_bound = [secs(r, 'verify') / max(secs(r, 'hash'), secs(r, 'read')) for r in complete]
    gain = [100 * (secs(r, 'sequential') - secs(r, 'verify')) / secs(r, 'sequential') for r in complete]
    start = median([secs(r, 'start') for r in complete])
    read_secs, hash_secs = median([secs(r, 'read') for r in complete]), median([secs(r, 'hash') for r in complete])
    inner_hash = median([float(r['hash']['inner']) for r in complete if 'inner' in r['hash']])
    implementation = next((r['hash'].get('sha256') for r in complete if r['hash'].get('sha256')), '?')
    slowest = defaultdict(int)
    for r in complete:
        slowest[max(('the disk (cp + sync)', secs(r, 'copy')), ('hashing', secs(r, 'hash')),
                    ('reading', secs(r, 'read')), key=lambda x: x[1])[0]] += 1
    verdicts = [('backup', median(backup_copy) <= BACKUP_TARGET, f'{median(backup_copy):.2f}'),
                ('verify', median(verify_dgst) <= VERIFY_TARGET, f'{median(verify_dgst):.2f}')]
    targets = [['`dsbackup backup` / (`cp` + `sync`)', f'**{median(backup_copy):.2f}**', quartiles(backup_copy, '{:.2f}'),
                f'≤ {BACKUP_TARGET}: ' + ('met' if verdicts[0][1] else '**not met**')],
               ['(`dsbackup backup` − starting a Wine process) / (`cp` + `sync`)',
                f'{median(backup_started_copy):.2f}', quartiles(backup_started_copy, '{:.2f}'), '–'],
               ['`dsbackup verify` / `openssl dgst -sha256`', f'**{median(verify_dgst):.2f}**',
                quartiles(verify_dgst, '{:.2f}'), f'≤ {VERIFY_TARGET}: ' + ('met' if verdicts[1][1] else '**not met**')],
               ['the same without the reader thread / `openssl dgst -sha256`', f'{median(sequential_dgst):.2f}',
                quartiles(sequential_dgst, '{:.2f}'), '–'],
               ['`dsbackup backup` / the slowest of its parts alone', f'{median(backup_bound):.2f}',
                quartiles(backup_bound, '{:.2f}'), '–'],
               ['`dsbackup verify` / the slower of hashing and reading alone', f'{median(verify_bound):.2f}',
                quartiles(verify_bound, '{:.2f}'), '–']]
    total = max(int(r['backup']['bytes']) for r in complete)
    lines = [f'\nThe sample database ({total / 1e9:.2f} GB) from the page cache, each run a program of its own started '
             'and timed as a user runs it (so each pays for starting a process: a Wine process for dsbackup and '
             'bench.exe, a native one for cp and openssl), the eight in an order that rotates from round to round; '
             f'seconds, medians over {len(complete)} rounds, and the middle half of the runs.\n',
             table(['run', 'seconds', 'GB/s', '(middle half)'], rows),
             '\nRatios of the times in the same round, medians over the rounds and their middle half:\n',
             table(['', 'ratio', '(middle half)', 'target'], targets),
             f'\nWhat bounds them. A backup reads each buffer (through the DLL) and writes it on a thread of its '
             f'own while the main thread hashes it, and a third thread flushes the copies to disk as they grow, '
             f'so that the disk, the hash and the reads overlap (tools/dsbackup/pipeline.c, flusher.c); its '
             f'manifest waits for the last flush. It writes in pieces of 256 KiB (WRITE_CHUNK_SIZE, '
             f'tools/dsbackup/dsbackup.h): on this kind of virtual machine a write of 1 MiB or more into the page '
             f'cache can take ten times as long as the same bytes in smaller writes, and in writes of 1 MiB the '
             f'backup was bound by them. Verify reads on a thread of its own while the main thread hashes, which '
             + (f'saves {median(gain):.1f} % ({quartiles(gain, "{:+.1f}")}) of the time of the build without that '
                'thread. ' if median(gain) >= 0 else
                f'here costs {-median(gain):.1f} % (a change of {quartiles(gain, "{:+.1f}")}) against the build '
                f'without that thread: from the page cache a read is only a copy in memory ({read_secs:.3f} s '
                f'alone against {hash_secs:.3f} s for the hash), and moving it to the other core gains less than '
                'it costs. The thread is for reads that wait on a disk, so that the hash works meanwhile; this '
                'machine cannot show that, since its virtual disk reads at the speed of memory (streaming from '
                'disk, above). ')
             + f'For a backup, the '
             f'slowest of its parts alone was, round by round, '
             + ', '.join(f'{k} in {n}' for k, n in sorted(slowest.items(), key=lambda x: -x[1]))
             + f' of {len(complete)} rounds; a backup takes {median(backup_bound):.2f} times as long as that part '
             f'alone. Hashing alone ({implementation}) takes {inner_hash:.3f} s of its {hash_secs:.3f} s '
             f'inside the program; starting a Wine process takes {start:.3f} s, which `dsbackup verify` pays and '
             f'`openssl dgst` does not (a native process starts in about a millisecond): verify takes '
             f'{median(verify_bound):.2f} times as long as the slower of hashing and reading alone, each of which '
             'pays the same start.']
    rss = {v: [int(r[v]['maxrss_kib']) for r in complete if 'maxrss_kib' in r[v]] for v in ('backup', 'sequential', 'verify', 'start')}
    if all(rss.values()):
        base = median(rss['start'])
        growth = {v: median(rss[v]) - base for v in ('backup', 'sequential', 'verify')}
        ok = max(growth['backup'], growth['verify']) <= DSBACKUP_MEMORY_TARGET * 1024
        verdicts.append(('dsbackup memory', ok, f'backup {growth["backup"] / 1024:.1f}, verify '
                         f'{growth["verify"] / 1024:.1f} buffers'))
        lines.append(f'\nPeak resident set (GNU time\'s maximum RSS of the Wine process) of each dsbackup run, '
                     f'less that of `dsbackup --help` ({base / 1024:.1f} MiB), in MiB = buffers of 1 MiB: '
                     f'backup {growth["backup"] / 1024:.1f}, verify {growth["verify"] / 1024:.1f} (without its reader '
                     f'thread {growth["sequential"] / 1024:.1f}), for {total / 1e9:.2f} GB; the pipeline holds '
                     f'{PIPELINE_DEPTH} buffers whatever the size of the files, and nothing else grows with them '
                     f'(target: at most {DSBACKUP_MEMORY_TARGET} buffers: '
                     + ('met' if ok else '**not met**') + ').')
    return lines, verdicts, {'backup': median(backup_copy), 'verify': median(verify_dgst)}


# --- many logs ------------------------------------------------------------------

LOG_OP_NAMES = {'list': 'listing', 'read': 'opening + reading + closing', 'truncate': 'truncating'}
LOG_OPS = ((('list', 'dll'), 'listing: `DsBackupGetBackupLogsW`'),
           (('list', 'plain'), 'listing, baseline: `FindFirstFileW` over edb*.log'),
           (('read', 'dll'), 'every log: `DsBackupOpenFileW` + `DsBackupRead` to the end + `DsBackupClose`'),
           (('read', 'plain'), 'every log, baseline: `CreateFileW` + `ReadFile` + `CloseHandle`'),
           (('truncate', 'dll'), 'truncating: `DsBackupTruncateLogs`'))


def logs_section(samples):
    costs = defaultdict(lambda: defaultdict(dict))     # (op, who) -> round -> logs -> µs per log
    for s in samples.get('logs', []):
        costs[(s['op'], s['who'])][int(s['round'])][int(s['logs'])] = float(s['secs']) / int(s['count']) * 1e6
    if not costs:
        return ['\n*Not measured.*'], [], {}
    sizes = sorted({n for rounds in costs.values() for r in rounds.values() for n in r})
    low, high = sizes[0], sizes[-1]
    rows, verdicts, figures = [], [], {}
    for key, what in LOG_OPS:
        rounds = costs.get(key)
        if not rounds:
            continue
        cells = [f'{median([r[n] for r in rounds.values() if n in r]):.1f}' for n in sizes]
        ratios = {n: median([r[n] / r[low] for r in rounds.values() if n in r and low in r]) for n in sizes[1:]}
        figures[key] = ratios
        verdict = '(baseline)'
        if key[1] == 'dll' and high in ratios:
            ok = ratios[high] <= LOGS_TARGET
            verdict = 'met' if ok else '**not met**'
            verdicts.append((f'logs {LOG_OP_NAMES[key[0]]}', ok, f'{ratios[high]:.2f}'))
        rows.append([what] + cells + [f'**{ratios[n]:.2f}**' if n == high and key[1] == 'dll' else f'{ratios[n]:.2f}'
                                      for n in sizes[1:]] + [verdict])
    rounds_count = max(len(r) for r in costs.values())
    lines = [f'\nA log folder with {", ".join(f"{n:,}" for n in sizes)} numbered logs of 4 to 16 KiB (plus '
             '`edb.log`), each in a folder of its own, visited in turn in every round: µs per log, medians over '
             f'the rounds, and the cost per log with N logs over that with {low:,}, round by round, median '
             f'({rounds_count} rounds). The truncation follows a complete backup (the database and every log '
             'listed and read to the end) and deletes every numbered log.\n',
             table(['operation'] + [f'{n:,} logs' for n in sizes] + [f'{n:,} / {low:,}' for n in sizes[1:]]
                   + [f'target ≤ {LOGS_TARGET}'], rows)]
    return lines, verdicts, figures


# --- the online check -----------------------------------------------------------

ONLINE_OPS = [('is-online', 'DsIsNTDSOnlineW'),
              ('prepare-end', 'DsBackupPrepareW + DsBackupFree + DsBackupEnd'),
              ('scm-query', 'baseline: the service-manager query the DLL made on every call before '
                            '(OpenSCManagerW, OpenServiceW, QueryServiceStatus, two CloseServiceHandle)'),
              ('registry-read', 'baseline: one registry value read (RegGetValueW)')]


def online_section(samples):
    per_call = defaultdict(list)                       # (state, op) -> [ms per call]
    ratios = defaultdict(list)                         # (state, op) -> [op / scm-query, round by round]
    by_round = defaultdict(dict)
    for s in samples.get('online', []):
        ms = float(s['secs']) / int(s['calls']) * 1e3
        per_call[(s['state'], s['op'])].append(ms)
        by_round[(s['state'], int(s['round']))][s['op']] = ms
    if not per_call:
        return ['\n*Not measured.*'], []
    for (state, _), ops in by_round.items():
        for op, ms in ops.items():
            if 'scm-query' in ops:
                ratios[(state, op)].append(ms / ops['scm-query'])
    rows = []
    for op, what in ONLINE_OPS:
        row = [what]
        for state in ('running', 'stopped'):
            v = per_call.get((state, op))
            row.append(f'{median(v) * 1000:.0f} µs' if v else '–')
            r = ratios.get((state, op))
            row.append(f'{median(r):.3f}' if r and op != 'scm-query' else '')
        rows.append(row)
    running = per_call.get(('running', 'is-online'))
    verdicts = []
    if running:
        v = median(running)
        verdicts.append(('online', v < ONLINE_TARGET_MS,
                         f'{v * 1000:.0f} µs a call, {median(ratios[("running", "is-online")]):.3f} of the '
                         'service-manager query'))
    rounds = len(per_call.get(('running', 'scm-query'), []))
    return ['\nCost per call of deciding whether the directory is online, with the NTDS stand-in running '
            '(`dsbackup online`) and stopped (`dsbackup offline`); medians of ' + str(rounds) + ' rounds of '
            '200 calls (2,000 registry reads), the operations in a rotating order, and each operation\'s '
            'ratio to the service-manager query in the same round. While the stand-in runs, its named event '
            'answers (docs/behaviour.md, "Online and offline"); once it is stopped, `DsIsNTDSOnlineW` asks the '
            'service manager, to be sure no start is under way before it reports the directory offline to a '
            'restore tool, while `DsBackupPrepareW` refuses at once.\n',
            table(['operation', 'running', '/ query', 'stopped', '/ query'], rows)], verdicts


# --- handles --------------------------------------------------------------------

def handle_section(samples):
    per_call = defaultdict(list)                       # (population, op) -> [ns per call]
    per_visit = defaultdict(list)                      # (visit, population, op) -> [ns per call]
    for s in samples.get('handles', []):
        ns = float(s['secs']) / int(s['calls']) * 1e9
        per_call[(int(s['population']), s['op'])].append(ns)
        per_visit[(int(s['visit']), int(s['population']), s['op'])].append(ns)
    if not per_call:
        return ['\n*Not measured.*'], []
    populations = sorted({p for p, _ in per_call})
    ops = [('close-valid', 'DsBackupClose, live handle, no file open (hrInvalidHandle)'),
           ('close-invalid', 'DsBackupClose, ended handle (ERROR_INVALID_PARAMETER)'),
           ('tour-1000', 'DsRestoreRegisterComplete on each of 1,000 live contexts in turn, spread over all'),
           ('prepare-end', 'DsBackupPrepareW + DsBackupFree + DsBackupEnd'),
           ('tour-all', 'DsRestoreRegisterComplete on each of all the live contexts in turn *')]
    rows, verdicts = [], []
    low, high = populations[0], populations[-1]
    for op, what in ops:
        cells = []
        for p in populations:
            v = median(per_call[(p, op)])
            cells.append(f'{v / 1000:.1f} µs' if v >= 10000 else f'{v:.0f} ns')
        ratio = median(per_call[(high, op)]) / median(per_call[(low, op)])
        ok = ratio <= HANDLE_TARGET
        if op == 'tour-all':
            rows.append([what] + cells + [f'{ratio:.2f}', 'not a target'])
            continue
        verdicts.append((f'handles {op}', ok, f'{ratio:.2f}'))
        rows.append([what] + cells + [f'**{ratio:.2f}**', 'met' if ok else '**not met**'])
    grow = []
    for s in samples.get('grow', []):
        if int(s['grown']) >= 1000:
            grow.append(f'{int(s["grown"])} limited restore contexts were created in {float(s["secs"]):.1f} s '
                        f'({float(s["secs"]) / int(s["grown"]) * 1e6:.0f} µs each), working set '
                        f'+{int(s["ws_bytes"]) / int(s["grown"]):.0f} bytes per context')
    batches = len(per_call[(high, 'close-valid')])
    lines = [f'\nCost per call with N other live contexts (medians of {batches}+ batches; the lookups '
             'are batches of 100,000 calls, prepare-end of 40 cycles; populations visited '
             f'{" → ".join(str(p) for p in [1, 1000, high, 1000, 1] if p <= high)} and merged). One live backup '
             'context (the valid handle) and one ended handle are used throughout.\n',
             table(['operation'] + [f'{p:,} live' for p in populations]
                   + [f'{high:,} / {low:,}', f'target ≤ {HANDLE_TARGET}'], rows)]
    visits = sorted(k for k in per_visit if k[2] == 'prepare-end')
    if visits:
        lines.append('\n`DsBackupPrepareW` spends its time in system calls (the registry, the token, the '
                     'database file, the backup slot), a cost that moves with the machine, not with the number '
                     'of contexts: visit by visit, ' + ' → '.join(f'{median(per_visit[k]) / 1e3:.0f} µs ({k[1]:,})'
                                                                 for k in visits) + '.')
    lines.append('\n\\* Touring all of them touches a different slot of the table and a different context on '
                 'every call: with 100,000 contexts (some 30 MB) that is a cache miss or two per call, which any '
                 'structure holding that many objects pays; the same tour over 1,000 of them, spread over the '
                 'whole table, shows that the lookup itself does not grow.')
    if grow:
        lines.append('\n' + '; '.join(grow) + '.')
    return lines, verdicts


# --- memory ---------------------------------------------------------------------

def memory_section(samples, info):
    runs = defaultdict(list)                           # (who, size) -> [growth bytes]
    reset = True
    total = None
    for s in samples.get('memory', []):
        runs[(s['who'], int(s['size']))].append(int(s['peak_after']) - int(s['ws_before']))
        reset = reset and s['peak_reset'] == '1'
        total = int(s['bytes'])
    if not runs:
        return ['\n*Not measured.*'], []
    rows, verdicts = [], []
    for size in sorted({k[1] for k in runs}):
        dll, plain = median(runs[('dll', size)]), median(runs[('plain', size)])
        ratio = dll / size
        ok = ratio <= 2 or dll - size <= 1048576
        verdicts.append((f'memory {size_name(size)}', ok, f'{ratio:.2f}'))
        rows.append([size_name(size), f'{dll / 1024:,.0f}', f'**{ratio:.2f}**', f'{plain / 1024:,.0f}',
                     f'{plain / size:.2f}', f'{(dll - plain) / 1024:+,.0f}', len(runs[('dll', size)]),
                     'met' if ok else '**not met**'])
    lines = [f'\nPeak working set while backing up {total / 2**30:.0f} GiB (the database read '
             f'{info.get("memory_passes", "?")} times) minus the working set just before the backup '
             '(the context and the client\'s buffer are allocated inside the measured span), each in a fresh '
             'process, medians' + ('' if reset else '; **the peak could not be reset before the backup: '
                                   'an upper bound**') + '.\n',
             table(['buffer', 'DLL growth KiB', 'DLL growth / buffer', 'baseline growth KiB',
                    'baseline / buffer', 'DLL − baseline KiB', 'runs', 'bounded'], rows)]
    return lines, verdicts


# --- the plot -------------------------------------------------------------------

def plot(figures, outdir, info):
    """Two panels: throughput against buffer size (medians, bars over the middle
    half of the runs), and the DLL / baseline ratio with the target."""
    if not figures:
        return False
    gnuplot = shutil.which('gnuplot')
    if not gnuplot:
        print('report: gnuplot is not installed: no bench.png (apt-get install gnuplot-nox)', file=sys.stderr)
        return False
    data = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), 'bench.dat')
    caches = [c for c in ('page', 'disk') if any(k[0] == c for k in figures)]
    series, ratio_series = [], []
    index = 0
    with open(data, 'w') as f:
        for cache in caches:
            keys = sorted(k for k in figures if k[0] == cache)
            for who, shift in (('dll', 0.95), ('plain', 1.05)):
                f.write(f'# {cache} {who}: KiB, median, first quartile, third quartile (GB/s)\n')
                for key in keys:
                    v = figures[key][who]
                    q = statistics.quantiles(v, n=4, method='inclusive') if len(v) > 1 else [v[0]] * 3
                    f.write(f'{key[1] // 1024 * shift:.1f} {median(v):.4f} {q[0]:.4f} {q[2]:.4f}\n')
                f.write('\n\n')
                series.append((index, cache, who))
                index += 1
            f.write(f'# {cache}: KiB, DLL / baseline (median of the rounds), first quartile, third quartile\n')
            for key in keys:
                r = figures[key]['per_round']
                q = statistics.quantiles(r, n=4, method='inclusive') if len(r) > 1 else [r[0]] * 3
                f.write(f'{key[1] // 1024 * (0.97 if cache == "page" else 1.03):.1f} {figures[key]["ratio"]:.4f} '
                        f'{q[0]:.4f} {q[2]:.4f}\n')
            f.write('\n\n')
            ratio_series.append((index, cache))
            index += 1
    color = {'page': '#1f77b4', 'disk': '#d62728'}
    names = {('page', 'dll'): 'DsBackupRead, page cache', ('page', 'plain'): 'ReadFile, page cache',
             ('disk', 'dll'): 'DsBackupRead, from disk', ('disk', 'plain'): 'ReadFile, from disk'}
    top = [f'"{data}" index {i} using 1:2:3:4 with yerrorlines lw 2 lc rgb "{color[c]}" '
           f'{"pt 7" if w == "dll" else "dt 2 pt 6"} title "{names[(c, w)]}"' for i, c, w in series]
    bottom = [f'"{data}" index {i} using 1:2:3:4 with yerrorlines lw 2 lc rgb "{color[c]}" pt 7 '
              f'title "{"page cache" if c == "page" else "from disk"}"' for i, c in ratio_series]
    bottom.append(f'{STREAM_TARGET} with lines lw 2 lc rgb "#2ca02c" dt 2 title "target {STREAM_TARGET}"')
    script = f'''
set terminal pngcairo size 960,900 enhanced font "DejaVu Sans,11"
set output "{os.path.join(outdir, 'bench.png')}"
set multiplot layout 2,1 title "ntdsbcli.dll: streaming a {int(info.get('database_bytes', 0)) // 2**20} MiB database and {info.get('log_count', '?')} + 1 logs of {int(info.get('log_bytes', 0)) // 2**20} MiB under {info.get('wine', 'Wine')}\\n{info.get('cpu', '')}, {info.get('cores', '?')} cores, {info.get('date', '')}; medians, bars over the middle half of the runs" noenhanced
set logscale x 2
set xtics ("64" 64, "256" 256, "1024" 1024, "4096" 4096)
set xrange [48:5500]
set grid
set key below horizontal maxrows 2 width 2
set xlabel "buffer size (KiB)"
set ylabel "throughput (GB/s)"
set yrange [0:*]
plot {", ".join(top)}
set ylabel "DsBackupRead / ReadFile"
set yrange [0.6:1.2]
set key below horizontal maxrows 1 width 2
plot {", ".join(bottom)}
unset multiplot
'''
    result = subprocess.run([gnuplot], input=script, text=True, capture_output=True)
    if result.returncode:
        print('report: gnuplot failed:\n' + result.stderr, file=sys.stderr)
        return False
    return True


# --- the report -----------------------------------------------------------------

def main():
    raw, machine, outdir = sys.argv[1:4]
    samples = parse(raw)
    info = machine_info(machine)
    figures = stream_figures(samples)
    unavailable = any(s.get('unavailable') for s in samples.get('stream-cold', []))

    stream_lines, stream_verdicts = stream_section(figures, unavailable)
    files_lines, file_cost = files_section(samples, figures, info)
    sha256_lines, sha256_verdicts, sha256_figures = sha256_section(samples)
    backup_lines, backup_verdicts, backup_figures = backup_section(samples)
    logs_lines, logs_verdicts, log_ratios = logs_section(samples)
    online_lines, online_verdicts = online_section(samples)
    handle_lines, handle_verdicts = handle_section(samples)
    memory_lines, memory_verdicts = memory_section(samples, info)
    verdicts = (stream_verdicts + sha256_verdicts + backup_verdicts + logs_verdicts + handle_verdicts
                + online_verdicts + memory_verdicts)

    def target_line(prefix, what):
        vs = [v for v in verdicts if v[0].startswith(prefix)]
        if not vs:
            return f'- {what}: not measured.'
        if len(vs) == 1:
            return f'- {what}: ' + ('**met**' if vs[0][1] else '**not met**') + f' ({vs[0][2]}).'
        bad = [f'{v[0][len(prefix):].strip()} ({v[2]})' for v in vs if not v[1]]
        return f'- {what}: ' + ('**met**' if not bad else '**not met** at ' + ', '.join(bad)) + \
            ' (' + ', '.join(f'{v[0][len(prefix):].strip()} {v[2]}' for v in vs) + ').'

    log_sizes = sorted({int(x['logs']) for x in samples.get('logs', [])})
    middle = [n for n in log_sizes[1:-1]]
    logs_middle = '; at ' + ', '.join(
        f'{n:,} logs: ' + ', '.join(f'{LOG_OP_NAMES[key[0]]} {log_ratios[key][n]:.2f}'
                                    for key in (('list', 'dll'), ('read', 'dll'), ('truncate', 'dll'))
                                    if n in log_ratios.get(key, {}))
        for n in middle) if middle and log_ratios else ''
    ram_gib = int(info.get('ram_kib', '0')) / 2**20
    quick = info.get('quick') == '1'
    doc = [
        '# Performance',
        '',
        '*Written by `make bench` (tests/bench/); do not edit by hand: run it again.*'
        + (' **A quick run (`BENCH_QUICK=1`): smaller database, fewer runs.**' if quick else ''),
        '',
        '## Targets',
        '',
        target_line('streaming', f'Streaming through the DLL at ≥ {STREAM_TARGET} of the baseline\'s throughput '
                    'with buffers of 256 KiB and more (median ratio)'),
        target_line('sha256', f'dsbackup\'s SHA-256 at ≥ {SHA256_TARGET} of the throughput of `openssl speed -evp '
                    'sha256` at 1 MiB blocks (median ratio)'),
        target_line('backup', f'`dsbackup backup` of the database from the page cache within {BACKUP_TARGET}x of '
                    '`cp` + `sync` of the same files (median ratio)'),
        target_line('verify', f'`dsbackup verify` within {VERIFY_TARGET}x of `openssl dgst -sha256` of the same '
                    'files (median ratio)'),
        target_line('dsbackup memory', f'dsbackup\'s peak memory a small constant times its buffer (growth ≤ '
                    f'{DSBACKUP_MEMORY_TARGET} buffers of 1 MiB)'),
        target_line('logs', f'Cost per log with {log_sizes[-1] if log_sizes else 0:,} logs within {LOGS_TARGET}x of '
                    f'the cost with {log_sizes[0] if log_sizes else 0:,} (median ratio)').rstrip('.') + logs_middle
        + ('.' if log_sizes else ''),
        target_line('handles', f'Cost per call with {max([0] + [int(s["population"]) for s in samples.get("handles", [])]):,} '
                    f'live contexts within {HANDLE_TARGET}x of the cost with 1 (ratio)'),
        target_line('memory', 'Peak working set bounded by a small constant times the buffer '
                    '(growth / buffer ≤ 2, or within 1 MiB of the buffer)'),
        target_line('online', f'`DsIsNTDSOnlineW` with the NTDS stand-in running under {ONLINE_TARGET_MS:g} ms a '
                    'call (median)'),
        '',
        '## Machine',
        '',
        table(['', ''], [
            ['CPU', info.get('cpu', '?')], ['cores', info.get('cores', '?')], ['RAM', f'{ram_gib:.1f} GiB'],
            ['kernel', info.get('kernel', '?')], ['Wine', info.get('wine', '?')],
            ['date', info.get('date', '?')],
            ['load average (1 min) as each section started',
             ', '.join(f'{section} {load}' for section, load in first_loads(samples).items())
             + ' (other people\'s work shares this machine)'],
            ['block device read-ahead (the kernel\'s)', f'{info.get("read_ahead_kb", "?")} KiB'],
            ['DLL', f'commit {info.get("commit", "?")}, ntdsbcli.dll sha256 {info.get("dll_sha256", "?")}…'],
            ['run time', f'{int(info.get("seconds", "0")) // 60} min {int(info.get("seconds", "0")) % 60} s']]
              + ([['note', info['note']]] if info.get('note') else []),
              align_right=False),
        '',
        '## Method',
        '',
        f'- The data: a throwaway Wine prefix with a {int(info.get("database_bytes", 0)) // 2**20} MiB `ntds.dit` '
        f'and {info.get("log_count", "?")} numbered logs plus `edb.log` of '
        f'{int(info.get("log_bytes", 0)) // 2**20} MiB each (random bytes), registered where a domain controller '
        'records them. A "backup" is every file the DLL lists, read to the end. The many-logs section has '
        'folders of its own (see below).',
        '- The program, `tests/bench/bench.c`, is a PE run under Wine against the DLL built by `make`. It '
        'measures; `tests/bench/report.py` computes. Every figure is a comparison made in the same run, '
        'interleaved: each run is paired with a baseline run of the same work in the same round (inside one '
        'process, except for `dsbackup`, whose runs are programs of their own), the order alternating or '
        'rotating from round to round (and from buffer size to buffer size), so that drift and the noise of '
        'other processes fall on both; ratios are taken within a round, then the median over the rounds is reported, '
        'with the middle half of the round-by-round ratios as the spread. The machine is shared (see the load '
        'average above): single runs vary by tens of percent, medians much less.',
        '- Streaming: `DsBackupOpenFileW` + `DsBackupRead` to the end + `DsBackupClose` per file, on one '
        'prepared context (`DsBackupPrepare` is timed separately, under handles), against `CreateFileW` + a '
        '`ReadFile` loop + `CloseHandle` over the same local files with the same buffer. From the page cache '
        f'after a warm-up read, each timed run backing everything up {info.get("passes", "?")} times (one '
        'backup takes only tens of ms); "from disk" with every file of the database folder evicted from the '
        'page cache before each run (`posix_fadvise(POSIX_FADV_DONTNEED)` through `dd iflag=nocache count=0`, '
        'requested by bench.exe from a shell loop in run.sh, outside the timed span; only these files, so the '
        'rest of the machine does not start reading its own files back meanwhile, as after a global '
        '`drop_caches`), one backup per run.',
        '- SHA-256: `bench.exe sha256` hashes 2 GiB (the portable implementation 0.5 GiB) as messages of 1 MiB, '
        'each begun, updated once and finished, with tools/dsbackup/sha256.c as dsbackup uses it, under Wine, '
        'timed with `QueryPerformanceCounter` inside the program; `openssl speed -evp sha256 -bytes 1048576 '
        '-seconds 2` does the same natively and reports its rate. The two alternate in order from round to round.',
        '- `dsbackup`: run.sh starts each program as a user would and times it from start to exit with '
        '`date +%s%N`. Before each backup and each copy, the two runs that write, the output of both is '
        'removed (so each starts just after the other\'s 1.2 GB went: this virtual machine hands free memory '
        'back to its host, and memory freed a moment ago takes new data faster than memory free for seconds), '
        'then `sync` and two seconds idle, so that both start from the same state whatever ran before them: '
        '`wine dsbackup.exe backup C:\\bench-backup` (every file '
        'listed, read through the DLL with a 1 MiB buffer, hashed, written and flushed to disk, then the token '
        'and the manifest); `dsbackup-sequential.exe`, the same sources built by tests/bench/bench.mk with '
        '`DSBACKUP_NO_READER_THREAD`, running `verify` with each buffer read and hashed in turn; `cp` of the files '
        'the DLL lists into a folder on the same disk, then `sync` of each copy (an fsync each, as dsbackup '
        'flushes each copy); `dsbackup verify` of a backup made before the first round, and `openssl dgst '
        '-sha256` of its files; "reading alone" (`bench.exe alone read`: `DsBackupOpenFileW` + a `DsBackupRead` '
        'loop + `DsBackupClose` over the same files with the same buffer, the data left alone) and "hashing '
        'alone" (`bench.exe alone hash`: dsbackup\'s SHA-256 over as many bytes from a buffer in memory, a hash '
        'per file); `dsbackup --help`, the cost of starting a Wine process. GNU time records the peak resident '
        'set of each dsbackup run. The files come from the page cache (read once before the first round); the '
        'copies go to disk.',
        '- Many logs: for each of the folder sizes, a folder `C:\\bench-logs\\N` with a 64 KiB `ntds.dit`, '
        '`edb.log` and N numbered logs (`edb00001.log`, ...) of 4 to 16 KiB; bench.exe points the directory\'s '
        'registry values at the folder it measures. In every round each folder is visited once, in a rotating '
        'order: run.sh writes its numbered logs again (Python on the Unix side: Wine creates files slowly in a '
        'folder of thousands), then, through one context, the database is listed and read (untimed), the logs '
        'are listed (timed), every listed log is opened, read to the end and closed (timed), and '
        '`DsBackupTruncateLogs` deletes them (timed); the baseline lists the same folder with `FindFirstFileW` '
        'and reads every log with `CreateFileW` + `ReadFile` + `CloseHandle`, before or after the DLL in turn.',
        '- Handles: with N other live contexts, batches of each operation in a rotating order; the populations '
        'are visited up and back down (1 → 1,000 → max → 1,000 → 1) so drift cancels. The other contexts are '
        'limited restore contexts (`DsRestorePrepareW` without a token): they share the one handle table with '
        'backup contexts and cost a fraction of a `DsBackupPrepareW` to create (which asks the service manager '
        'whether NTDS runs when no stand-in answers for it: 100,000 of those would take minutes under Wine). '
        'The machine allows one backup at a time, so the live backup context gives way while prepare-end is '
        'timed.',
        '- The online check: run.sh registers the NTDS stand-in, brings the directory online and later takes '
        'it offline with `dsbackup`, as an administrator does; bench.exe times batches of each operation in '
        'both states, then the stand-in is removed again.',
        '- Memory: a fresh process per configuration; Linux\'s peak resident set (Wine\'s '
        '`PeakWorkingSetSize`) is reset just before the backup through `/proc/PID/clear_refs`, so the peak '
        'is the backup\'s own.',
        '- Times come from `QueryPerformanceCounter`, except those of whole programs in the `dsbackup` section, '
        'which run.sh takes with `date +%s%N` around them; GB = 10^9 bytes.',
        '',
        '## Results',
        '',
        '### Streaming',
    ] + stream_lines + [
        '',
        '![throughput against buffer size](bench.png)',
        '',
        '### The fixed cost of a file',
    ] + files_lines + [
        '',
        '### SHA-256',
    ] + sha256_lines + [
        '',
        '### dsbackup backup and verify',
    ] + backup_lines + [
        '',
        '### Many logs',
    ] + logs_lines + [
        '',
        '### The online check',
    ] + online_lines + [
        '',
        '### Handles',
    ] + handle_lines + [
        '',
        '### Memory',
    ] + memory_lines + [
        '',
        '## Reproducing',
        '',
        f'`make bench` (this run took {int(info.get("seconds", "0")) // 60} min {int(info.get("seconds", "0")) % 60} s '
        'on the machine above). `BENCH_QUICK=1 make bench` is a shorter run (under a minute or two) that writes to '
        '`build/bench/` and leaves `docs/` alone; `BENCH_DLL=path/to/ntdsbcli.dll` benchmarks another build of '
        'the DLL, `BENCH_SECTIONS="stream files"` runs only some sections (stream, files, sha256, backup, logs, '
        'handles, online, memory). The raw samples are kept in `build/bench/raw.txt`; `tests/bench/report.py` can be run on them '
        'again.',
        '',
    ]
    text = '\n'.join(doc)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, 'performance.md'), 'w') as f:
        f.write(text)
    plotted = plot(figures, outdir, info)
    start = text.index('## Targets')
    end = text.index('## Machine')
    print(text[start:end])
    print('\n'.join(['## Results'] + stream_lines + files_lines + sha256_lines + backup_lines + logs_lines
                     + online_lines + handle_lines + memory_lines))
    print(f'\nreport: wrote {os.path.join(outdir, "performance.md")}'
          + (f' and {os.path.join(outdir, "bench.png")}' if plotted else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
