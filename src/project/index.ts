// Finding a Mochi project's foreign imports in its *.mochi sources.
export { formatLocation, ProjectError, type ProjectErrorCode, type SourceLocation } from './errors.js';
export { type ForeignImport, type ForeignLanguage, findImports, uniqueImports } from './imports.js';
export { decodeString, type Token, type TokenKind, tokenize } from './lexer.js';
export { type ProjectScan, type ScanOptions, SKIPPED_DIRS, scanProject } from './scan.js';
