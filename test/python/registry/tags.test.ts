import { expect, it } from 'vitest';
import { normalizeVersion } from '../../../src/python/pep440/index.js';
import { closureTarget } from '../../../src/python/registry/closure.js';
import {
  DEFAULT_TARGET,
  parseWheelName,
  sdistVersion,
  supportedTags,
} from '../../../src/python/registry/index.js';
import { describeWithOracle, packagingOracle, pythonOracle, runPython } from '../../support/oracles.js';

it('parses wheel names with build tags and compressed tag sets', () => {
  expect(parseWheelName('Foo_Bar-1.0-1abc-py2.py3-none-any.whl')).toEqual({
    name: 'foo-bar',
    version: '1.0',
    build: [1, 'abc'],
    tags: ['py2-none-any', 'py3-none-any'],
  });
  expect(parseWheelName('httpx-0.27.0-py3-none-any.whl')?.build).toBeUndefined();
  for (const bad of [
    'httpx-0.27.0.tar.gz',
    'httpx-py3-none-any.whl',
    'x-notaversion-py3-none-any.whl',
    'x-1.0-abc-py3-none-any.whl',
    'x- 1.0-py3-none-any.whl',
  ]) {
    expect(parseWheelName(bad), bad).toBeUndefined();
  }
});

it('finds sdist versions by the project name, even when the name has dashes', () => {
  expect(sdistVersion('typing_extensions-4.12.2.tar.gz', 'typing-extensions')).toBe('4.12.2');
  expect(sdistVersion('my-pkg-1.0rc1.zip', 'my-pkg')).toBe('1.0rc1');
  expect(sdistVersion('other-1.0.tar.gz', 'my-pkg')).toBeUndefined();
  expect(sdistVersion('my-pkg-1.0.exe', 'my-pkg')).toBeUndefined();
});

describeWithOracle(pythonOracle(), 'compatibility tags against packaging.tags', () => {
  it('orders the CPython 3.12 tags exactly as packaging.tags does', () => {
    const plats = DEFAULT_TARGET.platforms;
    const want = JSON.parse(
      runPython(
        `import json, sys
from pip._vendor.packaging import tags
plats = json.loads(sys.argv[1])
t = list(tags.cpython_tags((3, 12), ["cp312"], plats)) + list(tags.compatible_tags((3, 12), "cp312", plats))
print(json.dumps([str(x) for x in t]))`,
        [JSON.stringify(plats)],
      ),
    ) as string[];
    expect(supportedTags(DEFAULT_TARGET)).toEqual(want);
  });

  it('accepts, on macOS and Windows targets, the platforms pip derives from --platform', () => {
    // pip --platform macosx_14_0_arm64 / win_amd64 expands the tag as packaging's mac_platforms does.
    const want = JSON.parse(
      runPython(
        `import json
from pip._vendor.packaging import tags
print(json.dumps({"darwin": list(tags.mac_platforms((14, 0), "arm64")), "win32": ["win_amd64"]}))`,
      ),
    ) as Record<string, string[]>;
    for (const p of ['darwin', 'win32'] as const) {
      expect(closureTarget([3, 11], p).wheel.platforms, p).toEqual(want[p]);
    }
  });

  it('parses wheel names as packaging.utils.parse_wheel_filename does', () => {
    const names = [
      'Foo_Bar-1.0-1abc-py2.py3-none-any.whl',
      'numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      'types_requests-2.33.0.20260101-py3-none-any.whl',
      'zope.interface-6.0-cp311-cp311-linux_x86_64.whl',
    ];
    const want = JSON.parse(
      runPython(
        `import json, sys
from pip._vendor.packaging.utils import parse_wheel_filename
out = []
for n in json.loads(sys.argv[1]):
    name, ver, build, tags = parse_wheel_filename(n)
    out.append([name, str(ver), list(build) if build else None, sorted(str(t) for t in tags)])
print(json.dumps(out))`,
        [JSON.stringify(names)],
      ),
    ) as [string, string, [number, string] | null, string[]][];
    names.forEach((n, i) => {
      const ours = parseWheelName(n)!;
      const [name, version, build, tags] = want[i]!;
      expect([ours.name, normalizeVersion(ours.version), ours.build ?? null, [...ours.tags].sort()]).toEqual([
        name,
        version,
        build,
        tags,
      ]);
    });
  });
});

describeWithOracle(packagingOracle(), "the targets' tags against packaging 26", () => {
  it('lists the linux platforms packaging lists for x86-64 with glibc 2.39', () => {
    // packaging's _linux_platforms on such a machine: its manylinux tags, then linux_x86_64.
    const want = JSON.parse(
      runPython(`import json
from packaging import _manylinux
_manylinux._get_glibc_version = lambda: (2, 39)
_manylinux._have_compatible_abi = lambda executable, archs: True
print(json.dumps(list(_manylinux.platform_tags(["x86_64"])) + ["linux_x86_64"]))`),
    ) as string[];
    expect(DEFAULT_TARGET.platforms).toEqual(want);
    expect(closureTarget([3, 12], 'linux').wheel.platforms).toEqual(want);
  });

  it("orders every target's tags as packaging.tags does, CPython 3.8 to 3.14", () => {
    const targets = ['linux', 'darwin', 'win32'].flatMap((p) =>
      [8, 9, 10, 11, 12, 13, 14].map((minor) => closureTarget([3, minor], p).wheel),
    );
    const want = JSON.parse(
      runPython(
        `import json, sys
from packaging import tags
out = []
for t in json.load(sys.stdin):
    py = tuple(t["python"])
    cp = "cp%d%d" % py
    plats = t["platforms"]
    out.append([str(x) for x in list(tags.cpython_tags(py, [cp], plats)) + list(tags.compatible_tags(py, cp, plats))])
print(json.dumps(out))`,
        [],
        JSON.stringify(targets),
      ),
    ) as string[][];
    targets.forEach((t, i) => {
      expect(supportedTags(t), `${t.python.join('.')} ${t.platforms[0]}`).toEqual(want[i]);
    });
  });
});
