// Differential: our environment against `pip install --target` of the same wheels, file for file and byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { envPath, syncEnvironment, type WantedDistribution } from '../../../src/python/install/env.js';
import { parseCsv } from '../../../src/python/install/plan.js';
import { WheelStore } from '../../../src/python/install/store.js';
import { describeWithOracle, pythonOracle, runPython } from '../../support/oracles.js';
import { pipTargetInstall } from '../../support/pip.js';
import { type TestFile, wheelFiles, wheelZip } from './wheels.js';

const DEBIAN_WHEELS = '/usr/share/python-wheels';

/** Generated wheels that exercise every part of the spec pip implements. */
function generated(): { file: string; bytes: Buffer; module: string }[] {
  const demo: TestFile[] = [
    { name: 'demo/__init__.py', data: 'def main():\n    return 0\n' },
    { name: 'demo/sub/__init__.py', data: 'class run:\n    @staticmethod\n    def x():\n        return 0\n' },
    { name: 'demo/empty.txt', data: '' },
    { name: 'demo/tool.sh', data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
    { name: 'demo/ünïcode.py', data: 'U = "ü"\n' },
    { name: 'demo-1.0.data/scripts/tool', data: '#!python\nprint(1)\n', mode: 0o100755 },
    { name: 'demo-1.0.data/scripts/crlf', data: '#!pythonw -E\r\nprint(2)\r\n', mode: 0o100755 },
    { name: 'demo-1.0.data/scripts/plain.sh', data: '#!/bin/sh\necho plain\n' },
    { name: 'demo-1.0.data/scripts/nonl', data: '#!python', mode: 0o100755 },
    { name: 'demo-1.0.data/scripts/democli', data: '#!python\nwrapper to be skipped\n', mode: 0o100755 },
    { name: 'demo-1.0.data/scripts/democli.exe', data: 'MZ', mode: 0o100755 },
    { name: 'demo-1.0.data/headers/demo.h', data: 'int x;\n' },
    { name: 'demo-1.0.data/headers/sub/more.h', data: 'int y;\n' },
    { name: 'demo-1.0.data/data/share/demo/x.txt', data: 'data\n' },
    { name: 'demo-1.0.data/purelib/demo_pure.py', data: 'P = 1\n' },
    { name: 'demo-1.0.data/platlib/demo_plat.py', data: 'Q = 1\n' },
  ];
  const ep: TestFile = {
    name: 'demo-1.0.dist-info/entry_points.txt',
    data: '[console_scripts]\ndemocli = demo:main\nother.name+x = demo.sub:run.x\n# comment\n[gui_scripts]\ndemogui = demo.sub:run.x [extra]\n[other]\nignored = a:b\n',
  };
  const plat = wheelFiles('platty', '2.0', [{ name: 'platty.py', data: 'PLAT = 1\n' }], {
    rootIsPurelib: false,
  });
  // A RECORD using sha512 for one row, and quoted fields.
  const strongFiles: TestFile[] = [
    { name: 'strong/__init__.py', data: 'S = 1\n' },
    { name: 'strong/a,b.txt', data: 'comma\n' },
  ];
  const info = 'strong-3.0.dist-info';
  const base = wheelFiles('strong', '3.0', strongFiles);
  const rec = base
    .filter((f) => !f.name.endsWith('RECORD'))
    .map((f) => {
      const b = Buffer.from(f.data);
      const h =
        f.name === 'strong/__init__.py'
          ? `sha512=${createHash('sha512').update(b).digest('base64url')}`
          : `sha256=${createHash('sha256').update(b).digest('base64url')}`;
      const path = f.name.includes(',') ? `"${f.name}"` : f.name;
      return `${path},${h},${b.length}\n`;
    })
    .join('');
  const strong = [
    ...base.filter((f) => !f.name.endsWith('RECORD')),
    { name: `${info}/RECORD`, data: `${rec}${info}/RECORD,,\n` },
  ];
  return [
    {
      file: 'demo-1.0-py3-none-any.whl',
      bytes: wheelZip(wheelFiles('demo', '1.0', demo, { extraMeta: [ep] })),
      module: 'demo',
    },
    { file: 'platty-2.0-py3-none-any.whl', bytes: wheelZip(plat), module: 'platty' },
    { file: 'strong-3.0-py3-none-any.whl', bytes: wheelZip(strong), module: 'strong' },
  ];
}

function debian(): { file: string; bytes: Buffer; module: string }[] {
  let names: string[] = [];
  try {
    names = readdirSync(DEBIAN_WHEELS).filter((n) => /^(pip|setuptools|wheel)-.*\.whl$/.test(n));
  } catch {
    return [];
  }
  return names.sort().map((file) => ({
    file,
    bytes: readFileSync(join(DEBIAN_WHEELS, file)),
    module: file.split('-')[0] === 'setuptools' ? 'setuptools' : (file.split('-')[0] as string),
  }));
}

/** Every file under `dir`: relative path → [mode bits, bytes]. */
function tree(
  dir: string,
  skip: (p: string) => boolean = () => false,
): Map<string, { exec: boolean; body: Buffer }> {
  const out = new Map<string, { exec: boolean; body: Buffer }>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const p = rel === '' ? e.name : `${rel}/${e.name}`;
      if (skip(p)) continue;
      if (e.isDirectory()) walk(p);
      else
        out.set(p, { exec: (statSync(join(dir, p)).mode & 0o111) !== 0, body: readFileSync(join(dir, p)) });
    }
  };
  walk('');
  return out;
}

