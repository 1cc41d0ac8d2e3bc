// x/mod's own modfile tests (read_test.go, rule_test.go, work_test.go), read from the installed sources at test time.
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import {
  type Comments,
  format,
  GoModParseError,
  modulePath,
  parse,
  parseLax,
  parseSyntax,
} from '../../../src/go/modfile/index.js';
import { buildGoProgram, describeWithOracle, runOracle } from '../../support/oracles.js';
import { xmodTables, xmodTablesOracle } from '../xmod.js';
import { oracleAnswer, ourAnswer } from './answers.js';

type Row = Record<string, unknown>;

const ORACLE_SRC = fileURLToPath(new URL('../../oracles/modfile/main.go', import.meta.url));

/** Every go.mod text of x/mod's modfile tests: the inputs and expected outputs of each table. */
function goModTexts(tables: Record<string, unknown[]>): string[] {
  const texts = new Set<string>();
  for (const [name, table] of Object.entries(tables)) {
    if (!name.startsWith('modfile.') || name.startsWith('modfile.work')) continue;
    if (typeof table === 'string') {
      texts.add(table);
      continue;
    }
    for (const row of table) {
      if (row === null || typeof row !== 'object') continue;
      for (const k of ['in', 'out', 'want', 'input', 'src']) {
        const v = (row as Row)[k];
        if (typeof v === 'string') texts.add(v);
      }
    }
  }
  return [...texts];
}

