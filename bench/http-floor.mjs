// The floor under a Node.js download: GET every path of a list from one server with a keep-alive agent,
// `jobs` at a time, bodies read and dropped — no parsing, hashing, verifying or writing. Any Node.js
// tool that needs these files takes at least this long (plus its own work), so a bench shows this
// next to the reference as what the runtime alone costs on the machine.
// With a store directory, each body is also written there under its path the way a cache must hold it
// (a temp file beside it, then a rename; each folder made once): the floor of a tool that keeps them.
// The least a tool that uses what it stores must add: `--import=<module>` loads that module first (the
// code such a tool runs; repeatable) and `--hash-zips` takes the SHA-256 of every `.zip` body once (less
// than checking it: an h1: hash reads the unzipped files, which are at least as large).
// Usage: node bench/http-floor.mjs <base URL> <paths.json> <jobs> [store dir] [--hash-zips] [--import=<module>]...
//   (a path may also be a whole http:// URL)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const [base, listFile, jobsArg, store] = args.filter((a) => !a.startsWith('--'));
const hashZips = args.includes('--hash-zips');
for (const a of args) {
  if (a.startsWith('--import=')) await import(pathToFileURL(resolve(a.slice('--import='.length))).href);
}

/** @type {string[]} */
const paths = JSON.parse(readFileSync(listFile, 'utf8'));
const jobs = Number(jobsArg ?? 32);
const agent = new Agent({ keepAlive: true, maxSockets: jobs });
const made = new Set();
let bytes = 0;
let temps = 0;
/** Writes `body` to `<store>/<path>` through a temp file and a rename (synchronous: small files). */
const keep = (path, body) => {
  const file = join(store, path.replace(/^https?:\/\/[^/]+/, ''));
  const dir = dirname(file);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  const tmp = `${file}.tmp-${process.pid}-${temps++}`;
  writeFileSync(tmp, body, { flag: 'wx' });
  renameSync(tmp, file);
};
const one = (path) =>
  new Promise((resolve, reject) => {
    get(path.startsWith('http://') ? path : `${base}${path}`, { agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
      const chunks = [];
      res.on('data', (d) => {
        bytes += d.length;
        if (store || hashZips) chunks.push(d);
      });
      res.on('end', () => {
        if (hashZips && path.endsWith('.zip')) {
          createHash('sha256').update(Buffer.concat(chunks)).digest();
        }
        if (store) keep(path, Buffer.concat(chunks));
        resolve();
      });
      res.on('error', reject);
    }).on('error', reject);
  });
let next = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    while (next < paths.length) await one(paths[next++]);
  }),
);
agent.destroy();
process.stdout.write(`${paths.length} ${bytes}\n`);
