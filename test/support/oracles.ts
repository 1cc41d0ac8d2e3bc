// Finds the reference implementations (Go + x/mod, CPython) that differential tests run against.
// Without them a suite skips with a clear reason; under MOCHI_REQUIRE_ORACLES=1 it fails instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export const oraclesRequired = process.env.MOCHI_REQUIRE_ORACLES === '1';

/** Where Debian's golang-golang-x-mod-dev puts x/mod (a GOPATH root). */
export const GOPATH_XMOD = process.env.MOCHI_XMOD_GOPATH ?? '/usr/share/gocode';

export interface Oracle {
  available: boolean;
  /** Why it is missing, and how to install it. */
  reason: string;
}

function probe(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

let goCache: Oracle | undefined;
/** Go toolchain plus x/mod in GOPATH mode. */
export function goOracle(): Oracle {
  if (goCache) return goCache;
  if (!probe('go', ['version'])) {
    goCache = { available: false, reason: 'the go command is not on PATH (apt-get install golang-go)' };
  } else if (!existsSync(join(GOPATH_XMOD, 'src/golang.org/x/mod/semver/semver.go'))) {
    goCache = {
      available: false,
      reason: `x/mod not found under ${GOPATH_XMOD} (apt-get install golang-golang-x-mod-dev)`,
    };
  } else {
    goCache = { available: true, reason: '' };
  }
  return goCache;
}

let pyCache: Oracle | undefined;
/** CPython ≥ 3.11 with tomllib and pip's vendored packaging. */
export function pythonOracle(): Oracle {
  if (pyCache) return pyCache;
  pyCache = probe('python3', ['-c', 'import tomllib, ast; from pip._vendor import packaging'])
    ? { available: true, reason: '' }
    : { available: false, reason: 'python3 ≥ 3.11 with tomllib and pip is not available' };
  return pyCache;
}

let packagingCache: Oracle | undefined;
/** CPython with the `packaging` 26 release (the reference for PEP 440 and PEP 508). */
export function packagingOracle(): Oracle {
  if (packagingCache) return packagingCache;
  packagingCache = probe('python3', [
    '-c',
    'import sys, packaging; from pip._vendor import packaging as old; sys.exit(0 if packaging.__version__.split(".")[0] == "26" else 1)',
  ])
    ? { available: true, reason: '' }
    : {
        available: false,
        reason: 'python3 with packaging 26.x (pip install packaging==26.*) and pip is not available',
      };
  return packagingCache;
}

/**
 * `describe` that runs only when the oracle is there. Missing oracle: skipped with the reason, or,
 * under MOCHI_REQUIRE_ORACLES=1, one failing test that names what is missing.
 */
export function describeWithOracle(oracle: Oracle, name: string, body: () => void): void {
  if (oracle.available) {
    describe(name, body);
  } else if (oraclesRequired) {
    describe(name, () => {
      it('has its oracle (MOCHI_REQUIRE_ORACLES=1)', () => {
        throw new Error(`oracle missing: ${oracle.reason}`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${oracle.reason}]`, body);
  }
}

/**
 * Builds a Go program (one main.go, GOPATH mode over Debian's x/mod) once per source content and
 * returns the binary's path. Binaries are cached in the OS temp dir, keyed by the source hash.
 */
export function buildGoProgram(mainGo: string): string {
  const src = readFileSync(mainGo);
  const key = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'mochi-pkg-oracles');
  mkdirSync(dir, { recursive: true });
  const bin = join(dir, `oracle-${key}`);
  if (!existsSync(bin)) {
    const tmp = `${bin}.${process.pid}.tmp`;
    execFileSync('go', ['build', '-o', tmp, mainGo], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH: GOPATH_XMOD, GOFLAGS: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // rename is atomic: parallel test files building the same oracle both end with a whole binary.
    execFileSync('mv', ['-f', tmp, bin]);
  }
  return bin;
}

/**
 * A hermetic environment for the real `go` command: everything under `work` (HOME, GOPATH,
 * GOMODCACHE, GOCACHE), modules from `goproxy`, no checksum database, writable module cache.
 */
export function goCommandEnv(work: string, goproxy: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    GOENV: 'off',
    GOPROXY: goproxy,
    GOSUMDB: 'off',
    GOFLAGS: '-modcacherw',
    GOMODCACHE: join(work, 'gomodcache'),
    GOPATH: join(work, 'gopath'),
    GOCACHE: join(work, 'gocache'),
  };
}

/** Runs a built oracle with `input` on stdin and returns stdout (utf-8). */
export function runOracle(bin: string, args: string[], input: string | Buffer = ''): string {
  return execFileSync(bin, args, { input, maxBuffer: 1 << 30, encoding: 'utf8' });
}

/** Runs python3 with a script on stdin-free argv and returns stdout. */
export function runPython(script: string, args: string[] = [], input: string | Buffer = ''): string {
  return execFileSync('python3', ['-c', script, ...args], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
}
