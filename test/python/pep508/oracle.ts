// The PEP 508 reference: packaging 26 (or pip's vendored 21.3), one python3 process per batch over JSON.

import { runPython } from '../../support/oracles.js';
import type { PackagingModule } from '../pep440/oracle.js';

/** A marker environment as JSON: sets are arrays under `sets`. */
export interface JsonEnvironment {
  readonly strings: Record<string, string>;
  readonly sets?: Record<string, string[]>;
  readonly context: 'metadata' | 'lock_file' | 'requirement';
}

export interface Pep508Batch {
  requirements: string[];
  markers: string[];
  environments: JsonEnvironment[];
}

/** A parse outcome: accepted with its parts, or refused with packaging's reason and span. */
export type ParseAnswer =
  | {
      ok: true;
      name: string;
      normalized: string;
      url: string | null;
      extras: string[];
      specifier: string;
      marker: string | null;
      str: string;
    }
  | Refusal;

/** Refused: packaging's syntax error (reason, span), a bad string literal, or a bad clause after `===`. */
export type Refusal =
  | { ok: false; kind: 'syntax'; reason: string; span: [number, number] }
  | { ok: false; kind: 'literal' }
  | { ok: false; kind: 'specifier' };

export type MarkerAnswer = { ok: true; str: string; evaluations: (boolean | string)[] } | Refusal;

export interface Pep508Answers {
  requirements: ParseAnswer[];
  markers: MarkerAnswer[];
}

const script = (mod: PackagingModule) => `
import json, sys, warnings
warnings.simplefilter("ignore")
from ${mod}.requirements import Requirement, InvalidRequirement
from ${mod}.markers import Marker, InvalidMarker, UndefinedComparison
from ${mod}.utils import canonicalize_name
from ${mod}.specifiers import InvalidSpecifier
q = json.load(sys.stdin)
def guard(f):
    try:
        return f()
    except AssertionError:
        return "error"
def refusal(e):
    if isinstance(e, InvalidSpecifier):
        return {"ok": False, "kind": "specifier"}
    c = e.__cause__
    if isinstance(e, (InvalidRequirement, InvalidMarker)) and c is not None and hasattr(c, "span"):
        return {"ok": False, "kind": "syntax", "reason": c.message, "span": list(c.span)}
    return {"ok": False, "kind": "literal"}
def req(s):
    try:
        r = Requirement(s)
    except (InvalidRequirement, SyntaxError, ValueError, UnicodeError) as e:
        return refusal(e)
    return {"ok": True, "name": r.name, "normalized": canonicalize_name(r.name), "url": r.url,
            "extras": sorted(r.extras), "specifier": guard(lambda: str(r.specifier)),
            "marker": None if r.marker is None else str(r.marker), "str": guard(lambda: str(r))}
envs = []
for e in q["environments"]:
    env = dict(e["strings"])
    for k, v in (e.get("sets") or {}).items():
        env[k] = frozenset(v)
    envs.append((env, e["context"]))
import inspect
takes_context = "context" in inspect.signature(Marker.evaluate).parameters
def evaluate(m, env, context):
    try:
        return m.evaluate(env, context) if takes_context else m.evaluate(env)
    except KeyError:
        return "undefined-environment-name"
    except UndefinedComparison:
        return "undefined-comparison"
    except AssertionError as e:
        return "invalid-comparison" if "must be a string" in str(e) else "unusable-specifier"
def marker(s):
    try:
        m = Marker(s)
    except (InvalidMarker, SyntaxError, ValueError, UnicodeError) as e:
        return refusal(e)
    return {"ok": True, "str": str(m), "evaluations": [evaluate(m, env, c) for env, c in envs]}
json.dump({"requirements": [req(s) for s in q["requirements"]], "markers": [marker(s) for s in q["markers"]]}, sys.stdout)
`;

/** Asks packaging; one python3 process for the whole batch. */
export function askPackaging508(batch: Pep508Batch, mod: PackagingModule = 'packaging'): Pep508Answers {
  return JSON.parse(runPython(script(mod), [], JSON.stringify(batch))) as Pep508Answers;
}
