// Asks packaging (26, or pip's vendored 21.3) a table of small questions in one python3 process.

import { runPython } from '../../support/oracles.js';
import type { PackagingModule } from '../pep440/oracle.js';

/** One question; the answer is JSON (booleans, strings, lists, null for "invalid"). */
export type TableQuestion =
  | ['version', string]
  | ['spec_valid', string]
  | ['spec_prereleases', string]
  | ['contains', string, string, boolean | null]
  | ['filter', string, string[], boolean | null]
  | ['requirement', string]
  | ['marker', string]
  | ['evaluate', string, Record<string, string | string[]>, string];

const script = (mod: PackagingModule) => `
import json, sys, inspect, warnings
warnings.simplefilter("ignore")
from ${mod}.version import Version, InvalidVersion
from ${mod}.specifiers import Specifier, SpecifierSet, InvalidSpecifier
from ${mod}.requirements import Requirement, InvalidRequirement
from ${mod}.markers import Marker, InvalidMarker, UndefinedComparison
takes_context = "context" in inspect.signature(Marker.evaluate).parameters
def answer(q):
    k = q[0]
    try:
        if k == "version":
            return str(Version(q[1]))
        if k == "spec_valid":
            Specifier(q[1]); return True
        if k == "spec_prereleases":
            return Specifier(q[1]).prereleases
        if k == "contains":
            kw = {} if q[3] is None else {"prereleases": q[3]}
            return SpecifierSet(q[1]).contains(q[2], **kw)
        if k == "filter":
            kw = {} if q[3] is None else {"prereleases": q[3]}
            return list(SpecifierSet(q[1]).filter(q[2], **kw))
        if k == "requirement":
            return str(Requirement(q[1]))
        if k == "marker":
            return str(Marker(q[1]))
        if k == "evaluate":
            env = {a: (frozenset(b) if isinstance(b, list) else b) for a, b in q[2].items()}
            m = Marker(q[1])
            return m.evaluate(env, q[3]) if takes_context else m.evaluate(env)
    except UndefinedComparison:
        return "undefined-comparison"
    except (InvalidVersion, InvalidSpecifier, InvalidRequirement, InvalidMarker, SyntaxError, ValueError):
        return False if k == "spec_valid" else None
    except KeyError:
        return "undefined-environment-name"
    except AssertionError as e:
        return "invalid-comparison" if "must be a string" in str(e) else "error"
json.dump([answer(q) for q in json.load(sys.stdin)], sys.stdout)
`;

/** packaging's answers, in question order. */
export function askTable(questions: readonly TableQuestion[], mod: PackagingModule = 'packaging'): unknown[] {
  return JSON.parse(runPython(script(mod), [], JSON.stringify(questions))) as unknown[];
}
