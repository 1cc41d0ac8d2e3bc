// Our answers to the questions of table-oracle.ts, in the same JSON shape.
import {
  contains,
  filterVersions,
  tryParseSpecifier,
  tryParseVersion,
  UnusableSpecifierError,
} from '../../../src/python/pep440/index.js';
import {
  evaluateMarker,
  InvalidMarkerError,
  InvalidRequirementError,
  MarkerEvaluationError,
  markerToString,
  parseMarker,
  parseRequirement,
  requirementToString,
} from '../../../src/python/pep508/index.js';
import type { TableQuestion } from './table-oracle.js';

function options(pre: boolean | null) {
  return pre === null ? {} : { prereleases: pre };
}

export function ourAnswer(q: TableQuestion): unknown {
  try {
    switch (q[0]) {
      case 'version':
        return tryParseVersion(q[1])?.text ?? null;
      case 'spec_valid':
        return tryParseSpecifier(q[1]) !== undefined;
      case 'spec_prereleases': {
        const s = tryParseSpecifier(q[1]);
        return s === undefined ? null : (s.prereleases ?? null);
      }
      case 'contains':
        return contains(q[1], q[2], options(q[3]));
      case 'filter':
        return filterVersions(q[1], q[2], options(q[3]));
      case 'requirement':
        return requirementToString(parseRequirement(q[1]));
      case 'marker':
        return markerToString(parseMarker(q[1]));
      case 'evaluate': {
        const env: Record<string, string | ReadonlySet<string>> = {};
        for (const [k, v] of Object.entries(q[2])) env[k] = typeof v === 'string' ? v : new Set(v);
        return evaluateMarker(parseMarker(q[1]), env, { context: q[3] as 'metadata' });
      }
    }
  } catch (e) {
    if (e instanceof InvalidRequirementError || e instanceof InvalidMarkerError) return null;
    if (e instanceof MarkerEvaluationError) return e.problem;
    if (e instanceof UnusableSpecifierError) return 'error';
    if (e instanceof Error && e.name === 'InvalidSpecifierError') return null;
    throw e;
  }
}
