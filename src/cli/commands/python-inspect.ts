// `mochi-pkg python inspect`: a stub file or package as Mochi sees it — items, skips, capabilities, shim.
import { inspectStubs } from '../../python/build/inspect.js';
import { render } from '../../python/typemap/render.js';
import { type Command, ExitCode, parseCommandArgs, printJson, println, UsageError } from '../context.js';
import { PYTHON_TARGET_HELP, parsePythonTarget, pythonTargetFlags } from '../python-target.js';

const NAME = 'python inspect';

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
  --json               print {module, items:[{name, sourceName, kind, type, async, members?:[{name,
                       sourceName, kind, type, async, settable, inheritedFrom?}]}],
                       skipped:[{itemPath, reason, detail}], capabilities:[…], shim, shimSha256}
${PYTHON_TARGET_HELP}
  --typeshed <dir>     typeshed root (holding stdlib/ and stubs/) for names outside the package
  --no-typeshed        resolve names inside the package only

Examples:
  mochi-pkg python inspect ./stubs/httpx
  mochi-pkg python inspect minimal.pyi --json
  mochi-pkg python inspect ./requests-stubs --python 3.9 --platform win32

Exit codes: 0 wrapper printed (skips are not failures) · 2 bad usage, a missing path, or a stub that
does not parse (file, line and column are printed) · 3 internal error`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, NAME, {
      json: { type: 'boolean' },
      ...pythonTargetFlags,
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
    // A missing path or a stub that does not parse is a usage-class error: the shell prints it (exit 2).
    const r = await inspectStubs(positionals[0]!, {
      python: parsePythonTarget(NAME, values),
      typeshed: values['no-typeshed'] ? false : values.typeshed,
    });
    const { wrapper: w, capabilities, python } = r;
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
        shim: r.shim,
        shimSha256: r.shimSha256,
      });
      return ExitCode.ok;
    }
    println(ctx, `module ${w.module} (Python ${python.version.join('.')}, ${python.platform})`);
    println(ctx);
    println(ctx, `items (${w.items.length}):`);
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
    println(ctx);
    println(ctx, `skipped (${w.skipped.length}):`);
    for (const s of w.skipped) {
      println(ctx, `  ${s.itemPath}  [${s.reason}]  ${s.detail}`);
      if (s.override) println(ctx, `      override: ${s.override}`);
    }
    println(ctx);
    println(ctx, `capabilities: ${capabilities.length ? capabilities.join(', ') : '(none)'}`);
    println(ctx, `shim sha256: ${r.shimSha256}`);
    println(ctx);
    println(ctx, '--- shim ---');
    ctx.stdout.write(r.shim);
    return ExitCode.ok;
  },
};
