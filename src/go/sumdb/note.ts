// Signed notes as golang.org/x/mod/sumdb/note defines them: verifier keys, signature lines, Open and Sign.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { SumdbError } from './errors.js';

/** cmd/go's default checksum database key (`sum.golang.org`), as Go ships it. */
export const SUM_GOLANG_ORG_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';

/** Algorithm byte of an Ed25519 key inside a verifier key. */
const ALG_ED25519 = 1;
/** Cap on signature lines in one note (x/mod's limit). */
const MAX_SIGNATURES = 100;

/** A key that checks the signatures of one named signer. */
export interface Verifier {
  readonly name: string;
  /** The 32-bit key hash: first 4 bytes of SHA-256(name + "\n" + key). */
  readonly keyHash: number;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

/** A private key that signs notes. */
export interface Signer {
  readonly name: string;
  readonly keyHash: number;
  sign(msg: Uint8Array): Uint8Array;
}

/** One signature line of a note. */
export interface Signature {
  name: string;
  hash: number;
  /** Base64 of the 4-byte key hash followed by the signature. */
  base64: string;
}

/** A note opened with {@link openNote}. */
export interface Note {
  /** The signed text, ending in `\n`. */
  text: string;
  /** Signatures checked by a known verifier. */
  sigs: Signature[];
  /** Signatures by keys not known to the caller (kept, not trusted). */
  unverifiedSigs: Signature[];
}

/** Looks up a verifier by name and key hash; throws `sumdb-unknown-key` when there is none. */
export interface Verifiers {
  verifier(name: string, hash: number): Verifier;
}

// unicode.IsSpace: Latin-1 spaces and the White_Space characters outside Latin-1.
const SPACE_RE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isValidName(name: string): boolean {
  return name !== '' && !LONE_SURROGATE_RE.test(name) && !SPACE_RE.test(name) && !name.includes('+');
}

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (padding required), as Go's base64.StdEncoding, which skips CR and LF. */
function decodeBase64(s: string): Uint8Array | undefined {
  const t = s.replace(/[\r\n]/g, '');
  return B64_RE.test(t) ? new Uint8Array(Buffer.from(t, 'base64')) : undefined;
}

function chop(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + sep.length)];
}

function keyHash(name: string, key: Uint8Array): number {
  const sum = createHash('sha256').update(name).update('\n').update(key).digest();
  return sum.readUInt32BE(0);
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

// DER wrappers that let node:crypto take raw Ed25519 keys (RFC 8410).
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function ed25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

function ed25519Private(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function keyError(vkey: string, what: string): SumdbError {
  return new SumdbError('sumdb-key-invalid', `checksum database key ${JSON.stringify(vkey)}: ${what}`, {
    hint: 'a verifier key reads <name>+<8 hex digits>+<base64 of 0x01 and a 32-byte Ed25519 public key>',
  });
}

/**
 * Parses a verifier key `<name>+<hash>+<keydata>` and checks its key hash.
 *
 * @example
 * ```ts
 * const v = newVerifier(SUM_GOLANG_ORG_KEY); // v.name === 'sum.golang.org'
 * ```
 */
export function newVerifier(vkey: string): Verifier {
  const [name, rest] = chop(vkey, '+');
  const [hash16, key64] = chop(rest, '+');
  const key = decodeBase64(key64);
  if (!/^[0-9a-fA-F]{8}$/.test(hash16) || key === undefined || !isValidName(name) || key.length === 0) {
    throw keyError(vkey, 'malformed verifier id');
  }
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, key)) throw keyError(vkey, 'invalid verifier hash');
  if (key[0] !== ALG_ED25519) throw keyError(vkey, 'unknown verifier algorithm');
  if (key.length !== 33) throw keyError(vkey, 'malformed verifier id');
  const pub = ed25519Public(key.subarray(1));
  return {
    name,
    keyHash: hash,
    verify: (msg, sig) => sig.length === 64 && verify(null, msg, pub, sig),
  };
}

