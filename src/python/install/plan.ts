// The installed tree of one wheel (PEP 427), computed from its members: pure, no file system.
//
// The layout is the one `pip install --target <env>` produces: the wheel root and `.data/purelib`
// and `.data/platlib` at the top of the environment, `.data/scripts` and entry points in `bin/`,
// `.data/headers` in `include/python/<name>/`, `.data/data` at the top. File contents, script
// text and shebangs are byte-identical to pip 23's; RECORD lists the paths relative to the
// environment (pip writes `../../bin/x`, relative to its temporary lib folder).
import { createHash } from 'node:crypto';
import { InstallError } from './errors.js';

/** One member of a wheel archive. */
export interface WheelMember {
  /** The name as stored (`/`-separated); directories end in `/`. */
  readonly name: string;
  /** Whether the name's bytes are valid UTF-8. Default true. */
  readonly nameIsUtf8?: boolean;
  /** Unix mode from the archive's external attributes (`attrs >>> 16`); 0 when the archive gives none. */
  readonly mode: number;
  readonly body: Uint8Array;
}

/** How to install: the interpreter scripts run with, and what the metadata records. */
export interface InstallOptions {
  /** Absolute path of the Python interpreter that entry-point scripts and `#!python` scripts name. */
  readonly interpreter: string;
  /** `X.Y` of that interpreter (pip's `pipX.Y` and `easy_install-X.Y` scripts). */
  readonly pythonVersion: string;
  /** Content of `INSTALLER` without its newline. Default `mochi-pkg`. */
  readonly installer?: string;
  /** PEP 610 `direct_url.json` content, for a wheel installed from a direct URL (not from an index). */
  readonly directUrl?: string;
}

/** One file of the installed tree. */
export interface PlannedFile {
  /** `/`-separated path relative to the environment root. */
  readonly path: string;
  readonly body: Uint8Array;
  /** Mode 0o755 when true, else 0o644 (pip's modes under umask 022). */
  readonly executable: boolean;
}

/** The installed tree of one wheel. */
export interface InstallPlan {
  /** The project name as METADATA writes it. */
  readonly name: string;
  readonly version: string;
  /** The `.dist-info` folder, e.g. `demo-1.0.dist-info`. */
  readonly distInfo: string;
  /** Every file, sorted by path (RECORD and INSTALLER included). */
  readonly files: readonly PlannedFile[];
  /** Top-level names the distribution adds to the environment root (packages, modules, folders). */
  readonly topLevel: readonly string[];
}

/** Caps on one wheel. */
export const MAX_MEMBERS = 100_000;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** PEP 503 normalised name. */
export function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * Why a member name is unsafe as a path inside the environment, or undefined: valid UTF-8, no
 * NUL or control character, no backslash, not absolute, no drive letter, no empty, `.` or `..`
 * segment (a directory may end in one `/`).
 */
export function unsafeMemberName(name: string, nameIsUtf8 = true): string | undefined {
  if (!nameIsUtf8) return 'is not valid UTF-8';
  if (name === '' || name === '/') return 'is empty';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  const segs = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  return undefined;
}

/** A parsed wheel file name. */
export interface WheelName {
  readonly name: string;
  readonly version: string;
}

/** `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. */
export function parseWheelFileName(file: string): WheelName {
  const m = /^([^-/\\]+)-([^-/\\]+)(?:-\d[^-/\\]*)?-[^-/\\]+-[^-/\\]+-[^-/\\]+\.whl$/.exec(file);
  if (!m) {
    throw new InstallError(
      'install-bad-wheel',
      `${file}: not a wheel file name (expected {name}-{version}[-{build}]-{python}-{abi}-{platform}.whl)`,
    );
  }
  return { name: m[1] as string, version: m[2] as string };
}

/** One RECORD row. */
interface RecordRow {
  readonly path: string;
  readonly hash: string;
  readonly size: string;
}

