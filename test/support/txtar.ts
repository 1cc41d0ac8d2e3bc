// A txtar parser (golang.org/x/tools/txtar) for running x/mod's zip/testdata through our functions.
// Bytes in, bytes out: names and comments stay raw so that test files with invalid UTF-8 keep it.

/** One txtar archive: its leading comment and its files, in order (duplicates kept). */
export interface Txtar {
  comment: Buffer;
  files: { name: string; data: Buffer }[];
}

function markerName(line: Buffer): string | undefined {
  const s = line.toString('latin1');
  if (!s.startsWith('-- ') || !s.endsWith(' --') || s.length < 6) return undefined;
  return Buffer.from(s.slice(3, -3).trim(), 'latin1').toString('utf8');
}

/** Parses txtar bytes as Go's txtar.Parse does: file data runs to the next marker line. */
export function parseTxtar(data: Buffer): Txtar {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    const end = nl < 0 ? data.length : nl + 1;
    lines.push(data.subarray(start, end));
    start = end;
  }
  const out: Txtar = { comment: Buffer.alloc(0), files: [] };
  let current: { name: string; parts: Buffer[] } | undefined;
  const comment: Buffer[] = [];
  const flush = () => {
    if (current) out.files.push({ name: current.name, data: Buffer.concat(current.parts) });
  };
  for (const line of lines) {
    const bare = line[line.length - 1] === 0x0a ? line.subarray(0, -1) : line;
    const name = markerName(bare);
    if (name !== undefined) {
      flush();
      current = { name, parts: [] };
    } else if (current) {
      current.parts.push(line);
    } else {
      comment.push(line);
    }
  }
  flush();
  out.comment = Buffer.concat(comment);
  return out;
}

/** The key=value lines of an x/mod zip test's comment (`path`, `version`, `wantErr`, `hash`); `#` starts a comment. */
export function testParams(t: Txtar): Record<string, string> {
  const params: Record<string, string> = {};
  for (let line of t.comment.toString('utf8').split('\n')) {
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`txtar comment line without '=': ${line}`);
    params[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return params;
}
