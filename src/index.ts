// Shared surface of mochi-pkg: the error base, the package version, and project import discovery.
export { type ErrorOptions, isMochiPkgError, MochiPkgError, redactUrls } from './errors.js';
export * as project from './project/index.js';
export { VERSION } from './version.js';
