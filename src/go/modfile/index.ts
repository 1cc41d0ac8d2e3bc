// go.mod files as golang.org/x/mod/modfile reads and writes them: Parse, ParseLax, Format.
export { formatIssue, type GoModIssue, GoModParseError } from './errors.js';
export { format } from './print.js';
export { MAX_GOMOD_BYTES, parseSyntax } from './read.js';
export {
  autoQuote,
  type Exclude,
  GO_VERSION_RE,
  type GoStmt,
  isDirectoryPath,
  isIndirect,
  type ModFile,
  type ModuleStmt,
  type ModuleVersion,
  modulePath,
  mustQuote,
  parse,
  parseLax,
  type Replace,
  type Require,
  type Retract,
  type VersionFixer,
} from './rule.js';
export type {
  Comment,
  CommentBlock,
  Comments,
  FileSyntax,
  Line,
  LineBlock,
  Position,
  Stmt,
} from './syntax.js';
