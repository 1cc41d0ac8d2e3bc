// packaging's own tests of packaging.utils (tests/test_utils.py of pypa/packaging: names, versions,
// wheel and sdist file names; parse_tag's from tests/test_tags.py), re-tabled here and checked
// against us and against packaging 26. Sdist versions are found by the project's name, as pip does,
// not by packaging's split at the last dash: `foo-bar-1.0-1.tar.gz` is foo-bar 1.0-1 to us.
import { type Row, tableSuites } from '../pep508/table.js';

const canonicalNames: [string, string][] = [
  ['foo', 'foo'],
  ['Foo', 'foo'],
  ['fOo', 'foo'],
  ['foo.bar', 'foo-bar'],
  ['Foo.Bar', 'foo-bar'],
  ['Foo.....Bar', 'foo-bar'],
  ['foo_bar', 'foo-bar'],
  ['foo___bar', 'foo-bar'],
  ['foo-bar', 'foo-bar'],
  ['foo----bar', 'foo-bar'],
  ['_not_legal', '-not-legal'],
  ['hi\n', 'hi\n'],
  ['\nhi', '\nhi'],
  ['h\ni', 'h\ni'],
  ['hi\r', 'hi\r'],
  ['\rhi', '\rhi'],
  ['h\ri', 'h\ri'],
];
// What the lock's reader accepts as an already-normalised name.
const normalizedNames: [string, boolean][] = [
  ['foo', true],
  ['Foo', false],
  ['fOo', false],
  ['foo.bar', false],
  ['Foo.....Bar', false],
  ['foo_bar', false],
  ['foo___bar', false],
  ['foo-bar', true],
  ['foo----bar', false],
  ['foo--bar', false],
  ['-foo', false],
  ['foo-', false],
  ['a', true],
  ['1', true],
];
const canonicalVersions: [string, boolean, string][] = [
  ['1.4.0', true, '1.4'],
  ['1.40.0', true, '1.40'],
  ['1.4.0.0.00.000.0000', true, '1.4'],
  ['1.0', true, '1'],
  ['1.0+abc', true, '1+abc'],
  ['1.0.dev0', true, '1.dev0'],
  ['1.0.post0', true, '1.post0'],
  ['1.0a0', true, '1a0'],
  ['1.0rc0', true, '1rc0'],
  ['100!0.0', true, '100!0'],
  ['lolwat', true, 'lolwat'],
  ['1.0.1-test7', true, '1.0.1-test7'],
  ['1.4.0', false, '1.4.0'],
  ['1.0', false, '1.0'],
];
// [file name, [normalised name, version, build tag, tags] or null when packaging refuses it]
const wheels: [string, [string, string, [number, string] | null, string[]] | null][] = [
  ['foo-1.0-py3-none-any.whl', ['foo', '1.0', null, ['py3-none-any']]],
  ['some_PACKAGE-1.0-py3-none-any.whl', ['some-package', '1.0', null, ['py3-none-any']]],
  ['foo-1.0-1000-py3-none-any.whl', ['foo', '1.0', [1000, ''], ['py3-none-any']]],
  ['foo-1.0-1000abc-py3-none-any.whl', ['foo', '1.0', [1000, 'abc'], ['py3-none-any']]],
  [
    'pyvirtualcam-0.13.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl',
    [
      'pyvirtualcam',
      '0.13.0',
      null,
      ['cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux_2_17_x86_64'],
    ],
  ],
  [
    'pyvirtualcam-0.13.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
    [
      'pyvirtualcam',
      '0.13.0',
      null,
      ['cp310-cp310-manylinux2014_x86_64', 'cp310-cp310-manylinux_2_17_x86_64'],
    ],
  ],
  ['foo-1.0-py3.py2-none-any.whl', ['foo', '1.0', null, ['py2-none-any', 'py3-none-any']]],
  // tests/test_tags.py (parse_tag): compressed platform sets expand; tags are lower case.
  [
    'foo-1.0-cp37-cp37m-macosx_10_6_intel.macosx_10_9_intel.macosx_10_9_x86_64.macosx_10_10_intel.macosx_10_10_x86_64.whl',
    [
      'foo',
      '1.0',
      null,
      [
        'cp37-cp37m-macosx_10_10_intel',
        'cp37-cp37m-macosx_10_10_x86_64',
        'cp37-cp37m-macosx_10_6_intel',
        'cp37-cp37m-macosx_10_9_intel',
        'cp37-cp37m-macosx_10_9_x86_64',
      ],
    ],
  ],
  ['foo-1.0-PY3-None-ANY.whl', ['foo', '1.0', null, ['py3-none-any']]],
  ['foo_bár-1.0-py3-none-any.whl', ['foo-bár', '1.0', null, ['py3-none-any']]],
  ['foo_bár-1.0-1000-py3-none-any.whl', ['foo-bár', '1.0', [1000, ''], ['py3-none-any']]],
  ['ünï-1.0-py3-none-any.whl', ['ünï', '1.0', null, ['py3-none-any']]],
  ['x²-1.0-py3-none-any.whl', ['x²', '1.0', null, ['py3-none-any']]],
  ['_foo.bar_-1.0-py3-none-any.whl', ['-foo-bar-', '1.0', null, ['py3-none-any']]],
  ['foo_.bar-1.0-py3-none-any.whl', ['foo-bar', '1.0', null, ['py3-none-any']]],
  ['foo-1.0.whl', null],
  ['foo-1.0-py3-none-any.wheel', null],
  ['foobar-1.x-py3-none-any.whl', null],
  ['foo-1.0-abc-py3-none-any.whl', null],
  ['foo-1.0-200-py3-none-any-junk.whl', null],
  // The name is escaped as PEP 427 says: word characters, `.` and `_` only, never `__`.
  ['foo__bar-1.0-py3-none-any.whl', null],
  ['foo#bar-1.0-py3-none-any.whl', null],
  ['foo+bar-1.0-py3-none-any.whl', null],
  ['fo\u0301o-1.0-py3-none-any.whl', null],
];
// [file name, project, version as written or null]
const sdists: [string, string, string | null][] = [
  ['foo-1.0.tar.gz', 'foo', '1.0'],
  ['foo-1.0.zip', 'foo', '1.0'],
  ['foo-1.0.xz', 'foo', null],
  ['foo1.0.tar.gz', 'foo', null],
  ['foo-1.x.tar.gz', 'foo', null],
];

const rows: Row[] = [
  ...canonicalNames.map(([n, want]): Row => [['canonicalize_name', n], want]),
  ...normalizedNames.map(([n, want]): Row => [['is_normalized_name', n], want]),
  ...canonicalVersions.map(([v, strip, want]): Row => [['canonicalize_version', v, strip], want]),
  ...wheels.map(([f, want]): Row => [['wheel_filename', f], want]),
  ...sdists.map(([f, p, want]): Row => [['sdist_version', f, p], want]),
];

tableSuites('packaging 26 utils vectors', rows);
