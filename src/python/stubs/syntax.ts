// Small readers over tree-sitter-python nodes shared by the condition evaluator and the extractor.
import type { SyntaxNode as Node } from './tree.js';

/** The named children of a node. */
export function namedChildren(node: Node): readonly Node[] {
  return node.namedChildren;
}

/** True when `text` is identifier characters and dots only (no spaces, brackets or comments). */
export function isPlainDotted(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 95 ||
      c === 46 ||
      c > 127;
    if (!ok) return false;
  }
  return true;
}

/**
 * A dotted name (`a`, `a.b.c`) from an identifier or attribute chain; undefined for anything else.
 * `type` is the node's type when the caller already has it (each lookup crosses into wasm).
 */
export function dottedName(node: Node, type: string = node.type): string | undefined {
  if (type === 'identifier') return node.text;
  if (type !== 'attribute') return undefined;
  // The parser has established an attribute chain; when its text holds nothing but name characters
  // and dots, the text is the dotted name and the chain need not be walked node by node.
  const text = node.text;
  if (isPlainDotted(text)) return text;
  // Otherwise (spaces, comments, calls inside the chain) walk it, iteratively.
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
 * `type` is the node's type when the caller already has it.
 */
export function stringLiteral(node: Node, type: string = node.type): StringLiteral | undefined {
  if (type === 'concatenated_string') {
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
  if (type !== 'string') return undefined;
  // The parser has delimited the literal: prefix letters, one or three quotes, content, the same
  // quotes. Reading those off the token's text costs one call instead of one per child node.
  const text = node.text;
  let i = 0;
  while (i < text.length && text[i] !== '"' && text[i] !== "'") i++;
  const prefix = text.slice(0, i).toLowerCase();
  if (prefix.includes('f') || prefix.includes('t')) return undefined;
  const quote = text[i];
  const width = text.startsWith(`${quote}${quote}${quote}`, i) && text.length - i >= 6 ? 3 : 1;
  if (text.length - i < 2 * width) return undefined;
  const content = text.slice(i + width, text.length - width);
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
