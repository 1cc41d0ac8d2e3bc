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
  | ['marker_valid', string]
  | ['evaluate', string, Record<string, string | string[]>, string]
  | ['version_info', string]
  | ['version_cmp', string, string]
  | ['spec_str', string]
  | ['set_str', string]
  | ['contains_installed', string, string, boolean | null, boolean | null]
  | ['canonicalize_name', string]
  | ['is_normalized_name', string]
  | ['canonicalize_version', string, boolean]
  | ['wheel_filename', string]
  | ['sdist_version', string, string];

const script = (mod: PackagingModule) => `
import json, sys, inspect, warnings
warnings.simplefilter("ignore")
from ${mod}.version import Version, InvalidVersion
from ${mod}.specifiers import Specifier, SpecifierSet, InvalidSpecifier
from ${mod}.requirements import Requirement, InvalidRequirement
from ${mod}.markers import Marker, InvalidMarker, UndefinedComparison
from ${mod} import utils
takes_installed = "installed" in inspect.signature(SpecifierSet.contains).parameters
def numbers(v):
    return [str(x) for x in v]
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
        if k == "marker_valid":
            Marker(q[1]); return True
        if k == "evaluate":
            env = {a: (frozenset(b) if isinstance(b, list) else b) for a, b in q[2].items()}
            m = Marker(q[1])
            return m.evaluate(env, q[3]) if takes_context else m.evaluate(env)
        if k == "version_info":
            v = Version(q[1])
            return [str(v), str(v.epoch), numbers(v.release), None if v.pre is None else [v.pre[0], str(v.pre[1])],
                    None if v.post is None else str(v.post), None if v.dev is None else str(v.dev), v.local,
                    v.public, v.base_version, v.is_prerelease, v.is_postrelease, v.is_devrelease]
        if k == "version_cmp":
            a, b = Version(q[1]), Version(q[2])
            return (a > b) - (a < b)
        if k == "spec_str":
            return str(Specifier(q[1]))
        if k == "set_str":
            return str(SpecifierSet(q[1]))
        if k == "contains_installed":
            kw = {} if q[3] is None else {"prereleases": q[3]}
            if q[4] is not None and takes_installed: kw["installed"] = q[4]
            return SpecifierSet(q[1]).contains(q[2], **kw)
        if k == "canonicalize_name":
            return utils.canonicalize_name(q[1])
        if k == "is_normalized_name":
            return utils.is_normalized_name(q[1])
        if k == "canonicalize_version":
            return utils.canonicalize_version(q[1], strip_trailing_zero=q[2])
        if k == "wheel_filename":
            name, ver, build, tags = utils.parse_wheel_filename(q[1])
            return [name, str(ver), list(build) if build else None, sorted(str(t) for t in tags)]
        if k == "sdist_version":
            name, ver = utils.parse_sdist_filename(q[1])
            stem = q[1][: -len(".tar.gz")] if q[1].endswith(".tar.gz") else q[1][: -len(".zip")]
            return stem.rpartition("-")[2] if name == q[2] else None
    except UndefinedComparison:
        return "undefined-comparison"
    except (InvalidVersion, InvalidSpecifier, InvalidRequirement, InvalidMarker, utils.InvalidWheelFilename, utils.InvalidSdistFilename, SyntaxError, ValueError):
        return False if k in ("spec_valid", "marker_valid") else None
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
