// An in-memory package source for resolver tests: a table of releases and their requirements.
import type { Dependencies, Dependency, PackageSource } from '../../../src/python/resolver/index.js';

/** `name` → `version` → requirement strings `name[extra]spec` (extras' requirements under `[extra]` keys). */
export interface Universe {
  readonly [name: string]: {
    readonly [version: string]: {
      readonly deps?: readonly string[];
      readonly extras?: Readonly<Record<string, readonly string[]>>;
      readonly yanked?: boolean;
      readonly unusable?: string;
    };
  };
}

/** Parses `name[a,b]>=1` (the small subset tests need; markers are the metadata layer's job). */
export function dep(text: string, label?: string): Dependency {
  const m = /^([A-Za-z0-9._-]+)(?:\[([^\]]*)\])?(.*)$/.exec(text.trim());
  if (!m) throw new Error(`bad test requirement ${text}`);
  const extras = (m[2] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .sort();
  return { name: m[1]!.toLowerCase(), extras, specifier: m[3]!.trim(), ...(label ? { label } : {}) };
}

export function memorySource(u: Universe, log?: string[]): PackageSource {
  return {
    async versions(name) {
      log?.push(`versions ${name}`);
      return Object.entries(u[name] ?? {}).map(([version, r]) => ({ version, yanked: r.yanked ?? false }));
    },
    async dependencies(name, version, extra): Promise<Dependencies> {
      log?.push(`deps ${name} ${version}${extra ? ` [${extra}]` : ''}`);
      const r = u[name]?.[version];
      if (!r) throw new Error(`no ${name} ${version}`);
      if (r.unusable) return { kind: 'unusable', reason: r.unusable };
      const list = extra === undefined ? (r.deps ?? []) : (r.extras?.[extra] ?? []);
      return { kind: 'ok', dependencies: list.map((d) => dep(d)) };
    },
  };
}
