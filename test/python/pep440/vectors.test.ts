// packaging's own PEP 440 test vectors (tests/test_specifiers.py, tests/test_version.py of
// pypa/packaging, categories and cases re-tabled here), checked against us and against packaging 26.
import { describe, expect, it } from 'vitest';
import { describeWithOracle, packagingOracle } from '../../support/oracles.js';
import { askTable, type TableQuestion } from '../pep508/table-oracle.js';
import { ourAnswer } from '../pep508/table-ours.js';

type Row = [TableQuestion, unknown];

const invalidClauses = [
  '2.0',
  '=>2.0',
  '==',
  '~=1.0+5',
  '>=1.0+deadbeef',
  '<=1.0+abc123',
  '>1.0+watwat',
  '<1.0+1.0',
  '~=1.0.*',
  '>=1.0.*',
  '<=1.0.*',
  '>1.0.*',
  '<1.0.*',
  '==1.0.*+5',
  '!=1.0.*+deadbeef',
  '==2.0a1.*',
  '!=2.0a1.*',
  '==2.0.post1.*',
  '!=2.0.post1.*',
  '==2.0.dev1.*',
  '!=2.0.dev1.*',
  '==1.0+5.*',
  '!=1.0+deadbeef.*',
  '==1.0.*.5',
  '~=1',
  '==1.0.dev1.*',
  '!=1.0.dev1.*',
  '==1.2+\u0130',
  '==1.2+\u0130\u0131\u017fK',
  '===a;b',
  '===a)',
];
const normalizedSpellings = [
  '1.0dev',
  '1.0.dev',
  '1.0-DEV1',
  '1.0a',
  '1.0.A1',
  '1.0-alpha1',
  '1.0BETA',
  '1.0-b1',
  '1.0c',
  '1.0.RC1',
  '1.0post',
  '1.0-POST1',
  '1.0-5',
  '1.01',
  '1.0a05',
  '1.0c056',
  '1.0.post000',
  '1.1.dev09000',
  '00!1.2',
  '0100!0.0',
  'v1.0',
  '  \r \f \v v1.0\t\n',
];

