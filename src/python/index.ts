// mochi-pkg/python: from `import python` declarations to pinned [[python-package]] lock entries.
export * as build from './build/index.js';
export * as importspec from './importspec/index.js';
export * as lockfile from './lockfile/index.js';
export * as pep440 from './pep440/index.js';
export * as pep508 from './pep508/index.js';
export * as registry from './registry/index.js';
export * as stubs from './stubs/index.js';
export * as typemap from './typemap/index.js';
export * as wrapper from './wrapper/index.js';
