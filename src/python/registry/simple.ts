// Simple Repository API project pages: PEP 691 JSON and PEP 503 HTML into one model (pure, no I/O).
import { Parser } from 'htmlparser2';
import { isFileUrl } from '../../util/url.js';
import { RegistryError } from './errors.js';

/** One distribution file listed on a project page. */
export interface DistributionFile {
  /** The file name, e.g. `httpx-0.27.0-py3-none-any.whl`. */
  readonly filename: string;
  /** Absolute URL without fragment. */
  readonly url: string;
  /** Hash name → lowercase hex digest (`sha256` is what we verify with). */
  readonly hashes: Readonly<Record<string, string>>;
  /** The `Requires-Python` specifier text, if the index gives one. */
  readonly requiresPython?: string;
  /** False, or the yank reason (possibly empty) when the file is yanked (PEP 592). */
  readonly yanked: false | string;
  /** Size in bytes, when the index gives it (PEP 700). */
  readonly size?: number;
  /**
   * The PEP 658/714 metadata file `<url>.metadata`: absent when the index does not offer one,
   * else the hashes it gives for it (possibly none).
   */
  readonly coreMetadata?: Readonly<Record<string, string>>;
}

/** A project page in either form. */
export interface ProjectPage {
  /** The PEP 503 name the page was asked for (or the JSON's `name`). */
  readonly name: string;
  /** `meta.api-version` (JSON) or `pypi:repository-version` (HTML); `1.0` when absent from HTML. */
  readonly apiVersion: string;
  /** Files in page order. */
  readonly files: readonly DistributionFile[];
  /** Non-fatal notes, e.g. a newer minor API version than we know. */
  readonly warnings: readonly string[];
}

/** The newest Simple API version this client implements (PEP 691 + PEP 700). */
export const API_VERSION = { major: 1, minor: 1 } as const;

/** Content types we ask for, JSON first (PEP 691 content negotiation). */
export const ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

/** Applies PEP 691's version rules: greater major is an error, greater minor a warning. */
export function checkApiVersion(version: string, where: string, warnings: string[]): void {
  const m = /^(\d+)\.(\d+)$/.exec(version.trim());
  if (!m)
    throw new RegistryError(
      'registry-bad-page',
      `${where}: api-version ${JSON.stringify(version)} is not MAJOR.MINOR`,
    );
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major > API_VERSION.major) {
    throw new RegistryError(
      'registry-api-version',
      `${where}: the index speaks Simple API ${version}; this client knows ${API_VERSION.major}.x only`,
      { hint: 'upgrade mochi-pkg, or use an index that serves Simple API version 1' },
    );
  }
  if (major === API_VERSION.major && minor > API_VERSION.minor) {
    warnings.push(
      `${where}: the index speaks Simple API ${version}, newer than ${API_VERSION.major}.${API_VERSION.minor}; unknown fields are ignored`,
    );
  }
}

/**
 * The hash a link's URL carries, found as pip 23 finds it: the first `<name>=<value>` of a
 * supported hash name that follows a `#` or an `&` (`#sha256=…`, `#egg=x&sha256=…`), the value
 * running to the next `&`. Hash names are matched case-insensitively (pip only reads lower case).
 */
