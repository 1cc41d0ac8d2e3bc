import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ImportSpecError, normalizeName, parseImportSpec } from '../../../src/python/importspec/index.js';
import { describeWithOracle, packagingOracle, runPython } from '../../support/oracles.js';

// For each [name, specifier]: is the name a PEP 508 name, its canonical form, and whether the
// specifier is a non-empty set of PEP 440 clauses, with the pinned version packaging prints for `==V`.
const PACKAGING = `
import json, re, sys
from packaging.specifiers import Specifier, InvalidSpecifier
from packaging.utils import canonicalize_name
from packaging.version import Version
NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
out = []
for name, spec in json.load(sys.stdin):
    row = {"name": bool(NAME.match(name)), "canonical": canonicalize_name(name)}
    try:
        # Clause by clause with Specifier, as packaging 26's SpecifierSet does.
        specs = [Specifier(c.strip()) for c in spec.split(",") if c.strip()]
        row["spec"] = len(specs) > 0
        pinned = None
        if len(specs) == 1 and specs[0].operator == "==" and not specs[0].version.endswith("*"):
            pinned = str(Version(specs[0].version))
        elif len(specs) == 1 and specs[0].operator == "===":
            pinned = specs[0].version
        row["pinned"] = pinned
    except InvalidSpecifier:
        row["spec"] = False
        row["pinned"] = None
    out.append(row)
print(json.dumps(out))
`;

const nameArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}[A-Za-z0-9]$/),
  fc.string({ unit: fc.constantFrom(...'aZ09._- !~'.split('')), minLength: 1, maxLength: 8 }),
);
const clause = fc
  .tuple(
    fc.constantFrom('==', '!=', '>=', '<=', '<', '>', '~=', '===', '=', '=>', ''),
    fc.constantFrom(
      '1',
      '1.0',
      '1.0.0',
      '01.2',
      'v1.2',
      '1.*',
      '1.0.*',
      '1.0a1',
      '1.0.post1',
      '1.0.dev0',
      '1.0+local',
      '1.0+loc.1',
      '1!2.0',
      '1.0-rc.1',
      'abc',
      '*',
      '1..0',
      '',
    ),
    fc.constantFrom('', ' '),
  )
  .map(([op, v, ws]) => `${ws}${op}${ws}${v}`);
const specArb = fc.array(clause, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(','));

describeWithOracle(packagingOracle(), 'parseImportSpec against packaging 26', () => {
  it('agrees on name validity, PEP 503 normalisation, specifier validity and the pinned version (1,500 cases)', () => {
    const cases = fc.sample(fc.tuple(nameArb, specArb), { numRuns: 1500, seed: 440 });
    cases.push(
      ['HTTPX', '==0.27.0'],
      ['typing_extensions', '>=4.0,<5'],
      ['a', '==1.0+cpu'],
      ['a', '===foo'],
      ['a', ','],
    );
    const ref = JSON.parse(runPython(PACKAGING, [], JSON.stringify(cases))) as {
      name: boolean;
      canonical: string;
      spec: boolean;
      pinned: string | null;
    }[];
    let validSpecs = 0;
    cases.forEach(([name, spec], i) => {
      const want = ref[i]!;
      expect(normalizeName(name), name).toBe(want.canonical);
      let got: ReturnType<typeof parseImportSpec> | undefined;
      try {
        got = parseImportSpec(`${name}@${spec}`);
      } catch (e) {
        if (!(e instanceof ImportSpecError)) throw e;
      }
      // Specs that parse as another source (none of these do: no `+<url>`) are out of scope here.
      expect(got !== undefined, `${name}@${spec}`).toBe(want.name && want.spec);
      if (got?.source === 'registry') {
        validSpecs++;
        expect(got.name).toBe(want.canonical);
        expect(got.pinnedVersion ?? null, `${name}@${spec}`).toBe(want.pinned);
      }
    });
    expect(validSpecs).toBeGreaterThan(100);
  });
});
