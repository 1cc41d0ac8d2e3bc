// PEP 508 dependency specifiers — requirements, markers, evaluation — in agreement with packaging 26.
export {
  InvalidMarkerError,
  InvalidRequirementError,
  MarkerEvaluationError,
  type MarkerEvaluationProblem,
  type Span,
} from './errors.js';
export {
  defaultEnvironment,
  type EvaluateContext,
  type EvaluateOptions,
  evaluateMarker,
  MAX_PEP508_LENGTH,
  type MarkerEnvironment,
  markerToString,
  parseMarker,
  type TargetEnvironment,
  tryParseMarker,
} from './marker.js';
export { canonicalizeName } from './name.js';
export { MAX_MARKER_DEPTH } from './parser.js';
export { parseRequirement, requirementToString, tryParseRequirement } from './requirement.js';
export type {
  Marker,
  MarkerComparison,
  MarkerElement,
  MarkerList,
  MarkerOperand,
  MarkerOperator,
  Requirement,
} from './types.js';
