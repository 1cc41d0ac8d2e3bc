// The string inside `import python "<spec>" as <alias>`: sources, PEP 503 names, specifiers.
export { type ImportSpec, ImportSpecError, isValidName, normalizeName, parseImportSpec } from './parse.js';
