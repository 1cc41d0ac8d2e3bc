import { describe, expect, it } from 'vitest';
import {
  type InstallPlan,
  parseCsv,
  planWheelInstall,
  renderRecord,
  shebang,
} from '../../../src/python/install/plan.js';
import { members, recordHashOf, type TestFile, wheelFiles } from './wheels.js';

const OPTS = { interpreter: '/usr/bin/python3', pythonVersion: '3.11' };
const text = (plan: InstallPlan, path: string): string => {
  const f = plan.files.find((x) => x.path === path);
  if (f === undefined) throw new Error(`no ${path} in plan`);
  return Buffer.from(f.body).toString('utf8');
};

const demo: TestFile[] = [
  { name: 'demo/__init__.py', data: 'X = 1\n' },
  { name: 'demo-1.0.data/scripts/tool', data: '#!python\nprint(1)\n', mode: 0o100755 },
  { name: 'demo-1.0.data/scripts/democli', data: '#!python\nwrapper\n', mode: 0o100755 },
  { name: 'demo-1.0.data/headers/demo.h', data: 'int x;\n' },
  { name: 'demo-1.0.data/data/share/demo/x.txt', data: 'data\n' },
  { name: 'demo-1.0.data/purelib/demo_pure.py', data: 'P = 1\n' },
  { name: 'demo-1.0.data/platlib/demo_plat.py', data: 'Q = 1\n' },
];
const ep: TestFile = {
  name: 'demo-1.0.dist-info/entry_points.txt',
  data: '[console_scripts]\ndemocli = demo:main\n[gui_scripts]\ndemogui = demo.sub:run.x\n',
};

describe('planWheelInstall', () => {
  it('maps the wheel root and every .data key to pip --target places', () => {
    const plan = planWheelInstall(
      'demo-1.0-py3-none-any.whl',
      members(wheelFiles('demo', '1.0', demo, { extraMeta: [ep] })),
      OPTS,
    );
    expect(plan.files.map((f) => `${f.executable ? 'x' : '-'} ${f.path}`)).toEqual([
      'x bin/democli',
      'x bin/demogui',
      'x bin/tool',
      '- demo-1.0.dist-info/INSTALLER',
      '- demo-1.0.dist-info/METADATA',
      '- demo-1.0.dist-info/RECORD',
      '- demo-1.0.dist-info/WHEEL',
      '- demo-1.0.dist-info/entry_points.txt',
      '- demo/__init__.py',
      '- demo_plat.py',
      '- demo_pure.py',
      '- include/python/demo/demo.h',
      '- share/demo/x.txt',
    ]);
    expect(text(plan, 'bin/tool')).toBe('#!/usr/bin/python3\nprint(1)\n');
    expect(text(plan, 'bin/democli')).toContain('from demo import main\n');
    expect(text(plan, 'bin/demogui')).toContain('from demo.sub import run\n');
    expect(text(plan, 'bin/demogui')).toContain('sys.exit(run.x())\n');
    expect(text(plan, 'demo-1.0.dist-info/INSTALLER')).toBe('mochi-pkg\n');
    expect(plan.topLevel).toEqual([
      'bin',
      'demo',
      'demo-1.0.dist-info',
      'demo_plat.py',
      'demo_pure.py',
      'include',
      'share',
    ]);
  });

  it('rewrites RECORD with installed paths and the hashes of changed and generated files', () => {
    const plan = planWheelInstall(
      'demo-1.0-py3-none-any.whl',
      members(wheelFiles('demo', '1.0', demo, { extraMeta: [ep] })),
      OPTS,
    );
    const rows = parseCsv(text(plan, 'demo-1.0.dist-info/RECORD'), 'RECORD');
    const byPath = new Map(rows.map((r) => [r[0], r]));
    expect([...byPath.keys()]).toEqual([...byPath.keys()].sort());
    for (const f of plan.files) {
      const row = byPath.get(f.path);
      expect(row, f.path).toBeDefined();
      if (f.path.endsWith('/RECORD')) expect(row).toEqual([f.path, '', '']);
      else expect(row).toEqual([f.path, recordHashOf(Buffer.from(f.body)), String(f.body.length)]);
    }
    expect(rows).toHaveLength(plan.files.length);
    expect(text(plan, 'demo-1.0.dist-info/RECORD')).toMatch(/\r\n$/);
  });

  it("writes direct_url.json only when given, and pip's extra pip/easy_install script names", () => {
    const files = wheelFiles('pip', '23.0', [{ name: 'pip/__init__.py', data: '' }], {
      extraMeta: [
        {
          name: 'pip-23.0.dist-info/entry_points.txt',
          data: '[console_scripts]\npip = pip:main\npip3 = pip:main\npip3.9 = pip:main\n',
        },
      ],
    });
    const plan = planWheelInstall('pip-23.0-py3-none-any.whl', members(files), {
      ...OPTS,
      directUrl: '{"url":"file:///x"}',
    });
    expect(plan.files.map((f) => f.path).filter((p) => p.startsWith('bin/'))).toEqual([
      'bin/pip',
      'bin/pip3',
      'bin/pip3.11',
    ]);
    expect(text(plan, 'pip-23.0.dist-info/direct_url.json')).toBe('{"url":"file:///x"}');
  });

  it('builds shebangs as distlib does: plain, quoted with spaces, /bin/sh when long', () => {
    expect(shebang('/usr/bin/python3')).toBe('#!/usr/bin/python3\n');
    expect(shebang('/opt/my python/bin/python3')).toBe(
      `#!/bin/sh\n'''exec' "/opt/my python/bin/python3" "$0" "$@"\n' '''\n`,
    );
    const long = `/${'a'.repeat(130)}/python3`;
    expect(shebang(long)).toBe(`#!/bin/sh\n'''exec' ${long} "$0" "$@"\n' '''\n`);
  });

  it('renders and reads RECORD CSV with quoting', () => {
    const rows = [
      { path: 'a,b.py', hash: 'sha256=x', size: '1' },
      { path: 'q"x', hash: '', size: '' },
    ];
    const out = renderRecord(rows);
    expect(out).toBe('"a,b.py",sha256=x,1\r\n"q""x",,\r\n');
    expect(parseCsv(out, 'x')).toEqual([
      ['a,b.py', 'sha256=x', '1'],
      ['q"x', '', ''],
    ]);
  });
});

