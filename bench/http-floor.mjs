// The floor under a Node.js download: GET every path of a list from one server with a keep-alive agent,
// `jobs` at a time, bodies read and dropped — no parsing, hashing, verifying or writing. Any Node.js
// tool that needs these files takes at least this long (plus its own work), so a bench shows this
// next to the reference as what the runtime alone costs on the machine.
// Usage: node bench/http-floor.mjs <base URL> <paths.json> <jobs>   (a path may also be a whole http:// URL)
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';

const [base, listFile, jobsArg] = process.argv.slice(2);
/** @type {string[]} */
const paths = JSON.parse(readFileSync(listFile, 'utf8'));
const jobs = Number(jobsArg ?? 32);
const agent = new Agent({ keepAlive: true, maxSockets: jobs });
let bytes = 0;
const one = (path) =>
  new Promise((resolve, reject) => {
    get(path.startsWith('http://') ? path : `${base}${path}`, { agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
      res.on('data', (d) => {
        bytes += d.length;
      });
      res.on('end', resolve);
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