/** Parses a signer key `PRIVATE+KEY+<name>+<hash>+<keydata>` (as x/mod's GenerateKey writes it). */
export function newSigner(skey: string): Signer {
  const [priv1, r1] = chop(skey, '+');
  const [priv2, r2] = chop(r1, '+');
  const [name, r3] = chop(r2, '+');
  const [hash16, key64] = chop(r3, '+');
  const key = decodeBase64(key64);
  const bad = (what: string) => keyError('PRIVATE+KEY+…', what);
  if (
    priv1 !== 'PRIVATE' ||
    priv2 !== 'KEY' ||
    !/^[0-9a-fA-F]{8}$/.test(hash16) ||
    key === undefined ||
    !isValidName(name) ||
    key.length === 0
  ) {
    throw bad('malformed signer id');
  }
  if (key[0] !== ALG_ED25519) throw bad('unknown signer algorithm');
  if (key.length !== 33) throw bad('malformed signer id');
  const privateKey = ed25519Private(key.subarray(1));
  const pub = rawPublic(privateKey);
  const hash = Number.parseInt(hash16, 16);
  if (hash !== keyHash(name, Buffer.concat([Buffer.of(ALG_ED25519), pub]))) throw bad('invalid signer hash');
  return { name, keyHash: hash, sign: (msg) => new Uint8Array(sign(null, msg, privateKey)) };
}

function rawPublic(privateKey: KeyObject): Buffer {
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return der.subarray(SPKI_PREFIX.length);
}

/** Generates a fresh Ed25519 key pair in x/mod's text forms (for test servers and tools). */
export function generateKey(name: string, seed: Uint8Array): { skey: string; vkey: string } {
  if (!isValidName(name) || seed.length !== 32) throw keyError(name, 'invalid name or seed');
  const pub = Buffer.concat([Buffer.of(ALG_ED25519), rawPublic(ed25519Private(seed))]);
  const h = hex8(keyHash(name, pub));
  const priv = Buffer.concat([Buffer.of(ALG_ED25519), seed]);
  return {
    skey: `PRIVATE+KEY+${name}+${h}+${priv.toString('base64')}`,
    vkey: `${name}+${h}+${pub.toString('base64')}`,
  };
}

/** A {@link Verifiers} over a fixed list; a name+hash listed twice is ambiguous when used. */
export function verifierList(...list: Verifier[]): Verifiers {
  const m = new Map<string, Verifier[]>();
  for (const v of list) {
    const k = `${v.name}+${hex8(v.keyHash)}`;
    m.set(k, [...(m.get(k) ?? []), v]);
  }
  return {
    verifier(name, hash) {
      const k = `${name}+${hex8(hash)}`;
      const vs = m.get(k);
      if (vs === undefined) throw new SumdbError('sumdb-unknown-key', `unknown key ${k}`);
      if (vs.length > 1) throw new SumdbError('sumdb-key-invalid', `ambiguous key ${k}`);
      return vs[0] as Verifier;
    },
  };
}

