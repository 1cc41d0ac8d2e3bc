// packaging's own PEP 508 test vectors (tests/test_requirements.py, tests/test_markers.py of
// pypa/packaging, cases re-tabled here), checked against us and against packaging 26.

import { defaultEnvironment } from '../../../src/python/pep508/index.js';
import { type Row, tableSuites } from './table.js';

const requirements: [string, string | null][] = [
  ['name[bar]>=3; python_version == "2.7"', 'name[bar]>=3; python_version == "2.7"'],
  ['name@ http://foo.com', 'name @ http://foo.com'],
  ['name@ http://foo.com ; extra == "feature"', 'name @ http://foo.com ; extra == "feature"'],
  ['A', 'A'],
  ['foo-bar.quux_baz', 'foo-bar.quux_baz'],
  ['foo!', null],
  ['name>=3', 'name>=3'],
  ['name==1.0.org1', null],
  ["name>=1.x.y;python_version=='2.6'", null],
  ['name (==4)', 'name==4'],
  ['name>=3,<2', 'name<2,>=3'],
  ['name >=2, <3', 'name<3,>=2'],
  ['foobar [quux,bar]', 'foobar[bar,quux]'],
  ['foo[]', 'foo'],
  ['name @ gopher:/foo/com', 'name @ gopher:/foo/com'],
  ['name @ file:///absolute/path', 'name @ file:///absolute/path'],
  [
    "name [fred,bar] @ http://foo.com ; python_version=='2.7'",
    'name[bar,fred] @ http://foo.com ; python_version == "2.7"',
  ],
  [
    "foo @ https://example.com/name;v=1.1/?query=foo&bar=baz#blah ; python_version=='3.4'",
    'foo @ https://example.com/name;v=1.1/?query=foo&bar=baz#blah ; python_version == "3.4"',
  ],
  [
    "name[quux, strange];python_version<'2.7' and platform_version=='2'",
    'name[quux,strange]; python_version < "2.7" and platform_version == "2"',
  ],
  [
    "name; os_name=='a' and os_name=='b' or os_name=='c'",
    'name; os_name == "a" and os_name == "b" or os_name == "c"',
  ],
  ["name; foobar=='x'", null],
  ['toto 42', null],
  ['name @ http://foo.com;extra=="x"', 'name @ http://foo.com;extra=="x"'],
  ['name; extra == "Foo_Bar"', 'name; extra == "foo-bar"'],
  ['name>=1.0.*', null],
  ['name<=1.0+local', null],
  ['name==1.0.*', 'name==1.0.*'],
  ['name===arbitrary', 'name===arbitrary'],
  ['name (>=1.0', null],
  ['name[extra1 extra2]', null],
  ['name[extra,]', null],
  ['name\n', 'name'],
];

const markers: [string, string | null][] = [
  ["python_version == '2.7'", 'python_version == "2.7"'],
  [
    'python_version == "2.7" and os_name == "linux" or sys_platform == "win32"',
    'python_version == "2.7" and os_name == "linux" or sys_platform == "win32"',
  ],
  ['(python_version == "2.7")', 'python_version == "2.7"'],
  [
    '(python_version == "2.7" and sys_platform == "win32")',
    'python_version == "2.7" and sys_platform == "win32"',
  ],
  [
    'python_version == "2.7" and (sys_platform == "win32" or sys_platform == "linux")',
    'python_version == "2.7" and (sys_platform == "win32" or sys_platform == "linux")',
  ],
  ["this_isnt_a_real_variable >= '1.0'", null],
  ['python_version', null],
  ['(python_version)', null],
  ['python_version >= 1.0 and (python_version)', null],
  ['(python_version == "2.7" and os_name == "linux"', null],
  ['(python_version == "2.7") with random text', null],
  ['os_name == "C:\\"', null],
  ['os_name == "\\x"', null],
  ["os.name == 'posix'", 'os_name == "posix"'],
  ["python_implementation=='Jython'", 'platform_python_implementation == "Jython"'],
  ["'things @#4 dsfd (((' not in platform_version", '"things @#4 dsfd (((" not in platform_version'],
  ["extra == 'S_P__A_M'", 'extra == "s-p-a-m"'],
  ["(extra == 'S_P__A_M')", 'extra == "S_P__A_M"'],
  ["'a' in extras", '"a" in extras'],
  ['python_version notin "3"', null],
];

