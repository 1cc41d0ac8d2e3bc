import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contains } from '../../../src/python/pep440/index.js';
import {
  canonicalizeName,
  defaultEnvironment,
  evaluateMarker,
  InvalidMarkerError,
  InvalidRequirementError,
  MAX_MARKER_DEPTH,
  MAX_PEP508_LENGTH,
  type MarkerComparison,
  MarkerEvaluationError,
  type MarkerList,
  markerToString,
  parseMarker,
  parseRequirement,
  requirementToString,
  tryParseMarker,
  tryParseRequirement,
} from '../../../src/python/pep508/index.js';
import { markerOnlyText, requirementText } from './arbitraries.js';

const linux = defaultEnvironment('3.11', 'manylinux_2_17_x86_64');

function markerValues(list: MarkerList): string[] {
  return list.flatMap((e): string[] => {
    if (typeof e === 'string') return [];
    if (Array.isArray(e)) return markerValues(e as MarkerList);
    const c = e as MarkerComparison;
    return [c.left, c.right].flatMap((o) => (o.kind === 'value' ? [o.value] : []));
  });
}

describe('parseRequirement', () => {
  it('splits a requirement into name, extras, specifier and marker', () => {
    const r = parseRequirement('Typing_Extensions[b,a,b] (>=4.0, <5) ; python_version < "3.8"');
    expect(r.name).toBe('Typing_Extensions');
    expect(r.normalizedName).toBe('typing-extensions');
    expect(r.extras).toEqual(['a', 'b']);
    expect(contains(r.specifier, '4.7.1')).toBe(true);
    expect(contains(r.specifier, '5.0')).toBe(false);
    expect(r.url).toBeUndefined();
    expect(r.marker && markerToString(r.marker)).toBe('python_version < "3.8"');
  });

  it('keeps a direct URL reference explicit so callers can refuse it', () => {
    const r = parseRequirement('pkg @ https://example.com/pkg-1.0-py3-none-any.whl ; os_name == "nt"');
    expect(r.url).toBe('https://example.com/pkg-1.0-py3-none-any.whl');
    expect(r.specifier.specifiers).toEqual([]);
    expect(requirementToString(r)).toBe(
      'pkg @ https://example.com/pkg-1.0-py3-none-any.whl ; os_name == "nt"',
    );
  });

  it.each([
    ['', 'Expected package name at the start of dependency specifier', 0, 0],
    [
      'name >= 1.0 foo',
      'Expected comma (within version specifier), semicolon (after version specifier) or end',
      5,
      12,
    ],
    ['name[a b]', 'Expected comma between extra names', 7, 7],
    ['name (>=1', 'Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier', 5, 9],
    ['name>=1.0.*', '.* suffix can only be used with `==` or `!=` operators', 4, 10],
  ])('refuses %j: %s (span %i-%i)', (text, reason, start, end) => {
    const e = (() => {
      try {
        parseRequirement(text);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(InvalidRequirementError);
    const err = e as InvalidRequirementError;
    expect(err.code).toBe('pep508-invalid-requirement');
    expect(err.reason).toBe(reason);
    expect(err.span).toEqual({ start, end });
    expect(err.message).toContain(`at column ${start + 1}`);
    expect(err.hint).toBeDefined();
    expect(tryParseRequirement(text)).toBeUndefined();
  });

  it('counts columns in code points, as Python does', () => {
    expect(() => parseRequirement('a; os_name == "😀" xx')).toThrow(
      expect.objectContaining({ span: { start: 18, end: 18 } }),
    );
  });

  it('refuses a bad string literal in a marker as an invalid requirement', () => {
    expect(() => parseRequirement('a; os_name == "\\x"')).toThrow(InvalidRequirementError);
    expect(() => parseRequirement('a; os_name == "\\N{DIGIT ONE}"')).toThrow(/named Unicode escapes/);
  });

  it('refuses oversized input without scanning it', () => {
    const big = `a${' '.repeat(MAX_PEP508_LENGTH)}`;
    expect(() => parseRequirement(big)).toThrow(/longer than/);
    expect(() => parseMarker(`os_name == "${'x'.repeat(MAX_PEP508_LENGTH)}"`)).toThrow(InvalidMarkerError);
  });

  it('prints what it parses, and the print re-parses to a fixed point (round trip)', () => {
    fc.assert(
      fc.property(requirementText, (text) => {
        const r = tryParseRequirement(text);
        if (r === undefined) return;
        let printed: string;
        try {
          printed = requirementToString(r);
        } catch {
          return; // an unusable `~=` clause cannot be printed in a multi-clause set, as in packaging
        }
        const again = tryParseRequirement(printed);
        // packaging prints marker values in double quotes without escaping: a value holding `"`, `\\`
        // or a line break does not re-parse.
        if (again === undefined) {
          expect(r.marker && markerValues(r.marker.expression).some((v) => /["\\\n\r]/.test(v))).toBe(true);
          return;
        }
        // One round may still change the text: packaging normalises `extra` values only outside
        // parentheses, and printing drops redundant parentheses. The second print is a fixed point.
        const second = requirementToString(again);
        expect(requirementToString(parseRequirement(second))).toBe(second);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe('parseMarker', () => {
  it('normalises variables and quoting and drops redundant parentheses', () => {
    expect(
      markerToString(parseMarker("(os.name=='posix') and (python_version>'3' or sys.platform!='win32')")),
    ).toBe('os_name == "posix" and (python_version > "3" or sys_platform != "win32")');
  });

  it('evaluates string escapes as Python does', () => {
    expect(markerToString(parseMarker("os_name == '\\x41\\101\\u00e9\\q'"))).toBe('os_name == "AAé\\q"');
  });

  it('refuses markers nested deeper than the limit with a typed error', () => {
    const deep = `${'('.repeat(MAX_MARKER_DEPTH + 1)}os_name == "a"${')'.repeat(MAX_MARKER_DEPTH + 1)}`;
    expect(() => parseMarker(deep)).toThrow(expect.objectContaining({ code: 'pep508-invalid-marker' }));
    const ok = `${'('.repeat(MAX_MARKER_DEPTH)}os_name == "a"${')'.repeat(MAX_MARKER_DEPTH)}`;
    expect(tryParseMarker(ok)).toBeDefined();
  });

  it('never throws anything but InvalidMarkerError on generated text', () => {
    fc.assert(
      fc.property(markerOnlyText, (text) => {
        try {
          parseMarker(text);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidMarkerError);
        }
      }),
      { numRuns: 3000, seed: 8 },
    );
  });
});

describe('evaluateMarker', () => {
  const m = (text: string) => parseMarker(text);

  it('compares version variables as versions and the others as strings', () => {
    expect(evaluateMarker(m('python_version >= "3.8"'), linux)).toBe(true);
    expect(evaluateMarker(m('python_version > "3.11"'), linux)).toBe(false);
    expect(evaluateMarker(m('python_full_version == "3.11.*"'), linux)).toBe(true);
    expect(evaluateMarker(m('sys_platform == "linux" and platform_machine == "x86_64"'), linux)).toBe(true);
    expect(evaluateMarker(m('"linux" in sys_platform'), linux)).toBe(true);
    expect(evaluateMarker(m('os_name < "zzz"'), linux)).toBe(false);
  });

  it('normalises extra names and defaults `extra` to "" for metadata', () => {
    expect(evaluateMarker(m('extra == "Socks_Proxy"'), { ...linux, extra: 'socks.proxy' })).toBe(true);
    expect(evaluateMarker(m('extra == "socks"'), linux)).toBe(false);
  });

  it('reads extras and dependency groups as sets in the lock-file context', () => {
    const env = { ...linux, extras: new Set(['Socks']), dependency_groups: new Set<string>() };
    expect(evaluateMarker(m('"socks" in extras'), env, { context: 'lock_file' })).toBe(true);
    expect(evaluateMarker(m('"dev" in dependency_groups'), linux, { context: 'lock_file' })).toBe(false);
  });

  it('says which variable is missing and which comparison is undefined', () => {
    const { python_version: _, ...partial } = linux;
    expect(() => evaluateMarker(m('python_version >= "3"'), partial)).toThrow(
      expect.objectContaining({ code: 'pep508-undefined-environment-name' }),
    );
    expect(() => evaluateMarker(m('os_name ~= "posix"'), linux)).toThrow(
      expect.objectContaining({ code: 'pep508-undefined-comparison' }),
    );
    expect(() => evaluateMarker(m('extras == "a"'), linux, { context: 'lock_file' })).toThrow(
      MarkerEvaluationError,
    );
  });
});

describe('defaultEnvironment', () => {
  it.each([
    ['manylinux_2_17_x86_64', 'posix', 'linux', 'Linux', 'x86_64'],
    ['manylinux2014_aarch64', 'posix', 'linux', 'Linux', 'aarch64'],
    ['musllinux_1_2_x86_64', 'posix', 'linux', 'Linux', 'x86_64'],
    ['linux_armv7l', 'posix', 'linux', 'Linux', 'armv7l'],
    ['macosx_11_0_arm64', 'posix', 'darwin', 'Darwin', 'arm64'],
    ['macosx_10_9_x86_64', 'posix', 'darwin', 'Darwin', 'x86_64'],
    ['win_amd64', 'nt', 'win32', 'Windows', 'AMD64'],
    ['win32', 'nt', 'win32', 'Windows', 'x86'],
    ['win_arm64', 'nt', 'win32', 'Windows', 'ARM64'],
  ])(
    '%s → os_name %s, sys_platform %s, platform_system %s, platform_machine %s',
    (tag, os, sys, system, machine) => {
      const env = defaultEnvironment('3.12.1', tag);
      expect([env.os_name, env.sys_platform, env.platform_system, env.platform_machine]).toEqual([
        os,
        sys,
        system,
        machine,
      ]);
      expect([env.python_version, env.python_full_version, env.implementation_name]).toEqual([
        '3.12',
        '3.12.1',
        'cpython',
      ]);
    },
  );

  it('fills the micro version with 0 and refuses what it cannot read', () => {
    expect(defaultEnvironment('3.9', 'win_amd64').python_full_version).toBe('3.9.0');
    expect(() => defaultEnvironment('3', 'win_amd64')).toThrow(
      expect.objectContaining({ code: 'pep508-invalid-target' }),
    );
    expect(() => defaultEnvironment('3.11', 'any')).toThrow(
      expect.objectContaining({ code: 'pep508-invalid-target' }),
    );
  });
});

describe('canonicalizeName', () => {
  it('lower-cases and folds runs of - _ . into one -', () => {
    expect(canonicalizeName('Zope.Interface')).toBe('zope-interface');
    expect(canonicalizeName('a__b-._c')).toBe('a-b-c');
  });
});
