// Differential: the members a class inherits from generic bases, with the bases' type parameters
// bound as CPython's typing binds them (__parameters__, __orig_bases__, alias substitution), on
// generated hierarchies; and the typeshed containers (`Mapping[str, int]`) as bases.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { build } from '../../../src/python/build/index.js';
import { inspectStubs } from '../../../src/python/build/inspect.js';
import { render } from '../../../src/python/typemap/index.js';
import type { WrapperItem } from '../../../src/python/wrapper/types.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';

const SCRIPT = fileURLToPath(new URL('./generic_bases.py', import.meta.url));
const TYPEVARS = ['T0', 'T1', 'T2', 'T3', 'T4', 'T5'];
const CONCRETE = ['int', 'str', 'bytes', 'float', 'list[int]'];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** How the generated classes are declared: plain classes, protocols, or frozen dataclasses (records). */
type Style = 'class' | 'protocol' | 'dataclass';

/**
 * A module of generic classes C0…C7: each either a root `Generic[...]` (`Protocol[...]`) or a
 * subclass of an earlier class with type arguments mixing concrete types, TypeVars and `list[T]`;
 * some list their parameters in a different order with an explicit `Generic[...]`. Each class has
 * one method (a dataclass: one field) per parameter, `m_<class>_<param>() -> <param>`, so a
 * subclass's inherited members show the bindings.
 */
