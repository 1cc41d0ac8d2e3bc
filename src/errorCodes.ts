// Every error code mochi-pkg can report, once: its exit class and what it means. docs/errors.md is generated from this table.

/**
 * How a command ends when an error of a code stops it:
 * - `usage`: bad usage or unusable input (a flag, a file that cannot be read or parsed) — exit 2;
 * - `problem`: the command ran and found a problem (drift, corruption, a failed fetch) — exit 1;
 * - `internal`: a bug in mochi-pkg — exit 3.
 */
export type ExitClass = 'usage' | 'problem' | 'internal';

/** The process exit status of each {@link ExitClass}. */
export const EXIT_STATUS: Readonly<Record<ExitClass, number>> = { problem: 1, usage: 2, internal: 3 };

/** One row of {@link ERROR_CODES}. */
export interface ErrorCodeInfo {
  readonly exit: ExitClass;
  /** One line: what went wrong. */
  readonly meaning: string;
}

const usage = (meaning: string): ErrorCodeInfo => ({ exit: 'usage', meaning });
const problem = (meaning: string): ErrorCodeInfo => ({ exit: 'problem', meaning });

/**
 * Every stable error code (kebab-case, prefixed by its area), in the order docs/errors.md lists
 * them. Codes are public API: scripts match on them, so a code is renamed only with a release note.
 */
