// Shared surface of mochi-pkg: the error base, the package version, and project import discovery.
export { ERROR_CODES, type ErrorCode, type ExitClass } from './errorCodes.js';
export { type ErrorOptions, isMochiPkgError, MochiPkgError, redactUrls } from './errors.js';
export * as project from './project/index.js';
export { VERSION } from './version.js';