const containsTrue: [string, string][] = [
  ['2.0', '==2'],
  ['2.0', '==2.0.0'],
  ['2.0+deadbeef', '==2'],
  ['2.0+deadbeef', '==2.0+deadbeef'],
  ['2.0+deadbeef.0', '==2.0.0+deadbeef.00'],
  ['2.dev1', '==2.*'],
  ['2a1.post1', '==2.*'],
  ['2c1.post1.dev1', '==2.0.*'],
  ['2rc1', '==2.0.*'],
  ['2', '==2.0.0.*'],
  ['2', '==0!2.*'],
  ['0!2', '==2.*'],
  ['2.0.0.0', '==2.0.*'],
  ['2.1+local.version', '==2.1.*'],
  ['2.1', '!=2'],
  ['2.0', '!=2.0+deadbeef'],
  ['2.1.0.0', '!=2.0.*'],
  ['2.0.post1.dev1', '>=2'],
  ['3.0.0a8', '>=3.0.0a7'],
  ['2.0a1.dev1', '<=2'],
  ['2.0c1.post1.dev1', '<=2'],
  ['2.1.post1', '>2'],
  ['2.1+local.version', '>2'],
  ['2.0.dev0', '<2.1'],
  ['3.0.0a7', '<3.0.0a8'],
  ['1', '~=1.0'],
  ['1.9999999', '~=1.0'],
  ['1.1', '~=1.0a1'],
  ['2022.01.01', '~=2022.01.01'],
  ['2!1.0', '~=2!1.0'],
  ['2!1.0.0', '==2!1.0.0.0.*'],
  ['1.0', '<=2!0.1'],
  ['2!1.0', '>2.0'],
  ['2.0.5', '>2.0dev'],
  ['1.0+local', '>1.0.dev1'],
  ['1.0a2+local', '>1.0a1'],
  ['1.0.post2+local', '>1.0.post1'],
];
const containsFalse: [string, string][] = [
  ['2.1', '==2.0.0'],
  ['2.0', '==2.0+deadbeef'],
  ['2.1.0.0', '==2.0.*'],
  ['2.0+deadbeef', '!=2.0.0'],
  ['2c1.post1.dev1', '!=2.0.*'],
  ['2.0.0.0', '!=2.0.*'],
  ['2.0c1.post1.dev1', '>=2'],
  ['2.0.post1.dev1', '<=2'],
  ['2.0a1.post1', '>2'],
  ['2.0.post1', '>2'],
  ['2.0+local.version', '>2'],
  ['4.1.0a2.dev1234+local', '>4.1.0a2.dev1234'],
  ['1.0a1+local', '>1.0a1'],
  ['1.0.post1.dev1+local', '>1.0.post1.dev1'],
  ['2.0b2.dev1', '<2'],
  ['2.post1', '<2'],
  ['2.post1.dev1', '<2'],
  ['1.1.post1', '~=1.0.0'],
  ['1.0', '~=2!1.0'],
  ['2!1.0', '==1.0.0.*'],
  ['2!1.0', '!=2!1.0'],
];
// Arbitrary equality compares the string as given (packaging 26: issue #766).
const arbitrary: [string, string, boolean][] = [
  ['===1.0', '1.0.0', false],
  ['===1.0', '1.0', true],
  ['===1.0', '1.0+downstream1', false],
  ['===foobar', 'foobar', true],
  ['===1.0A1', '1.0a1', true],
  ['===1.0+abc.def', '1.0+ABC.DEF', true],
  ['===LoLWaT', 'lolwat', true],
  ['===1.1', '1.01', false],
  ['===1.01', '1.01', true],
  ['===1.a1', '1.a1', true],
  ['===1a1', '1.a1', false],
  ['===0!1.0', '0!1.0', true],
  ['===0!1.0', '1.0', false],
  ['===1.0-1', '1.0-1', true],
  ['===1.0-1', '1.0.post1', false],
  ['===1.0.dev01', '1.0.dev1', false],
  ['===invalid', 'invalid', true],
  ['==1.0', 'not a valid version', false],
  ['!=1.*', 'not a valid version', false],
];
const prereleaseDetection: [string, boolean | null][] = [
  ['==1.0', false],
  ['>=1.0', false],
  ['<1.0', false],
  ['<1.0.dev1', true],
  ['>1.0.dev1', true],
  ['!=1.0.dev1', false],
  ['==1.0.*', false],
  ['==1.0.dev1', true],
  ['~=1.0.dev1', true],
  ['===1.0a1', true],
  ['===lolwat', null],
];
// Default pre-release handling of contains (prereleases=None) around < and > (packaging 26).
const defaultContains: [string, string, boolean][] = [
  ['>=1.0', '2.0.dev1', true],
  ['==2.0.*', '2.0a1.dev1', true],
  ['<=2.0.dev1', '1.0a1', true],
  ['<2.0', '2.0a1', false],
  ['<2.0a2', '2.0a1', true],
  ['>1.0.dev1', '1.0.post0', true],
  ['>1.0a1', '1.0.post0', true],
  ['>1.0a1', '1.0a1.post0', false],
  ['>1.0b1', '1.0b2.post0', true],
  ['>1.0', '1.0.post1', false],
  ['>1.0', '2.0.post0', true],
  ['<1.0.post1', '1.0.post1.dev0', false],
  ['<1.0.post1', '1.0a1', true],
  ['<1.0.post0', '1.0rc2', true],
  ['<1.0.post2', '1.0.post1.dev0', true],
  ['', '1.0a1', true],
  ['!=1.0', '1.1a1', true],
  ['>=1.0,!=1.1a1', '1.1a1', false],
];
const filters: [string, string[], boolean | null, string[]][] = [
  ['>=1.2.3', ['1.2', '1.3', '1.5a1'], null, ['1.3']],
  ['>=1.2.3', ['1.2', '1.5a1'], null, ['1.5a1']],
  ['>=1.2.3', ['1.3', '1.5a1'], true, ['1.3', '1.5a1']],
  ['', ['1.3', '1.5a1'], null, ['1.3']],
  ['', ['1.5a1'], null, ['1.5a1']],
  ['', ['1.3', '1.5a1'], false, ['1.3']],
  ['', ['1.5a1', 'foo'], false, ['foo']],
  ['', ['1.5a1', 'foo', '1.0'], null, ['foo', '1.0']],
  ['>=1.0a1', ['1.0', '2.0b1', '0.9'], null, ['1.0', '2.0b1']],
  ['===foo', ['foo', 'FOO', '1.0'], null, ['foo', 'FOO']],
];

const rows: Row[] = [
  ...invalidClauses.map((c): Row => [['spec_valid', c], false]),
  ...normalizedSpellings.flatMap((v) =>
    ['~=', '==', '!=', '<=', '>=', '<', '>'].map((op): Row => [['spec_valid', op + v], true]),
  ),
  ...containsTrue.map(([v, s]): Row => [['contains', s, v, true], true]),
  ...containsFalse.map(([v, s]): Row => [['contains', s, v, true], false]),
  ...arbitrary.map(([s, v, want]): Row => [['contains', s, v, true], want]),
  ...prereleaseDetection.map(([s, want]): Row => [['spec_prereleases', s], want]),
  ...defaultContains.map(([s, v, want]): Row => [['contains', s, v, null], want]),
  ...filters.map(([s, vs, pre, want]): Row => [['filter', s, vs, pre], want]),
];

describe('packaging 26 PEP 440 vectors', () => {
  it.each(rows)('%j → %j', (q, want) => {
    expect(ourAnswer(q)).toEqual(want);
  });
});

describeWithOracle(packagingOracle(), 'packaging 26 gives the tabled PEP 440 answers', () => {
  it(`answers all ${rows.length} rows as tabled`, () => {
    const answers = askTable(rows.map((r) => r[0]));
    const bad = rows
      .map((r, i) => ({ question: r[0], tabled: r[1], packaging: answers[i] }))
      .filter((x) => JSON.stringify(x.packaging) !== JSON.stringify(x.tabled));
    expect(bad).toEqual([]);
  });
});
