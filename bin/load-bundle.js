// Loads a file of the CLI bundle (dist/cli-bundle/, see scripts/bundle.ts) with V8's code cache.
//
// Why: main.cjs is ~1 MB of JavaScript; parsing it is most of what loading it costs, on every run.
// V8 can keep what it compiled and skip that work next time. Node 22.1+ does this itself
// (`module.enableCompileCache()`, in the OS temp folder or $NODE_COMPILE_CACHE). Node 20 has no such
// cache, so there the file is compiled here with `vm.Script` and its `cachedData`, kept in the same
// place ($NODE_COMPILE_CACHE, or a folder of this user's own in the OS temp folder);
// NODE_DISABLE_COMPILE_CACHE=1 turns both off. A cache that is missing, stale, unreadable or not
// this user's is never an error: the file is then compiled from source, as without a cache.
//
// CommonJS and hand-written (no src/ module is loaded before the bundle, which is the point): the
// cache file is written to a temporary name and renamed, so no reader ever sees part of one.
'use strict';

const { dirname, join } = require('node:path');
const Module = require('node:module');

const BUNDLE_DIR = join(__dirname, '..', 'dist', 'cli-bundle');
/** A cache file larger than this is not read (the cache of main.cjs is a few MiB). */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** Cache files kept per bundle file and use (other builds of the CLI on the machine); older ones are removed. */
const KEEP = 4;

/**
 * The exports of dist/cli-bundle/<name> (a CommonJS file). `use` names what this run does with it
 * (bin/mochi-pkg.js: the command): on Node 20 each use has a cache of its own, since a cache holds the
 * functions the run that wrote it compiled, and a `lock --check` runs other code than `--help`.
 */
function loadBundle(name, use = 'any') {
  const file = join(BUNDLE_DIR, name);
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache();
    return require(file);
  }
  return compileWithCodeCache(file, `${name}.${use}`).exports;
}

/**
 * Runs CommonJS file `file` compiled with the code cache kept under `name` (letters, digits, `.`,
 * `-`; the part after the last `.` names the use, see loadBundle): its exports, and what
 * the cache gave (`off`: no cache folder or turned off; `miss`: none yet; `rejected`: V8 refused it;
 * `hit`). When there was none or V8 refused it, the cache is written at exit.
 */
function compileWithCodeCache(file, name) {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const cache = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cachePath(source, name);
  const cachedData = cache && readCache(fs, cache);
  // The wrapper Node puts around a CommonJS file, on the file's first line (line numbers stay true).
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: file,
    cachedData,
  });
  if (cache && (cachedData === undefined || script.cachedDataRejected)) {
    // At exit, so that the functions this run compiled are in the cache too.
    process.once('exit', () => writeCache(fs, cache, name, script));
  }
  // `import()` compiled by vm.Script has no loader on Node 20 once its code comes from a cache, so the
  // bundle's imports of ES-module packages (web-tree-sitter, the AWS SDK) come here instead (the
  // bundle's banner looks this function up; scripts/bundle.ts).
  globalThis[Symbol.for('mochi-pkg.import')] = (specifier) => import(specifier);
  const mod = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dirname(file));
  mod.loaded = true;
  const cacheState = !cache
    ? 'off'
    : cachedData === undefined
      ? 'miss'
      : script.cachedDataRejected
        ? 'rejected'
        : 'hit';
  return { exports: mod.exports, cache: cacheState };
}

/** Where the code cache of this exact source goes, or undefined when there is no safe folder for it. */
function cachePath(source, name) {
  const fs = require('node:fs');
  const { tmpdir } = require('node:os');
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = process.env.NODE_COMPILE_CACHE || join(tmpdir(), `mochi-pkg-compile-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Compiled code from this folder runs as this user: only a folder of this user's that nobody else
    // can write to will do (in a shared temp folder another user could have made it first).
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)
      return undefined;
  } catch {
    return undefined;
  }
  const digest = require('node:crypto').createHash('sha256').update(source).digest('hex').slice(0, 32);
  return join(dir, `${name}.${digest}-${process.version}-${process.arch}.v8`);
}

/** The cache file's bytes, or undefined (missing, not a regular file, too large, unreadable). */
function readCache(fs, path) {
  let fd;
  try {
    // Non-blocking open: a FIFO put in the cache's place must not stop the CLI.
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size === 0 || st.size > MAX_CACHE_BYTES) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes the script's code cache to `path` (temporary name, then rename); never throws. */
function writeCache(fs, path, name, script) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, path);
    prune(fs, dirname(path), name);
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {}
  }
}

/** Removes all but the KEEP newest cache files of `name` (other builds of the CLI) in `dir`. */
function prune(fs, dir, name) {
  const mine = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${name}.`) && f.endsWith('.v8'))
    .map((f) => ({ f, t: fs.statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of mine.slice(KEEP)) fs.unlinkSync(join(dir, f));
}

module.exports = { loadBundle, compileWithCodeCache };