/** Python's `csv` reader (excel dialect) for the rows of a RECORD: quoted fields, `""` escapes. */
export function parseCsv(text: string, label: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const row: string[] = [];
    let field = '';
    let quoted = false;
    let atStart = true;
    for (;;) {
      const c = text[i];
      if (quoted) {
        if (c === undefined)
          throw new InstallError('install-record-mismatch', `${label}: unterminated quote in RECORD`);
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          field += c;
          i++;
        }
        continue;
      }
      if (c === undefined || c === '\n' || c === '\r') {
        row.push(field);
        if (c === '\r' && text[i + 1] === '\n') i++;
        i++;
        break;
      }
      if (c === ',') {
        row.push(field);
        field = '';
        atStart = true;
        i++;
        continue;
      }
      if (c === '"' && atStart) {
        quoted = true;
        atStart = false;
        i++;
        continue;
      }
      atStart = false;
      field += c;
      i++;
    }
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
  }
  return rows;
}

/** One CSV field as Python's `csv.writer` (QUOTE_MINIMAL) writes it. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** RECORD text as pip writes it: rows sorted, `\r\n` line ends (Python's csv default). */
export function renderRecord(rows: readonly RecordRow[]): string {
  return [...rows]
    .sort((a, b) => cmp(a.path, b.path) || cmp(a.hash, b.hash) || cmp(a.size, b.size))
    .map((r) => `${csvField(r.path)},${csvField(r.hash)},${csvField(r.size)}\r\n`)
    .join('');
}

const HASHES: Readonly<Record<string, number>> = { sha256: 32, sha384: 48, sha512: 64 };

function b64url(digest: Buffer): string {
  return digest.toString('base64url');
}

/** `sha256=<urlsafe base64, no padding>` of bytes: a RECORD hash. */
export function recordHash(body: Uint8Array): string {
  return `sha256=${b64url(createHash('sha256').update(body).digest())}`;
}

/** Core-metadata header fields (`Name`, `Version`, `Root-Is-Purelib`…) of an email-style file. */
function headers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const m = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line);
    if (m && !out.has((m[1] as string).toLowerCase()))
      out.set((m[1] as string).toLowerCase(), m[2] as string);
  }
  return out;
}

/** Entry points by group, `name → value`, as importlib.metadata reads `entry_points.txt` (only `#` starts a comment). */
export function parseEntryPoints(text: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      const name = (section[1] as string).trim();
      current = groups.get(name) ?? new Map();
      groups.set(name, current);
      continue;
    }
    if (current === undefined) continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      throw new InstallError(
        'install-bad-entry-point',
        `entry_points.txt: line ${JSON.stringify(line)} is not "name = value"`,
      );
    }
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return groups;
}

/** distlib's ScriptMaker: the script text of `module:attr.sub`. */
const SCRIPT_TEMPLATE = (module: string, importName: string, func: string): string =>
  `# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom ${module} import ${importName}\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(${func}())\n`;

/** distlib's shebang for an interpreter on POSIX: `#!exe`, or the `/bin/sh` trampoline when long or spaced. */
export function shebang(interpreter: string): string {
  let exe = interpreter;
  if (exe.includes(' ') && !exe.startsWith('"')) {
    if (exe.startsWith('/usr/bin/env ')) {
      const rest = exe.slice('/usr/bin/env '.length);
      if (rest.includes(' ') && !rest.startsWith('"')) exe = `/usr/bin/env "${rest}"`;
    } else {
      exe = `"${exe}"`;
    }
  }
  const length = enc.encode(exe).length + 3;
  if (!exe.includes(' ') && length <= 127) return `#!${exe}\n`;
  return `#!/bin/sh\n'''exec' ${exe} "$0" "$@"\n' '''\n`;
}

const ENTRY_NAME = /^[\w.+-]+$/u;
const ENTRY_VALUE =
  /^(\w+(?:\.\w+)*):(\w+(?:\.\w+)*)\s*(?:\[\s*[\w-]+(?:=\w+)?(?:,\s*\w+(?:=\w+)?)*\s*\])?$/u;

/** The scripts pip generates for console entry points (its special `pip`/`easy_install` names). */
function consoleSpecs(console: ReadonlyMap<string, string>, pythonVersion: string): [string, string][] {
  const rest = new Map(console);
  const out: [string, string][] = [];
  const major = pythonVersion.split('.')[0] as string;
  const pip = rest.get('pip');
  if (pip !== undefined) {
    rest.delete('pip');
    out.push(['pip', pip], [`pip${major}`, pip], [`pip${pythonVersion}`, pip]);
    for (const k of [...rest.keys()]) if (/^pip(\d+(\.\d+)?)?$/.test(k)) rest.delete(k);
  }
  const easy = rest.get('easy_install');
  if (easy !== undefined) {
    rest.delete('easy_install');
    out.push(['easy_install', easy], [`easy_install-${pythonVersion}`, easy]);
    for (const k of [...rest.keys()]) if (/^easy_install(-\d+\.\d+)?$/.test(k)) rest.delete(k);
  }
  for (const [k, v] of rest) out.push([k, v]);
  return out;
}

