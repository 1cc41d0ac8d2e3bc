// Signed notes checked against the vectors of x/mod's sumdb/note/note_test.go.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SumdbError } from '../../../src/go/sumdb/errors.js';
import {
  generateKey,
  newSigner,
  newVerifier,
  openNote,
  SUM_GOLANG_ORG_KEY,
  signNote,
  verifierList,
} from '../../../src/go/sumdb/note.js';
import { oraclesRequired } from '../../support/oracles.js';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_B64 =
  'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 =
  'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `— PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `— EnochRoot ${ENOCH_B64}\n`;
const peter = { name: 'PeterNeumann', hash: 0xc74f20a3, base64: PETER_B64 };
const enoch = { name: 'EnochRoot', hash: 0xaf0cfe78, base64: ENOCH_B64 };

/** Inserts `ins` at byte offset `at` of the UTF-8 form of `s` (Go slices strings by byte). */
function insertAt(s: string, at: number, ins: string): string {
  const b = Buffer.from(s);
  return `${b.subarray(0, at).toString()}${ins}${b.subarray(at).toString()}`;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SumdbError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('verifier keys', () => {
  it('accepts the vector key and cmd/go default key', () => {
    expect(newVerifier(PETER_VKEY).keyHash).toBe(0xc74f20a3);
    const v = newVerifier(SUM_GOLANG_ORG_KEY);
    expect([v.name, v.keyHash]).toEqual(['sum.golang.org', 0x033de0ae]);
  });

  it('ships the same default key as cmd/go (modfetch/key.go)', () => {
    const keyGo = join(
      execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(),
      'src/cmd/go/internal/modfetch/key.go',
    );
    if (!existsSync(keyGo)) {
      if (oraclesRequired) throw new Error(`oracle missing: ${keyGo}`);
      return;
    }
    expect(readFileSync(keyGo, 'utf8')).toContain(`"sum.golang.org": "${SUM_GOLANG_ORG_KEY}"`);
  });

  it('refuses every substring and every one-byte mangling (TestNewVerifier)', () => {
    const b = Buffer.from(PETER_VKEY);
    let tried = 0;
    for (let i = 0; i <= b.length; i++) {
      for (let j = i + 1; j <= b.length; j++) {
        if (i === 0 && j === b.length) continue;
        expect(
          codeOf(() => newVerifier(b.subarray(i, j).toString('latin1'))),
          `${i}:${j}`,
        ).toBe('sumdb-key-invalid');
        tried++;
      }
    }
    for (let i = 0; i < b.length; i++) {
      const m = Buffer.from(b);
      m[i] = (m[i] as number) + 1;
      expect(
        codeOf(() => newVerifier(m.toString('latin1'))),
        m.toString('latin1'),
      ).toBe('sumdb-key-invalid');
      tried++;
    }
    expect(tried).toBeGreaterThan(2000);
  });

  it('refuses a wrong-length key and an unknown algorithm even with a matching hash', () => {
    expect(
      codeOf(() => newVerifier('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')),
    ).toBe('sumdb-key-invalid');
    expect(
      codeOf(() => newVerifier('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')),
    ).toBe('sumdb-key-invalid');
  });

  it('refuses manglings of the signer key (TestNewSigner)', () => {
    expect(newSigner(PETER_SKEY).keyHash).toBe(0xc74f20a3);
    const b = Buffer.from(PETER_SKEY);
    for (let i = 0; i < b.length; i++) {
      const m = Buffer.from(b);
      m[i] = (m[i] as number) + 1;
      expect(codeOf(() => newSigner(m.toString('latin1')))).toBe('sumdb-key-invalid');
      expect(codeOf(() => newSigner(b.subarray(0, i).toString('latin1')))).toBe('sumdb-key-invalid');
    }
  });

  it('generates self-consistent key pairs', () => {
    const { skey, vkey } = generateKey('EnochRoot', new Uint8Array(32).fill(7));
    const s = newSigner(skey);
    const v = newVerifier(vkey);
    expect(s.keyHash).toBe(v.keyHash);
    const msg = Buffer.from('hi');
    const sig = Buffer.from(s.sign(msg));
    expect(v.verify(msg, sig)).toBe(true);
    sig[0] = ((sig[0] as number) + 1) & 0xff;
    expect(v.verify(msg, sig)).toBe(false);
  });
});

describe('verifier lists', () => {
  it('finds, misses and reports ambiguity as x/mod does (TestVerifierList)', () => {
    const p = newVerifier(PETER_VKEY);
    const e = newVerifier(ENOCH_VKEY);
    const list = verifierList(p, e, e);
    expect(list.verifier('PeterNeumann', 0xc74f20a3)).toBe(p);
    expect(() => list.verifier('PeterNeumann', 0xc74f20a4)).toThrow('unknown key PeterNeumann+c74f20a4');
    expect(() => list.verifier('PeterNeuman', 0xc74f20a3)).toThrow('unknown key PeterNeuman+c74f20a3');
    expect(() => list.verifier('EnochRoot', 0xaf0cfe78)).toThrow('ambiguous key EnochRoot+af0cfe78');
  });
});

describe('signing', () => {
  const want = `${TEXT}\n${PETER_SIG}`;
  it('writes the vector signature and replaces an old one by the same key (TestSign)', () => {
    const s = newSigner(PETER_SKEY);
    expect(signNote({ text: TEXT }, s)).toBe(want);
    expect(
      signNote({ text: TEXT, sigs: [{ name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADSIGN=' }] }, s),
    ).toBe(want);
  });
  it('refuses bad inputs', () => {
    const s = newSigner(PETER_SKEY);
    expect(codeOf(() => signNote({ text: 'abc' }, s))).toBe('sumdb-note-malformed');
    expect(codeOf(() => signNote({ text: TEXT, sigs: [{ name: 'a+b', hash: 0, base64: 'ABCD' }] }))).toBe(
      'sumdb-note-malformed',
    );
    expect(
      codeOf(() =>
        signNote({ text: TEXT, sigs: [{ name: 'PeterNeumann', hash: 0xc74f20a3, base64: 'BADHASH=' }] }),
      ),
    ).toBe('sumdb-note-malformed');
    expect(codeOf(() => signNote({ text: TEXT }, { ...s, name: 'bad name' }))).toBe('sumdb-key-invalid');
  });
});

describe('opening notes (TestOpen)', () => {
  const p = newVerifier(PETER_VKEY);
  const e = newVerifier(ENOCH_VKEY);
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

  it('verifies one signature and keeps the other unverified', () => {
    const n = openNote(Buffer.from(both), verifierList(p));
    expect(n).toEqual({ text: TEXT, sigs: [peter], unverifiedSigs: [enoch] });
  });
  it('verifies both', () => {
    expect(openNote(both, verifierList(p, e))).toEqual({
      text: TEXT,
      sigs: [peter, enoch],
      unverifiedSigs: [],
    });
  });
  it('refuses a note with no known key', () => {
    expect(codeOf(() => openNote(both, verifierList()))).toBe('sumdb-unknown-key');
  });
  it('reports an ambiguous key only when it is used', () => {
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, verifierList(e, p, e))).toThrow(
      'ambiguous key EnochRoot+af0cfe78',
    );
    expect(openNote(`${TEXT}\n${PETER_SIG}`, verifierList(e, p, e)).sigs).toEqual([peter]);
  });
  it('caps signature lines at 100', () => {
    expect(codeOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, verifierList(p)))).toBe(
      'sumdb-note-malformed',
    );
    expect(codeOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, verifierList()))).toBe(
      'sumdb-note-malformed',
    );
  });
  it('refuses an invalid signature by a known key', () => {
    const bad = `${TEXT}\n${insertAt(PETER_SIG, 60, 'ABCD')}`;
    expect(() => openNote(bad, verifierList(p))).toThrow('invalid signature for key PeterNeumann+c74f20a3');
    expect(codeOf(() => openNote(bad, verifierList(p)))).toBe('sumdb-bad-signature');
  });
  it('drops duplicated signatures', () => {
    const enochABCD = { ...enoch, base64: `${ENOCH_B64.slice(0, 46)}ABCD${ENOCH_B64.slice(46)}` };
    const msg = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${insertAt(ENOCH_SIG, 60, 'ABCD')}`;
    expect(openNote(msg, verifierList(p))).toEqual({
      text: TEXT,
      sigs: [peter],
      unverifiedSigs: [enoch, enochABCD],
    });
  });
  it.each([
    ['no blank line', TEXT],
    ['no signature', `${TEXT}\n`],
    ['no final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['control character', `\x01${TEXT}\n${PETER_SIG}`],
    ['space in name', `${TEXT}\n— Bad Name ${PETER_B64}`],
    ['trailing line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
  ])('refuses a malformed note: %s', (_, msg) => {
    expect(codeOf(() => openNote(msg, verifierList(p)))).toBe('sumdb-note-malformed');
  });
  it('refuses bytes that are not UTF-8', () => {
    const msg = Buffer.concat([Buffer.of(0xff), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(codeOf(() => openNote(msg, verifierList(p)))).toBe('sumdb-note-malformed');
  });
  it('refuses a verifier that answers for another name or hash', () => {
    const fixed = { verifier: () => p };
    expect(
      codeOf(() => openNote(`${TEXT}\n${PETER_SIG.replace('PeterNeumann', 'CarmenSandiego')}`, fixed)),
    ).toBe('sumdb-note-malformed');
    expect(codeOf(() => openNote(`${TEXT}\n${PETER_SIG.replaceAll('x08g', 'xxxx')}`, fixed))).toBe(
      'sumdb-note-malformed',
    );
  });
});