describeWithOracle(xmodTablesOracle(), "x/mod's own modfile tests", () => {
  let tables: Record<string, unknown[]>;
  const rows = (name: string): Row[] => {
    const t = tables[name];
    if (!Array.isArray(t)) throw new Error(`x/mod test table ${name} not found`);
    return t as Row[];
  };
  beforeAll(() => {
    tables = xmodTables(['modfile']);
  });

  it('every go.mod text of the tables parses (Parse and ParseLax) and formats as x/mod does', () => {
    const texts = goModTexts(tables);
    expect(texts.length).toBeGreaterThan(150);
    const requests = texts.flatMap((t) =>
      [false, true].map((lax) =>
        JSON.stringify({ name: 'go.mod', data: Buffer.from(t).toString('base64'), lax }),
      ),
    );
    const answers = runOracle(buildGoProgram(ORACLE_SRC), [], `${requests.join('\n')}\n`)
      .trimEnd()
      .split('\n')
      .map((l) => oracleAnswer(JSON.parse(l) as Record<string, unknown>));
    expect(answers.length).toBe(requests.length);
    const diffs: string[] = [];
    let refused = 0;
    for (const [i, t] of texts.entries()) {
      for (const [j, lax] of [false, true].entries()) {
        const want = answers[i * 2 + j] as { err?: string };
        if (want.err !== undefined) refused++;
        const got = ourAnswer('go.mod', t, lax);
        try {
          expect(got).toEqual(want);
        } catch {
          diffs.push(
            `${JSON.stringify(t)} (${lax ? 'lax' : 'strict'}):\n  ours:  ${JSON.stringify(got)}\n  x/mod: ${JSON.stringify(want)}`,
          );
        }
      }
    }
    expect(diffs.slice(0, 5).join('\n'), `${diffs.length} disagreements`).toBe('');
    expect(refused).toBeGreaterThan(5);
  });

  it('TestParsePunctuation: brackets, braces and commas are tokens of their own', () => {
    const t = rows('modfile.TestParsePunctuation');
    expect(t.length).toBeGreaterThan(3);
    for (const { src, want } of t as { src: string; want: string }[]) {
      const tokens: string[] = [];
      for (const s of parseSyntax('go.mod', src).stmt) {
        if (s.kind === 'line') tokens.push(...s.token);
        else if (s.kind === 'block') tokens.push(...s.token, '(', ...s.line.flatMap((l) => l.token), ')');
      }
      expect(tokens.join(' '), src).toBe(want);
    }
  });

  it('TestParseLax: a dependency go.mod with unknown and broken directives reads', () => {
    const bad = tables['modfile.TestParseLax.badFile'] as unknown;
    if (typeof bad !== 'string') throw new Error('TestParseLax badFile not found');
    const f = parseLax('file', bad);
    expect(f.module?.mod.path).toBe('m');
    expect(f.require.map((r) => r.mod.path)).toEqual(['good']);
    expect(() => parse('file', bad)).toThrow(GoModParseError);
  });

  it('modulePathTests: ModulePath', () => {
    const t = rows('modfile.modulePathTests') as { input: string; expected: string }[];
    expect(t.length).toBeGreaterThan(20);
    for (const { input, expected } of t) expect(modulePath(input), JSON.stringify(input)).toBe(expected);
  });

  it('TestGoVersion: which go versions Parse accepts', () => {
    const t = rows('modfile.TestGoVersion.tests') as { input: string; ok: boolean }[];
    expect(t.length).toBeGreaterThan(10);
    const accepts = (f: () => unknown) => {
      try {
        f();
        return true;
      } catch (e) {
        if (e instanceof GoModParseError) return false;
        throw e;
      }
    };
    // The table's laxOK column is not what ParseLax does (x/mod's Lax subtest calls Parse too):
    // ParseLax also reads `go 1.22.333`. What ParseLax makes of each row is compared with x/mod above.
    for (const { input, ok } of t)
      expect(
        accepts(() => parse('go.mod', input)),
        input,
      ).toBe(ok);
  });

  it('TestComments: where ParseLax attaches each comment', () => {
    const t = rows('modfile.TestComments') as { desc: string; input: string; want: string }[];
    expect(t.length).toBeGreaterThan(3);
    for (const { desc, input, want } of t) {
      const out: string[] = [];
      const print = (prefix: string, cs: Comments) => {
        for (const c of cs.before) out.push(`${prefix} before ${JSON.stringify(c.token)}`);
        for (const c of cs.suffix) out.push(`${prefix} suffix ${JSON.stringify(c.token)}`);
        for (const c of cs.after) out.push(`${prefix} after ${JSON.stringify(c.token)}`);
      };
      const f = parseLax('go.mod', input);
      print('file', f.syntax.comments);
      for (const s of f.syntax.stmt) {
        if (s.kind === 'comments') print('comments', s.comments);
        else if (s.kind === 'line') print('line', s.comments);
        else {
          print('block', s.comments);
          print('lparen', s.lparen.comments);
          for (const l of s.line) print('blockline', l.comments);
          print('rparen', s.rparen.comments);
        }
      }
      // Go's %q and JSON.stringify agree on these ASCII comments.
      expect(out.join('\n'), desc).toBe(want.trim());
    }
  });

  it('retractRationaleTests and moduleDeprecatedTests: comments become rationale and deprecation', () => {
    const retract = rows('modfile.retractRationaleTests') as { in: string; want: string }[];
    const deprecated = rows('modfile.moduleDeprecatedTests') as { in: string; want: string }[];
    expect(retract.length + deprecated.length).toBeGreaterThan(20);
    for (const { in: input, want } of retract) {
      const f = parse('in', input);
      expect(f.retract.length, input).toBe(1);
      expect(f.retract[0]?.rationale, input).toBe(want);
    }
    for (const { in: input, want } of deprecated)
      expect(parse('in', input).module?.deprecated, input).toBe(want);
  });

  it('fixVersionTests: Parse with a version fixer', () => {
    const t = rows('modfile.fixVersionTests') as { in: string; want?: string; wantErr?: string }[];
    expect(t.length).toBeGreaterThan(5);
    // x/mod's fixV: only example.com/m, and a "v" in front.
    const fixV = (path: string, version: string) => {
      if (path !== 'example.com/m') throw new Error('module path must be example.com/m');
      return `v${version}`;
    };
    for (const { in: input, want, wantErr } of t) {
      if (wantErr) {
        expect(() => parse('in', input, fixV), input).toThrow(wantErr);
      } else {
        expect(format(parse('in', input, fixV).syntax), input).toBe(format(parse('out', want ?? '').syntax));
      }
    }
  });
});
