// Finding a Mochi project's foreign imports in its *.mochi sources, and turning them into mochi.lock.
export {
  formatLocation,
  LockMissingError,
  ProjectError,
  type ProjectErrorCode,
  type SourceLocation,
} from './errors.js';
export { fetchGitStubTree, type GitStubTree } from './git.js';
export { goProxyList, lazyGoSource, openGoSource } from './goSource.js';
export { type ForeignImport, type ForeignLanguage, findImports, uniqueImports } from './imports.js';
export { decodeString, type Token, type TokenKind, tokenize } from './lexer.js';
export {
  absoluteIndexUrl,
  type BuildFn,
  defaultCacheDir,
  type GoPlanOptions,
  LOCK_FILE,
  type LockPlan,
  loadPythonBuild,
  type PlannedTarget,
  type PlanOptions,
  type PythonBuildOptions,
  planLock,
  projectIndexUrl,
  readLock,
  writeLockIfChanged,
} from './lock.js';
export {
  compareLocks,
  formatLockDiff,
  type Lock,
  type LockDiffEntry,
  parseLock,
  renderLock,
} from './lockdoc.js';
export {
  type CheckLockResult,
  checkLock,
  type LockEvent,
  type LockProjectOptions,
  type LockProjectResult,
  type LockSettings,
  type LockTotals,
  lockProject,
} from './lockProject.js';
export {
  metadataVersion,
  type ProviderSpec,
  type ResolvedStubs,
  resolveStubs,
  type StubContext,
  type StubProvider,
  typeshedProvider,
} from './provider.js';
export { type RegistryProviderOptions, registryProvider } from './registryProvider.js';
export { type ProjectScan, type ScanOptions, SKIPPED_DIRS, scanProject } from './scan.js';
export {
  importNameOf,
  isStubPath,
  readStubTree,
  StubSourceError,
  type StubSourceErrorCode,
  type StubTreeLimits,
  selectStubPackage,
} from './stubs.js';
export {
  type Interpreter,
  probePython,
  type SyncEvent,
  type SyncResult,
  type SyncSettings,
  syncProject,
  wantedFor,
} from './syncProject.js';
export {
  checkWrapperFolders,
  WRAP_DIR,
  type WrapperFileProblem,
  type WrapperFolder,
  type WrapperWriteResult,
  writeWrapperFolders,
} from './wrapfiles.js';
