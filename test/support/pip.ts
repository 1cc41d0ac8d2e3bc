// pip's resolver as an oracle: `pip install --dry-run --report` against local indexes, nothing installed.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What pip decided: its picks (name → [version, wheel file name]) or its error output. */
export interface PipOutcome {
  readonly ok: boolean;
  readonly picks: Map<string, [string, string]>;
  readonly message: string;
}

/**
 * The argv of `python3 -m pip install --dry-run --ignore-installed --report <work>/report-<tag>.json`
 * for CPython 3.11 on manylinux2014 x86-64, binary wheels only: the first index is `--index-url`, the
 * others `--extra-index-url` (pip 23 wants `--target` with platform options; nothing is installed).
 */
export function pipDryRunArgs(
  indexes: readonly string[],
  roots: readonly string[],
  work: string,
  tag: string,
) {
  return [
    '-m',
    'pip',
    'install',
    '--dry-run',
    '--ignore-installed',
    '--report',
    join(work, `report-${tag}.json`),
    '--index-url',
    indexes[0]!,
    ...indexes.slice(1).flatMap((u) => ['--extra-index-url', u]),
    '--only-binary=:all:',
    '--python-version',
    '3.11',
    '--platform',
    'manylinux2014_x86_64',
    '--target',
    join(work, `target-${tag}`),
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--quiet',
    ...roots,
  ];
}

/** Runs {@link pipDryRunArgs} (killed after two minutes) and reads its report. */
export function pipDryRun(
  indexes: readonly string[],
  roots: readonly string[],
  work: string,
  tag: string,
): Promise<PipOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', pipDryRunArgs(indexes, roots, work, tag), {
      env: { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INPUT: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(timer);
      if (code !== 0) {
        resolvePromise({ ok: false, picks: new Map(), message: err });
        return;
      }
      const doc = JSON.parse(await readFile(join(work, `report-${tag}.json`), 'utf8')) as {
        install: { metadata: { name: string; version: string }; download_info: { url: string } }[];
      };
      const picks = new Map<string, [string, string]>();
      for (const i of doc.install) {
        const url = i.download_info.url;
        picks.set(i.metadata.name.toLowerCase(), [
          i.metadata.version,
          decodeURIComponent(url.slice(url.lastIndexOf('/') + 1)),
        ]);
      }
      resolvePromise({ ok: true, picks, message: '' });
    });
  });
}
