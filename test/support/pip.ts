// pip's resolver as an oracle: `pip install --dry-run --report` against local indexes, nothing installed.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What pip decided: its picks (name → [version, wheel file name]) or its error output. */
export interface PipOutcome {
  readonly ok: boolean;
  readonly picks: Map<string, [string, string]>;
  readonly message: string;
  /** What pip wrote to stderr (its warnings), when {@link pipDryRunMany} ran it. */
  readonly stderr?: string;
}

/** The platforms the differential runs pip for, as the lock names them. */
export type PipPlatform = 'linux' | 'darwin' | 'win32';

/**
 * pip's `--platform` for each lock platform: the newest tag of what `closureTarget` accepts (pip
 * expands `macosx_14_0_arm64` down to macOS 11 arm64 and universal2, and 10.x universal2, as
 * packaging's `mac_platforms` does).
 */
export const PIP_PLATFORM: Readonly<Record<PipPlatform, string>> = {
  linux: 'manylinux2014_x86_64',
  darwin: 'macosx_14_0_arm64',
  win32: 'win_amd64',
};

/**
 * The argv of `python3 -m pip install --dry-run --ignore-installed --report <work>/report-<tag>.json`
 * for CPython 3.11 on `platform` (default manylinux2014 x86-64), binary wheels only: the first index
 * is `--index-url`, the others `--extra-index-url` (pip 23 wants `--target` with platform options;
 * nothing is installed).
 */
export function pipDryRunArgs(
  indexes: readonly string[],
  roots: readonly string[],
  work: string,
  tag: string,
  platform: PipPlatform = 'linux',
) {
  return ['-m', 'pip', ...pipInstallArgs(indexes, roots, work, tag, platform)];
}

function pipInstallArgs(
  indexes: readonly string[],
  roots: readonly string[],
  work: string,
  tag: string,
  platform: PipPlatform,
) {
  return [
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
    PIP_PLATFORM[platform],
    '--target',
    join(work, `target-${tag}`),
    '--no-cache-dir',
    '--disable-pip-version-check',
    '--quiet',
    ...roots,
  ];
}

/** One resolution of {@link pipDryRunMany}. */
export interface PipJob {
  readonly indexes: readonly string[];
  readonly roots: readonly string[];
  /** Names the report file; unique per job. */
  readonly tag: string;
  readonly platform: PipPlatform;
}

// Calls pip's own command-line entry point once per job in one interpreter: the same code as
// `python3 -m pip install …`, without paying Python's and pip's start-up for every resolution.
const DRIVER = `
import io, json, sys
from pip._internal.cli.main import main
out = []
for argv in json.load(sys.stdin):
    err, old = io.StringIO(), sys.stderr
    sys.stderr = err
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    finally:
        sys.stderr = old
    out.append({"code": code, "err": err.getvalue()})
sys.stdout.write(json.dumps(out))
`;

/** Reads the picks (name → [version, wheel file]) of a `--report` file. */
async function readReport(path: string): Promise<Map<string, [string, string]>> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as {
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
  return picks;
}

/**
 * Runs many `pip install --dry-run --report` resolutions in one Python process (killed after two
 * minutes plus 20 s per job), in order, and reads their reports.
 */
export function pipDryRunMany(jobs: readonly PipJob[], work: string): Promise<PipOutcome[]> {
  if (jobs.length === 0) return Promise.resolve([]);
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', ['-c', DRIVER], {
      env: { ...process.env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INPUT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => child.kill(), 120_000 + 20_000 * jobs.length);
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`the pip driver exited with ${code}:\n${err}`);
        const results = JSON.parse(out) as { code: number; err: string }[];
        const outcomes: PipOutcome[] = [];
        for (const [i, r] of results.entries()) {
          const job = jobs[i]!;
          outcomes.push(
            r.code === 0
              ? {
                  ok: true,
                  picks: await readReport(join(work, `report-${job.tag}.json`)),
                  message: '',
                  stderr: r.err,
                }
              : { ok: false, picks: new Map(), message: r.err, stderr: r.err },
          );
        }
        resolvePromise(outcomes);
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(
      JSON.stringify(jobs.map((j) => pipInstallArgs(j.indexes, j.roots, work, j.tag, j.platform))),
    );
  });
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
      resolvePromise({ ok: true, picks: await readReport(join(work, `report-${tag}.json`)), message: '' });
    });
  });
}

/**
 * The argv and environment of the install the sync oracle and bench compare with: `python3 -m pip install
 * -q --no-deps --no-index --no-compile --find-links <links> --target <target> <names…>` (pip 23), with
 * pip's version check, root warning and script-location warning off.
 */
export function pipTargetInstall(
  links: string,
  target: string,
  names: readonly string[],
): { args: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    PIP_NO_WARN_SCRIPT_LOCATION: '1',
  };
  delete env.ENSUREPIP_OPTIONS;
  const args = ['-m', 'pip', 'install', '-q', '--no-deps', '--no-index', '--no-compile'];
  return { args: [...args, '--find-links', links, '--target', target, ...names], env };
}
