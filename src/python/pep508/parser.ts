// packaging's recursive-descent parser of dependency specifiers and marker expressions.
import { evalPythonString, LiteralError } from './literal.js';
import { SyntaxProblem, Tokenizer } from './tokenizer.js';
import type { MarkerComparison, MarkerList, MarkerOperand, MarkerOperator } from './types.js';

/** Deepest parenthesis nesting we parse; Python stops near 1,000 with a RecursionError. */
export const MAX_MARKER_DEPTH = 200;

/** What `parseRequirement` hands to the requirement builder (packaging's ParsedRequirement). */
export interface ParsedRequirement {
  readonly name: string;
  readonly url: string;
  readonly extras: readonly string[];
  readonly specifier: string;
  readonly marker: MarkerList | undefined;
}

/** requirement = WS? IDENTIFIER WS? extras WS? requirement_details */
export function parseRequirementTokens(source: string): ParsedRequirement {
  const t = new Tokenizer(source);
  t.consume('WS');
  const name = t.expect('IDENTIFIER', 'package name at the start of dependency specifier').text;
  t.consume('WS');
  const extras = parseExtras(t);
  t.consume('WS');
  const [url, specifier, marker] = parseRequirementDetails(t);
  t.expect('END', 'end of dependency specifier');
  return { name, url, extras, specifier, marker };
}

function parseRequirementDetails(t: Tokenizer): [string, string, MarkerList | undefined] {
  if (t.check('AT')) {
    t.read();
    t.consume('WS');
    const urlStart = t.position;
    const url = t.expect('URL', 'URL after @').text;
    if (t.check('END', true)) return [url, '', undefined];
    t.expect('WS', 'whitespace after URL');
    if (t.check('END', true)) return [url, '', undefined];
    return [url, '', parseRequirementMarker(t, urlStart, 'semicolon (after URL and whitespace)')];
  }
  const specifierStart = t.position;
  const specifier = parseSpecifier(t);
  t.consume('WS');
  if (t.check('END', true)) return ['', specifier, undefined];
  const expected = specifier
    ? 'comma (within version specifier), semicolon (after version specifier)'
    : 'semicolon (after name with no version specifier)';
  return ['', specifier, parseRequirementMarker(t, specifierStart, expected)];
}

function parseRequirementMarker(t: Tokenizer, spanStart: number, expected: string): MarkerList {
  if (!t.check('SEMICOLON')) t.fail(`Expected ${expected} or end`, spanStart);
  t.read();
  const marker = parseMarker(t, 0);
  t.consume('WS');
  return marker;
}

function parseExtras(t: Tokenizer): string[] {
  if (!t.check('LEFT_BRACKET', true)) return [];
  return t.enclosing('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    t.consume('WS');
    const extras = parseExtrasList(t);
    t.consume('WS');
    return extras;
  });
}

function parseExtrasList(t: Tokenizer): string[] {
  const extras: string[] = [];
  if (!t.check('IDENTIFIER')) return extras;
  extras.push(t.read().text);
  for (;;) {
    t.consume('WS');
    if (t.check('IDENTIFIER', true)) t.fail('Expected comma between extra names');
    else if (!t.check('COMMA')) break;
    t.read();
    t.consume('WS');
    extras.push(t.expect('IDENTIFIER', 'extra name after comma').text);
  }
  return extras;
}

function parseSpecifier(t: Tokenizer): string {
  return t.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    t.consume('WS');
    const specs = parseVersionMany(t);
    t.consume('WS');
    return specs;
  });
}

function parseVersionMany(t: Tokenizer): string {
  let specs = '';
  while (t.check('SPECIFIER')) {
    const spanStart = t.position;
    specs += t.read().text;
    if (t.check('VERSION_PREFIX_TRAIL', true))
      t.fail('.* suffix can only be used with `==` or `!=` operators', spanStart, t.position + 1);
    if (t.check('VERSION_LOCAL_LABEL_TRAIL', true))
      t.fail('Local version label can only be used with `==` or `!=` operators', spanStart, t.position);
    t.consume('WS');
    if (!t.check('COMMA')) break;
    specs += t.read().text;
    t.consume('WS');
  }
  return specs;
}

/** A whole marker expression (packaging's `parse_marker`). */
export function parseMarkerTokens(source: string): MarkerList {
  const t = new Tokenizer(source);
  const marker = parseMarker(t, 0);
  t.expect('END', 'end of marker expression');
  return marker;
}

/** marker = marker_atom (BOOLOP marker_atom)* */
function parseMarker(t: Tokenizer, depth: number): MarkerList {
  const expression: (MarkerList | MarkerComparison | 'and' | 'or')[] = [parseMarkerAtom(t, depth)];
  while (t.check('BOOLOP')) {
    const op = t.read().text as 'and' | 'or';
    expression.push(op, parseMarkerAtom(t, depth));
  }
  return expression;
}

function parseMarkerAtom(t: Tokenizer, depth: number): MarkerList | MarkerComparison {
  t.consume('WS');
  let marker: MarkerList | MarkerComparison;
  if (t.check('LEFT_PARENTHESIS', true)) {
    if (depth >= MAX_MARKER_DEPTH) t.fail(`Marker nested deeper than ${MAX_MARKER_DEPTH} parentheses`);
    marker = t.enclosing('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      t.consume('WS');
      const inner = parseMarker(t, depth + 1);
      t.consume('WS');
      return inner;
    });
  } else {
    marker = parseMarkerItem(t);
  }
  t.consume('WS');
  return marker;
}

function parseMarkerItem(t: Tokenizer): MarkerComparison {
  t.consume('WS');
  const left = parseMarkerVar(t);
  t.consume('WS');
  const op = parseMarkerOp(t);
  t.consume('WS');
  const right = parseMarkerVar(t);
  t.consume('WS');
  return { left, op, right };
}

function parseMarkerVar(t: Tokenizer): MarkerOperand {
  if (t.check('VARIABLE')) {
    const name = t.read().text.replaceAll('.', '_');
    return {
      kind: 'variable',
      name: name === 'python_implementation' ? 'platform_python_implementation' : name,
    };
  }
  if (t.check('QUOTED_STRING')) {
    const token = t.read();
    try {
      return { kind: 'value', value: evalPythonString(token.text) };
    } catch (e) {
      if (!(e instanceof LiteralError)) throw e;
      throw new SyntaxProblem(`Invalid string literal: ${e.reason}`, token.position, t.position);
    }
  }
  return t.fail('Expected a marker variable or quoted string');
}

function parseMarkerOp(t: Tokenizer): MarkerOperator {
  if (t.check('IN')) {
    t.read();
    return 'in';
  }
  if (t.check('NOT')) {
    t.read();
    t.expect('WS', "whitespace after 'not'");
    t.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  if (t.check('OP')) return t.read().text as MarkerOperator;
  return t.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}
