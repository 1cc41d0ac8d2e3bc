// The Python side of `serve` rendered: PEP 691 JSON and PEP 503 HTML pages, and PyPI-style content negotiation (pure).
import {
  canonicalizeVersion,
  compareVersions,
  tryParseVersion,
  type Version,
} from '../python/pep440/index.js';
import { type DistributionFile, parseWheelName, sdistVersion } from '../python/registry/index.js';

/** The page forms `serve` answers, in PEP 691 terms. */
export type SimpleFormat = 'json' | 'html' | 'text-html';

/** The content type each form is answered with. */
export const SIMPLE_TYPES: Readonly<Record<SimpleFormat, string>> = {
  json: 'application/vnd.pypi.simple.v1+json',
  html: 'application/vnd.pypi.simple.v1+html',
  'text-html': 'text/html; charset=utf-8',
};

/** The media types a client may name, and the form each one means (`latest` is version 1 here). */
const OFFERS: readonly [string, SimpleFormat][] = [
  ['text/html', 'text-html'],
  ['application/vnd.pypi.simple.v1+html', 'html'],
  ['application/vnd.pypi.simple.latest+html', 'html'],
  ['application/vnd.pypi.simple.v1+json', 'json'],
  ['application/vnd.pypi.simple.latest+json', 'json'],
];

/**
 * Chooses the page form for an `Accept` header as PyPI does: the offer with the highest quality
 * wins; on a tie, HTML before JSON (a browser's or a bare client's `*\/*` gets `text/html`); no
 * header means `text/html`. A `format` query parameter (PyPI's override) names the type directly.
 * Undefined when nothing offered is acceptable (answer 406).
 */
export function negotiate(accept: string | undefined, format?: string): SimpleFormat | undefined {
  if (format !== undefined && format !== '') {
    // A `+` left unescaped in the query string arrives as a space.
    const want = format.trim().toLowerCase().replace(/ /g, '+');
    const hit = OFFERS.find(([t]) => t === want);
    return hit?.[1];
  }
  if (accept === undefined || accept.trim() === '') return 'text-html';
  const ranges = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      let q = 1;
      for (const p of params) {
        const m = /^q=([0-9.]+)$/.exec(p);
        if (m) q = Math.min(1, Number(m[1]));
      }
      return { type, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((r) => r.type !== '');
  let best: { format: SimpleFormat; q: number } | undefined;
  for (const [type, fmt] of OFFERS) {
    const [major] = type.split('/');
    // The most specific matching range decides the quality of an offer.
    let q: number | undefined;
    let specificity = -1;
    for (const r of ranges) {
      const s = r.type === type ? 2 : r.type === `${major}/*` ? 1 : r.type === '*/*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (q !== undefined && q > 0 && (best === undefined || q > best.q)) best = { format: fmt, q };
  }
  return best?.format;
}

/** One file as `serve` lists it: the upstream's facts and the URL it is served at. */
export interface ServedFile {
  readonly file: DistributionFile;
  /** Where clients fetch it, relative to the project page (`../../python/files/…`). */
  readonly href: string;
}

/** Escapes text for an HTML attribute or element body. */
function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The PEP 658/714 value of a file: `{sha256}` when its metadata hash is known, `true` when not. */
function coreMetadataValue(f: DistributionFile): true | { sha256: string } | undefined {
  if (f.coreMetadata === undefined) return undefined;
  const sha = f.coreMetadata.sha256;
  return sha === undefined ? true : { sha256: sha };
}

/**
 * The versions a project's files are of (PEP 700's `versions`): read off wheel names and
 * `{name}-{version}.tar.gz`/`.zip` sdist names; files named otherwise add none. Each version once,
 * as first written, in PEP 440 order.
 */
export function fileVersions(project: string, files: readonly DistributionFile[]): string[] {
  // Keyed by the canonical form: `1.0` and `1.0.0` are one version (equal under PEP 440).
  const seen = new Map<string, { readonly text: string; readonly parsed: Version }>();
  for (const f of files) {
    const text = parseWheelName(f.filename)?.version ?? sdistVersion(f.filename, project);
    const parsed = text === undefined ? undefined : tryParseVersion(text);
    if (text === undefined || parsed === undefined) continue;
    const key = canonicalizeVersion(parsed);
    if (!seen.has(key)) seen.set(key, { text, parsed });
  }
  return [...seen.values()].sort((a, b) => compareVersions(a.parsed, b.parsed)).map((v) => v.text);
}

/**
 * A project page as PEP 691 JSON. With every file's size known it is api-version 1.1 (PEP 700:
 * `versions` and each file's `size`), else 1.0 with `size` where known; `versions` is given in both
 * (a 1.0 client ignores the key). PEP 714's `core-metadata` is written together with the older
 * `dist-info-metadata` key, as PyPI does.
 */
export function renderJsonPage(name: string, files: readonly ServedFile[]): string {
  const sized = files.every(({ file }) => file.size !== undefined);
  const doc = {
    meta: { 'api-version': sized ? '1.1' : '1.0' },
    name,
    versions: fileVersions(
      name,
      files.map(({ file }) => file),
    ),
    files: files.map(({ file: f, href }) => {
      const cm = coreMetadataValue(f);
      return {
        filename: f.filename,
        url: href,
        hashes: { sha256: f.hashes.sha256 },
        ...(f.requiresPython === undefined ? {} : { 'requires-python': f.requiresPython }),
        ...(f.size === undefined ? {} : { size: f.size }),
        ...(f.yanked === false ? {} : { yanked: f.yanked === '' ? true : f.yanked }),
        ...(cm === undefined ? {} : { 'core-metadata': cm, 'dist-info-metadata': cm }),
      };
    }),
  };
  return `${JSON.stringify(doc)}\n`;
}

/** A project page as PEP 503 HTML: one anchor per file, hash in the fragment, data-* attributes. */
export function renderHtmlPage(name: string, files: readonly ServedFile[]): string {
  const anchors = files.map(({ file: f, href }) => {
    const attrs = [`href="${esc(`${href}#sha256=${f.hashes.sha256}`)}"`];
    if (f.requiresPython !== undefined) attrs.push(`data-requires-python="${esc(f.requiresPython)}"`);
    if (f.yanked !== false) attrs.push(`data-yanked="${esc(f.yanked)}"`);
    const cm = coreMetadataValue(f);
    if (cm !== undefined) {
      const v = cm === true ? 'true' : `sha256=${cm.sha256}`;
      attrs.push(`data-dist-info-metadata="${v}"`, `data-core-metadata="${v}"`);
    }
    return `    <a ${attrs.join(' ')}>${esc(f.filename)}</a><br />`;
  });
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    '    <meta name="pypi:repository-version" content="1.0">',
    `    <title>Links for ${esc(name)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>Links for ${esc(name)}</h1>`,
    ...anchors,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

/** The root page (`/simple/`) as PEP 691 JSON: the projects the store holds, sorted. */
export function renderJsonRoot(names: readonly string[]): string {
  return `${JSON.stringify({ meta: { 'api-version': '1.0' }, projects: names.map((name) => ({ name })) })}\n`;
}

/** The root page as PEP 503 HTML. */
export function renderHtmlRoot(names: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    '    <meta name="pypi:repository-version" content="1.0">',
    '    <title>Simple index</title>',
    '  </head>',
    '  <body>',
    ...names.map((n) => `    <a href="${esc(n)}/">${esc(n)}</a><br />`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}