describe('planWheelInstall refuses hostile wheels', () => {
  const refuse = (files: TestFile[], code: string, match: RegExp, label = 'evil-1.0-py3-none-any.whl') => {
    let err: unknown;
    try {
      planWheelInstall(label, members(files), OPTS);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(match);
  };
  const ok = (name: string, data = 'x\n', mode?: number): TestFile =>
    mode === undefined ? { name, data } : { name, data, mode };

  it.each([
    ['../escape.py', /"\.\.\/escape\.py" has an empty/],
    ['/etc/passwd', /is absolute/],
    ['C:/win.py', /drive letter/],
    ['evil\\..\\x.py', /backslash/],
    ['evil/./x.py', /empty, "\." or "\.\." segment/],
    ['evil/\u0001.py', /control character/],
  ])('unsafe member name %j', (name, match) => {
    refuse(wheelFiles('evil', '1.0', [ok(name)]), 'install-bad-wheel', match);
  });

  it('.data escapes', () => {
    refuse(wheelFiles('evil', '1.0', [ok('evil-1.0.data/data/../../x')]), 'install-bad-wheel', /segment/);
    refuse(
      wheelFiles('evil', '1.0', [ok('evil-1.0.data/bogus/x')]),
      'install-bad-wheel',
      /unknown scheme key "bogus"/,
    );
    refuse(wheelFiles('evil', '1.0', [ok('evil-1.0.data/x')]), 'install-bad-wheel', /<scheme key>\/<path>/);
    refuse(
      wheelFiles('evil', '1.0', [ok('other-1.0.data/data/x')]),
      'install-bad-wheel',
      /unexpected \.data folder/,
    );
  });

  it('symlinks and special files', () => {
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/link', '/etc/passwd', 0o120777)]),
      'install-bad-wheel',
      /symbolic link/,
    );
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/fifo', '', 0o010644)]),
      'install-bad-wheel',
      /not a regular file/,
    );
  });

  it('skips directory entries whatever mode the archiver wrote on them, as pip does', () => {
    const files = wheelFiles('demo', '1.0', [ok('demo/__init__.py', 'X = 1\n')]);
    const dirs = [
      { name: 'demo/', data: '', mode: 0o040755 },
      { name: 'demo-1.0.data/', data: '', mode: 0o100644 },
      { name: 'demo-1.0.data/purelib/', data: '', mode: 0 },
    ];
    const plan = planWheelInstall('demo-1.0-py3-none-any.whl', members([...dirs, ...files]), OPTS);
    expect(plan.files.map((f) => f.path)).toEqual([
      'demo-1.0.dist-info/INSTALLER',
      'demo-1.0.dist-info/METADATA',
      'demo-1.0.dist-info/RECORD',
      'demo-1.0.dist-info/WHEEL',
      'demo/__init__.py',
    ]);
  });

  it('duplicate members and two members landing on one path', () => {
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/a.py'), ok('evil/a.py')]),
      'install-bad-wheel',
      /appears twice/,
    );
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/A.py'), ok('evil/a.py')]),
      'install-bad-wheel',
      /case-insensitively/,
    );
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/a.py'), ok('evil-1.0.data/purelib/evil/a.py')]),
      'install-bad-wheel',
      /both install evil\/a\.py/,
    );
  });

  it('RECORD lies', () => {
    const base = wheelFiles('evil', '1.0', [ok('evil/a.py', 'A\n')]);
    const record = base.find((f) => f.name.endsWith('RECORD'))?.data as string;
    const withRecord = (r: string) => [
      ...base.filter((f) => !f.name.endsWith('RECORD')),
      { name: 'evil-1.0.dist-info/RECORD', data: r },
    ];
    refuse(
      withRecord(
        record.replace(/^evil\/a\.py,sha256=[^,]+/m, `evil/a.py,${recordHashOf(Buffer.from('B\n'))}`),
      ),
      'install-record-mismatch',
      /does not have the sha256/,
    );
    refuse(
      withRecord(record.replace(/^evil\/a\.py,(sha256=[^,]+),2/m, 'evil/a.py,$1,3')),
      'install-record-mismatch',
      /RECORD says 3/,
    );
    refuse(withRecord(record.replace(/^evil\/a\.py,.*\n/m, '')), 'install-record-mismatch', /not in RECORD/);
    refuse(withRecord(`${record}evil/ghost.py,sha256=x,1\n`), 'install-record-mismatch', /does not contain/);
    refuse(
      withRecord(record.replace(/^evil\/a\.py,sha256=[^,]+/m, 'evil/a.py,md5=abc')),
      'install-record-mismatch',
      /sha256, sha384 or sha512/,
    );
    refuse(
      withRecord(record.replace(/^evil\/a\.py,sha256=[^,]+/m, 'evil/a.py,')),
      'install-record-mismatch',
      /has no hash/,
    );
    refuse(withRecord(`${record}${record.split('\n')[0]}\n`), 'install-record-mismatch', /listed twice/);
  });

  it('bad metadata and entry points', () => {
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/a.py')]),
      'install-bad-wheel',
      /does not belong/,
      'other-1.0-py3-none-any.whl',
    );
    refuse(
      wheelFiles('evil', '1.0', [ok('evil/a.py')]),
      'install-bad-wheel',
      /not a wheel file name/,
      'evil.zip',
    );
    refuse(
      wheelFiles('evil', '1.0', [], {
        extraMeta: [ok('evil-1.0.dist-info/entry_points.txt', '[console_scripts]\n.. = evil:main\n')],
      }),
      'install-bad-entry-point',
      /is not "name = module:attr"/,
    );
    refuse(
      wheelFiles('evil', '1.0', [], {
        extraMeta: [
          ok('evil-1.0.dist-info/entry_points.txt', '[console_scripts]\nx = os; import evil:main\n'),
        ],
      }),
      'install-bad-entry-point',
      /is not "name = module:attr"/,
    );
    refuse(
      wheelFiles('evil', '1.0', [], {
        extraMeta: [ok('evil-1.0.dist-info/entry_points.txt', '[console_scripts]\n; not a comment\n')],
      }),
      'install-bad-entry-point',
      /is not "name = value"/,
    );
    const two = wheelFiles('evil', '1.0', [ok('evil/a.py'), ok('evil-2.0.dist-info/METADATA')]);
    refuse(two, 'install-bad-wheel', /one \.dist-info folder, found 2/);
  });
});
