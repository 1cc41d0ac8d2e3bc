// Small readers over tree-sitter-python nodes shared by the condition evaluator and the extractor.
import type { Node } from './parser.js';

/** The non-null named children of a node (web-tree-sitter types them as nullable). */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** A dotted name (`a`, `a.b.c`) from an identifier or attribute chain; undefined for anything else. */
export function dottedName(node: Node): string | undefined {
  // Iterative: an attribute chain can be as long as the input allows.
  const parts: string[] = [];
  let cur: Node | null = node;
  while (cur !== null && cur.type === 'attribute') {
    const attr = cur.childForFieldName('attribute');
    if (attr === null) return undefined;
    parts.push(attr.text);
    cur = cur.childForFieldName('object');
  }
  if (cur === null || cur.type !== 'identifier') return undefined;
  parts.push(cur.text);
  return parts.reverse().join('.');
}

/** A string literal split into its prefix letters (lower-cased) and its raw content. */
export interface StringLiteral {
  readonly prefix: string;
  readonly content: string;
}

/**
 * Reads a string literal without interpolation. Returns undefined for f-strings and for strings
 * whose content holds escapes that would need decoding (backslashes outside raw strings): stubs use
 * plain strings for names and forward references, and guessing at escapes would be wrong.
 */
export function stringLiteral(node: Node): StringLiteral | undefined {
  if (node.type === 'concatenated_string') {
    let prefix: string | undefined;
    let content = '';
    for (const part of namedChildren(node)) {
      const s = stringLiteral(part);
      if (s === undefined) return undefined;
      prefix ??= s.prefix;
      content += s.content;
    }
    return prefix === undefined ? undefined : { prefix, content };
  }
  if (node.type !== 'string') return undefined;
  let prefix = '';
  let content = '';
  for (const c of namedChildren(node)) {
    if (c.type === 'string_start') {
      const text = c.text;
      let i = 0;
      while (i < text.length && text[i] !== '"' && text[i] !== "'") i++;
      prefix = text.slice(0, i).toLowerCase();
      if (prefix.includes('f') || prefix.includes('t')) return undefined;
    } else if (c.type === 'string_content') {
      content += c.text;
    } else if (c.type !== 'string_end') {
      return undefined;
    }
  }
  if (!prefix.includes('r') && content.includes('\\')) return undefined;
  return { prefix, content };
}

/** A non-negative decimal integer literal's value (underscores allowed); undefined otherwise. */
export function intLiteral(node: Node): number | undefined {
  if (node.type !== 'integer') return undefined;
  const text = node.text;
  let value = 0;
  let digits = 0;
  for (const ch of text) {
    if (ch === '_') continue;
    if (ch < '0' || ch > '9') return undefined;
    value = value * 10 + (ch.charCodeAt(0) - 48);
    digits++;
  }
  return digits === 0 ? undefined : value;
}