export const ERROR_CODES = {
  // command line
  usage: usage('the command line is wrong: unknown command or flag, missing or extra argument'),
  internal: { exit: 'internal', meaning: 'an unexpected failure inside mochi-pkg (please report it)' },
  'lock-missing': usage('`lock --check` found no mochi.lock to check'),
  'settings-invalid': usage(
    'mochi.toml is not TOML, or has an unknown table or key, or a value of the wrong type',
  ),

  // Mochi project sources
  'project-syntax': usage('a .mochi file cannot be read: unterminated string or comment'),
  'project-import': usage('a malformed foreign import, or one alias bound to two specs'),
  'project-too-large': usage('a source file or the whole project exceeds the scan caps'),
  'project-not-found': usage('the project root or a source file does not exist'),
  'project-unreadable': usage('a source file or folder cannot be read (permissions, a FIFO, a device)'),
  'path-absolute': usage('a `path+` directory is written as an absolute path'),
  'path-outside-project': usage(
    'a `path+` directory lies outside the project (after `..` and links) without --allow-outside-project',
  ),

  // files the tool reads or writes
  'file-not-regular': usage('a file to read is a directory, FIFO, socket or device, not a regular file'),
  'file-unreadable': usage('a file to read cannot be opened (permissions, a symbolic-link loop, I/O)'),
  'file-too-large': usage('a file to read holds more bytes than its cap (checked while reading)'),
  'file-write': problem('a file cannot be written: disk full, read-only, permissions, something in the way'),

  // mochi.lock
  'lockfile-syntax': usage('mochi.lock is not TOML, or not UTF-8'),
  'lockfile-conflict': usage('mochi.lock holds git merge conflict markers'),
  'lockfile-too-large': usage('mochi.lock exceeds the size cap (32 MiB)'),
  'lockfile-schema-version': usage('`schema-version` is missing or not one this build reads'),
  'lockfile-invalid-entry': usage(
    'a lock table lacks a required key, holds an unknown key, a wrong type or an unknown source',
  ),
  'lockfile-duplicate-entry': usage('two lock entries share a key (`<name>:<alias>`, a module, or an alias)'),
  'lockfile-build-mismatch': problem('a build result does not answer the request it was made for'),
  'lockfile-drift': problem('mochi.lock is out of date with the imports'),
  'lock-upgrade-invalid': usage('an `--upgrade-package` value is not `<name>` or `<name>@<version>`'),
  'lock-upgrade-unknown': usage(
    '`--upgrade-package` names a Go module or Python distribution not in mochi.lock',
  ),
  'lock-upgrade-unsatisfiable': usage(
    'the version `--upgrade-package` asks for is not one the imports allow (or the source does not have it)',
  ),

  // Go: semantic versions, module paths, h1: hashes
  'semver-invalid': problem('a string is not a Go semantic version'),
  'semver-too-long': problem('a version string is longer than the cap'),
  'semver-list-too-long': problem('a version list is longer than the cap'),
  'module-path-invalid': problem('a module, import or file path breaks the module path rules'),
  'module-version-invalid': problem('a version cannot be used with the module (not canonical, wrong major)'),
  'module-escaped-invalid': problem('an escaped path or version (`!x`) cannot be decoded'),
  'dirhash-bad-name': problem('a file name with a newline or without a UTF-8 form cannot be hashed'),
  'dirhash-prefix': problem('a module zip entry lies outside `module@version/`'),
  'dirhash-not-digest': problem('a string is not an `h1:` digest'),

  // zip archives (module zips and wheels)
  'zip-not-zip': usage('the input is not a valid zip file (no end of central directory)'),
  'zip-corrupt': problem('the zip structure is broken or lies (signatures, offsets, truncated data)'),
  'zip-overlap': problem('two zip entries, or an entry and the central directory, share bytes'),
  'zip-unsupported': problem(
    'encryption, multi-disk archives or a compression method other than store/deflate',
  ),
  'zip-checksum': problem("a zip entry's CRC-32 does not match its content"),
  'zip-size-mismatch': problem('a zip entry inflates to another size than it declares'),
  'zip-too-large': problem('a zip exceeds a size cap (file, uncompressed total, central directory)'),
  'zip-duplicate': problem('two zip entries have the same name'),
  'zip-bad-name': problem('a zip entry name is unsafe (NUL, backslash, absolute, `.`/`..`, not UTF-8)'),
  'zip-invalid': problem('the files break module zip rules; the error lists each file with its reason'),
  'zip-bad-module': usage('the module path or version given for a zip is not valid or not canonical'),
  'zip-target-not-empty': usage('the extraction target exists and is not an empty directory'),
  'zip-target-invalid': usage('the extraction target is a symbolic link, or lies under a file'),
  'zip-io': usage('reading the zip or writing the output failed'),

  // Go module proxy and cache
  'module-not-found': problem('the module proxy does not know the module'),
  'version-not-found': problem('the module proxy does not have the version'),
  'proxy-http': problem('the module proxy answered an unexpected HTTP status'),
  'proxy-network': problem('the module proxy could not be reached'),
  'proxy-timeout': problem('the module proxy did not answer in time'),
  'proxy-redirects': problem('the module proxy redirected too often, or off http(s)'),
  'proxy-too-large': problem('a proxy answer exceeds its size cap'),
  'proxy-truncated': problem('a proxy answer ended before its declared length'),
  'proxy-bad-response': problem('a proxy answer is malformed or does not match the request'),
  'proxy-config': usage('GOPROXY (or --go-proxy) is not a list of http(s) or file URLs'),
  'proxy-off': problem(
    'module downloads are disabled (GOPROXY=off, or --offline) and the module is not cached',
  ),
  'proxy-direct': problem('GOPROXY lists `direct`, which mochi-pkg does not support, and no proxy answered'),
  'cache-corrupt': problem('a module cache entry does not match its recorded hash, or is unreadable'),
  'cache-conflict': problem('the proxy serves other bytes for a version already in the cache'),

  // Go imports and [[go-package]]
  'go-importspec-invalid': usage('an `import go` string is not a usable spec'),
  'go-import-conflict': usage('two `import go` declarations ask for incompatible versions of one module'),
  'go-query-unresolved': problem('no version of the module answers the query'),
  'go-query-no-match': problem("no version matches a module query, in cmd/go's words"),
  'go-query-invalid': usage('a module query is malformed (a range with a bad or ambiguous version)'),
  'gomod-parse': problem(
    'a go.mod file does not parse (x/mod modfile rules); the message gives file:line:col',
  ),
  'go-path-module': usage('a directory imported as a Go module is missing or has no usable go.mod'),
  'go-checksum-mismatch': problem('a locked h1: hash differs from what the module source serves (security)'),
  // Go module graph and packages
  'go-graph-load': problem(
    'a go.mod of the module graph could not be fetched or parsed (the message names the requirement chain)',
  ),
  'go-graph-module-path': problem(
    'a go.mod of the module graph declares another module path than the one required',
  ),
  'go-graph-missing-module': problem('a go.mod of the module graph has no module line'),
  'go-import-ambiguous': usage(
    'several modules of the build list (or of the path prefixes) provide the imported Go package',
  ),
  'go-import-missing': usage(
    'no module provides an imported Go package, or the named module does not contain it',
  ),
  'go-import-not-std': usage('a Go import path that can only be standard is not in the standard library'),
  'go-import-main': usage('an imported Go package is a program (`package main`), which Go cannot import'),
  'go-import-no-go-files': problem('an imported Go package directory has no buildable Go files'),

  // Go checksum database (GOSUMDB)
  'sumdb-config': usage('GOSUMDB is not `off`, a known name, a key, or a key and a URL'),
  'sumdb-key-invalid': usage('a checksum database verifier key is not `<name>+<hash>+<Ed25519 key>`'),
  'sumdb-note-malformed': problem('a signed note (the latest tree) is not in the note format'),
  'sumdb-unknown-key': problem('a signed note has no signature by a known checksum database key'),
  'sumdb-bad-signature': problem('a signed note carries a signature that does not verify (security)'),
  'sumdb-malformed': problem(
    'a tree head, tile, lookup record or proof from the checksum database is malformed',
  ),
  'sumdb-security': problem(
    'the checksum database disagrees with itself or with a download: SECURITY ERROR, nothing is accepted',
  ),
  'sumdb-http': problem('the checksum database could not be reached or answered an unexpected status'),
  'sumdb-timeout': problem('the checksum database stopped answering: no data within the request timeout'),
  'sumdb-locked': problem(
    "another process held the checksum database state file's lock for longer than the wait allows",
  ),

  // mochi-pkg serve
  'serve-config': usage('a `serve` flag or setting cannot work: storage, listen address, upstream, limits'),
  'serve-storage': problem('the store behind `serve` refused or failed an operation'),
  'serve-verify': problem(
    'an upstream artifact failed its hash, checksum-database or size check; it was neither stored nor served',
  ),

  // Python import specs, versions, stubs
  'importspec-invalid': usage('an `import python` spec is malformed'),
  'pep440-invalid-version': problem('a string is not a PEP 440 version'),
  'pep440-invalid-specifier': problem('a string is not a PEP 440 version specifier'),
  'pep440-unusable-specifier': problem(
    'a `~=` clause packaging accepts but cannot compare with (non-ASCII letters)',
  ),
  'pep508-invalid-requirement': problem('a string is not a PEP 508 requirement'),
  'pep508-invalid-marker': problem('a string is not a PEP 508 environment marker'),
  'pep508-undefined-environment-name': problem(
    'a marker names a variable the target environment does not define',
  ),
  'pep508-undefined-comparison': problem(
    'a marker compares strings with a version-only operator (`~=`, `===`)',
  ),
  'pep508-invalid-comparison': problem(
    'a marker puts a set-valued variable (`extras`) on the left of a comparison',
  ),
  'pep508-invalid-target': usage('a Python version or platform tag for a marker environment cannot be read'),
  'stub-syntax': usage('a stub file is not valid Python'),
  'stub-encoding': usage('a stub file is not UTF-8, or contains NUL'),
  'stub-too-large': usage('a stub file exceeds the size cap (4 MiB)'),
  'stub-too-deep': usage("a stub's statements or annotations nest deeper than the cap"),
  'stub-not-found': usage('a stub path does not exist or holds no stub file'),
  'stub-too-many-files': usage('a stub package holds more files than the cap'),
  'stubs-not-found': problem('no stub source had stubs for an import'),
  'stubs-ambiguous': problem('a stub tree holds several top-level modules and none matches the distribution'),
  'stubs-too-large': problem('a stub tree exceeds the size caps'),
  'stubs-git': problem('the git command that fetches a stub source failed'),
  'stubs-unsupported': problem('no provider serves the stub source'),
  'wrapper-module-missing': problem('the module to wrap is not part of the surface'),
  'build-no-targets': problem('a build request has no targets'),
  'build-empty-alias': problem('a build target has an empty alias'),
  'build-duplicate-alias': problem('two build targets share an alias'),

  // Python package index
  'registry-bad-url': problem('an index URL or a file URL on a page is not http(s) or file'),
  'registry-unreachable': problem('the index could not be reached (network error, timeout, missing file)'),
  'registry-http': problem('the index answered an unexpected HTTP status'),
  'registry-not-found': problem('the index has no such project'),
  'registry-api-version': problem('the index speaks a Simple API major version this build does not know'),
  'registry-bad-page': problem('a project page is malformed (JSON, HTML or content type)'),
  'registry-too-large': problem('a page or a distribution exceeds its size cap'),
  'registry-no-version': problem('no version satisfies the specifier'),
  'registry-no-wheel': problem('the chosen version has no wheel for the target Python'),
  'registry-unhashed': problem('the index gives no sha256 for a file, so it cannot be verified'),
  'registry-hash-mismatch': problem('a download does not have the sha256 the index gave'),
  'registry-size-mismatch': problem('a download does not have the size the index gave'),
  'registry-bad-wheel': problem('a wheel is not a safe, well-formed zip'),
  'registry-no-stubs': problem('neither the distribution nor a stub-only package has type information'),
  'registry-offline': problem('`--offline`, and what is needed is not in the cache'),
  'registry-bad-metadata': problem("a distribution's core metadata (METADATA or PEP 658 file) is unusable"),
  'registry-bad-target': usage('a lock or sync target is not <X.Y>-<linux|darwin|win32>'),

  // installing locked wheels (sync)
  'install-bad-wheel': problem(
    'a wheel cannot be installed: unsafe or duplicate path, symlink, bad .data key, missing or malformed dist-info',
  ),
  'install-record-mismatch': problem(
    "a wheel's RECORD does not match its contents (missing row, wrong hash or size)",
  ),
  'install-bad-entry-point': problem('a console or GUI entry point is not `name = module:attr`'),
  'install-conflict': problem('two locked distributions install the same file'),
  'install-store-corrupt': problem(
    'an unpacked wheel in the store no longer matches its manifest (it is re-unpacked)',
  ),
  'sync-locked': problem('another sync of this project holds the environment lock'),
  'sync-link': usage(
    '`.mochi`, `.mochi/go`, `.mochi/python` or `.mochi/python/.envs` is a symbolic link (sync writes only there)',
  ),
  'sync-out-of-date': problem(
    'mochi.lock is out of date with the .mochi sources (run `mochi-pkg lock`, or pass --frozen)',
  ),
  'sync-drift': problem('`sync --check`: the environment does not match mochi.lock'),
  'sync-missing-wheel': problem('a locked wheel is neither in the cache nor on its index'),
  'sync-target-not-locked': usage(
    "the Python target to install (the interpreter's, or --target) is not one mochi.lock was locked for",
  ),
  'sync-missing-module': problem(
    'with --offline, a locked Go module (zip or go.mod) is not in the Go module cache',
  ),
  'go-vendor': problem(
    '`sync --go-vendor`: a module directory cannot be vendored (too deep, too many files)',
  ),
  'go-vendor-embed': problem(
    "`sync --go-vendor`: a vendored package's //go:embed pattern matches nothing or something go refuses to embed",
  ),

  // Python dependency resolution
  'resolver-conflict': problem(
    'no set of versions satisfies every requirement; the message is the derivation',
  ),
  'resolver-too-many-steps': problem(
    'resolution was cut off before it found a solution or a proof that none exists',
  ),
  'resolver-index-conflict': problem('two imports take one name, or one index id, from different indexes'),
} as const satisfies Record<string, ErrorCodeInfo>;

/** A stable error code: a key of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The exit class of `code`; a code outside the table (only from foreign data) counts as a problem found. */
export function exitClassOf(code: string): ExitClass {
  return Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as ErrorCode].exit : 'problem';
}
