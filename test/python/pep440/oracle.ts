// The PEP 440 reference: pip's vendored packaging, driven in one python3 process per batch over JSON.
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

/** packaging's answers to a {@link Pep440Batch}. */
export interface Pep440Answers {
  /** str(Version(v)) or null when invalid; canonicalize_version(v). */
  versions: { norm: string | null; canon: string }[];
  /** True when every non-empty clause is a valid packaging `Specifier`. */
  specs: boolean[];
  contains: (boolean | null)[];
  order: (number | null)[];
  filter: (string[] | null)[];
}

const SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
from pip._vendor.packaging.version import Version, InvalidVersion
from pip._vendor.packaging.specifiers import Specifier, SpecifierSet, InvalidSpecifier
from pip._vendor.packaging.utils import canonicalize_version
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
specs = [valid(s) for s in q["specs"]]
sets = [SpecifierSet(s) if ok else None for s, ok in zip(q["specs"], specs)]
out = {
    "versions": [{"norm": None if p is None else str(p), "canon": canonicalize_version(v)} for v, p in zip(q["versions"], vs)],
    "specs": specs,
    "contains": [None if sets[s] is None else sets[s].contains(q["versions"][v]) for v, s in q["contains"]],
    "order": [None if vs[a] is None or vs[b] is None else (vs[a] > vs[b]) - (vs[a] < vs[b]) for a, b in q["order"]],
    "filter": [None if sets[s] is None else list(sets[s].filter(q["versions"])) for s in q["filter"]],
}
json.dump(out, sys.stdout)
`;

/** Asks packaging; one python3 process for the whole batch. */
export function askPackaging(batch: Pep440Batch): Pep440Answers {
  return JSON.parse(runPython(SCRIPT, [], JSON.stringify(batch))) as Pep440Answers;
}