const base = defaultEnvironment('3.11', 'manylinux_2_17_x86_64');
const env = (over: Record<string, string | string[]>): Record<string, string | string[]> => ({
  ...base,
  ...over,
});
const evaluations: [string, Record<string, string | string[]>, string, unknown][] = [
  ['"2.7.9" < python_full_version', env({ python_full_version: '2.7.10' }), 'metadata', true],
  ['"2.7.9" < python_full_version', env({ python_full_version: '2.7.8' }), 'metadata', false],
  ['"b" < python_full_version', env({ python_full_version: 'c' }), 'metadata', false],
  ['"a" <= "a"', env({ a: 'a' }), 'metadata', true],
  ['"b" >= "a"', env({ a: 'a' }), 'metadata', false],
  ["'2.7.0' ~= os_name", env({}), 'metadata', 'undefined-comparison'],
  ['python_full_version > "3.6.2"', env({ python_full_version: '3.11.0a5' }), 'metadata', true],
  ['extra == "im_valid"', env({}), 'metadata', false],
  ["os_name == 'foo'", env({ os_name: 'foo' }), 'requirement', true],
  ["'2.7' in python_version", env({ python_version: '2.7.5' }), 'metadata', true],
  ["'2.7' not in python_version", env({ python_version: '2.7' }), 'metadata', false],
  [
    "os_name == 'foo' and python_version ~= '2.7.0'",
    env({ os_name: 'foo', python_version: '2.7.6' }),
    'metadata',
    true,
  ],
  [
    "python_version ~= '2.7.0' and (os_name == 'foo' or os_name == 'bar')",
    env({ os_name: 'other', python_version: '2.7.4' }),
    'metadata',
    false,
  ],
  ["extra == 'SECURITY'", env({ extra: 'security' }), 'metadata', true],
  ["extra == 'pep-685-norm'", env({ extra: 'PEP_685...norm' }), 'metadata', true],
  [
    "extra == 'Different.punctuation..is...equal'",
    env({ extra: 'different__punctuation_is_EQUAL' }),
    'metadata',
    true,
  ],
  ["platform.version in 'Ubuntu'", env({ platform_version: '#39' }), 'metadata', false],
  ["platform.machine=='x86_64'", env({}), 'metadata', true],
  ['python_full_version == "3.11.0+local"', env({ python_full_version: '3.11.0+' }), 'metadata', true],
  ["'Foo_Bar' in extras", env({}), 'lock_file', false],
  ["'Foo_Bar' in extras", env({ extras: ['foo-bar'] }), 'lock_file', true],
  ["'dev' in dependency_groups", env({ dependency_groups: ['Dev'] }), 'lock_file', true],
  ["extras == 'a'", env({ extras: ['a'] }), 'lock_file', 'invalid-comparison'],
  ['extra == "x"', env({}), 'lock_file', 'undefined-environment-name'],
  ['platform_release >= "5"', env({ platform_release: '6.1.0-13-amd64' }), 'metadata', false],
  ['platform_release == "6.1.0-13-amd64"', env({ platform_release: '6.1.0-13-amd64' }), 'metadata', true],
  ['python_version == "3.11" or os_name ~= "x"', env({}), 'metadata', 'undefined-comparison'],
];

const rows: Row[] = [
  ...requirements.map(([s, want]): Row => [['requirement', s], want]),
  ...markers.map(([s, want]): Row => [['marker', s], want]),
  ...evaluations.map(([m, e, ctx, want]): Row => [['evaluate', m, e, ctx], want]),
];

tableSuites('packaging 26 PEP 508 vectors', rows);
