// mochi-pkg/go: the Go module layer. Each namespace mirrors one golang.org/x/mod or cmd/go piece.
export * as cache from './cache/index.js';
export * as dirhash from './dirhash/index.js';
export * as lockfile from './lockfile/index.js';
export * as modfile from './modfile/index.js';
export * as module from './module/index.js';
export * as modzip from './modzip/index.js';
export * as proxy from './proxy/index.js';
export * as semver from './semver/index.js';
export * as sumdb from './sumdb/index.js';