function entryScript(label: string, name: string, value: string, interpreter: string): Uint8Array {
  const m = ENTRY_VALUE.exec(value);
  if (!ENTRY_NAME.test(name) || name === '.' || name === '..' || !m) {
    throw new InstallError(
      'install-bad-entry-point',
      `${label}: entry point ${JSON.stringify(`${name} = ${value}`)} is not "name = module:attr"`,
      {
        hint: 'the name may use letters, digits, "_", "-", "." and "+"; the value needs a module and a callable',
      },
    );
  }
  const module = m[1] as string;
  const func = m[2] as string;
  const importName = func.split('.')[0] as string;
  return enc.encode(shebang(interpreter) + SCRIPT_TEMPLATE(module, importName, func));
}

function decode(label: string, member: string, body: Uint8Array): string {
  try {
    return textDecoder.decode(body);
  } catch (cause) {
    throw new InstallError('install-bad-wheel', `${label}: ${member} is not valid UTF-8`, { cause });
  }
}

/**
 * The installed tree of a wheel. Checks, in order: member names (safe, unique, regular files
 * only — symlinks and special files are refused), exactly one `.dist-info` of the wheel's
 * project, `WHEEL` version 1.x or lower (as pip 23), every member against its RECORD row (sha256/384/512 and size;
 * a member without a row or a row without a member is refused), `.data` keys. Then maps members
 * to their places, replaces `#!python` in `.data/scripts`, generates entry-point scripts and
 * writes INSTALLER, `direct_url.json` (when given) and RECORD.
 *
 * @param label  the wheel's file name (`demo-1.0-py3-none-any.whl`), used in messages and checked
 * @throws {InstallError}
 */
