import fc from 'fast-check';
import { expect, it } from 'vitest';
import { defaultEnvironment } from '../../../src/python/pep508/index.js';
import { describeWithOracle, packagingOracle } from '../../support/oracles.js';
import { markerOnlyText, requirementText, tokenSoup } from './arbitraries.js';
import { askPackaging508, type JsonEnvironment, type Pep508Batch } from './oracle.js';
import { ourMarker, ourRequirement } from './ours.js';

const SEED = Number(process.env.MOCHI_PEP508_SEED ?? 508);
const REQUIREMENTS = 16_000;
const MARKERS = 4_000;
const SOUP = 6_000;

const linux = defaultEnvironment('3.11', 'manylinux_2_17_x86_64');
/** Targets as packaging's default_environment() would report them, plus awkward values. */
export const ENVIRONMENTS: JsonEnvironment[] = [
  {
    strings: {
      ...linux,
      platform_release: '6.1.0-13-amd64',
      platform_version: '#1 SMP PREEMPT_DYNAMIC Debian',
    },
    context: 'metadata',
  },
  {
    strings: {
      ...defaultEnvironment('3.8.10', 'win_amd64'),
      platform_release: '10',
      platform_version: '10.0.19045',
    },
    context: 'metadata',
  },
  {
    strings: { ...defaultEnvironment('3.12', 'macosx_11_0_arm64'), platform_release: '23.1.0' },
    context: 'metadata',
  },
  {
    strings: {
      ...defaultEnvironment('3.13', 'musllinux_1_2_aarch64'),
      python_full_version: '3.13.0+',
      implementation_version: '3.13.0a2',
      extra: 'Foo.Bar',
    },
    context: 'metadata',
  },
  {
    strings: {
      ...linux,
      implementation_name: 'pypy',
      implementation_version: '7.3.13',
      platform_python_implementation: 'PyPy',
      extra: 'test',
    },
    context: 'requirement',
  },
  {
    strings: { ...defaultEnvironment('3.9', 'win32') },
    sets: { extras: ['Foo_Bar', 'test'], dependency_groups: ['dev'] },
    context: 'lock_file',
  },
  { strings: { ...linux, extra: 'dev', platform_release: 'NT' }, context: 'metadata' },
];

function batch(seed: number): Pep508Batch {
  return {
    requirements: [
      ...fc.sample(requirementText, { numRuns: REQUIREMENTS, seed }),
      ...fc.sample(tokenSoup, { numRuns: SOUP, seed: seed + 2 }).map((s) => `name${s}`),
    ],
    markers: [
      ...fc.sample(markerOnlyText, { numRuns: MARKERS, seed: seed + 1 }),
      ...fc.sample(tokenSoup, { numRuns: SOUP, seed: seed + 3 }),
    ],
    environments: ENVIRONMENTS,
  };
}

describeWithOracle(packagingOracle(), 'PEP 508 against packaging 26 (generated inputs)', () => {
  const q = batch(SEED);
  const a = askPackaging508(q);

  it(`parses ${REQUIREMENTS + SOUP} generated requirements as packaging does (parts, str(), reason and column)`, () => {
    const bad: string[] = [];
    q.requirements.forEach((s, i) => {
      const ours = ourRequirement(s);
      if (JSON.stringify(ours) !== JSON.stringify(a.requirements[i]))
        bad.push(
          `${JSON.stringify(s)}\n  ours ${JSON.stringify(ours)}\n  packaging ${JSON.stringify(a.requirements[i])}`,
        );
    });
    expect(bad.slice(0, 10)).toEqual([]);
    const accepted = a.requirements.filter((r) => r.ok);
    expect(accepted.length).toBeGreaterThan(REQUIREMENTS / 3);
    expect(accepted.length).toBeLessThan((REQUIREMENTS + SOUP) * 0.9);
    // The accepted ones must cover URLs, markers and specifiers.
    expect(accepted.filter((r) => r.ok && r.url !== null).length).toBeGreaterThan(100);
    expect(accepted.filter((r) => r.ok && r.marker !== null).length).toBeGreaterThan(500);
    expect(accepted.filter((r) => r.ok && r.specifier !== '').length).toBeGreaterThan(1000);
  });

  it(`parses ${MARKERS + SOUP} markers and evaluates them in ${ENVIRONMENTS.length} environments as packaging does`, () => {
    const bad: string[] = [];
    q.markers.forEach((s, i) => {
      const ours = ourMarker(s, ENVIRONMENTS);
      if (JSON.stringify(ours) !== JSON.stringify(a.markers[i]))
        bad.push(
          `${JSON.stringify(s)}\n  ours ${JSON.stringify(ours)}\n  packaging ${JSON.stringify(a.markers[i])}`,
        );
    });
    expect(bad.slice(0, 10)).toEqual([]);
    const evaluations = a.markers.flatMap((m) => (m.ok ? m.evaluations : []));
    expect(evaluations.length).toBeGreaterThan(10_000);
    expect(evaluations.filter((e) => e === true).length).toBeGreaterThan(evaluations.length / 10);
    expect(evaluations.filter((e) => e === false).length).toBeGreaterThan(evaluations.length / 10);
  });
});
