// Differential test of src/go/query against the real go command over cmd/go's own test proxy.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from '../../../src/go/proxy/index.js';
import { Querier } from '../../../src/go/query/index.js';
import { startCmdGoProxy } from '../../support/cmdgoproxy.js';
import { describeWithOracle, goOracle } from '../../support/oracles.js';
import { type Answer, goListAnswers, type Query, queriesFor } from './harness.js';

describeWithOracle(goOracle(), 'module queries equal `go list -m -json <m>@<q>` on cmd/go test proxy', () => {
  let server: Awaited<ReturnType<typeof startCmdGoProxy>>;
  let queries: Query[] = [];
  let theirs: Answer[] = [];
  beforeAll(async () => {
    server = await startCmdGoProxy();
    queries = await queriesFor(server.mods);
    theirs = await goListAnswers(`${server.base}/mod`, queries);
  }, 600_000);
  afterAll(async () => {
    await server?.close();
  });

  it('chooses the same version for every query form of every module, and refuses the same ones', async () => {
    const q = new Querier(new Client({ baseUrl: `${server.base}/mod` }));
    const diffs: string[] = [];
    for (const [i, { path, query }] of queries.entries()) {
      const want = theirs[i]!;
      const got: Answer = await q.query(path, query).then(
        (info) => ({ version: info.Version }),
        (e: Error) => ({ error: e.message }),
      );
      const same = want.version !== undefined ? got.version === want.version : got.version === undefined;
      if (!same) diffs.push(`${path}@${query}: ours ${JSON.stringify(got)}, go ${JSON.stringify(want)}`);
    }
    if (process.env.MOCHI_QUERY_REPORT) {
      console.log(
        `${queries.length} queries, go refused ${theirs.filter((a) => a.error).length}, ${diffs.length} disagree`,
      );
    }
    expect(queries.length).toBeGreaterThan(500);
    expect(theirs.filter((a) => a.error !== undefined).length).toBeGreaterThan(0);
    expect(diffs.join('\n'), `${diffs.length} of ${queries.length} queries disagree`).toBe('');
  }, 600_000);

  it('finds the same retractions (with rationales) and deprecations as `go list -m -u -json <m>@<v>`', async () => {
    const exact = server.mods.map((m) => ({ path: m.path, query: m.version }));
    const go = await goListAnswers(`${server.base}/mod`, exact, ['-u']);
    const q = new Querier(new Client({ baseUrl: `${server.base}/mod` }));
    const diffs: string[] = [];
    let retracted = 0;
    let deprecated = 0;
    for (const [i, { path, query }] of exact.entries()) {
      const want = go[i]!;
      if (want.error !== undefined) continue;
      const why = await q.retracted(path, want.version!);
      const notes = await q.moduleNotes(path).catch(() => ({ deprecated: '' }));
      // go list -u shows the rationales, or a default when the retraction gives none.
      const shown = why === undefined ? [] : why.length > 0 ? why : ['retracted by module author'];
      const got = { retracted: shown, deprecated: notes.deprecated };
      if (got.retracted.length > 0) retracted++;
      if (got.deprecated !== '') deprecated++;
      if (
        JSON.stringify(got) !== JSON.stringify({ retracted: want.retracted, deprecated: want.deprecated })
      ) {
        diffs.push(`${path}@${query}: ours ${JSON.stringify(got)}, go ${JSON.stringify(want)}`);
      }
    }
    expect(retracted).toBeGreaterThan(5);
    expect(deprecated).toBeGreaterThan(0);
    expect(diffs.join('\n'), `${diffs.length} disagree`).toBe('');
  }, 600_000);
});

describeWithOracle(
  goOracle(),
  'a query no version answers fails in the words of `go list -m <m>@<q>`, upgrade and patch from a retracted version too',
  () => {
    let server: Awaited<ReturnType<typeof startCmdGoProxy>>;
    beforeAll(async () => {
      server = await startCmdGoProxy();
    }, 60_000);
    afterAll(async () => {
      await server?.close();
    });

    it('names the module and the query as go does, for prefixes, ranges and major versions', async () => {
      const queries: Query[] = ['v1.99', 'v3', '<v0.1.0', '>v9.0.0', '>v2.0.1'].map((query) => ({
        path: 'rsc.io/quote/v2',
        query,
      }));
      const theirs = await goListAnswers(`${server.base}/mod`, queries);
      const q = new Querier(new Client({ baseUrl: `${server.base}/mod` }));
      const ours = await Promise.all(
        queries.map(({ path, query }) =>
          q.query(path, query).then(
            (info) => ({ version: info.Version }),
            (e: Error) => ({ error: e.message }),
          ),
        ),
      );
      expect(theirs.map((a) => a.error)).toEqual(
        queries.map(({ query }) => `module rsc.io/quote/v2: no matching versions for query "${query}"`),
      );
      expect(ours).toEqual(theirs.map((a) => ({ error: a.error })));
    }, 120_000);

    it('stays, moves up, or fails with the retraction in go words, for every retracted version of the proxy', async () => {
      const goproxy = `${server.base}/mod`;
      const exact = server.mods.map((m) => ({ path: m.path, query: m.version }));
      const retracted = (await goListAnswers(goproxy, exact, ['-u'])).flatMap((a, i) =>
        a.retracted !== undefined && a.retracted.length > 0 ? [exact[i]!] : [],
      );
      const q = new Querier(new Client({ baseUrl: goproxy }));
      const diffs: string[] = [];
      let failed = 0;
      for (const { path, query: current } of retracted) {
        const queries = ['upgrade', 'patch'].map((query) => ({ path, query }));
        const theirs = await goListAnswers(goproxy, queries, [], `require ${path} ${current}\n`);
        for (const [i, { query }] of queries.entries()) {
          const want = theirs[i]!;
          const got: Answer = await q.query(path, query, { current }).then(
            (info) => ({ version: info.Version }),
            (e: Error) => ({ error: e.message }),
          );
          if (want.error !== undefined) failed++;
          const same = want.error !== undefined ? got.error === want.error : got.version === want.version;
          if (!same)
            diffs.push(
              `${path}@${query} from ${current}: ours ${JSON.stringify(got)}, go ${JSON.stringify(want)}`,
            );
        }
      }
      expect(retracted.length).toBeGreaterThan(5);
      expect(failed).toBeGreaterThan(0);
      expect(diffs.join('\n'), `${diffs.length} disagree`).toBe('');
    }, 600_000);
  },
);
