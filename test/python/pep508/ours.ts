// Our answers to a PEP 508 batch, in the oracle's JSON shape, so the two compare with one equality.
import { specifierSetToString, UnusableSpecifierError } from '../../../src/python/pep440/index.js';
import {
  evaluateMarker,
  InvalidMarkerError,
  InvalidRequirementError,
  type MarkerEnvironment,
  MarkerEvaluationError,
  markerToString,
  parseMarker,
  parseRequirement,
  requirementToString,
} from '../../../src/python/pep508/index.js';
import type { JsonEnvironment, MarkerAnswer, ParseAnswer, Refusal } from './oracle.js';

function guard<T>(f: () => T): T | 'error' {
  try {
    return f();
  } catch (e) {
    if (e instanceof UnusableSpecifierError) return 'error';
    throw e;
  }
}

function refusal(e: InvalidRequirementError | InvalidMarkerError): Refusal {
  if (e.reason.startsWith('Invalid string literal')) return { ok: false, kind: 'literal' };
  if (e.reason.startsWith('Invalid specifier')) return { ok: false, kind: 'specifier' };
  return { ok: false, kind: 'syntax', reason: e.reason, span: [e.span.start, e.span.end] };
}

export function ourRequirement(text: string): ParseAnswer {
  try {
    const r = parseRequirement(text);
    return {
      ok: true,
      name: r.name,
      normalized: r.normalizedName,
      url: r.url ?? null,
      extras: [...r.extras],
      specifier: guard(() => specifierSetToString(r.specifier)),
      marker: r.marker === undefined ? null : markerToString(r.marker),
      str: guard(() => requirementToString(r)),
    };
  } catch (e) {
    if (e instanceof InvalidRequirementError) return refusal(e);
    throw e;
  }
}

export function toEnvironment(e: JsonEnvironment): MarkerEnvironment {
  const env: Record<string, string | ReadonlySet<string>> = { ...e.strings };
  for (const [k, v] of Object.entries(e.sets ?? {})) env[k] = new Set(v);
  return env;
}

export function ourMarker(text: string, environments: readonly JsonEnvironment[]): MarkerAnswer {
  try {
    const m = parseMarker(text);
    return {
      ok: true,
      str: markerToString(m),
      evaluations: environments.map((e) => {
        try {
          return evaluateMarker(m, toEnvironment(e), { context: e.context });
        } catch (err) {
          if (err instanceof MarkerEvaluationError) return err.problem;
          if (err instanceof UnusableSpecifierError) return 'unusable-specifier';
          throw err;
        }
      }),
    };
  } catch (e) {
    if (e instanceof InvalidMarkerError) return refusal(e);
    throw e;
  }
}
