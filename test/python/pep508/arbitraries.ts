// fast-check generators of PEP 508 requirement and marker text, valid and nearly valid.
import fc from 'fast-check';
import { clauseText } from '../pep440/arbitraries.js';

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const opt = (a: fc.Arbitrary<string>, weight = 3) =>
  fc.oneof({ weight, arbitrary: fc.constant('') }, { weight: 1, arbitrary: a });

/** Separating whitespace: mostly nothing or spaces; sometimes tabs and characters PEP 508 does not allow. */
const ws = fc.oneof(
  { weight: 10, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: pick(' ', '  ') },
  { weight: 1, arbitrary: pick('\t', ' \t', '\n', '\u3000', '\r') },
);

const nameCore = fc.oneof(
  { weight: 6, arbitrary: pick('requests', 'Django', 'zope.interface', 'typing_extensions', 'A', 'x1', '0') },
  {
    weight: 2,
    arbitrary: pick('my-pkg', 'My__Pkg', 'a.b-c_d', 'name-', 'name.', '_name', '-x', 'é', 'nameé', 'a\u0301'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,6}$/) },
);

const extraName = fc.oneof(
  { weight: 5, arbitrary: pick('socks', 'security', 'Foo_Bar', 'test', 'a.b', 'dev') },
  { weight: 1, arbitrary: pick('', 'a b', 'é', 'x-', '1') },
);
const extras = fc
  .array(fc.tuple(ws, extraName, ws), { minLength: 0, maxLength: 3 })
  .chain((xs) =>
    fc
      .tuple(pick(',', ',', ',', ' ', ';'), pick('[', '['), pick(']', ']', ']', ''))
      .map(([sep, open, close]) => `${open}${xs.map((x) => x.join('')).join(sep)}${close}`),
  );

const specifierSet = fc
  .array(clauseText, { minLength: 1, maxLength: 3 })
  .chain((cs) => pick(',', ', ', ' ,', ',,').map((sep) => cs.join(sep)));
const specifierPart = fc.oneof(
  { weight: 4, arbitrary: specifierSet },
  { weight: 2, arbitrary: fc.tuple(ws, specifierSet, ws, pick(')', ')', '')).map((p) => `(${p.join('')}`) },
  { weight: 1, arbitrary: pick('>=1.0.*', '<=1+local', '==1.0+abc', '===a;b', '~=1.0poſt1', '(', '()') },
);

const urlPart = fc
  .tuple(
    ws,
    pick(
      'https://example.com/pkg-1.0-py3-none-any.whl',
      'git+https://github.com/o/r.git@v1.0#egg=r',
      'file:///tmp/x.tar.gz',
      'https://h/p?x=1;y=2',
      'https://h/a b',
      '',
    ),
  )
  .map(([w, u]) => `@${w}${u}`);

const variable = fc.oneof(
  {
    weight: 8,
    arbitrary: pick(
      'python_version',
      'python_full_version',
      'os_name',
      'os.name',
      'sys_platform',
      'sys.platform',
      'platform_release',
      'platform_system',
      'platform_version',
      'platform.version',
      'platform_machine',
      'platform.machine',
      'platform_python_implementation',
      'platform.python_implementation',
      'python_implementation',
      'implementation_name',
      'implementation_version',
      'extra',
    ),
  },
  {
    weight: 1,
    arbitrary: pick('extras', 'dependency_groups', 'python_versions', 'os__name', 'Extra', 'extra_x'),
  },
);

const valueText = fc.oneof(
  {
    weight: 8,
    arbitrary: pick(
      '3.8',
      '3.11',
      '3.12',
      '3.11.4',
      '3.11.0',
      '2.7',
      '3',
      '3.*',
      '3.11.*',
      '3.13.0a2',
      '3.13.0+local',
      'linux',
      'win32',
      'darwin',
      'posix',
      'nt',
      'Linux',
      'Windows',
      'x86_64',
      'AMD64',
      'arm64',
      'cpython',
      'CPython',
      'PyPy',
      'test',
      'Foo_Bar',
      'foo-bar',
      'dev',
      '6.1',
      '23.1.0',
      '10',
      '7.3',
      '',
      'x',
      'in',
      'os_name',
      'python_version',
    ),
  },
  {
    weight: 1,
    arbitrary: pick(' 3.8', '3.8 ', 'lin', 'a\\nb', '\\x41', '\\u00e9', '\\101', '\\q', '\\', '>=3.8', 'é'),
  },
);
const quoted = fc
  .tuple(
    valueText,
    fc.oneof({ weight: 6, arbitrary: fc.constant('"') }, { weight: 3, arbitrary: fc.constant("'") }),
  )
  .map(([v, q]) => (v.includes(q) ? `${q}${v}` : `${q}${v}${q}`));
const operand = fc.oneof({ weight: 1, arbitrary: variable }, { weight: 1, arbitrary: quoted });
const markerOp = fc.oneof(
  { weight: 10, arbitrary: pick('==', '!=', '<', '<=', '>', '>=', '~=', '===', 'in', 'not in') },
  { weight: 1, arbitrary: pick('=', '<>', 'not  in', 'notin', 'in\t', 'is') },
);
const comparison = fc
  .tuple(variable, ws, markerOp, ws, quoted, fc.boolean(), operand, pick(true, true, true, false))
  .map(([v, w1, op, w2, q, swap, other, usual]) => {
    const [l, r] = usual ? (swap ? [q, v] : [v, q]) : [v, other];
    const sp = /^[a-z]/.test(op) ? ' ' : '';
    return `${l}${w1 || sp}${op}${w2 || sp}${r}`;
  });

