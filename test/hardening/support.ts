// Helpers of the hardening tests: throwaway projects with Go imports, a file:// proxy, CLI runs captured.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { type FixtureModule, fixtureModule, writeProxyTree } from '../go/support/modules.js';
import { captureStreams, writeTree } from '../support/files.js';

/** Temp directories made by {@link tempDir}, removed by {@link cleanup}. */
const made: string[] = [];

export async function tempDir(prefix = 'mochi-hard-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export async function cleanup(): Promise<void> {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
}

/** A CLI run's exit code and output. */
export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the whole CLI (`main`) in `cwd` with `env`. */
export async function cli(cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const { stdout, stderr, seen } = captureStreams();
  const code = await main({ argv, stdout, stderr, env, cwd });
  return { code, ...seen };
}

/** A project whose only foreign imports are Go ones, with its own file:// proxy and module cache. */
export interface GoProject {
  readonly root: string;
  readonly proxy: string;
  readonly cache: string;
  /** Runs `lock` (through `main`, so thrown errors print as the CLI prints them) with extra flags. */
  lock(...argv: string[]): Promise<Run>;
}

/** `example.com/foo@v1.0.0` holding `foo.go` with `body`. */
export function fooModule(body = 'package foo\n'): FixtureModule {
  return fixtureModule('example.com/foo', 'v1.0.0', { 'foo.go': body });
}

/** Writes a project with `sources` (path → text) and a proxy serving `mods`. */
export async function goProject(
  sources: Record<string, string>,
  mods: readonly FixtureModule[] = [fooModule()],
): Promise<GoProject> {
  const base = await tempDir();
  const root = join(base, 'project');
  const proxy = join(base, 'proxy');
  const cache = join(base, 'cache');
  await writeTree(root, sources);
  await writeProxyTree(proxy, mods);
  const lock = async (...argv: string[]): Promise<Run> => {
    const { stdout, stderr, seen } = captureStreams();
    const ctx = {
      argv: ['lock', '--cwd', root, '--cache-dir', join(base, 'py'), '--go-proxy', proxy, ...argv],
      stdout,
      stderr,
      env: { MOCHI_GO_BRIDGE_CACHE: cache, GOSUMDB: 'off' },
      cwd: root,
    };
    const code = await main(ctx);
    return { code, ...seen };
  };
  return { root, proxy, cache, lock };
}

/**
 * Whether a small tmpfs can be mounted in a private user + mount namespace (no root needed), for
 * the tests that need a real full disk. Where the kernel forbids that, those tests are skipped —
 * unless MOCHI_REQUIRE_ORACLES=1 asks for every check, when this throws.
 */
export function canMountTmpfs(): boolean {
  try {
    execFileSync(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', 'mount -t tmpfs -o size=4k tmpfs /tmp'],
      { stdio: 'ignore' },
    );
    return true;
  } catch (e) {
    if (process.env.MOCHI_REQUIRE_ORACLES === '1') throw e;
    return false;
  }
}