function generate(seed: number, style: Style = 'class'): string {
  const r = rng(seed);
  const params: string[][] = [];
  const generic = style === 'protocol' ? 'Protocol' : 'Generic';
  const lines = ['from dataclasses import dataclass', 'from typing import Generic, Protocol, TypeVar', ''];
  for (const t of TYPEVARS) lines.push(`${t} = TypeVar("${t}")`);
  for (let i = 0; i < 8; i++) {
    let mine: string[];
    let bases: string;
    if (i === 0 || r(4) === 0) {
      mine = [...new Set([TYPEVARS[r(6)]!, TYPEVARS[r(6)]!])];
      bases = `${generic}[${mine.join(', ')}]`;
    } else {
      const j = r(i);
      const args = params[j]!.map(() => {
        const k = r(10);
        if (k < 4) return CONCRETE[r(CONCRETE.length)]!;
        if (k < 5) return `list[${TYPEVARS[r(6)]}]`;
        return TYPEVARS[r(6)]!;
      });
      mine = [];
      for (const a of args) for (const t of TYPEVARS) if (a.includes(t) && !mine.includes(t)) mine.push(t);
      bases = args.length === 0 ? `C${j}` : `C${j}[${args.join(', ')}]`;
      if (style === 'protocol') {
        // A protocol's subclass is a protocol only when it says so. (No reordering `Protocol[...]`
        // here: CPython before 3.12 ignores its order, which PEP 544 and type checkers honour.)
        bases += ', Protocol';
      } else if (mine.length > 1 && r(2) === 0) {
        mine.reverse();
        bases += `, Generic[${mine.join(', ')}]`;
      }
    }
    params.push(mine);
    if (style === 'dataclass') lines.push('', '@dataclass(frozen=True)');
    else lines.push('');
    lines.push(`class C${i}(${bases}):`);
    if (mine.length === 0) lines.push('    pass');
    for (const p of mine) {
      lines.push(
        style === 'dataclass' ? `    m_C${i}_${p}: ${p}` : `    def m_C${i}_${p}(self) -> ${p}: ...`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Each member of a wrapped class by name: a method's result type, an attribute's or field's type. */
function memberTypes(item: WrapperItem): Map<string, string> {
  const t = item.type;
  const out = new Map<string, string>();
  for (const m of item.members ?? []) out.set(m.name, m.type.kind === 'fun' ? render(m.type.result) : '?');
  if (t.kind === 'record') for (const f of t.fields) out.set(f.name, render(f.type));
  if (t.kind === 'interface') for (const m of t.methods) out.set(m.name, render(m.result));
  return out;
}

describeWithOracle(pythonOracle(), 'generic bases against CPython typing', () => {
  const work = mkdtempSync(join(tmpdir(), 'mochi-generic-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    ['class', 40],
    ['protocol', 16],
    ['dataclass', 16],
  ] as const)(
    'binds every inherited type parameter as CPython does (%s, %i generated hierarchies)',
    async (style, count) => {
      let checked = 0;
      let bound = 0;
      const sources = new Map<string, string>();
      for (let seed = 1; seed <= count; seed++) {
        const file = join(work, `${style}${seed}.py`);
        sources.set(file, generate(seed, style));
        writeFileSync(file, sources.get(file)!);
      }
      const refs = JSON.parse(
        runPython(`exec(open(${JSON.stringify(SCRIPT)}).read())`, [...sources.keys()]),
      ) as Record<string, Record<string, Record<string, Record<string, string>>>>;
      // One build: each hierarchy is a package of its own.
      const names = [...sources.keys()].map((_, i) => `g${i + 1}`);
      const res = await build({
        targets: [...sources.values()].map((source, i) => ({
          spec: names[i]!,
          alias: names[i]!,
          stubs: { module: names[i]!, files: new Map([[`${names[i]}.pyi`, source]]) },
        })),
      });
      for (const [i, [file, source]] of [...sources].entries()) {
        const w = res.targets[i]!.wrapper;
        expect(res.targets[i]!.skipped).toEqual([]);
        for (const [cls, ancestors] of Object.entries(refs[file]!)) {
          const item = w.items.find((x) => x.sourceName === cls);
          expect(item, `${cls} in\n${source}`).toBeDefined();
          expect(item!.kind).toBe({ class: 'type', protocol: 'interface', dataclass: 'record' }[style]);
          const got = memberTypes(item!);
          for (const [anc, binding] of Object.entries(ancestors)) {
            for (const [param, type] of Object.entries(binding)) {
              expect(got.get(`m_${anc}_${param}`), `${cls}: ${anc}.${param} in\n${source}`).toBe(type);
              checked++;
              if (type !== param) bound++;
            }
          }
        }
      }
      // Not vacuous: many inherited parameters, most of them bound to something else.
      expect(checked).toBeGreaterThan(5 * count);
      expect(bound).toBeGreaterThan(2 * count);
    },
  );

  it("inherits typeshed's containers and builtins with their parameters bound (Mapping, dict, list, str)", async () => {
    const file = join(work, 'tables.pyi');
    writeFileSync(
      file,
      [
        'from typing import Generic, Mapping, TypedDict, TypeVar',
        'T = TypeVar("T")',
        'class Table(Mapping[str, int]): ...',
        'class Headers(dict[str, bytes]): ...',
        'class Names(list[str]): ...',
        'class Name(str): ...',
        'class Count(int): ...',
        'class Row(TypedDict, Generic[T]):',
        '    value: T',
        'class BytesRow(Row[bytes]):',
        '    size: int',
        '',
      ].join('\n'),
    );
    const r = await inspectStubs(file);
    const member = (cls: string, name: string) => {
      const m = r.wrapper.items.find((i) => i.sourceName === cls)?.members?.find((x) => x.name === name);
      return m?.type.kind === 'fun' ? `${m.name}: ${render(m.type.result)}` : undefined;
    };
    expect(member('Table', 'keys')).toBe('keys: typing.KeysView');
    expect(r.shim).toContain('fun get(key: string, /): int?');
    expect(member('Headers', 'pop')).toBeDefined();
    expect(member('Headers', 'copy')).toBe('copy: map<string, bytes>');
    expect(member('Names', 'pop')).toBe('pop: string');
    expect(member('Names', 'index')).toBe('index: int');
    // Builtin bases pass on typeshed's builtins members.
    expect(member('Name', 'upper')).toBe('upper: string');
    expect(member('Count', 'bit_length')).toBe('bit_length: int');
    // A record's base fields come with the base's type arguments, once, in the record type.
    expect(r.shim).toContain('type BytesRow = {\n  size: int,\n  value: bytes\n}');
  });
});
