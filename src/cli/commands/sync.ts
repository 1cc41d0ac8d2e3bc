// `mochi-pkg sync`: install exactly what mochi.lock pins into the project's Python environment.
import { EXIT_STATUS } from '../../errorCodes.js';
import { isMochiPkgError } from '../../errors.js';
import type { SyncResult, SyncSettings } from '../../project/syncProject.js';
import { syncProject } from '../../project/syncProject.js';
import {
  type Command,
  type CommandContext,
  ExitCode,
  parseCommandArgs,
  plural,
  printError,
  printJson,
  println,
} from '../context.js';
import { checkDirFlag } from '../pathFlags.js';
import { createProgress } from '../progress.js';
import { checkTargetFlags } from '../python-target.js';

const HELP = `mochi-pkg sync: make the project's Python environment match mochi.lock exactly

Usage:
  mochi-pkg sync [flags]             install, replace and remove distributions
  mochi-pkg sync --check [flags]     report what differs; change nothing (exit 1 on a difference)

Reads mochi.lock only (it never resolves again) and installs the [[python-distribution]] wheels
of one target into <project>/.mochi/python/<target>/, laid out as \`pip install --target\` lays
it out: packages and modules at the top, scripts in bin/, headers in include/python/<name>/.
Put that folder on sys.path (or PYTHONPATH) to use it. Every wheel is checked against the lock's
sha256, against its own RECORD, and for unsafe paths before it is unpacked, once, into a store
shared by every project (<cache-dir>/installed); environments hard-link the store's files. The
new environment is built beside the old one and switched in one rename: an interrupted sync
leaves the old environment or the new one, and a failed one the old (a first sync that fails
leaves no .mochi/python/). Distributions not in the lock are removed. Wheels come from the index
URL and sha256 the lock records for each distribution, whatever the index settings are now. Unless
--frozen, mochi.lock must be up to date with the .mochi sources (as \`lock --check\` checks), checked
with the project's settings; an index URL or targets they do not name are the ones the lock was
made with, so a lock made with \`lock --index-url <url> --target <X.Y-plat>\` needs neither again.
When the lock pins Go modules, the Go bridge's go.mod and go.sum are written to
<project>/.mochi/go/ from the [[go-package]] tables (only when their bytes change), and every
locked module's zip and go.mod is put in the Go module cache, each checked against the lock's
h1: sums (a cached entry that differs is removed and fetched again). Modules are fetched before
anything in the project changes, and go.mod and go.sum written last: a sync that fails leaves them
as they were. With that cache at
$GOMODCACHE/cache/download, \`go build -mod=readonly\` of the bridge works with GOPROXY=off. With --go-vendor, vendor/ is
built beside the old one from the packages the bridge's own .go files import (and their tests),
then swapped in, so \`go build -mod=vendor\` needs no module cache at all.

Flags:
  --check, --dry-run   print what would change, write nothing; exit 1 when something would
  --frozen             install mochi.lock as it is, without checking it against the sources
  --target <X.Y-plat>  the lock target to install (default: the interpreter's X.Y on this platform)
  --interpreter <cmd>  the Python that scripts are written for (default: python3 on PATH, asked
                       for its sys.executable; an absolute path with --target is used as given)
  --offline            no network: cached wheels and Go modules, and local (file://) indexes and
                       Go proxies; a missing one is an error
  --go-proxy <list>    GOPROXY list Go modules are fetched from (default: $GOPROXY, else mochi.toml
                       go.proxy, else https://proxy.golang.org); entries starting with . or /
                       are directories
  --go-vendor          also write the bridge's vendor/ and vendor/modules.txt exactly as
                       \`go mod vendor\` (Go 1.19) writes them, from the locked modules; with
                       --check, compare vendor/ with them (a locked module not in the
                       verified cache yet counts as a difference)
  --go-cache-dir <dir> the verified Go module cache (default: $MOCHI_GO_BRIDGE_CACHE, else mochi.toml
                       go.cache-dir, else $XDG_CACHE_HOME/mochi-pkg/go); laid out as
                       GOMODCACHE/cache/download
  --json               machine-readable output: {target, env, upToDate, added, removed, changed, unchanged,
                       go?: {dir, modules, upToDate}} (target and env null when a lock without
                       Python distributions needs no Python; go when the lock pins Go modules)
  --cwd <dir>          the project directory (default: the nearest directory, from the current
                       one up, that holds mochi.toml or mochi.lock; else the current one)
  --cache-dir <dir>    the Python cache (default: $MOCHI_PYTHON_CACHE, else python.cache-dir in
                       mochi.toml, else $XDG_CACHE_HOME/mochi-pkg/python)
  -h, --help           show this help

Examples:
  mochi-pkg sync
  mochi-pkg sync --check --json
  PYTHONPATH=.mochi/python/3.12-linux python3 -c "import httpx"

Exit codes:
  0  the environment matches mochi.lock (after this run)
  1  with --check, the environment differs; or a wheel failed its checks, could not be fetched,
     or the lock is out of date with the sources (sync-out-of-date)
  2  bad usage, or mochi.lock missing or unreadable
  3  internal error
`;

function names(list: readonly { name: string; version: string }[]): string {
  return list.map((d) => `${d.name}==${d.version}`).join(', ');
}

