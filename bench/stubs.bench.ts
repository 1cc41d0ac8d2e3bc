// Stub parser speed: the whole typeshed corpus (5,205 .pyi) to surfaces vs CPython's ast.parse, same run.
import { readFileSync } from 'node:fs';
import { decodeStub, loadStubParser } from '../src/python/stubs/index.js';
import { pyiFiles, TOPLEVEL_PY, TYPESHED } from '../test/python/stubs/typeshed.js';
import { runPython } from '../test/support/oracles.js';
import { bestOf, ratioLine } from './support.js';

const RUNS = 3;

export default async function bench(): Promise<void> {
  const files = pyiFiles(TYPESHED);
  const bytes = files.map((f) => readFileSync(f));
  const total = bytes.reduce((n, b) => n + b.length, 0);
  const parser = await loadStubParser();

  let functions = 0;
  let cpu = Number.POSITIVE_INFINITY;
  let ours = Number.POSITIVE_INFINITY;
  const ref = { parseMs: Number.POSITIVE_INFINITY, parseCpuMs: Number.POSITIVE_INFINITY };
  // Rounds alternate ours and CPython, so that both see the same load on a shared machine.
  for (let round = 0; round < RUNS; round++) {
    ours = Math.min(
      ours,
      await bestOf(1, () => {
        functions = 0;
        const c0 = process.cpuUsage();
        for (let i = 0; i < files.length; i++) {
          const s = parser.parseModule(decodeStub(bytes[i]!, files[i]!), { file: files[i]! });
          functions += s.functions.length;
        }
        const c = process.cpuUsage(c0);
        cpu = Math.min(cpu, (c.user + c.system) / 1000);
      }),
    );
    // CPython: the same files, read before timing; parseMs is ast.parse alone.
    const r = JSON.parse(
      runPython(
        readFileSync(TOPLEVEL_PY, 'utf8'),
        [],
        JSON.stringify({ files, version: [3, 12], platform: 'linux', runs: 1, names: false }),
      ),
    ) as { parseMs: number; parseCpuMs: number };
    ref.parseMs = Math.min(ref.parseMs, r.parseMs);
    ref.parseCpuMs = Math.min(ref.parseCpuMs, r.parseCpuMs);
  }

  console.log(
    `corpus: ${files.length} files, ${(total / 1e6).toFixed(1)} MB, ${functions} top-level function groups (3.12/linux)`,
  );
  console.log(
    `ours: ${((files.length / ours) * 1000).toFixed(0)} files/s; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  console.log(
    ratioLine('typeshed .pyi -> surfaces vs CPython ast.parse, wall (best of 3)', ours, ref.parseMs, 2),
  );
  // CPU time is steadier than wall time when other processes share the cores.
  console.log(
    ratioLine('typeshed .pyi -> surfaces vs CPython ast.parse, CPU (best of 3)', cpu, ref.parseCpuMs, 2),
  );
}