const LINK_HASH = /[#&](sha512|sha384|sha256|sha224|sha1|md5)=([^&]*)/i;

function resolveUrl(href: string, base: string, where: string): { url: string; linkHash?: [string, string] } {
  let u: URL;
  try {
    u = new URL(href, base);
  } catch {
    throw new RegistryError('registry-bad-page', `${where}: file URL ${JSON.stringify(href)} is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'file:') {
    throw new RegistryError('registry-bad-url', `${where}: file URL ${u.href} is not http, https or file`);
  }
  const m = LINK_HASH.exec(u.href);
  u.hash = '';
  return m ? { url: u.href, linkHash: [m[1]!, m[2]!] } : { url: u.href };
}

/**
 * The hash of a link's URL ({@link LINK_HASH}) as a `[name, hex]` pair, checked by
 * {@link checkedHash}; undefined when there is none, or when it is of a name never verified and
 * not hex.
 */
function urlHash(
  linkHash: [string, string] | undefined,
  href: string,
  where: string,
): [string, string] | undefined {
  if (linkHash === undefined) return undefined;
  const [name, value] = linkHash;
  const h = checkedHash(name, value, href, where);
  if (h) return h;
  return HEX.test(value) ? [name.toLowerCase(), value.toLowerCase()] : undefined;
}

/**
 * A page served over the network must not make the client read this machine's files (the rule
 * browsers keep, and serve's): its file:// links are left off, each with a warning. Only a local
 * index, itself on this disk, may name local files.
 */
function withoutLocalLinks(files: DistributionFile[], where: string, warnings: string[]): DistributionFile[] {
  if (isFileUrl(where)) return files;
  return files.filter((f) => {
    if (!isFileUrl(f.url)) return true;
    warnings.push(
      `${where}: ${f.filename} links the local file ${f.url} from a page served over the network; left off`,
    );
    return false;
  });
}

function lastSegment(url: string): string {
  const path = new URL(url).pathname;
  const seg = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Hex digits of the digests downloads are verified with (only sha256); other names are kept as
 * the index writes them (hex only) and never used for verification.
 */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64 };

/**
 * Checks a hash an index gives for a file (`name`, `value` as written): a known digest must be
 * hex of its length, else the page is malformed — a link with `#sha256=abc` names no file a
 * download could be verified against. Returns the lower-cased pair, or undefined for an unknown name.
 */
function checkedHash(name: string, value: string, link: string, where: string): [string, string] | undefined {
  const algo = name.toLowerCase();
  const len = DIGEST_HEX_LENGTH[algo];
  if (len === undefined) return undefined;
  if (value.length !== len || !HEX.test(value)) {
    throw new RegistryError(
      'registry-bad-page',
      `${where}: link ${JSON.stringify(link)} gives ${algo}=${JSON.stringify(value.slice(0, 200))}, not ${len} hex digits`,
      { hint: 'the index serves a malformed hash; fix the index or use another one' },
    );
  }
  return [algo, value.toLowerCase()];
}

/** The hex hashes of `raw`; with `link`, the file hashes of that link, checked by {@link checkedHash}. */
function cleanHashes(raw: unknown, link?: { href: string; where: string }): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const h = link && checkedHash(k, v, link.href, link.where);
    if (h) out[h[0]] = h[1];
    else if (HEX.test(v)) out[k.toLowerCase()] = v.toLowerCase();
  }
  return out;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * A PEP 691 `yanked` value, read as pip 23 reads it: a non-empty string is the reason, another
 * value that Python holds true (`true`, a number other than 0, a non-empty list or object) yanks
 * without a reason, and a false one (`false`, `""`, `0`, `null`, empty list or object) does not
 * yank — PEP 691 allows only a boolean or a non-empty string.
 */
function jsonYanked(value: unknown): false | string {
  if (typeof value === 'string') return value === '' ? false : value;
  const truthy =
    value === true ||
    (typeof value === 'number' && value !== 0) ||
    (Array.isArray(value) && value.length > 0) ||
    (isObject(value) && Object.keys(value).length > 0);
  return truthy ? '' : false;
}

/**
 * Parses a PEP 691 JSON project page. Relative file URLs resolve against `pageUrl`; unknown keys
 * are ignored; files whose required keys are missing or mistyped make the page malformed.
 */
export function parseJsonPage(body: string, pageUrl: string, name: string): ProjectPage {
  const where = pageUrl;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new RegistryError('registry-bad-page', `${where}: project page is not valid JSON`, { cause: e });
  }
  if (!isObject(doc) || !isObject(doc.meta) || typeof doc.meta['api-version'] !== 'string') {
    throw new RegistryError('registry-bad-page', `${where}: project page has no meta.api-version`);
  }
  const warnings: string[] = [];
  checkApiVersion(doc.meta['api-version'], where, warnings);
  if (!Array.isArray(doc.files))
    throw new RegistryError('registry-bad-page', `${where}: project page has no files array`);
  const files: DistributionFile[] = doc.files.map((f: unknown, i: number) => {
    if (!isObject(f) || typeof f.filename !== 'string' || typeof f.url !== 'string' || !isObject(f.hashes)) {
      throw new RegistryError('registry-bad-page', `${where}: files[${i}] lacks filename, url or hashes`);
    }
    const { url, linkHash } = resolveUrl(f.url, pageUrl, where);
    // pip lets a hash in the URL stand over the same name in `hashes`.
    const hashes = cleanHashes(f.hashes, { href: f.url, where });
    const fromUrl = urlHash(linkHash, f.url, where);
    if (fromUrl) hashes[fromUrl[0]] = fromUrl[1];
    const yanked = jsonYanked(f.yanked);
    const rp = f['requires-python'];
    const size = f.size;
    // PEP 714 renamed `dist-info-metadata` to `core-metadata`; both are read, the new name first.
    const cm = f['core-metadata'] ?? f['dist-info-metadata'];
    const coreMetadata = cm === true ? {} : isObject(cm) ? cleanHashes(cm) : undefined;
    return {
      filename: f.filename,
      url,
      hashes,
      ...(typeof rp === 'string' ? { requiresPython: rp } : {}),
      yanked,
      ...(typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? { size } : {}),
      ...(coreMetadata ? { coreMetadata } : {}),
    };
  });
  return {
    name: typeof doc.name === 'string' ? doc.name : name,
    apiVersion: doc.meta['api-version'],
    files: withoutLocalLinks(files, where, warnings),
    warnings,
  };
}

/**
 * Parses a PEP 503 HTML project page: every `<a href>` is a file; the URL carries the hash
 * (`#<hashname>=<hex>`, see {@link LINK_HASH}); `data-requires-python` (entity-decoded) and `data-yanked`
 * are read; the first `<base href>` and the `pypi:repository-version` meta tag (PEP 629) are honoured.
 */
export function parseHtmlPage(body: string, pageUrl: string, name: string): ProjectPage {
  const where = pageUrl;
  // The first <base href> of the document, wherever it stands, applies to every link (as HTML
  // says, and pip reads it); later ones are ignored.
  let baseHref: string | undefined;
  let apiVersion = '1.0';
  const anchors: Record<string, string>[] = [];
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        // An anchor without an href, or with an empty one, names no file (pip skips both).
        if (tag === 'a' && attrs.href !== undefined && attrs.href !== '') anchors.push(attrs);
        else if (tag === 'base' && attrs.href !== undefined) baseHref ??= attrs.href;
        else if (tag === 'meta' && attrs.name === 'pypi:repository-version' && attrs.content !== undefined) {
          apiVersion = attrs.content;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(body);
  parser.end();
  let base = pageUrl;
  if (baseHref !== undefined) {
    try {
      base = new URL(baseHref, pageUrl).href;
    } catch {
      throw new RegistryError(
        'registry-bad-page',
        `${where}: <base href> ${JSON.stringify(baseHref)} is not a URL`,
      );
    }
  }
  const warnings: string[] = [];
  checkApiVersion(apiVersion, where, warnings);
  const files = anchors.map((a): DistributionFile => {
    const { url, linkHash } = resolveUrl(a.href!, base, where);
    const hashes: Record<string, string> = {};
    const h = urlHash(linkHash, a.href!, where);
    if (h) hashes[h[0]] = h[1];
    const rp = a['data-requires-python'];
    const yanked = a['data-yanked'];
    const cm = htmlCoreMetadata(a['data-core-metadata'] ?? a['data-dist-info-metadata']);
    return {
      filename: lastSegment(url),
      url,
      hashes,
      ...(rp === undefined || rp === '' ? {} : { requiresPython: rp }),
      yanked: yanked === undefined ? false : yanked,
      ...(cm ? { coreMetadata: cm } : {}),
    };
  });
  return { name, apiVersion, files: withoutLocalLinks(files, where, warnings), warnings };
}

/** `data-core-metadata` (PEP 714) / `data-dist-info-metadata` (PEP 658): `true` or `<hashname>=<hex>`. */
function htmlCoreMetadata(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const m = /^([a-z0-9_]+)=([0-9a-fA-F]+)$/i.exec(value.trim());
  if (m) return { [m[1]!.toLowerCase()]: m[2]!.toLowerCase() };
  return value.trim().toLowerCase() === 'true' ? {} : undefined;
}

/** Chooses the parser by the response's Content-Type (JSON for `+json`/`application/json`, else HTML). */
export function parseProjectPage(
  body: string,
  contentType: string,
  pageUrl: string,
  name: string,
): ProjectPage {
  const ct = contentType.toLowerCase().split(';')[0]!.trim();
  if (ct.endsWith('+json') || ct === 'application/json') return parseJsonPage(body, pageUrl, name);
  if (ct.includes('html') || ct === '') return parseHtmlPage(body, pageUrl, name);
  throw new RegistryError(
    'registry-bad-page',
    `${pageUrl}: unexpected content type ${JSON.stringify(contentType)}`,
    {
      hint: 'the index URL must point at a PEP 503/691 simple index (…/simple/)',
    },
  );
}
