import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeStub } from '../../../src/python/stubs/load.js';
import { loadPythonLanguage, PythonParser } from '../../../src/python/stubs/parser.js';
import {
  copyTree,
  cursorWalker,
  type Grammar,
  grammarOf,
  SourceText,
  type SyntaxNode,
} from '../../../src/python/stubs/tree.js';
import { pyiFiles, TYPESHED } from './typeshed.js';

let parser: PythonParser;
let grammar: Grammar;

beforeAll(async () => {
  const language = await loadPythonLanguage();
  parser = new PythonParser(language);
  grammar = grammarOf(language);
});

type Shape = [string, string | null, boolean, number, number, Shape[]];

function shape(n: SyntaxNode): Shape {
  return [n.type, n.field, n.isNamed, n.startIndex, n.endIndex, n.children.map(shape)];
}

/** The copy made through web-tree-sitter's public TreeCursor (the reference for the fast path). */
function publicCopy(source: string): SyntaxNode {
  const tree = parser.parse(source, 'm.pyi');
  try {
    return copyTree(cursorWalker(tree), grammar, new SourceText(source));
  } finally {
    tree.delete();
  }
}

function find(n: SyntaxNode, type: string): SyntaxNode[] {
  const out = n.type === type ? [n] : [];
  for (const c of n.children) out.push(...find(c, type));
  return out;
}

describe('tree copy', () => {
  it('uses the binding’s cursor calls (else typeshed parses about 3× slower; see parser.ts)', () => {
    expect(parser.directCopy).toBe(true);
  });

  it('copies every tenth typeshed file exactly as the public TreeCursor does', () => {
    const files = pyiFiles(TYPESHED).filter((_, i) => i % 10 === 0);
    expect(files.length).toBeGreaterThan(500);
    let nodes = 0;
    for (const f of files) {
      const source = decodeStub(readFileSync(f), f);
      const fast = shape(parser.parseToSyntax(source, f));
      expect(fast, f).toEqual(shape(publicCopy(source)));
      nodes += JSON.stringify(fast).length;
    }
    expect(nodes).toBeGreaterThan(1_000_000);
  });

  it('leaves out function bodies and default values, keeps names, annotations and operators', () => {
    const src = [
      'def f(a: int = 1 + 2, *, b: "X" = g(h)) -> A | None:',
      '    class Hidden: ...',
      '    return 1',
      'if sys.version_info >= (3, 10): x: typing.Final = -1',
      '',
    ].join('\n');
    const root = parser.parseToSyntax(src, 'm.py');
    const fn = find(root, 'function_definition')[0]!;
    expect(fn.childForFieldName('body')?.children).toEqual([]);
    expect(find(root, 'class_definition')).toEqual([]);
    const defaults = find(root, 'typed_default_parameter').map((p) => p.childForFieldName('value'));
    expect(defaults.map((d) => [d?.text, d?.children.length])).toEqual([
      ['1 + 2', 0],
      ['g(h)', 0],
    ]);
    const union = find(root, 'binary_operator').find((b) => b.text === 'A | None')!;
    expect(union.childForFieldName('operator')?.type).toBe('|');
    expect(union.namedChildren.map((c) => c.text)).toEqual(['A', 'None']);
    const cmp = find(root, 'comparison_operator')[0]!;
    expect(cmp.childrenForFieldName('operators').map((o) => o.type)).toEqual(['>=']);
    // A dotted-name annotation is read off its text; its identifiers are not copied.
    const final = find(root, 'type').find((t) => t.text === 'typing.Final')!;
    expect(final.children).toEqual([]);
  });

  it('computes the same 0-based positions as tree-sitter (non-ASCII text, CRLF, tabs)', () => {
    const src = 'x: "é" = 1\r\nclass C:\r\n\tdef f(self, 日本: int) -> None: ...\r\n# ü\ny = 2\n';
    const tree = parser.parse(src, 'm.pyi');
    try {
      const expected: [number, number, number][] = [];
      const c = tree.walk();
      for (;;) {
        expected.push([c.startIndex, c.startPosition.row, c.startPosition.column]);
        if (c.gotoFirstChild()) continue;
        let up = false;
        while (!c.gotoNextSibling()) {
          if (!c.gotoParent()) {
            up = true;
            break;
          }
        }
        if (up) break;
      }
      c.delete();
      const text = new SourceText(src);
      const got = expected.map(([i]) => {
        const p = text.position(i);
        return [i, p.row, p.column];
      });
      expect(got).toEqual(expected);
      expect(expected.length).toBeGreaterThan(30);
    } finally {
      tree.delete();
    }
  });
});