describeWithOracle(pythonOracle(), 'sync against pip install --target (generated and Debian wheels)', () => {
  let work: string;
  let pipDir: string;
  let project: string;
  let interpreter: string;
  let pythonVersion: string;
  let wheels: { file: string; bytes: Buffer; module: string }[];
  let wanted: WantedDistribution[];
  let store: WheelStore;
  const syncWith = (list: WantedDistribution[]) =>
    syncEnvironment(list, {
      projectRoot: project,
      target: `${pythonVersion}-linux`,
      install: { interpreter, pythonVersion },
      store,
      fetchWheel: async (d) => (wheels.find((w) => w.file === d.wheel) as { bytes: Buffer }).bytes,
    });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'pip-diff-'));
    const links = join(work, 'links');
    pipDir = join(work, 'pip');
    project = join(work, 'project');
    execFileSync('mkdir', ['-p', links, project]);
    [interpreter, pythonVersion] = runPython(
      'import sys; print(sys.executable); print("%d.%d" % sys.version_info[:2])',
    )
      .trim()
      .split('\n') as [string, string];
    wheels = [...generated(), ...debian()];
    for (const w of wheels) writeFileSync(join(links, w.file), w.bytes);
    const install = pipTargetInstall(
      links,
      pipDir,
      wheels.map((w) => w.file.split('-')[0] as string),
    );
    execFileSync('python3', install.args, { env: install.env, stdio: ['ignore', 'ignore', 'pipe'] });
    store = new WheelStore(join(work, 'store'));
    wanted = wheels.map((w) => ({
      name: (w.file.split('-')[0] as string).toLowerCase(),
      version: w.file.split('-')[1] as string,
      wheel: w.file,
      sha256: createHash('sha256').update(w.bytes).digest('hex'),
    }));
    await syncWith(wanted);
  }, 60_000);

  it('installs the same files with the same bytes and modes (INSTALLER, REQUESTED and RECORD aside)', () => {
    expect(
      debian().length,
      'Debian wheels (python3-pip-whl, python3-setuptools-whl, python3-wheel-whl)',
    ).toBe(3);
    const special = (p: string) => /\.dist-info\/(INSTALLER|REQUESTED|RECORD)$/.test(p);
    const ours = tree(
      envPath(project, `${pythonVersion}-linux`),
      (p) => p === '.mochi-env.json' || special(p),
    );
    const theirs = tree(pipDir, special);
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [p, f] of theirs) {
      const o = ours.get(p);
      expect(o?.exec, `mode of ${p}`).toBe(f.exec);
      expect(o?.body.equals(f.body), `bytes of ${p}`).toBe(true);
    }
  });

  it("writes RECORD as pip does, with paths relative to the environment and without pip's stale wrapper rows", () => {
    const env = envPath(project, `${pythonVersion}-linux`);
    const records = readdirSync(pipDir).filter((n) => n.endsWith('.dist-info'));
    expect(records.length).toBe(wheels.length);
    for (const info of records) {
      const pipRows = parseCsv(readFileSync(join(pipDir, info, 'RECORD'), 'utf8'), 'pip')
        .map(([p = '', h = '', s = '']) => [p.replace(/^\.\.\/\.\.\//, ''), h, s])
        .filter(([p = '']) => !/\.dist-info\/(INSTALLER|REQUESTED)$/.test(p) && !/\.data\/scripts\//.test(p));
      const ourRows = parseCsv(readFileSync(join(env, info, 'RECORD'), 'utf8'), 'ours').filter(
        ([p = '']) => !p.endsWith('/INSTALLER'),
      );
      expect(ourRows, info).toEqual(pipRows.sort((a, b) => (a.join() < b.join() ? -1 : 1)));
      expect(readFileSync(join(env, info, 'INSTALLER'), 'utf8')).toBe('mochi-pkg\n');
    }
  });

  it('imports every top-level module with the environment on sys.path; a removed one no longer imports', async () => {
    const env = envPath(project, `${pythonVersion}-linux`);
    const imports = wheels.map((w) => `import ${w.module}`).join('; ');
    // -S: no site-packages of the host (its setuptools' .pth hook would shadow the environment's).
    const py = (code: string) =>
      execFileSync('python3', ['-S', '-c', `import sys; sys.path.insert(0, sys.argv[1]); ${code}`, env], {
        stdio: 'pipe',
      });
    py(`${imports}; import demo_pure, demo_plat`);
    await syncWith(wanted.filter((w) => w.name !== 'demo'));
    expect(() =>
      execFileSync('python3', ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import demo', env], {
        stdio: 'pipe',
      }),
    ).toThrow(/ModuleNotFoundError: No module named 'demo'/);
    runPython('import sys; sys.path.insert(0, sys.argv[1]); import platty, strong', [env]);
    await syncWith(wanted);
  });
});
