// Git stub sources: mirror the repository into the cache with the system git, read .pyi files at a commit.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redactUrls } from '../errors.js';
import { decodeStub } from '../python/stubs/load.js';
import { writeDirAtomic } from '../util/atomic.js';
import { pathExists } from '../util/read.js';
import { isStubPath, StubSourceError, type StubTreeLimits, TreeBudget } from './stubs.js';

const execFileP = promisify(execFile);

/** How long one git command may run before it is stopped (clones of big repositories included). */
const GIT_TIMEOUT_MS = 300_000;

// Never prompt for credentials: a lock run must fail, not hang, when a repository needs a password.
const GIT_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: 'echo',
  SSH_ASKPASS: 'echo',
  GCM_INTERACTIVE: 'never',
};

/**
 * The transports git may use when the environment does not say (`GIT_ALLOW_PROTOCOL`, which
 * overrides git's `protocol.*.allow` settings): a `git+` URL comes from a project's source, and
 * `ext::<command>` or another remote helper would run a program of the repository's choosing.
 * git refuses `ext` by default, but a user's `protocol.allow=always` would let it through.
 */
const SAFE_GIT_PROTOCOLS = 'file:git:http:https:ssh';

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await execFileP('git', args, {
      cwd,
      env: { GIT_ALLOW_PROTOCOL: SAFE_GIT_PROTOCOLS, ...process.env, ...GIT_ENV },
      timeout: GIT_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new StubSourceError(
        'stubs-git',
        'the git command is not installed',
        'install git (apt-get install git)',
        e,
      );
    }
    const detail = redactUrls(
      String(err.stderr ?? err.message)
        .trim()
        .split('\n')
        .slice(-3)
        .join(' '),
    );
    throw new StubSourceError('stubs-git', `git ${args[0]} failed: ${detail}`, undefined, e);
  }
}

/** What {@link fetchGitStubTree} found. */
export interface GitStubTree {
  /** The full commit the rev resolved to. */
  readonly commit: string;
  /** .pyi files at that commit, by `/`-separated path. */
  readonly files: Map<string, string>;
}

/**
 * Reads the `.pyi` files of a git repository at `rev` (default: the remote's HEAD). The repository
 * is mirrored once under `<cacheDir>/git/` (the directory is named by the SHA-256 of the URL) and
 * fetched again only when `rev` is not a commit the mirror already has. A fresh mirror is cloned
 * beside its final name and renamed into place, so concurrent runs never see a partial clone.
 *
 * @throws {StubSourceError} `stubs-git` when git fails or the rev does not exist, `stubs-too-large`.
 */
export async function fetchGitStubTree(
  url: string,
  rev: string | undefined,
  cacheDir: string,
  limits: StubTreeLimits = {},
): Promise<GitStubTree> {
  const where = `${redactUrls(url)}${rev === undefined ? '' : `#${rev}`}`;
  const gitDir = join(cacheDir, 'git');
  await mkdir(gitDir, { recursive: true });
  const mirror = join(gitDir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.git`);
  const target = rev ?? 'HEAD';
  if (!pathExists(mirror)) {
    // Another process may publish the mirror first: then theirs is used.
    await writeDirAtomic(
      mirror,
      (tmp) => git(['clone', '--mirror', '--quiet', '--', url, tmp]).then(() => {}),
      {
        ifExists: 'keep',
      },
    );
  } else {
    const pinned = /^[0-9a-f]{40}$/.test(target) && (await haveCommit(mirror, target));
    if (!pinned)
      await git(['--git-dir', mirror, 'fetch', '--quiet', '--prune', '--force', 'origin', '+refs/*:refs/*']);
  }
  let commit: string;
  try {
    commit = (
      await git([
        '--git-dir',
        mirror,
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${target}^{commit}`,
      ])
    ).trim();
  } catch (e) {
    throw new StubSourceError(
      'stubs-git',
      `${where}: no commit named ${JSON.stringify(target)} in the repository`,
      'check the rev after # in the import spec',
      e,
    );
  }
  // `-l` lists blob sizes, so the caps are enforced before any content is read.
  const listing = await git(['--git-dir', mirror, 'ls-tree', '-r', '-z', '-l', '--full-tree', commit]);
  const budget = new TreeBudget(where, limits);
  const blobs: { path: string; sha: string }[] = [];
  for (const rec of listing.split('\0')) {
    const m = /^(\d+) blob ([0-9a-f]+) +(\d+)\t(.*)$/s.exec(rec);
    // Mode 120000 is a symbolic link: its "content" is a path, not a stub.
    if (m && m[1] !== '120000' && isStubPath(m[4]!)) {
      budget.add(Number(m[3]));
      blobs.push({ path: m[4]!, sha: m[2]! });
    }
  }
  const files = await readBlobs(mirror, blobs, where);
  return { commit, files };
}

async function haveCommit(mirror: string, sha: string): Promise<boolean> {
  try {
    await git(['--git-dir', mirror, 'cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch (e) {
    if (e instanceof StubSourceError) return false;
    throw e;
  }
}

/** Reads many blobs through one `git cat-file --batch` process, decoded as stub files read from disk are. */
function readBlobs(
  mirror: string,
  blobs: { path: string; sha: string }[],
  where: string,
): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['--git-dir', mirror, 'cat-file', '--batch'], {
      env: { ...process.env, ...GIT_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: GIT_TIMEOUT_MS,
    });
    const chunks: Buffer[] = [];
    let failed = false;
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) =>
      reject(new StubSourceError('stubs-git', `git cat-file failed: ${e.message}`, undefined, e)),
    );
    child.on('close', (code) => {
      if (failed) return;
      if (code !== 0) return reject(new StubSourceError('stubs-git', `git cat-file exited with ${code}`));
      try {
        const out = Buffer.concat(chunks);
        const files = new Map<string, string>();
        let at = 0;
        for (const { path } of blobs) {
          const nl = out.indexOf(10, at);
          const header = out.subarray(at, nl).toString('latin1');
          const size = Number(header.split(' ')[2]);
          if (nl < 0 || !Number.isSafeInteger(size))
            throw new StubSourceError('stubs-git', `unexpected git cat-file output: ${header}`);
          files.set(path, decodeStub(out.subarray(nl + 1, nl + 1 + size), `${where}:${path}`));
          at = nl + 1 + size + 1;
        }
        resolve(new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
      } catch (e) {
        failed = true;
        reject(e);
      }
    });
    child.stdin.end(blobs.map((b) => `${b.sha}\n`).join(''));
  });
}
