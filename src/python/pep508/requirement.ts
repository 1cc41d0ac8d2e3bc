// PEP 508 requirement strings: parse and print, as packaging 26's `Requirement` does.
import {
  InvalidSpecifierError,
  parseSpecifierSet,
  type SpecifierSet,
  specifierSetToString,
} from '../pep440/index.js';
import { cmpPyStr } from '../pep440/text.js';
import { InvalidRequirementError } from './errors.js';
import {
  codePointOffset,
  MAX_PEP508_LENGTH,
  markerToString,
  normalizeExtraValues,
  spanOf,
} from './marker.js';
import { canonicalizeName } from './name.js';
import { parseRequirementTokens } from './parser.js';
import { SyntaxProblem } from './tokenizer.js';
import type { Requirement } from './types.js';

/**
 * Parses a PEP 508 requirement (packaging's `Requirement(text)`): name, extras, specifier or
 * `@ url`, marker. Throws {@link InvalidRequirementError} with packaging's reason and the column.
 *
 * @example
 * ```ts
 * const r = parseRequirement('Requests[socks] >=2.8.1, ==2.8.*; python_version < "2.7"');
 * r.normalizedName // 'requests'
 * requirementToString(r) // 'Requests[socks]==2.8.*,>=2.8.1; python_version < "2.7"'
 * ```
 */
export function parseRequirement(text: string): Requirement {
  if (text.length > MAX_PEP508_LENGTH)
    throw new InvalidRequirementError(text.slice(0, 80), `longer than ${MAX_PEP508_LENGTH} characters`, {
      start: 0,
      end: 0,
    });
  let parsed: ReturnType<typeof parseRequirementTokens>;
  try {
    parsed = parseRequirementTokens(text);
  } catch (e) {
    if (e instanceof SyntaxProblem) throw new InvalidRequirementError(text, e.reason, spanOf(text, e));
    throw e;
  }
  const extras = [...new Set(parsed.extras)].sort(cmpPyStr);
  let specifier: SpecifierSet;
  try {
    specifier = parseSpecifierSet(parsed.specifier);
  } catch (e) {
    // `===` swallows commas (`===1,>=x`), so a clause after it may still be invalid.
    if (!(e instanceof InvalidSpecifierError)) throw e;
    throw new InvalidRequirementError(text, `Invalid specifier: ${JSON.stringify(e.clause)}`, {
      start: 0,
      end: codePointOffset(text, text.length),
    });
  }
  return {
    name: parsed.name,
    normalizedName: canonicalizeName(parsed.name),
    extras,
    specifier,
    url: parsed.url === '' ? undefined : parsed.url,
    marker: parsed.marker === undefined ? undefined : { expression: normalizeExtraValues(parsed.marker) },
  };
}

/** Parses a requirement, or returns undefined when it is not valid. */
export function tryParseRequirement(text: string): Requirement | undefined {
  try {
    return parseRequirement(text);
  } catch (e) {
    if (e instanceof InvalidRequirementError) return undefined;
    throw e;
  }
}

/**
 * packaging's `str(Requirement)`: the name as written, sorted extras, the specifier set as
 * packaging prints it, ` @ url`, `; marker`.
 */
export function requirementToString(r: Requirement): string {
  let s = r.name;
  if (r.extras.length > 0) s += `[${r.extras.join(',')}]`;
  if (r.specifier.specifiers.length > 0) s += specifierSetToString(r.specifier);
  if (r.url !== undefined) {
    s += ` @ ${r.url}`;
    if (r.marker !== undefined) s += ' ';
  }
  if (r.marker !== undefined) s += `; ${markerToString(r.marker)}`;
  return s;
}
