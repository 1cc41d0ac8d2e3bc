// The PEP 440 reference: packaging 26 (or pip's vendored 21.3), one python3 process per batch over JSON.
import { runPython } from '../../support/oracles.js';

/** One batch of questions for packaging; indices point into `versions` and `specs`. */
export interface Pep440Batch {
  versions: string[];
  specs: string[];
  /** [version index, spec index]: SpecifierSet(spec).contains(version). */
  contains: [number, number][];
  /** [version index, version index]: ordering of two valid versions. */
  order: [number, number][];
  /** spec indices: list(SpecifierSet(spec).filter(all versions)). */
  filter: number[];
}

/** An answer that raised (packaging fails on some clauses it accepts, e.g. `~=1.0poſt1`). */
export const ERROR = 'error';

/** packaging's answers to a {@link Pep440Batch}. */
export interface Pep440Answers {
  /** str(Version(v)) or null when invalid; canonicalize_version(v). */
  versions: { norm: string | null; canon: string }[];
  /** str(SpecifierSet(spec)), null when invalid, ERROR when str() raised. */
  specs: (string | null)[];
  /** SpecifierSet(spec).prereleases for valid sets. */
  prereleases: (boolean | null)[];
  contains: (boolean | null | typeof ERROR)[];
  order: (number | null)[];
  filter: (string[] | null | typeof ERROR)[];
}

/** Which packaging answers: the installed release (26) or the one pip 23 vendors (21.3). */
export type PackagingModule = 'packaging' | 'pip._vendor.packaging';

const script = (mod: PackagingModule) => `
import json, sys, warnings
warnings.simplefilter("ignore")
from ${mod}.version import Version, InvalidVersion
from ${mod}.specifiers import Specifier, SpecifierSet, InvalidSpecifier
from ${mod}.utils import canonicalize_version
q = json.load(sys.stdin)
vs = []
for v in q["versions"]:
    try:
        vs.append(Version(v))
    except InvalidVersion:
        vs.append(None)
def valid(s):
    for c in s.split(","):
        c = c.strip()
        if not c:
            continue
        try:
            Specifier(c)
        except InvalidSpecifier:
            return False
    return True
sets = [SpecifierSet(s) if valid(s) else None for s in q["specs"]]
def guard(f):
    try:
        return f()
    except AssertionError:
        return "error"
out = {
    "versions": [{"norm": None if p is None else str(p), "canon": canonicalize_version(v)} for v, p in zip(q["versions"], vs)],
    "specs": [None if s is None else guard(lambda: str(s)) for s in sets],
    "prereleases": [None if s is None else s.prereleases for s in sets],
    "contains": [None if sets[s] is None else guard(lambda: sets[s].contains(q["versions"][v])) for v, s in q["contains"]],
    "order": [None if vs[a] is None or vs[b] is None else (vs[a] > vs[b]) - (vs[a] < vs[b]) for a, b in q["order"]],
    "filter": [None if sets[s] is None else guard(lambda: list(sets[s].filter(q["versions"]))) for s in q["filter"]],
}
json.dump(out, sys.stdout)
`;

/** Asks packaging; one python3 process for the whole batch. */
export function askPackaging(batch: Pep440Batch, mod: PackagingModule = 'packaging'): Pep440Answers {
  return JSON.parse(runPython(script(mod), [], JSON.stringify(batch))) as Pep440Answers;
}
