// Client for the xmod oracle (test/oracles/xmod/main.go): golang.org/x/mod answering batches of questions.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoProgram, GOPATH_XMOD, goOracle, type Oracle, runOracle } from '../support/oracles.js';

const MAIN_GO = fileURLToPath(new URL('../oracles/xmod/main.go', import.meta.url));

/** Where Debian's x/mod sources (and their _test.go files) are. */
export const XMOD_DIR = join(GOPATH_XMOD, 'src/golang.org/x/mod');

let bin: string | undefined;
/** Builds (once per source content) and returns the oracle binary. */
export function xmodBinary(): string {
  bin ??= buildGoProgram(MAIN_GO);
  return bin;
}

export interface XmodRequest {
  op: string;
  args: string[];
}

/** Sends all requests in one oracle run and returns the answers in order. */
export function askXmod(requests: readonly XmodRequest[]): unknown[] {
  if (requests.length === 0) return [];
  const input = `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const out = runOracle(xmodBinary(), ['ask'], input).split('\n');
  out.pop(); // the final newline
  if (out.length !== requests.length) {
    throw new Error(`xmod answered ${out.length} of ${requests.length} requests`);
  }
  return out.map((line) => JSON.parse(line) as unknown);
}

/** The Go oracle, available only when x/mod's own _test.go files are on disk too. */
export function xmodTablesOracle(): Oracle {
  const go = goOracle();
  if (!go.available) return go;
  for (const f of ['semver/semver_test.go', 'module/module_test.go']) {
    if (!existsSync(join(XMOD_DIR, f))) {
      return {
        available: false,
        reason: `${join(XMOD_DIR, f)} is missing (apt-get install golang-golang-x-mod-dev)`,
      };
    }
  }
  return go;
}

/**
 * Go's test strings as JavaScript strings. Go strings that are not UTF-8 arrive as
 * {"$bytes": base64}; their invalid bytes become lone surrogates U+DC80–U+DCFF (Python's
 * surrogateescape), the UTF-16 counterpart of invalid UTF-8 that our checks reject the same way.
 */
export function goString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && '$bytes' in v && typeof v.$bytes === 'string') {
    const bytes = Buffer.from(v.$bytes, 'base64');
    const strict = new TextDecoder('utf-8', { fatal: true });
    let out = '';
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]!;
      const n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
      let ch: string | undefined;
      if (n > 0 && i + n <= bytes.length) {
        try {
          ch = strict.decode(bytes.subarray(i, i + n));
        } catch {
          ch = undefined;
        }
      }
      if (ch === undefined) {
        out += String.fromCharCode(0xdc00 + b);
        i++;
      } else {
        out += ch;
        i += n;
      }
    }
    return out;
  }
  throw new Error(`not a Go string literal: ${JSON.stringify(v)}`);
}

/**
 * x/mod's literal test tables, by `<package>.<var or test function>` name (literals a test
 * function assigns to a local variable by `<package>.<function>.<variable>`), of the semver and
 * module packages or of the packages named (`modfile`, `zip`, `sumdb/tlog`, …).
 */
export function xmodTables(packages: readonly string[] = []): Record<string, unknown[]> {
  return JSON.parse(runOracle(xmodBinary(), ['tables', XMOD_DIR, ...packages])) as Record<string, unknown[]>;
}
