// bin/load-bundle.js: the CLI bundle compiled with V8's code cache (what Node 20 lacks). Each case runs
// in a child process, since the cache is written when the process exits.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const loader = fileURLToPath(new URL('../../bin/load-bundle.js', import.meta.url));

let dir: string;
let file: string;
let cache: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mochi-load-bundle-'));
  file = join(dir, 'fixture.cjs');
  cache = join(dir, 'cache');
  writeFileSync(
    file,
    [
      '"use strict";',
      'exports.value = 6 * 7;',
      "exports.where = () => new Error('here').stack.split('\\n')[1];",
      "exports.load = () => globalThis[Symbol.for('mochi-pkg.import')]('node:path').then((m) => typeof m.join);",
    ].join('\n'),
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the fixture in a new process: what the cache gave, its export, and what its import() found. */
function load(env: NodeJS.ProcessEnv = {}): {
  cache: string;
  value: number;
  imported: string;
  where: string;
} {
  const script = `const { compileWithCodeCache } = require(${JSON.stringify(loader)});
const r = compileWithCodeCache(${JSON.stringify(file)}, 'fixture.cjs.test');
r.exports.load().then((imported) => console.log(JSON.stringify({ cache: r.cache, value: r.exports.value, imported, where: r.exports.where() })));`;
  const { NODE_DISABLE_COMPILE_CACHE: _, ...base } = process.env;
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...base, NODE_COMPILE_CACHE: cache, ...env },
    timeout: 20_000,
  });
  return JSON.parse(out);
}

const cacheFiles = () => readdirSync(cache).filter((f) => f.endsWith('.v8'));

describe('bin/load-bundle.js code cache', () => {
  it('writes the cache on the first run and uses it on the next; import() works from cached code', () => {
    const first = load();
    expect(first).toMatchObject({ cache: 'miss', value: 42, imported: 'function' });
    expect(cacheFiles()).toHaveLength(1);
    const second = load();
    expect(second).toMatchObject({ cache: 'hit', value: 42, imported: 'function' });
    // Stack traces name the file and its true line.
    expect(second.where).toContain(`${file}:3:`);
  });

  it('keys the cache on the source: an edited file of the same length does not use the old cache', () => {
    load();
    writeFileSync(file, readFixture().replace('6 * 7', '7 * 6'));
    expect(load()).toMatchObject({ cache: 'miss', value: 42 });
    expect(cacheFiles()).toHaveLength(2);
  });

  it('compiles from source when the cache file is garbage, and writes a good one', () => {
    load();
    const [name] = cacheFiles();
    writeFileSync(join(cache, name!), Buffer.alloc(4096, 7));
    expect(load()).toMatchObject({ cache: 'rejected', value: 42 });
    expect(load()).toMatchObject({ cache: 'hit', value: 42 });
  });

  it("does not hang on a FIFO in the cache file's place", () => {
    load();
    const [name] = cacheFiles();
    const path = join(cache, name!);
    execFileSync('rm', [path]);
    execFileSync('mkfifo', [path]);
    expect(load()).toMatchObject({ value: 42 });
  });

  it('uses no folder that others can write to, and none when turned off', () => {
    mkdirSync(cache, { mode: 0o700 });
    chmodSync(cache, 0o777);
    expect(load()).toMatchObject({ cache: 'off', value: 42 });
    expect(cacheFiles()).toEqual([]);
    chmodSync(cache, 0o700);
    expect(load({ NODE_DISABLE_COMPILE_CACHE: '1' })).toMatchObject({ cache: 'off', value: 42 });
    expect(cacheFiles()).toEqual([]);
  });

  it('keeps at most four cache files per bundle file', () => {
    for (let i = 0; i < 6; i++) {
      writeFileSync(file, readFixture().replace(/6 \* 7|\d+ \+ \d+/, `${41 - i} + ${i + 1}`));
      expect(load()).toMatchObject({ cache: 'miss', value: 42 });
    }
    expect(cacheFiles()).toHaveLength(4);
  });
});

function readFixture(): string {
  return readFileSync(file, 'utf8');
}
