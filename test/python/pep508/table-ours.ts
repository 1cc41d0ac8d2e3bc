// Our answers to the questions of table-oracle.ts, in the same JSON shape.

import { isValidName, normalizeName } from '../../../src/python/importspec/index.js';
import {
  baseVersion,
  canonicalizeVersion,
  compareVersions,
  contains,
  filterVersions,
  isPrerelease,
  parseSpecifierSet,
  publicVersion,
  specifierSetToString,
  specifierToString,
  tryParseSpecifier,
  tryParseVersion,
  UnusableSpecifierError,
} from '../../../src/python/pep440/index.js';
import {
  canonicalizeName,
  evaluateMarker,
  InvalidMarkerError,
  InvalidRequirementError,
  MarkerEvaluationError,
  markerToString,
  parseMarker,
  parseRequirement,
  requirementToString,
  tryParseMarker,
} from '../../../src/python/pep508/index.js';
import { parseWheelName, sdistVersion } from '../../../src/python/registry/index.js';
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
      case 'marker_valid':
        return tryParseMarker(q[1]) !== undefined;
      case 'version_info': {
        const v = tryParseVersion(q[1]);
        if (v === undefined) return null;
        return [
          v.text,
          v.epoch,
          v.release,
          v.pre === undefined ? null : [v.pre.letter, v.pre.number],
          v.post?.number ?? null,
          v.dev ?? null,
          v.local?.join('.') ?? null,
          publicVersion(v).text,
          baseVersion(v).text,
          isPrerelease(v),
          v.post !== undefined,
          v.dev !== undefined,
        ];
      }
      case 'version_cmp': {
        const a = tryParseVersion(q[1]);
        const b = tryParseVersion(q[2]);
        return a === undefined || b === undefined ? null : compareVersions(a, b);
      }
      case 'spec_str': {
        const s = tryParseSpecifier(q[1]);
        return s === undefined ? null : specifierToString(s);
      }
      case 'set_str':
        return specifierSetToString(parseSpecifierSet(q[1]));
      case 'contains_installed':
        return contains(q[1], q[2], { ...options(q[3]), ...(q[4] === null ? {} : { installed: q[4] }) });
      case 'canonicalize_name':
        return canonicalizeName(q[1]);
      case 'is_normalized_name':
        // The rule the lock's reader applies to `name` (a valid name, already normalised).
        return isValidName(q[1]) && normalizeName(q[1]) === q[1];
      case 'canonicalize_version':
        return q[2] ? canonicalizeVersion(q[1]) : (tryParseVersion(q[1])?.text ?? q[1]);
      case 'wheel_filename': {
        const w = parseWheelName(q[1]);
        if (w === undefined) return null;
        return [w.name, tryParseVersion(w.version)!.text, w.build ?? null, [...new Set(w.tags)].sort()];
      }
      case 'sdist_version':
        return sdistVersion(q[1], q[2]) ?? null;
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