function malformed(): SumdbError {
  return new SumdbError('sumdb-note-malformed', 'malformed note');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const SIG_PREFIX = '\u2014 ';

/**
 * Opens a signed note: checks its syntax and every signature by a known key. Throws
 * `sumdb-note-malformed`, `sumdb-bad-signature` (a known key whose signature fails), or
 * `sumdb-unknown-key` when no signature is by a known key.
 */
export function openNote(msg: Uint8Array | string, known: Verifiers = verifierList()): Note {
  let s: string;
  if (typeof msg === 'string') {
    if (LONE_SURROGATE_RE.test(msg)) throw malformed();
    s = msg;
  } else {
    try {
      s = utf8.decode(msg);
    } catch (e) {
      if (e instanceof TypeError) throw malformed();
      throw e;
    }
  }
  if (/[\u0000-\u0009\u000b-\u001f]/.test(s)) throw malformed();
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw malformed();
  const text = s.slice(0, split + 1);
  let sigs = s.slice(split + 2);
  if (sigs.length === 0 || !sigs.endsWith('\n')) throw malformed();
  const textBytes = Buffer.from(text, 'utf8');

  const note: Note = { text, sigs: [], unverifiedSigs: [] };
  const seen = new Set<string>();
  const seenUnverified = new Set<string>();
  let numSig = 0;
  while (sigs.length > 0) {
    const i = sigs.indexOf('\n');
    let line = sigs.slice(0, i);
    sigs = sigs.slice(i + 1);
    if (!line.startsWith(SIG_PREFIX)) throw malformed();
    line = line.slice(SIG_PREFIX.length);
    const [name, b64] = chop(line, ' ');
    const raw = decodeBase64(b64);
    if (raw === undefined || !isValidName(name) || b64 === '' || raw.length < 5) throw malformed();
    const hash = Buffer.from(raw.buffer, raw.byteOffset, 4).readUInt32BE(0);
    const sig = raw.subarray(4);
    if (++numSig > MAX_SIGNATURES) throw malformed();

    let v: Verifier;
    try {
      v = known.verifier(name, hash);
    } catch (e) {
      if (!(e instanceof SumdbError && e.code === 'sumdb-unknown-key')) throw e;
      if (seenUnverified.has(line)) continue;
      seenUnverified.add(line);
      note.unverifiedSigs.push({ name, hash, base64: b64 });
      continue;
    }
    if (v.name !== name || v.keyHash !== hash) {
      throw new SumdbError('sumdb-note-malformed', "verifier name or hash doesn't match signature");
    }
    const k = `${name}+${hex8(hash)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (!v.verify(textBytes, sig)) {
      throw new SumdbError('sumdb-bad-signature', `invalid signature for key ${k}`);
    }
    note.sigs.push({ name, hash, base64: b64 });
  }
  if (note.sigs.length === 0) {
    const names = note.unverifiedSigs.map((g) => `${g.name}+${hex8(g.hash)}`).join(', ');
    throw new SumdbError('sumdb-unknown-key', `note has no verifiable signatures (signed by: ${names})`, {
      hint: 'check that GOSUMDB names the right key for this checksum database',
    });
  }
  return note;
}

/**
 * Signs `note.text` with each signer; existing signatures by other keys are kept, ones by the
 * signers' keys replaced. The text must end in `\n`.
 */
export function signNote(
  note: { text: string; sigs?: Signature[]; unverifiedSigs?: Signature[] },
  ...signers: Signer[]
): string {
  if (!note.text.endsWith('\n')) throw malformed();
  const textBytes = Buffer.from(note.text, 'utf8');
  const have = new Set<string>();
  let fresh = '';
  for (const s of signers) {
    have.add(`${s.name}+${hex8(s.keyHash)}`);
    if (!isValidName(s.name)) throw new SumdbError('sumdb-key-invalid', 'invalid signer');
    const hb = Buffer.alloc(4);
    hb.writeUInt32BE(s.keyHash >>> 0);
    fresh += `${SIG_PREFIX}${s.name} ${Buffer.concat([hb, s.sign(textBytes)]).toString('base64')}\n`;
  }
  let out = `${note.text}\n`;
  for (const sig of [...(note.sigs ?? []), ...(note.unverifiedSigs ?? [])]) {
    if (!isValidName(sig.name)) throw malformed();
    if (have.has(`${sig.name}+${hex8(sig.hash)}`)) continue;
    const raw = decodeBase64(sig.base64);
    if (raw === undefined || raw.length < 4 || Buffer.from(raw).readUInt32BE(0) !== sig.hash)
      throw malformed();
    out += `${SIG_PREFIX}${sig.name} ${sig.base64}\n`;
  }
  return out + fresh;
}
