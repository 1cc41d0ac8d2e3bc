// Core metadata read as packaging 26's parse_email reads it (Python's email parser, which pip reads
// METADATA with too), for the fields resolution uses; cases from packaging's tests/test_metadata.py
// and the edges of the header block.
import { expect, it } from 'vitest';
import { parseCoreMetadata } from '../../../src/python/registry/metadata.js';
import { describeWithOracle, packagingOracle, runPython } from '../../support/oracles.js';

const HEAD = 'Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n';

interface Fields {
  name: string | null;
  version: string | null;
  requiresDist: string[];
  requiresPython: string | null;
  providesExtra: string[];
}

// [metadata text, the fields as packaging reads them]
const cases: [string, Fields][] = [
  [
    `${HEAD}Requires-Dist: bar>=1\nRequires-Dist: baz; extra == "x"\nProvides-Extra: x\nRequires-Python: >=3.8\n\nbody\nRequires-Dist: nope\n`,
    {
      name: 'foo',
      version: '1.0',
      requiresDist: ['bar>=1', 'baz; extra == "x"'],
      requiresPython: '>=3.8',
      providesExtra: ['x'],
    },
  ],
  // test_lowercase_keys: field names are case-insensitive.
  [
    'metadata-version: 2.1\nNAME: foo\nversion: 1.0\nrequires-dist: bar\nPROVIDES-EXTRA: x\nrequires-PYTHON: >=3\n',
    { name: 'foo', version: '1.0', requiresDist: ['bar'], requiresPython: '>=3', providesExtra: ['x'] },
  ],
  // test_repeating_fields_repeated: every value, in order, duplicates kept.
  [
    `${HEAD}Requires-Dist: a\nProvides-Extra: x\nRequires-Dist: b\nProvides-Extra: y\nRequires-Dist: a\n`,
    {
      name: 'foo',
      version: '1.0',
      requiresDist: ['a', 'b', 'a'],
      requiresPython: null,
      providesExtra: ['x', 'y'],
    },
  ],
  // Folded values keep their line breaks.
  [
    `${HEAD}Requires-Dist: bar;\n  python_version < "3.8"\nRequires-Dist: baz\n\tqux\n`,
    {
      name: 'foo',
      version: '1.0',
      requiresDist: ['bar;\n  python_version < "3.8"', 'baz\n\tqux'],
      requiresPython: null,
      providesExtra: [],
    },
  ],
  [
    'Metadata-Version: 2.1\r\nName: foo\r\nVersion: 1.0\r\nRequires-Dist: bar\r\n\r\nRequires-Dist: body\r\n',
    { name: 'foo', version: '1.0', requiresDist: ['bar'], requiresPython: null, providesExtra: [] },
  ],
  [
    'Metadata-Version: 2.1\nName:foo\nVersion:1.0\nRequires-Dist:   bar\n',
    { name: 'foo', version: '1.0', requiresDist: ['bar'], requiresPython: null, providesExtra: [] },
  ],
  [
    'Metadata-Version: 2.1\nName: f\u00f8o\nVersion: 1.0\n',
    { name: 'f\u00f8o', version: '1.0', requiresDist: [], requiresPython: null, providesExtra: [] },
  ],
  // A line that is not a header ends the header block: what follows is the body.
  [
    `${HEAD}Requires-Dist: a\nnot a header\nRequires-Dist: b\n`,
    { name: 'foo', version: '1.0', requiresDist: ['a'], requiresPython: null, providesExtra: [] },
  ],
  [
    `${HEAD}Requires-Dist : a\nRequires-Dist: b\n`,
    { name: 'foo', version: '1.0', requiresDist: [], requiresPython: null, providesExtra: [] },
  ],
  [
    `${HEAD}Requires-Dist: a\nR\u00e9quires-Dist: b\nProvides-Extra: x\n`,
    { name: 'foo', version: '1.0', requiresDist: ['a'], requiresPython: null, providesExtra: [] },
  ],
  // A line with an empty name is skipped, and reading goes on.
  [
    `${HEAD}: odd\nRequires-Dist: a\n`,
    { name: 'foo', version: '1.0', requiresDist: ['a'], requiresPython: null, providesExtra: [] },
  ],
  // A continuation line before any header belongs to nothing.
  [
    ` stray\n${HEAD}Requires-Dist: a\n`,
    { name: 'foo', version: '1.0', requiresDist: ['a'], requiresPython: null, providesExtra: [] },
  ],
  // The description body never adds fields (test_description_multiple).
  [
    `${HEAD}Description: 1\nRequires-Dist: a\n\nRequires-Dist: 2\n`,
    { name: 'foo', version: '1.0', requiresDist: ['a'], requiresPython: null, providesExtra: [] },
  ],
];

it.each(cases)('reads the fields packaging reads: %j', (text, want) => {
  const m = parseCoreMetadata(text, 'METADATA');
  expect({
    name: m.name,
    version: m.version,
    requiresDist: [...m.requiresDist],
    requiresPython: m.requiresPython ?? null,
    providesExtra: [...m.providesExtra],
  }).toEqual(want);
});

describeWithOracle(packagingOracle(), 'core metadata: packaging 26 gives the tabled fields', () => {
  it(`reads all ${cases.length} texts as tabled`, () => {
    const theirs = JSON.parse(
      runPython(
        `import json, sys
from packaging.metadata import parse_email
out = []
for text in json.load(sys.stdin):
    raw, _ = parse_email(text)
    out.append({"name": raw.get("name"), "version": raw.get("version"),
                "requiresDist": raw.get("requires_dist", []), "requiresPython": raw.get("requires_python"),
                "providesExtra": raw.get("provides_extra", [])})
print(json.dumps(out))`,
        [],
        JSON.stringify(cases.map((c) => c[0])),
      ),
    ) as Fields[];
    expect(theirs).toEqual(cases.map((c) => c[1]));
  });
});