/** A marker expression up to three levels deep. */
export const markerText: fc.Arbitrary<string> = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { weight: 4, arbitrary: comparison },
    {
      weight: 1,
      arbitrary: fc
        .tuple(ws, tie('expr'), ws, pick(')', ')', ')', ''))
        .map(([a, e, b, close]) => `(${a}${e}${b}${close}`),
    },
  ),
  expr: fc.array(tie('atom'), { minLength: 1, maxLength: 3, depthIdentifier: 'marker' }).chain((atoms) =>
    fc
      .array(pick(' and ', ' or ', ' and ', ' or ', 'and', ' AND ', ' or\t'), {
        minLength: atoms.length,
        maxLength: atoms.length,
      })
      .map((ops) => atoms.map((a, i) => (i === 0 ? a : ops[i]! + a)).join('')),
  ),
})).expr;

/** Inserts one random character somewhere, sometimes. */
function corrupt(a: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: a },
    {
      weight: 1,
      arbitrary: fc
        .tuple(a, fc.nat(), pick('(', ')', '"', "'", ';', ',', '[', ']', ' ', '@', '.', '*', '+', '\n', ''))
        .map(([s, at, ins]) => {
          const i = at % (s.length + 1);
          return s.slice(0, i) + ins + s.slice(i + (ins === '' ? 1 : 0));
        }),
    },
  );
}

const cleanClause = fc
  .tuple(
    pick('==', '!=', '>=', '<=', '<', '>', '~=', '==='),
    pick('1.0', '2.8.1', '1.0a1', '0.9.dev2', '1.0.post1', '1!2.0', '3.11', '2.0rc1', '10.4.0'),
    pick('', '', '', '.*', '+local'),
  )
  .map(([op, v, tail]) => (tail === '' || op === '==' || op === '!=' ? op + v + tail : op + v));
const cleanRequirement = fc
  .record({
    name: pick('requests', 'Django', 'zope.interface', 'typing_extensions', 'A', 'x1', 'My__Pkg'),
    extras: opt(
      fc
        .array(pick('socks', 'Foo_Bar', 'test', 'a.b'), { minLength: 1, maxLength: 3 })
        .map((x) => `[${x.join(',')}]`),
      2,
    ),
    detail: fc.oneof(
      { weight: 2, arbitrary: fc.constant('') },
      { weight: 5, arbitrary: fc.array(cleanClause, { minLength: 1, maxLength: 3 }).map((x) => x.join(',')) },
      {
        weight: 1,
        arbitrary: pick(' @ https://example.com/p-1.0-py3-none-any.whl', ' @ file:///tmp/x.zip '),
      },
    ),
    marker: opt(
      markerText.map((m) => `; ${m}`),
      1,
    ),
  })
  .map(
    (p) =>
      p.name + p.extras + p.detail + (p.detail.startsWith(' @') && p.marker !== '' ? ' ' : '') + p.marker,
  );

/** Whole requirement strings: well-formed ones and rough ones in equal measure. */
export const requirementText: fc.Arbitrary<string> = fc.oneof(cleanRequirement, roughRequirement());

function roughRequirement(): fc.Arbitrary<string> {
  return corrupt(
    fc
      .record({
        lead: ws,
        name: nameCore,
        w1: ws,
        extras: opt(extras),
        w2: ws,
        detail: fc.oneof(
          { weight: 3, arbitrary: fc.constant('') },
          { weight: 6, arbitrary: specifierPart },
          { weight: 2, arbitrary: urlPart },
        ),
        marker: opt(
          fc.tuple(pick(' ', '', '  '), pick(';', ';', ' ;'), ws, markerText).map((p) => p.join('')),
          1,
        ),
        tail: fc.oneof(
          { weight: 8, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: pick(' ', '\n', ' \n', '\t') },
        ),
      })
      .map((p) => p.lead + p.name + p.w1 + p.extras + p.w2 + p.detail + p.marker + p.tail),
  );
}

/** Marker strings on their own (`Marker(text)`). */
export const markerOnlyText: fc.Arbitrary<string> = corrupt(
  fc.tuple(ws, markerText, ws).map((p) => p.join('')),
);

/** Token soup: short runs of the grammar's pieces in any order, to probe the tokenizer's edges. */
export const tokenSoup: fc.Arbitrary<string> = fc
  .array(
    pick(
      'a',
      'name',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r',
      '\x0b',
      '(',
      ')',
      '[',
      ']',
      ',',
      ';',
      '@',
      '==',
      '=',
      '<',
      '>=',
      '~=',
      '!=',
      '===',
      '"',
      "'",
      '"x"',
      "'3.8'",
      '.',
      '.*',
      '+',
      '+loc',
      '1',
      '1.0',
      'v1',
      'in',
      'not',
      'not in',
      'and',
      'or',
      'os_name',
      'os.name',
      'extra',
      'python_version',
      'é',
      '\\',
      'x',
      '_',
      '-',
      'https://h/p',
      '٣',
      '\u3000',
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((xs) => xs.join(''));
