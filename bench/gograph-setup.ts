// Shared bench setup: the static GOPROXY server process and the generated module graph (gograph, govendor, download, sumdb).
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleVersion } from '../src/go/mvs/index.js';
import { generateGraph, writePackageProxy } from '../test/go/support/gengraph.js';
import { startPortServer } from './support.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Serves `root` as a GOPROXY from its own process (bench/proxy-server.ts) on 127.0.0.1. */
export function startProxy(root: string): Promise<{ base: string; proc: ChildProcess }> {
  return startPortServer(['--import', 'tsx', join(repo, 'bench/proxy-server.ts'), root]);
}

/** A generated graph written as a file:// proxy tree, and the program (main requirements, packages) as JSON. */
export interface GraphScenario {
  readonly proxyRoot: string;
  /** `{ require, packages }` as bench/gograph-child.mjs reads it. */
  readonly program: string;
  /** The main module's requirements: one package per module, imported by the program. */
  readonly require: readonly ModuleVersion[];
}

/** The generated module graph of `seed` (`modules` paths, 2 versions each, `mainRequire` imports) under `work`. */
export async function graphScenario(
  work: string,
  seed: number,
  modules: number,
  mainRequire: number,
): Promise<GraphScenario> {
  const g = generateGraph({ seed, modules, versions: 2, maxRequire: 4, mainRequire });
  const proxyRoot = join(work, `proxy-${seed}`);
  await writePackageProxy(proxyRoot, g, seed);
  const program = join(work, `program-${seed}.json`);
  writeFileSync(
    program,
    JSON.stringify({ require: g.main.require, packages: g.main.require.map((r) => r.path) }),
  );
  return { proxyRoot, program, require: g.main.require };
}
