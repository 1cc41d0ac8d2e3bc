// fast-check arbitraries of [[go-package]] manifests: valid module paths, versions, h1: digests, aliases.
import fc from 'fast-check';
import type { GoLockEntry, GoManifest } from '../../../src/go/lockfile/index.js';

const arbModule = fc
  .tuple(
    fc.constantFrom('example.com', 'golang.org', 'github.com', 'go.example.org'),
    fc.array(fc.stringMatching(/^[a-zA-Z0-9_~-][a-zA-Z0-9_.~-]{0,8}[a-zA-Z0-9_~-]$/), {
      minLength: 1,
      maxLength: 3,
    }),
  )
  .map(([host, els]) => `${host}/${els.join('/')}`)
  .filter(
    (p) => !/\/v\d+$/.test(p) && !/(^|\/)(con|prn|aux|nul|com\d|lpt\d)(\.|\/|$)/i.test(p) && !/~\d/.test(p),
  );
const arbH1 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => `h1:${Buffer.from(b).toString('base64')}`);
const arbVersion = fc.tuple(fc.nat(1), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `v${a}.${b}.${c}`);
const arbAliases = fc.uniqueArray(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), {
  minLength: 1,
  maxLength: 3,
});
const arbEntry: fc.Arbitrary<GoLockEntry> = fc.oneof(
  fc.record({
    module: arbModule,
    version: arbVersion,
    source: fc.constant('module-proxy' as const),
    zipH1: arbH1,
    modH1: arbH1,
    aliases: arbAliases,
  }),
  fc.record({
    module: arbModule,
    source: fc.constant('path' as const),
    localPath: fc.stringMatching(/^\.\/[a-z/ "\\é]{1,12}$/),
    zipH1: arbH1,
    modH1: arbH1,
    aliases: arbAliases,
  }),
  // An indirect entry of the build list: no aliases, sums optional, other versions' go.mod sums.
  fc.record(
    {
      module: arbModule,
      version: arbVersion,
      source: fc.constant('module-proxy' as const),
      zipH1: arbH1,
      modH1: arbH1,
      indirect: fc.constant(true),
      require: fc.constant(true),
      graphModH1: fc
        .uniqueArray(arbVersion, { minLength: 1, maxLength: 3 })
        .chain((vs) => fc.tuple(...vs.map((v) => arbH1.map((h) => `${v} ${h}`)))),
      aliases: fc.constant([] as string[]),
    },
    { requiredKeys: ['module', 'version', 'source', 'indirect', 'aliases'] },
  ),
);
export const arbGoManifest: fc.Arbitrary<GoManifest> = fc
  .uniqueArray(arbEntry, { selector: (e) => e.module, maxLength: 6 })
  .map((entries) => {
    // One alias belongs to one entry: suffix each with its entry's index.
    return { entries: entries.map((e, i) => ({ ...e, aliases: e.aliases.map((a) => `${a}_${i}`) })) };
  });
