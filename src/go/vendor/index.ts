// `go mod vendor` (Go 1.19) from a known build list: modules.txt and the vendored files, planned purely and written atomically.
export { EmbedError, embedPatterns, matchElement, packageName, resolveEmbeds } from './embed.js';
export {
  type ModuleTree,
  planVendor,
  type VendorFile,
  type VendorInput,
  type VendorModule,
  type VendorPlan,
} from './plan.js';
export {
  type BuildListModule,
  recoverVendor,
  VendorError,
  type VendorOptions,
  type VendorResult,
  vendorMainModule,
} from './write.js';
