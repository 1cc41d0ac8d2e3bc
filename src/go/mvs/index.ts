// The Go module graph and minimal version selection (cmd/go's mvs and modload graph rules); go.mod reads are injected.
export { ModuleGraph, minimalRequirements } from './graph.js';
export {
  type LoadedGraph,
  type LoadOptions,
  loadModuleGraph,
  type MainModule,
  type MainRequirement,
  type ModSummary,
  ModuleGraphError,
  type Pruning,
  pruningForGoVersion,
  type Replacement,
  renderBuildList,
  renderModGraph,
  type SummaryLoader,
} from './load.js';
export {
  cmpVersion,
  compareModuleVersions,
  type ModuleVersion,
  modKey,
  semverCompare,
  sortModuleVersions,
} from './version.js';
