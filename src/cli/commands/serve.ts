// `mochi-pkg serve`: run the verified GOPROXY and checksum-database proxy until SIGTERM or SIGINT.
import { defaultCacheRoot } from '../../go/cache/index.js';
import { checkGoProxyList, checkGosumdb } from '../../project/settings.js';
import { DEFAULT_INDEX_URL } from '../../python/registry/index.js';
import { ServeError, startServeFromConfig } from '../../serve/index.js';
import { type Command, ExitCode, eprintln, parseCommandArgs, printJson, UsageError } from '../context.js';
import { leaveSignalsToCommand } from '../interrupt.js';

const flags = {
  listen: { type: 'string' },
  storage: { type: 'string' },
  'go-proxy': { type: 'string' },
  sumdb: { type: 'string' },
  'index-url': { type: 'string', multiple: true },
  'no-sumdb': { type: 'string' },
  private: { type: 'string' },
  'private-mode': { type: 'string' },
  'max-zip-bytes': { type: 'string' },
  'memory-cache': { type: 'string' },
  'rate-limit': { type: 'string' },
  'list-ttl': { type: 'string' },
  'access-log': { type: 'string' },
  'tmp-dir': { type: 'string' },
  'no-prefetch': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) {
    throw new UsageError(`serve: --${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export const command: Command = {
  name: 'serve',
  summary: 'serve a verified GOPROXY, checksum-database proxy and Python index mirror from a directory or S3',
  help: `Usage: mochi-pkg serve [flags]

Serves the GOPROXY protocol (@v/list, .info, .mod, .zip, @latest) from a store, pulling missing
versions from the upstream GOPROXY. Every pulled .zip is checked against the module zip rules and
hashed (and, with --sumdb, compared with the checksum database), every .mod compared with the
database, before it is stored or served. Not found answers 404, so GOPROXY=<serve>,direct falls
through. /sumdb/<name>/… proxies the checksum database; /simple/ mirrors Python indexes (PEP 691
JSON and PEP 503 HTML, PEP 658 metadata files), every file checked against the sha256 its upstream
page gives before it is stored or served; /healthz and /metrics (Prometheus) for
operations; one JSON access-log line per request. A pulled artifact is answered once verified,
while its store write finishes. SIGTERM or SIGINT stops it gracefully, after those writes.

Flags:
  --listen <host:port>   address to listen on (default 127.0.0.1:3000; :3000 for every interface)
  --storage <store>      dir:<path> (a mochi-pkg module cache is served as it is) or
                         s3://<bucket>[/<prefix>] (endpoint from $AWS_ENDPOINT_URL_S3 or
                         $AWS_ENDPOINT_URL, credentials from the AWS SDK's default chain)
                         (default: the mochi-pkg Go cache, $MOCHI_GO_BRIDGE_CACHE)
  --go-proxy <list>      upstream GOPROXY list; off serves the store only (default https://proxy.golang.org)
  --index-url <url>      upstream Python simple index (PEP 691/503) mirrored at /simple/; repeat for
                         more (asked in order, the first that has a project serves it); off:
                         serve the store only (default https://pypi.org/simple/)
  --sumdb <db>           GOSUMDB-style: off, sum.golang.org, <key> or "<key> <url>" (default off)
  --no-sumdb <globs>     modules not checked against the database (GONOSUMDB-style)
  --private <globs>      private modules (GOPRIVATE-style): refused or passed through, never stored
  --private-mode <mode>  refuse (404, so the client falls through; default) or pass (fetched, unstored)
  --max-zip-bytes <n>    refuse upstream zips larger than n bytes (default 524288000)
  --memory-cache <n>     bytes of small stored objects (≤ 1 MiB each) kept in memory; 0: none
                         (default 67108864)
  --rate-limit <n>       requests per second per client address (default: no limit)
  --list-ttl <seconds>   how long an upstream @v/list, @latest or Python project page is reused
                         (default 60)
  --access-log <dest>    stderr (default), stdout, or off
  --tmp-dir <dir>        scratch space for downloads being verified (default: the OS temp dir)
  --no-prefetch          do not pull a version's .mod and .zip as soon as its .info is pulled (by
                         default they are: \`go mod download\` asks for them next)
  --json                 once listening, print {"url": …, "storage": …} as the first line on
                         stdout (the URL has the port chosen for :0)

Credentials for private upstreams come from netrc ($NETRC or ~/.netrc); they are never logged.

Examples:
  mochi-pkg serve --storage dir:/var/cache/mochi-go --listen :3000
  AWS_ENDPOINT_URL=http://minio:9000 mochi-pkg serve --storage s3://go-modules/prod --sumdb sum.golang.org
  GOPROXY=http://127.0.0.1:3000,direct go mod download
  pip install --index-url http://127.0.0.1:3000/simple/ requests

Exit codes: 0 stopped by a signal · 1 the store failed · 2 bad usage, or an address that cannot
be listened on`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx, 'serve', flags);
    if (positionals.length > 0) throw new UsageError('serve: takes no arguments');
    const mode = values['private-mode'];
    if (mode !== undefined && mode !== 'refuse' && mode !== 'pass') {
      throw new UsageError(`serve: --private-mode is refuse or pass, got ${JSON.stringify(mode)}`);
    }
    const logDest = values['access-log'] ?? 'stderr';
    if (!['stderr', 'stdout', 'off'].includes(logDest)) {
      throw new UsageError(`serve: --access-log is stderr, stdout or off, got ${JSON.stringify(logDest)}`);
    }
    const out = logDest === 'stdout' ? ctx.stdout : ctx.stderr;
    const maxZip = positiveInt('max-zip-bytes', values['max-zip-bytes']);
    const rate = positiveInt('rate-limit', values['rate-limit']);
    const memCache = values['memory-cache'];
    if (memCache !== undefined && !/^\d+$/.test(memCache)) {
      throw new UsageError(
        `serve: --memory-cache must be a number of bytes, got ${JSON.stringify(memCache)}`,
      );
    }
    const ttl = positiveInt('list-ttl', values['list-ttl']);
    if (values['go-proxy'] !== undefined) checkGoProxyList(values['go-proxy'], '--go-proxy', false);
    if (values.sumdb !== undefined) checkGosumdb(values.sumdb, '--sumdb');
    const indexFlags = values['index-url'] ?? [DEFAULT_INDEX_URL];
    const indexUrls = indexFlags.includes('off') ? [] : indexFlags;
    if (indexFlags.includes('off') && indexFlags.length > 1) {
      throw new UsageError('serve: --index-url off cannot be combined with index URLs');
    }
    const inst = await startServeFromConfig({
      listen: values.listen ?? '127.0.0.1:3000',
      storage: values.storage ?? `dir:${defaultCacheRoot(ctx.env)}`,
      goProxy: values['go-proxy'] ?? 'https://proxy.golang.org',
      sumdb: values.sumdb ?? 'off',
      indexUrls,
      ...(values['no-sumdb'] === undefined ? {} : { noSumdb: values['no-sumdb'] }),
      ...(values.private === undefined ? {} : { privatePatterns: values.private }),
      ...(mode === undefined ? {} : { privateMode: mode }),
      ...(maxZip === undefined ? {} : { maxZipBytes: maxZip }),
      ...(memCache === undefined ? {} : { memoryCacheBytes: Number(memCache) }),
      ...(rate === undefined ? {} : { ratePerSecond: rate }),
      ...(ttl === undefined ? {} : { listTtlMs: ttl * 1000 }),
      ...(values['tmp-dir'] === undefined ? {} : { tmpDir: values['tmp-dir'] }),
      ...(logDest === 'off' ? {} : { log: (line: string) => void out.write(`${line}\n`) }),
      errorLog: (line: string) => void ctx.stderr.write(`${line}\n`),
      ...(values['no-prefetch'] === true ? { prefetch: false } : {}),
      cwd: ctx.cwd,
      env: ctx.env,
    }).catch((e: unknown) => {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new ServeError(
          'serve-config',
          `cannot listen on ${values.listen ?? '127.0.0.1:3000'}: ${code}`,
          {
            cause: e,
          },
        );
      }
      throw e;
    });
    eprintln(ctx, `mochi-pkg serve: listening on ${inst.url} (storage ${inst.storage.describe})`);
    if (values.json) printJson(ctx, { url: inst.url, storage: inst.storage.describe });
    // Stopping on a signal is serve's own: its store writes finish, nothing is cut off.
    leaveSignalsToCommand();
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        resolve();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    eprintln(ctx, 'mochi-pkg serve: shutting down');
    await inst.shutdown(10_000);
    return ExitCode.ok;
  },
};
