// One process of the shared-state test: looks up modules one by one with a state file that other processes share.
// argv: <vkey> <url> <state file> <path@version>...; prints {"n": <latest tree size>} or {"code": <error code>}.
import { SumdbClient } from '../../../src/go/sumdb/client.js';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import { fileSumdbState, httpSumdbFetch } from '../../../src/go/sumdb/io.js';

const [vkey, url, stateFile, ...mods] = process.argv.slice(2);
const client = new SumdbClient({
  key: vkey as string,
  fetch: httpSumdbFetch(url as string),
  state: fileSumdbState(stateFile as string),
});
try {
  for (const m of mods) {
    const [path, version] = m.split('@') as [string, string];
    await client.lookup(path, version);
  }
  process.stdout.write(`${JSON.stringify({ n: client.latestTree.n })}\n`);
} catch (e) {
  if (!(e instanceof SumdbError)) throw e;
  process.stdout.write(`${JSON.stringify({ code: e.code })}\n`);
}
