// `mochi-pkg python inspect`: a stub file or package as Mochi sees it — items, skips, capabilities, shim.
import { isMochiPkgError } from '../../errors.js';
import { buildWith } from '../../python/build/build.js';
import { bundledTypeshed, typeshedExternals } from '../../python/build/externals.js';
import type { PythonTarget } from '../../python/build/types.js';
import { extractCapabilities } from '../../python/lockfile/capabilities.js';
import { readStubFiles } from '../../python/stubs/load.js';
import { loadStubParser } from '../../python/stubs/parse.js';
import { render } from '../../python/typemap/render.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';

const NAME = 'python inspect';

/** `3.12` → [3, 12]; anything else is a usage error. */
export function parsePythonVersion(text: string): readonly [number, number] {
  const m = /^(\d{1,2})\.(\d{1,3})$/.exec(text);
  if (!m) throw new UsageError(`${NAME}: --python ${JSON.stringify(text)} is not a version like 3.12`);
  return [Number(m[1]), Number(m[2])];
}

export const command: Command = {
  name: NAME,
  summary: 'show the Mochi wrapper of a .pyi stub file or package: items, skips, shim and its SHA-256',
  help: `Usage:
  mochi-pkg python inspect <stub-file-or-package-dir> [--json] [--python 3.12] [--platform linux]
                           [--typeshed <dir> | --no-typeshed]

Parses the stubs (a .pyi file, or a package directory with __init__.pyi and submodules; .py files
too when the folder holds py.typed), evaluates sys.version_info / sys.platform branches for the
target, and prints what the generated Mochi wrapper of the top-level module holds: every item with
its Mochi type, every public name that was skipped with its reason, the capability tokens, the
shim (the Mochi extern declarations) and its SHA-256 (the lock's wrapper-sha256).

Names the package imports from elsewhere (datetime, typing.IO, _typeshed.StrPath…) resolve through
a typeshed tree: by default the copy inside the pyright npm package when it is installed.

Flags:
  --json             print {module, items:[{name, sourceName, kind, type, async, members?:[{name,
                     sourceName, kind, type, async, settable, inheritedFrom?}]}],
                     skipped:[{itemPath, reason, detail}], capabilities:[…], shim, shimSha256}
  --python X.Y       Python version the branches are evaluated for (default 3.12)
  --platform P       sys.platform value (default linux; e.g. darwin, win32)
  --typeshed DIR     typeshed root (holding stdlib/ and stubs/) for names outside the package
  --no-typeshed      resolve names inside the package only

Examples:
  mochi-pkg python inspect ./stubs/httpx
  mochi-pkg python inspect minimal.pyi --json
  mochi-pkg python inspect ./requests-stubs --python 3.9 --platform win32

Exit codes: 0 wrapper printed (skips are not failures) · 2 bad usage, a missing path, or a stub that
does not parse (file, line and column are printed) · 3 internal error`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, NAME, {
      json: { type: 'boolean' },
      python: { type: 'string' },
      platform: { type: 'string' },
      typeshed: { type: 'string' },
      'no-typeshed': { type: 'boolean' },
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        `${NAME}: expected one stub file or package directory, got ${positionals.length}`,
        `run \`mochi-pkg ${NAME} --help\` for usage`,
      );
    }
    if (values.typeshed !== undefined && values['no-typeshed']) {
      throw new UsageError(`${NAME}: --typeshed and --no-typeshed exclude each other`);
    }
    const platform = values.platform ?? 'linux';
    if (!/^[a-z][a-z0-9_]*$/.test(platform)) {
      throw new UsageError(
        `${NAME}: --platform ${JSON.stringify(platform)} is not a sys.platform value like linux`,
      );
    }
    const python: PythonTarget = {
      version: parsePythonVersion(values.python ?? '3.12') as [number, number],
      platform,
    };
    const path = positionals[0]!;
    let stubs: Awaited<ReturnType<typeof readStubFiles>>;
    let result: ReturnType<typeof buildWith>;
    try {
      stubs = await readStubFiles(path);
      const parser = await loadStubParser();
      const root = values['no-typeshed'] ? undefined : (values.typeshed ?? bundledTypeshed());
      const externals = root === undefined ? undefined : typeshedExternals(root, parser, python);
      result = buildWith(
        { targets: [{ spec: stubs.module, alias: stubs.module, stubs }], python },
        (s, py) => parser.parsePackage(s, py),
        externals ? { externals } : {},
      );
    } catch (e) {
      // An unreadable path or a stub that does not parse is unusable input (exit 2), not a bug.
      if (isMochiPkgError(e) && e.exitClass === 'usage') {
        ctx.stderr.write(`mochi-pkg: error[${e.code}]: ${e.message}\n`);
        if (e.hint) ctx.stderr.write(`  hint: ${e.hint}\n`);
        return ExitCode.usage;
      }
      throw e;
    }
    const t = result.targets[0]!;
    const w = t.wrapper;
    const capabilities = extractCapabilities(w) ?? [];
    if (values.json) {
      printJson(ctx, {
        module: w.module,
        items: w.items.map((i) => ({
          name: i.name,
          sourceName: i.sourceName,
          kind: i.kind,
          type: render(i.type),
          async: i.async,
          ...(i.members
            ? {
                members: i.members.map((m) => ({
                  name: m.name,
                  sourceName: m.sourceName,
                  kind: m.kind,
                  type: render(m.type),
                  async: m.async,
                  settable: m.settable,
                  ...(m.inheritedFrom === undefined ? {} : { inheritedFrom: m.inheritedFrom }),
                })),
              }
            : {}),
        })),
        skipped: w.skipped.map((s) => ({
          itemPath: s.itemPath,
          reason: s.reason,
          detail: s.detail,
          ...(s.override === undefined ? {} : { override: s.override }),
        })),
        capabilities,
        shim: t.shim,
        shimSha256: t.shimSha256,
      });
      return ExitCode.ok;
    }
    println(ctx, `module ${w.module} (Python ${python.version.join('.')}, ${python.platform})`);
    println(ctx, `\nitems (${w.items.length}):`);
    for (const i of w.items) {
      const alias = i.name === i.sourceName ? '' : ` (Python ${i.sourceName})`;
      println(ctx, `  ${i.kind.padEnd(9)} ${i.name}${alias}${i.async ? ' [async]' : ''}: ${render(i.type)}`);
      for (const m of i.members ?? []) {
        const from = m.inheritedFrom === undefined ? '' : ` (from ${m.inheritedFrom})`;
        println(
          ctx,
          `    ${m.kind.padEnd(12)} ${m.name}: ${render(m.type)}${m.settable ? ' [settable]' : ''}${from}`,
        );
      }
    }
    println(ctx, `\nskipped (${w.skipped.length}):`);
    for (const s of w.skipped) {
      println(ctx, `  ${s.itemPath}  [${s.reason}]  ${s.detail}`);
      if (s.override) println(ctx, `      override: ${s.override}`);
    }
    println(ctx, `\ncapabilities: ${capabilities.length ? capabilities.join(', ') : '(none)'}`);
    println(ctx, `shim sha256: ${t.shimSha256}`);
    println(ctx, '\n--- shim ---');
    ctx.stdout.write(t.shim);
    return ExitCode.ok;
  },
};
