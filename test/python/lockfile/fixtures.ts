// Synthetic wrappers and builds for the lockfile tests (minimal, record and async shapes).
import { createHash } from 'node:crypto';
import type {
  BuildRequest,
  BuildResult,
  BuildTarget,
  TargetResult,
} from '../../../src/python/build/types.js';
import type { MochiType, SkipReport } from '../../../src/python/typemap/types.js';
import type { Wrapper, WrapperItem } from '../../../src/python/wrapper/types.js';

export const int: MochiType = { kind: 'scalar', name: 'int' };
export const str: MochiType = { kind: 'scalar', name: 'string' };

export function fun(name: string, params: MochiType[], result: MochiType, async = false): WrapperItem {
  return { name, sourceName: name, kind: 'fun', async, type: { kind: 'fun', params, result } };
}

export function record(name: string, fields: Record<string, MochiType>): WrapperItem {
  return {
    name,
    sourceName: name,
    kind: 'record',
    async: false,
    type: { kind: 'record', name, fields: Object.entries(fields).map(([n, type]) => ({ name: n, type })) },
  };
}

export function constant(name: string, type: MochiType): WrapperItem {
  return { name, sourceName: name, kind: 'const', async: false, type };
}

export function wrapper(module: string, items: WrapperItem[], skipped: SkipReport[] = []): Wrapper {
  return { module, items: [...items].sort((a, b) => (a.sourceName < b.sourceName ? -1 : 1)), skipped };
}

/** A target result whose shim is a stand-in text derived from the wrapper (its hash is what matters). */
export function result(alias: string, w: Wrapper): TargetResult {
  const shim = `// shim for ${w.module}\n${JSON.stringify(w.items)}\n`;
  return {
    alias,
    wrapper: w,
    shim,
    shimSha256: createHash('sha256').update(shim).digest('hex'),
    skipped: w.skipped,
  };
}

export function target(spec: string, alias: string, module = alias): BuildTarget {
  return { spec, alias, stubs: { module, files: new Map([['__init__.pyi', '']]) } };
}

/** The httpx-like pinned target: an async function and a frozen dataclass, plus one skip. */
export function httpxLike(): { target: BuildTarget; result: TargetResult } {
  const response = record('Response', { status_code: int, text: str });
  const w = wrapper(
    'httpx',
    [
      fun('get', [str], { kind: 'ref', name: 'Response' }, true),
      response,
      fun('codes', [], { kind: 'map', key: str, value: int }),
    ],
    [{ itemPath: 'httpx.Client.send', reason: 'complex', detail: 'Callable[..., Any] with ParamSpec' }],
  );
  return { target: target('httpx@==0.27.0', 'http', 'httpx'), result: result('http', w) };
}

/** A second, unpinned target: a plain function over lists and an optional constant. */
export function plainLike(): { target: BuildTarget; result: TargetResult } {
  const w = wrapper('attrs_like', [
    fun('sum_all', [{ kind: 'list', elem: int }], int),
    constant('DEFAULT', { kind: 'optional', inner: str }),
  ]);
  return { target: target('Attrs_Like@>=21.3,<24', 'attrs', 'attrs_like'), result: result('attrs', w) };
}

/** The two-target build of the Phase 9 sentinel. */
export function twoTargetBuild(): { req: BuildRequest; res: BuildResult } {
  const a = httpxLike();
  const b = plainLike();
  return { req: { targets: [a.target, b.target] }, res: { targets: [a.result, b.result] } };
}
