// Every query form over every module of cmd/go's test proxy, and the real `go list -m -json` answers to them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as semver from '../../../src/go/semver/index.js';
import { cmdGoProxyDir, type ProxyModule } from '../../support/cmdgoproxy.js';
import { goCommandEnv } from '../../support/oracles.js';
import { parseTxtar } from '../../support/txtar.js';

const execFileAsync = promisify(execFile);

/** One `path@query`. */
export interface Query {
  readonly path: string;
  readonly query: string;
}

/** What go answered: the version, or an error. */
export interface Answer {
  readonly version?: string;
  readonly error?: string;
  /** With `-u`: the rationales when the version is retracted (`[]` when it is not). */
  readonly retracted?: readonly string[];
  /** With `-u`: the module's deprecation text. */
  readonly deprecated?: string;
  /** With `-u`: the version `go list -m -u` offers as an update (`''` when none). */
  readonly update?: string;
}

/**
 * The queries asked of every module path of the proxy: latest, upgrade, patch; each major and
 * major.minor prefix of its versions; each version exactly (non-canonical and +incompatible ones
 * included) and its commit hash; ranges `<v`, `<=v`, `>v`, `>=v` around each release.
 */
export async function queriesFor(mods: readonly ProxyModule[]): Promise<Query[]> {
  const byPath = new Map<string, string[]>();
  for (const m of mods) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m.version]);
  const out: Query[] = [];
  for (const [path, versions] of [...byPath].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const qs = new Set(['latest', 'upgrade', 'patch']);
    for (const v of semver.sort(versions)) {
      const canon = semver.canonical(v);
      const [maj, min] = canon.split('.');
      if (maj && min) qs.add(maj).add(`${maj}.${min.replace(/^(\d+).*/, '$1')}`);
      qs.add(v);
      if (!semver.isPseudoVersion(v)) {
        qs.add(`<${v}`).add(`>=${v}`);
        if (semver.prerelease(v) === '') qs.add(`<=${maj}.${min}`).add(`>${maj}.${min}`).add(`>${v}`);
      }
      const archive = join(
        cmdGoProxyDir(),
        `${path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`).replaceAll('/', '_')}_${v}.txt`,
      );
      const info = parseTxtar(await readFile(archive).catch(() => Buffer.alloc(0))).files.find(
        (f) => f.name === '.info',
      );
      const short = info ? (JSON.parse(info.data.toString('utf8')) as { Short?: string }).Short : undefined;
      if (short) qs.add(short);
    }
    for (const q of qs) out.push({ path, query: q });
  }
  return out;
}

/**
 * `go list -m -json -e <path@query>…` inside a fresh main module (its go.mod ends with
 * `goModTail`) with a fresh module cache (GOFLAGS=-mod=mod, GOSUMDB=off), many queries per go
 * process, two processes at a time.
 */
export async function goListAnswers(
  goproxy: string,
  queries: readonly Query[],
  flags: readonly string[] = [],
  goModTail = '',
): Promise<Answer[]> {
  const work = await mkdtemp(join(tmpdir(), 'mochi-query-oracle-'));
  try {
    await writeFile(join(work, 'go.mod'), `module example.com/main\n\ngo 1.19\n${goModTail}`);
    const env = {
      ...goCommandEnv(work, goproxy),
      GOFLAGS: '-mod=mod',
      GO111MODULE: 'on',
      GONOSUMDB: '',
      GOPRIVATE: '',
    };
    const batches: Query[][] = [];
    for (let i = 0; i < queries.length; i += 80) batches.push(queries.slice(i, i + 80));
    const results: Answer[][] = new Array(batches.length);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const i = next++;
        const batch = batches[i]!;
        const r = await execFileAsync(
          'go',
          ['list', '-m', '-json', '-e', ...flags, ...batch.map((q) => `${q.path}@${q.query}`)],
          { cwd: work, env, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 300_000 },
        );
        const objs = JSON.parse(`[${r.stdout.replace(/}\n{/g, '},{')}]`) as {
          Version?: string;
          Error?: { Err: string };
          Retracted?: string[];
          Deprecated?: string;
          Update?: { Version: string };
        }[];
        if (objs.length !== batch.length)
          throw new Error(`go list gave ${objs.length} answers for ${batch.length} queries`);
        results[i] = objs.map((o) =>
          o.Error
            ? { error: o.Error.Err }
            : {
                version: o.Version ?? '',
                retracted: o.Retracted ?? [],
                deprecated: o.Deprecated ?? '',
                update: o.Update?.Version ?? '',
              },
        );
      }
    };
    await Promise.all([worker(), worker()]);
    return results.flat();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
