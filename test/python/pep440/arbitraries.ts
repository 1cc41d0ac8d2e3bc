// fast-check generators of PEP 440 version and specifier text, valid and nearly valid, for differential tests.
import fc from 'fast-check';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
/** Whitespace Python and JavaScript disagree on, plus the ordinary kind. */
const ws = fc.oneof(
  { weight: 8, arbitrary: fc.constant('') },
  pick(' ', '\t', '\n', '\x1c', '\x85', '\u3000', '\ufeff'),
);
const sep = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, pick('.', '-', '_'));
/** Small numbers so that versions and specifiers collide often; sometimes leading zeros or huge ones. */
const num = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
  { weight: 2, arbitrary: pick('00', '01', '010', '10') },
  { weight: 1, arbitrary: pick('9007199254740993', '123456789012345678901234567890') },
);
/** Random upper/lower case per character, plus Python's odd case-insensitive matches (ı, ſ, K). */
const casing = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((ups) => [...word].map((c, i) => (ups[i] ? c.toUpperCase() : c)).join(''));
const oddLetters = pick('prevıew', 'poſt', 'İ', 'K');

const release = (min: number) => fc.array(num, { minLength: min, maxLength: 4 }).map((xs) => xs.join('.'));
const pre = fc
  .tuple(
    sep,
    fc.oneof(pick('a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview').chain(casing), oddLetters),
    sep,
    fc.option(num, { nil: '' }),
  )
  .map((p) => p.join(''));
const post = fc.oneof(
  num.map((n) => `-${n}`),
  fc
    .tuple(
      sep,
      fc.oneof(pick('post', 'rev', 'r').chain(casing), pick('poſt')),
      sep,
      fc.option(num, { nil: '' }),
    )
    .map((p) => p.join('')),
);
const dev = fc.tuple(sep, casing('dev'), sep, fc.option(num, { nil: '' })).map((p) => p.join(''));
const localPart = fc.oneof(num, pick('abc', 'Ubuntu', 'k', 'K', 'x1', '1x', 'ı'));
const local = fc
  .array(fc.tuple(localPart, pick('.', '-', '_')), { minLength: 1, maxLength: 3 })
  .map((ps) => `+${ps.map(([p, s], i) => (i === 0 ? p : s + p)).join('')}`);

interface Parts {
  minRelease?: number;
  local?: boolean;
  wildcard?: boolean;
}

/** Version-like text: PEP 440 pieces in random spellings, sometimes with one random corruption. */
export function versionText(opts: Parts = {}): fc.Arbitrary<string> {
  const body = fc
    .record({
      v: fc.oneof({ weight: 6, arbitrary: fc.constant('') }, pick('v', 'V')),
      epoch: fc.oneof(
        { weight: 6, arbitrary: fc.constant('') },
        num.map((n) => `${n}!`),
      ),
      release: release(opts.minRelease ?? 1),
      pre: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, pre),
      post: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, post),
      dev: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, dev),
      local:
        opts.local === false ? fc.constant('') : fc.oneof({ weight: 3, arbitrary: fc.constant('') }, local),
      wild: opts.wildcard ? fc.oneof(fc.constant(''), fc.constant('.*')) : fc.constant(''),
    })
    .map((p) => p.v + p.epoch + p.release + p.pre + p.post + p.dev + p.local + p.wild);
  const corrupt = fc
    .tuple(body, fc.nat(), pick('.', '-', '+', '!', '*', 'x', ' ', '', '..', 'a', '1'))
    .map(([s, at, ins]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins + s.slice(i + (ins === '' ? 1 : 0));
    });
  return fc.oneof(
    { weight: 9, arbitrary: fc.tuple(ws, body, ws).map((p) => p.join('')) },
    { weight: 1, arbitrary: corrupt },
  );
}

const operator = fc.oneof(
  { weight: 12, arbitrary: pick('~=', '==', '!=', '<=', '>=', '<', '>') },
  { weight: 1, arbitrary: pick('===', '=', '~', '=>', '') },
);

/** One clause: mostly an operator with the version forms it allows, sometimes any mix at all. */
export const clauseText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: fc.tuple(ws, pick('<=', '>=', '<', '>'), ws, versionText({ local: false })) },
    { weight: 3, arbitrary: fc.tuple(ws, pick('==', '!='), ws, versionText({ wildcard: true })) },
    {
      weight: 2,
      arbitrary: fc.tuple(ws, fc.constant('~='), ws, versionText({ minRelease: 2, local: false })),
    },
    { weight: 2, arbitrary: fc.tuple(ws, operator, ws, versionText({ wildcard: true })) },
  )
  .map((p) => p.join(''));

/** A specifier set: one to three clauses, commas, stray empty clauses. */
export const specifierSetText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: pick('', ' ', ',') },
  { weight: 20, arbitrary: fc.array(clauseText, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(',')) },
);
