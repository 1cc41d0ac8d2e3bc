// The Go side of a Mochi program: the main module it implies, resolved as go mod tidy would, and its go.mod / go.sum.
export {
  type CacheBridgeIO,
  type CacheBridgeOptions,
  cacheBridgeIO,
  type GoModParser,
} from './io.js';
export { goModSummary } from './parse.js';
export { type BridgeGoMod, renderBridgeGoMod, renderGoSumLines, type SumLine } from './render.js';
export { type BridgeInput, type BridgeIO, type BridgeResolution, resolveBridge } from './resolve.js';
