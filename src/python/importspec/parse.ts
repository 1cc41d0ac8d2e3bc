// Parses the spec of `import python "<spec>"` (DESIGN.md §3) into its source and coordinates.
import { posix } from 'node:path';
import { MochiPkgError } from '../../errors.js';
import { isAbsoluteLocalPath } from '../../util/local-path.js';
import {
  InvalidSpecifierError,
  normalizeVersion,
  parseSpecifierSet,
  type SpecifierSet,
} from '../pep440/index.js';

/** A bad import spec; the message quotes the spec and says what is wrong. Code `importspec-invalid`. */
export class ImportSpecError extends MochiPkgError {
  /** The spec as given. */
  readonly spec: string;
  constructor(spec: string, problem: string, hint?: string) {
    super(
      'importspec-invalid',
      `import python ${JSON.stringify(spec)}: ${problem}`,
      hint === undefined ? {} : { hint },
    );
    this.spec = spec;
  }
}

interface SpecBase {
  /** The spec string as written. */
  readonly spec: string;
  /** The distribution name as written, e.g. `Typing_Extensions`. */
  readonly rawName: string;
  /** PEP 503-normalised name, e.g. `typing-extensions`. */
  readonly name: string;
}

/** What only imports resolved on an index carry: the extras of `name[extra,…]`. */
interface IndexBase {
  /**
   * The extras in brackets after the name, normalised (PEP 685), sorted and de-duplicated;
   * absent when there are none. They add the extras' requirements to the closure, as
   * `pip install 'name[extra]'` does; the wrapper is the distribution's own.
   */
  readonly extras?: readonly string[];
}

/**
 * A parsed import spec. `registry`: `name` or `name@<PEP 440 specifier>`; `git`:
 * `name@git+<url>[#rev]`; `path`: `name@path+<dir>`; `index`: `name@<id>+<url>` where `<url>` is an
 * http, https, ssh, git, file or ftp URL.
 */
export type ImportSpec =
  | (SpecBase &
      IndexBase & {
        readonly source: 'registry';
        /** The specifier as written (trimmed), absent for a bare name. */
        readonly specifier?: string;
        /**
         * The version when the specifier is exactly one `==V` clause without a wildcard (normalised,
         * as packaging prints it) or one `===V` clause (as written).
         */
        readonly pinnedVersion?: string;
      })
  | (SpecBase & IndexBase & { readonly source: 'index'; readonly indexId: string; readonly indexUrl: string })
  | (SpecBase & { readonly source: 'git'; readonly gitUrl: string; readonly gitRev?: string })
  | (SpecBase & { readonly source: 'path'; readonly localPath: string });

/** Longest spec accepted; specs are hand-written strings, so this only stops abuse. */
const MAX_SPEC_LENGTH = 4096;

// PEP 508 distribution names: ASCII letters and digits, with `.`, `_`, `-` inside.
const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const INDEX_ID_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const INDEX_URL_RE = /^(?:https?|ssh|git|file|ftp):\/\/\S+$/i;
// Any C0/C1 control character or whitespace inside a URL, path or rev is refused outright.
const CONTROL_OR_SPACE_RE = /[\s\u0000-\u001f\u007f-\u009f]/;

/** True when `name` is a valid PEP 508 distribution name. */
export function isValidName(name: string): boolean {
  return NAME_RE.test(name);
}

/**
 * PEP 503 normalisation: lower case, and every run of `-`, `_`, `.` becomes one `-`
 * (what `packaging.utils.canonicalize_name` does).
 *
 * @example
 * ```ts
 * normalizeName('Typing__Extensions') // 'typing-extensions'
 * ```
 */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The extras of `[a, b]` (PEP 508: names separated by commas, spaces allowed around them; `[]`
 * names none), normalised as packaging 26 and PEP 685 compare them, sorted, de-duplicated.
 */
