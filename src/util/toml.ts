// The one TOML reader of mochi-pkg: smol-toml held to TOML 1.0 as CPython's tomllib reads it.
import { parse, TomlError } from 'smol-toml';

export { TomlError };

/** Options of {@link parseToml}. */
export interface TomlOptions {
  /** Integers as `bigint` (default: `number`). */
  readonly integersAsBigInt?: boolean;
  /** Most nesting of inline tables and arrays (default 1000). */
  readonly maxDepth?: number;
}

/**
 * Parses a TOML 1.0 document. smol-toml (1.9) also reads TOML 1.1 and is lenient in places where
 * tomllib, the reference, refuses; this refuses what tomllib refuses and reads values as it does:
 *
 * - a byte order mark at the start (tomllib reads U+FEFF as an invalid statement);
 * - `\r\n` is read as `\n` everywhere, inside multi-line strings too;
 * - TOML 1.1 syntax: line breaks, comments and a trailing comma inside an inline table, the
 *   `\e` and `\xHH` escapes, times without seconds;
 * - dates that do not exist (`2023-02-30`, `1900-02-29`, year 0).
 *
 * Every problem is a smol-toml {@link TomlError} with line and column.
 */
export function parseToml(text: string, options: TomlOptions = {}): Record<string, unknown> {
  if (text.charCodeAt(0) === 0xfeff) {
    throw new TomlError('a byte order mark (U+FEFF) at the start of the document', { toml: text, ptr: 0 });
  }
  // tomllib reads `\r\n` as `\n` before anything else, so a multi-line string holds `\n`.
  const src = text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text;
  const doc = parse(src, {
    integersAsBigInt: options.integersAsBigInt ?? false,
    maxDepth: options.maxDepth ?? 1000,
  }) as Record<string, unknown>;
  new Toml10(src).document();
  return doc;
}

const ESCAPES_1_0 = new Set(['b', 't', 'n', 'f', 'r', '"', '\\', 'u', 'U']);
const BARE_KEY = /[A-Za-z0-9_-]/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const TIME_WITHOUT_SECONDS = /^(?:\d{4}-\d{2}-\d{2}[Tt ])?\d{2}:\d{2}(?!:)/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Walks a document smol-toml has accepted (so valid TOML 1.1) and refuses what TOML 1.0 does not
 * have. It follows the grammar only as far as that takes: where strings, inline tables and
 * values begin and end.
 */
class Toml10 {
  private p = 0;

  constructor(private readonly s: string) {}

  private fail(message: string, ptr: number): never {
    throw new TomlError(message, { toml: this.s, ptr });
  }

  document(): void {
    for (;;) {
      this.skipBlank();
      if (this.p >= this.s.length) return;
      if (this.s[this.p] === '[') {
        this.p += this.s[this.p + 1] === '[' ? 2 : 1;
        this.key();
        while (this.s[this.p] === ']') this.p++;
      } else {
        this.keyval();
      }
    }
  }

  /** Spaces, tabs, comments and line breaks. */
  private skipBlank(): void {
    for (;;) {
      const c = this.s[this.p];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.p++;
      else if (c === '#') {
        const end = this.s.indexOf('\n', this.p);
        this.p = end < 0 ? this.s.length : end;
      } else return;
    }
  }

  private skipSpace(): void {
    while (this.s[this.p] === ' ' || this.s[this.p] === '\t') this.p++;
  }

  private key(): void {
    for (;;) {
      this.skipSpace();
      const c = this.s[this.p];
      if (c === '"' || c === "'") this.string();
      else while (this.p < this.s.length && BARE_KEY.test(this.s[this.p]!)) this.p++;
      this.skipSpace();
      if (this.s[this.p] !== '.') return;
      this.p++;
    }
  }

  private keyval(): void {
    this.key();
    this.p++; // the '='
    this.skipSpace();
    this.value();
  }

  private value(): void {
    const c = this.s[this.p];
    if (c === '"' || c === "'") this.string();
    else if (c === '[') this.array();
    else if (c === '{') this.inlineTable();
    else this.scalar();
  }

  private array(): void {
    this.p++;
    for (;;) {
      this.skipBlank();
      if (this.s[this.p] === ']') {
        this.p++;
        return;
      }
      this.value();
      this.skipBlank();
      if (this.s[this.p] === ',') this.p++;
    }
  }

  /** Space inside an inline table, which TOML 1.0 keeps on one line. */
  private inlineSpace(): void {
    this.skipSpace();
    const c = this.s[this.p];
    if (c === '\n' || c === '\r' || c === '#') {
      this.fail(
        `${c === '#' ? 'a comment' : 'a line break'} inside an inline table (an inline table is one line)`,
        this.p,
      );
    }
  }

  private inlineTable(): void {
    this.p++;
    this.inlineSpace();
    if (this.s[this.p] === '}') {
      this.p++;
      return;
    }
    for (;;) {
      this.keyval();
      this.inlineSpace();
      if (this.s[this.p] !== ',') break;
      const comma = this.p++;
      this.inlineSpace();
      if (this.s[this.p] === '}') this.fail('a trailing comma in an inline table', comma);
    }
    this.p++; // the '}'
  }

  private string(): void {
    const s = this.s;
    const q = s[this.p]!;
    const multi = s.startsWith(q.repeat(3), this.p);
    this.p += multi ? 3 : 1;
    for (;;) {
      const c = s[this.p];
      if (c === undefined) return;
      if (c === '\\' && q === '"') {
        const e = s[this.p + 1] ?? '';
        if (!ESCAPES_1_0.has(e) && !(multi && (e === ' ' || e === '\t' || e === '\n' || e === '\r'))) {
          this.fail(
            `invalid escape sequence ${JSON.stringify(`\\${e}`)} (TOML 1.0 has \\b \\t \\n \\f \\r \\" \\\\ \\uXXXX and \\UXXXXXXXX)`,
            this.p,
          );
        }
        this.p += 2;
      } else if (c === q) {
        if (!multi) {
          this.p++;
          return;
        }
        let run = 0;
        while (s[this.p + run] === q) run++;
        this.p += run;
        if (run >= 3) return;
      } else {
        this.p++;
      }
    }
  }

  /** A number, boolean or date-time: checks dates exist and times have seconds. */
  private scalar(): void {
    const s = this.s;
    const start = this.p;
    const end = (from: number) => {
      let i = from;
      while (i < s.length && !' \t\r\n,]}#'.includes(s[i]!)) i++;
      return i;
    };
    this.p = end(start);
    // A date and a time may be separated by one space.
    if (/^\d{4}-\d{2}-\d{2}$/.test(s.slice(start, this.p)) && /^ \d{2}:/.test(s.slice(this.p, this.p + 4))) {
      this.p = end(this.p + 1);
    }
    if (this.p === start) this.fail('expected a value', start);
    const token = s.slice(start, this.p);
    const date = DATE.exec(token);
    if (date) {
      const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
      if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
        this.fail(`the date ${date[0]} does not exist`, start);
      }
    }
    const time = TIME_WITHOUT_SECONDS.exec(token);
    if (time) this.fail(`a time without seconds (write ${time[0]}:00)`, start + time[0].length);
  }
}