/** Whether the environment, the Go bridge's go.mod/go.sum or its vendor/ differ from the lock. */
function drifted(r: SyncResult): boolean {
  return (
    r.python?.changes.upToDate === false ||
    (r.go !== undefined && (!r.go.upToDate || r.go.vendor?.upToDate === false))
  );
}

function summary(r: SyncResult, check: boolean): string[] {
  const p = r.python;
  if (p === undefined) return ['no Python environment: mochi.lock pins no Python distribution'];
  const c = p.changes;
  if (c.upToDate)
    return [`${p.env}: up to date (${plural(p.distributions, 'distribution')}, target ${p.target})`];
  const verb = check ? 'would ' : '';
  const lines: string[] = [];
  if (c.added.length > 0) lines.push(`${verb}install ${names(c.added)}`);
  if (c.changed.length > 0) lines.push(`${verb}replace ${names(c.changed)}`);
  if (c.removed.length > 0) lines.push(`${verb}remove ${names(c.removed)}`);
  if (c.added.length + c.changed.length + c.removed.length === 0)
    lines.push(`${verb}${c.created ? 'create' : 'rebuild'} the environment`);
  lines.push(
    `${p.env}: ${check ? 'differs from' : 'synced with'} mochi.lock (${plural(p.distributions, 'distribution')}, target ${p.target})`,
  );
  return lines;
}

/** Runs `sync` with settings tests may extend (interpreter probe, lock wait). */
export async function runSync(ctx: CommandContext, extra: Partial<SyncSettings> = {}): Promise<number> {
  const { values } = parseCommandArgs(ctx, 'sync', {
    check: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    frozen: { type: 'boolean' },
    target: { type: 'string' },
    interpreter: { type: 'string' },
    offline: { type: 'boolean' },
    json: { type: 'boolean' },
    cwd: { type: 'string' },
    'cache-dir': { type: 'string' },
    'go-proxy': { type: 'string' },
    'go-cache-dir': { type: 'string' },
    'go-vendor': { type: 'boolean' },
  });
  for (const flag of ['cache-dir', 'go-cache-dir'] as const) await checkDirFlag(flag, values[flag], ctx.cwd);
  const check = values.check === true || values['dry-run'] === true;
  const progress = createProgress(ctx, values.json === true);
  try {
    checkTargetFlags('sync', values.target === undefined ? undefined : [values.target]);
    const r = await syncProject({
      cwd: ctx.cwd,
      env: ctx.env,
      project: values.cwd,
      cacheDir: values['cache-dir'],
      goProxy: values['go-proxy'],
      goCacheDir: values['go-cache-dir'],
      goVendor: values['go-vendor'],
      offline: values.offline,
      target: values.target,
      interpreter: values.interpreter,
      frozen: values.frozen,
      dryRun: check,
      onEvent: (e) => {
        if (e.kind === 'progress') progress.update(e.message);
      },
      onSyncEvent: (e) => {
        if (e.kind === 'ready') progress.update(`sync: ${e.done}/${e.total} ${e.name}`);
        else if (e.kind === 'download') progress.update(`sync: downloading ${e.wheel}`);
        else if (e.kind === 'go-download') progress.update(`sync: downloading ${e.module}@${e.version}`);
        else ctx.stderr.write(`warning: ${e.message}; unpacking it again\n`);
      },
      ...extra,
    });
    progress.done();
    if (values.json) {
      // Without a Python environment (a Go-only lock on a machine without Python): null target and env.
      const c = r.python?.changes;
      printJson(ctx, {
        target: r.python?.target ?? null,
        env: r.python?.env ?? null,
        upToDate: c?.upToDate ?? true,
        added: c?.added ?? [],
        removed: c?.removed ?? [],
        changed: c?.changed ?? [],
        unchanged: c?.unchanged ?? 0,
        ...(r.go === undefined ? {} : { go: r.go }),
      });
    } else {
      for (const line of summary(r, check)) println(ctx, line);
      if (r.go !== undefined) {
        println(
          ctx,
          `${r.go.dir}: go.mod and go.sum ${r.go.upToDate ? 'up to date' : check ? 'differ from mochi.lock' : 'written'} (${plural(r.go.modules, 'Go module')})`,
        );
        const v = r.go.vendor;
        if (v !== undefined) {
          println(
            ctx,
            `${v.dir}: ${v.upToDate ? 'up to date' : check ? 'differs from mochi.lock' : 'written'} (${plural(v.modules, 'module')}, ${plural(v.packages, 'package')}, ${plural(v.files, 'file')})`,
          );
        }
      }
      if (check && drifted(r)) {
        ctx.stderr.write(
          'error[sync-drift]: the environment does not match mochi.lock\n  hint: run `mochi-pkg sync`\n',
        );
      }
    }
    return check && drifted(r) ? ExitCode.failure : ExitCode.ok;
  } catch (e) {
    progress.done();
    if (isMochiPkgError(e)) {
      printError(ctx, e);
      return EXIT_STATUS[e.exitClass];
    }
    throw e;
  }
}

/** The `sync` command. */
export const command: Command = {
  name: 'sync',
  summary: 'install exactly what mochi.lock pins into the project environment; --check reports drift',
  help: HELP,
  run: (ctx) => runSync(ctx),
};