function parseExtras(spec: string, text: string): string[] {
  const hint = 'write the extras as `name[extra]` or `name[extra1,extra2]`, e.g. `requests[socks]@>=2`';
  if (!text.endsWith(']') || text.indexOf(']') !== text.length - 1) {
    throw new ImportSpecError(spec, `${JSON.stringify(text)} is not a list of extras in brackets`, hint);
  }
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  const out = new Set<string>();
  for (const part of inner.split(',')) {
    const extra = part.trim();
    if (!isValidName(extra)) {
      throw new ImportSpecError(
        spec,
        `${JSON.stringify(extra)} is not a valid extra name (PEP 508: letters, digits, and . _ - inside)`,
        hint,
      );
    }
    out.add(normalizeName(extra));
  }
  return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isIndexUrl(s: string): boolean {
  if (!INDEX_URL_RE.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses the string of `import python "<spec>"`.
 *
 * @throws {ImportSpecError} with code `importspec-invalid` for a malformed spec.
 * @example
 * ```ts
 * parseImportSpec('httpx@==0.27.0') // { source: 'registry', name: 'httpx', specifier: '==0.27.0', pinnedVersion: '0.27.0', … }
 * parseImportSpec('mylib@path+./stubs/mylib') // { source: 'path', localPath: './stubs/mylib', … }
 * ```
 */
export function parseImportSpec(spec: string): ImportSpec {
  if (spec.length > MAX_SPEC_LENGTH)
    throw new ImportSpecError(spec.slice(0, 64), `longer than ${MAX_SPEC_LENGTH} characters`);
  const at = spec.indexOf('@');
  let rawName = at < 0 ? spec : spec.slice(0, at);
  if (rawName === '')
    throw new ImportSpecError(
      spec,
      'the distribution name is empty',
      'write it as `name` or `name@<specifier>`',
    );
  // `name[extra,…]`, PEP 508's extras: pip's `pip install 'name[extra]'`.
  const bracket = rawName.indexOf('[');
  let extras: readonly string[] | undefined;
  if (bracket >= 0) {
    extras = parseExtras(spec, rawName.slice(bracket));
    rawName = rawName.slice(0, bracket);
  }
  if (!isValidName(rawName)) {
    throw new ImportSpecError(
      spec,
      `${JSON.stringify(rawName)} is not a valid distribution name (PEP 508: letters, digits, and . _ - inside)`,
    );
  }
  const base = { spec, rawName, name: normalizeName(rawName) };
  const withExtras = extras === undefined || extras.length === 0 ? {} : { extras };
  const noExtras = (source: string) => {
    if (extras === undefined) return;
    throw new ImportSpecError(
      spec,
      `extras select requirements of a distribution on a package index; a ${source} import has none`,
      `leave out ${JSON.stringify(spec.slice(spec.indexOf('['), spec.indexOf(']') + 1))}`,
    );
  };
  if (at < 0) return { ...base, ...withExtras, source: 'registry' };
  const rest = spec.slice(at + 1);
  if (rest.trim() === '')
    throw new ImportSpecError(
      spec,
      'nothing after `@`',
      'give a PEP 440 specifier, `git+<url>`, `path+<dir>` or `<id>+<url>`',
    );

  if (rest.startsWith('git+')) {
    noExtras('git');
    const target = rest.slice(4);
    const hash = target.lastIndexOf('#');
    const gitUrl = hash < 0 ? target : target.slice(0, hash);
    const gitRev = hash < 0 ? undefined : target.slice(hash + 1);
    if (gitUrl === '' || CONTROL_OR_SPACE_RE.test(gitUrl)) {
      throw new ImportSpecError(spec, 'the git URL is empty or contains whitespace or control characters');
    }
    if (
      gitRev !== undefined &&
      (gitRev === '' || CONTROL_OR_SPACE_RE.test(gitRev) || gitRev.startsWith('-'))
    ) {
      throw new ImportSpecError(
        spec,
        'the git revision after `#` is empty, starts with `-`, or contains whitespace',
        'write `#<branch|tag|commit>` or leave it out',
      );
    }
    return gitRev === undefined
      ? { ...base, source: 'git', gitUrl }
      : { ...base, source: 'git', gitUrl, gitRev };
  }

  if (rest.startsWith('path+')) {
    noExtras('path');
    const localPath = rest.slice(5);
    if (localPath === '' || CONTROL_OR_SPACE_RE.test(localPath)) {
      throw new ImportSpecError(spec, 'the path is empty or contains whitespace or control characters');
    }
    // The lock records the path as written: an absolute one would tie it to one machine.
    if (isAbsoluteLocalPath(localPath)) {
      throw new ImportSpecError(
        spec,
        `the path ${JSON.stringify(localPath)} is absolute; mochi.lock must not depend on where the project lives`,
        'write the directory relative to the project root, e.g. `path+./stubs/mylib`',
      );
    }
    // `.` would make the project its own stub package and `/` the whole file system: both are mistakes.
    const normal = posix.normalize(localPath).replace(/\/+$/, '');
    if (normal === '' || normal === '.') {
      throw new ImportSpecError(
        spec,
        `the path ${JSON.stringify(localPath)} is the project or the file-system root`,
        'point at the stub directory itself, e.g. `path+./stubs/mylib`',
      );
    }
    return { ...base, source: 'path', localPath };
  }

  const plus = rest.indexOf('+');
  if (plus > 0 && isIndexUrl(rest.slice(plus + 1))) {
    const indexId = rest.slice(0, plus);
    if (!INDEX_ID_RE.test(indexId)) {
      throw new ImportSpecError(
        spec,
        `the index id ${JSON.stringify(indexId)} must be letters, digits and . _ - (e.g. \`internal+https://…\`)`,
      );
    }
    return { ...base, ...withExtras, source: 'index', indexId, indexUrl: rest.slice(plus + 1) };
  }

  const specifier = rest.trim();
  let set: SpecifierSet;
  try {
    set = parseSpecifierSet(specifier);
  } catch (e) {
    if (!(e instanceof InvalidSpecifierError)) throw e;
    throw new ImportSpecError(
      spec,
      e.message,
      'write a PEP 440 specifier such as `name@>=1.2,<2` or `name@==1.4.2`',
    );
  }
  // packaging accepts a clause-less set such as "," as "any version"; in an import that is a typo.
  if (set.specifiers.length === 0) throw new ImportSpecError(spec, 'the specifier has no version clause');
  const only = set.specifiers.length === 1 ? set.specifiers[0] : undefined;
  const pinnedVersion =
    only?.operator === '==='
      ? only.version
      : only?.operator === '==' && !only.version.endsWith('*')
        ? normalizeVersion(only.version)
        : undefined;
  return pinnedVersion === undefined
    ? { ...base, ...withExtras, source: 'registry', specifier }
    : { ...base, ...withExtras, source: 'registry', specifier, pinnedVersion };
}
