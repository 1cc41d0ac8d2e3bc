// The parsed shapes of PEP 508 markers and requirements (packaging's MarkerList and Requirement).
import type { SpecifierSet } from '../pep440/index.js';

/** A marker comparison operator. */
export type MarkerOperator = '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>' | 'in' | 'not in';

/**
 * One side of a comparison: an environment variable (`python_version`; `os.name` is read as
 * `os_name`, `python_implementation` as `platform_python_implementation`) or a quoted string's value.
 */
export type MarkerOperand =
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'value'; readonly value: string };

/** `left op right`, e.g. `python_version >= "3.8"`. */
export interface MarkerComparison {
  readonly left: MarkerOperand;
  readonly op: MarkerOperator;
  readonly right: MarkerOperand;
}

/**
 * A marker expression as packaging keeps it: comparisons and parenthesised sub-lists joined by
 * `'and'` / `'or'` (`and` binds tighter at evaluation; the list is flat as written).
 */
export type MarkerList = readonly MarkerElement[];
export type MarkerElement = MarkerComparison | MarkerList | 'and' | 'or';

/** A parsed marker expression. */
export interface Marker {
  readonly expression: MarkerList;
}

/** A parsed PEP 508 requirement. */
export interface Requirement {
  /** The distribution name as written, e.g. `Typing_Extensions`. */
  readonly name: string;
  /** PEP 503-normalised name, e.g. `typing-extensions`. */
  readonly normalizedName: string;
  /** Extra names as written, distinct, sorted (as packaging prints them). */
  readonly extras: readonly string[];
  /** The version specifier; empty for a URL requirement or a bare name. */
  readonly specifier: SpecifierSet;
  /**
   * The URL of a direct reference (`name @ https://…`), undefined otherwise. Callers that only
   * resolve from an index refuse requirements that carry one.
   */
  readonly url: string | undefined;
  /** The environment marker after `;`, if any. */
  readonly marker: Marker | undefined;
}