export function planWheelInstall(
  label: string,
  members: readonly WheelMember[],
  options: InstallOptions,
): InstallPlan {
  const wheelName = parseWheelFileName(label);
  const bad = (what: string, hint?: string): never => {
    throw new InstallError('install-bad-wheel', `${label}: ${what}`, hint === undefined ? {} : { hint });
  };
  if (members.length > MAX_MEMBERS) bad(`has ${members.length} members; the limit is ${MAX_MEMBERS}`);
  const files = new Map<string, WheelMember>();
  const folded = new Set<string>();
  for (const m of members) {
    const why = unsafeMemberName(m.name, m.nameIsUtf8 ?? true);
    if (why !== undefined) bad(`member ${JSON.stringify(m.name)} ${why}`);
    const type = m.mode & S_IFMT;
    // A name ending in `/` is a directory entry whatever mode its archiver wrote (zip tools write
    // regular-file modes on them too): pip skips it, and so does the plan, which creates nothing for it.
    if (m.name.endsWith('/')) continue;
    if (type === S_IFLNK)
      bad(`member ${JSON.stringify(m.name)} is a symbolic link`, 'wheels carry regular files only');
    if (type !== 0 && type !== S_IFREG) bad(`member ${JSON.stringify(m.name)} is not a regular file`);
    // Case-folded duplicates would overwrite each other on case-insensitive file systems.
    const key = m.name.toLowerCase();
    if (folded.has(key))
      bad(`member ${JSON.stringify(m.name)} appears twice (names compared case-insensitively)`);
    folded.add(key);
    files.set(m.name, m);
  }
  // The .dist-info folder.
  const tops = new Set([...files.keys()].map((n) => n.split('/')[0] as string));
  const infos = [...tops].filter((t) => t.endsWith('.dist-info'));
  if (infos.length !== 1) bad(`expected one .dist-info folder, found ${infos.length}`);
  const distInfo = infos[0] as string;
  const stem = distInfo.slice(0, -'.dist-info'.length);
  if (canonicalName(stem.split('-')[0] as string) !== canonicalName(wheelName.name)) {
    bad(`${distInfo} does not belong to project ${wheelName.name}`);
  }
  const dataDir = `${stem}.data`;
  for (const t of tops) {
    if (t.endsWith('.data') && t !== dataDir) bad(`unexpected .data folder ${t} (expected ${dataDir})`);
  }
  const need = (file: string): WheelMember => {
    const m = files.get(`${distInfo}/${file}`);
    if (m === undefined) return bad(`${distInfo}/${file} is missing`);
    return m;
  };
  const wheelMeta = headers(decode(label, `${distInfo}/WHEEL`, need('WHEEL').body));
  const wheelVersion = wheelMeta.get('wheel-version');
  const major = wheelVersion === undefined ? undefined : wheelMajor(wheelVersion);
  if (major === undefined || major > 1) {
    bad(
      `${distInfo}/WHEEL has Wheel-Version ${JSON.stringify(wheelVersion ?? '')}; only major version 1 or lower is supported`,
    );
  }
  const metadata = headers(decode(label, `${distInfo}/METADATA`, need('METADATA').body));
  const name = metadata.get('name');
  const version = metadata.get('version');
  if (!name || !version) return bad(`${distInfo}/METADATA has no Name or Version`);
  if (canonicalName(name) !== canonicalName(wheelName.name)) {
    bad(`${distInfo}/METADATA names ${name}, not ${wheelName.name}`);
  }
  if (name.includes('/') || name.startsWith('.'))
    bad(`project name ${JSON.stringify(name)} is not a safe folder name`);

  const recordName = `${distInfo}/RECORD`;
  const rows = checkRecord(label, recordName, decode(label, recordName, need('RECORD').body), files);

  // Entry points.
  const epMember = files.get(`${distInfo}/entry_points.txt`);
  const groups = epMember
    ? parseEntryPoints(decode(label, epMember.name, epMember.body))
    : new Map<string, Map<string, string>>();
  const console = groups.get('console_scripts') ?? new Map<string, string>();
  const gui = groups.get('gui_scripts') ?? new Map<string, string>();
  const isWrapper = (base: string): boolean => {
    const lower = base.toLowerCase();
    const match = lower.endsWith('.exe')
      ? base.slice(0, -4)
      : lower.endsWith('-script.py')
        ? base.slice(0, -10)
        : lower.endsWith('.pya')
          ? base.slice(0, -4)
          : base;
    return console.has(match) || gui.has(match);
  };

  const out = new Map<string, PlannedFile>();
  const record: RecordRow[] = [];
  const put = (path: string, body: Uint8Array, executable: boolean, from: string): void => {
    if (out.has(path)) bad(`${from} and another member both install ${path}`);
    out.set(path, { path, body, executable });
  };
  for (const [member, m] of files) {
    const row = rows.get(member);
    const executable = (m.mode & S_IFMT) === S_IFREG && (m.mode & 0o111) !== 0;
    if (!member.startsWith(`${dataDir}/`)) {
      put(member, m.body, executable, member);
      if (member !== recordName) record.push({ path: member, hash: row?.hash ?? '', size: row?.size ?? '' });
      continue;
    }
    const parts = member.split('/');
    if (parts.length < 3) bad(`${member}: .data contents must be named <scheme key>/<path>`);
    const key = parts[1] as string;
    const sub = parts.slice(2).join('/');
    let dest: string;
    let body = m.body;
    let changed = false;
    switch (key) {
      case 'purelib':
      case 'platlib':
      case 'data':
        dest = sub;
        break;
      case 'headers':
        dest = `include/python/${name}/${sub}`;
        break;
      case 'scripts': {
        if (isWrapper(parts[parts.length - 1] as string)) continue;
        dest = `bin/${sub}`;
        const fixed = fixScript(m.body, options.interpreter);
        if (fixed !== undefined) {
          body = fixed;
          changed = true;
        }
        break;
      }
      default:
        return bad(
          `unknown scheme key ${JSON.stringify(key)} in ${member}`,
          '.data keys are data, headers, platlib, purelib and scripts',
        );
    }
    put(dest, body, executable, member);
    record.push(
      changed
        ? { path: dest, hash: recordHash(body), size: String(body.length) }
        : { path: dest, hash: row?.hash ?? '', size: row?.size ?? '' },
    );
  }
  const generated = (path: string, body: Uint8Array, executable: boolean): void => {
    out.set(path, { path, body, executable });
    const existing = record.findIndex((r) => r.path === path);
    if (existing >= 0) record.splice(existing, 1);
    record.push({ path, hash: recordHash(body), size: String(body.length) });
  };
  for (const [script, value] of consoleSpecs(console, options.pythonVersion)) {
    generated(`bin/${script}`, entryScript(label, script, value, options.interpreter), true);
  }
  for (const [script, value] of gui) {
    generated(`bin/${script}`, entryScript(label, script, value, options.interpreter), true);
  }
  generated(`${distInfo}/INSTALLER`, enc.encode(`${options.installer ?? 'mochi-pkg'}\n`), false);
  if (options.directUrl !== undefined) {
    generated(`${distInfo}/direct_url.json`, enc.encode(options.directUrl), false);
  }
  record.push({ path: recordName, hash: '', size: '' });
  out.set(recordName, { path: recordName, body: enc.encode(renderRecord(record)), executable: false });

  const sorted = [...out.values()].sort((a, b) => cmp(a.path, b.path));
  const topLevel = [...new Set(sorted.map((f) => f.path.split('/')[0] as string))].sort(cmp);
  return { name, version, distInfo, files: sorted, topLevel };
}

