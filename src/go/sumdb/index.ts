// The Go checksum database (golang.org/x/mod/sumdb): signed notes, the tlog, the client and GOSUMDB policy.
export {
  type ClientOptions,
  mismatchMessage,
  SumdbClient,
  type SumdbFetch,
  type SumdbState,
  type TileCache,
} from './client.js';
export { SumdbError, type SumdbErrorCode } from './errors.js';
export {
  fileSumdbFetch,
  fileSumdbState,
  fileTileCache,
  httpSumdbFetch,
  httpSumdbUpstream,
  urlStatusProbe,
  urlSumdbFetch,
} from './io.js';
export {
  generateKey,
  type Note,
  newSigner,
  newVerifier,
  openNote,
  type Signature,
  type Signer,
  SUM_GOLANG_ORG_KEY,
  signNote,
  type Verifier,
  type Verifiers,
  verifierList,
} from './note.js';
export {
  matchPrefixPatterns,
  parseGosumdb,
  type StatusProbe,
  type SumdbConfig,
  type SumdbEnv,
  sumdbBaseUrl,
  useSumdb,
} from './policy.js';
export * as tlog from './tlog.js';
export {
  type ModuleSums,
  type ModuleSumsOptions,
  openModuleSums,
  recordingSums,
  type SumdbVerdict,
  sumdbCacheDir,
  sumdbConfigDir,
  withKnownSums,
} from './verifier.js';