/**
 * The major number of a `Wheel-Version` as pip 23 reads it (dot-separated integers, each as Python's
 * `int` takes it: a sign, digits, `_` between digits), or undefined when it is not one. pip installs
 * any major up to 1 (`0.9`, `1.0.1` included) and refuses a greater one.
 */
function wheelMajor(version: string): number | undefined {
  const parts = version.trim().split('.');
  if (!parts.every((p) => /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(p))) return undefined;
  return Number(parts[0]!.replace(/_/g, ''));
}

/** pip's fix_script: a first line starting `#!python` becomes `#!<interpreter>\n`. */
function fixScript(body: Uint8Array, interpreter: string): Uint8Array | undefined {
  const head = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!head.subarray(0, 8).equals(Buffer.from('#!python'))) return undefined;
  const nl = head.indexOf(0x0a);
  const rest = nl < 0 ? Buffer.alloc(0) : head.subarray(nl + 1);
  return Buffer.concat([Buffer.from(`#!${interpreter}\n`), rest]);
}

/**
 * RECORD against the members: one row per member (RECORD itself and its signatures may have an
 * empty hash), hashes sha256 or stronger and equal, sizes equal when given, no row for a file the
 * archive lacks, no row twice.
 */
function checkRecord(
  label: string,
  recordName: string,
  text: string,
  files: ReadonlyMap<string, WheelMember>,
): Map<string, RecordRow> {
  const lie = (what: string): never => {
    throw new InstallError('install-record-mismatch', `${label}: ${recordName}: ${what}`, {
      hint: 'the wheel was altered after it was built, or its builder is broken; do not install it',
    });
  };
  const rows = new Map<string, RecordRow>();
  const unsigned = new Set([recordName, `${recordName}.jws`, `${recordName}.p7s`]);
  for (const fields of parseCsv(text, label)) {
    const [path = '', hash = '', size = ''] = fields;
    if (fields.length > 3) lie(`row for ${JSON.stringify(path)} has ${fields.length} fields; expected 3`);
    if (rows.has(path)) lie(`${JSON.stringify(path)} is listed twice`);
    const member = files.get(path);
    if (member === undefined) lie(`lists ${JSON.stringify(path)}, which the wheel does not contain`);
    const body = (member as WheelMember).body;
    if (hash === '') {
      if (!unsigned.has(path)) lie(`${JSON.stringify(path)} has no hash`);
    } else {
      const eq = hash.indexOf('=');
      const algo = hash.slice(0, eq);
      const want = hash.slice(eq + 1);
      if (eq < 0 || HASHES[algo] === undefined) {
        lie(`${JSON.stringify(path)} has hash ${JSON.stringify(hash)}; expected sha256, sha384 or sha512`);
      }
      const got = b64url(createHash(algo).update(body).digest());
      if (got !== want.replace(/=+$/, ''))
        lie(`${JSON.stringify(path)} does not have the ${algo} RECORD gives`);
    }
    if (size !== '' && size !== String(body.length)) {
      lie(`${JSON.stringify(path)} is ${body.length} bytes; RECORD says ${size}`);
    }
    rows.set(path, { path, hash, size });
  }
  for (const name of files.keys()) {
    if (!rows.has(name) && !unsigned.has(name))
      lie(`${JSON.stringify(name)} is in the wheel but not in RECORD`);
  }
  return rows;
}
