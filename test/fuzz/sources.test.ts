// Fuzz families ".mochi sources" and "import specs": the scanner and both spec parsers on hostile text.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGoImportSpec } from '../../src/go/lockfile/spec.js';
import { isMochiAlias } from '../../src/lock/identifier.js';
import { findImports } from '../../src/project/imports.js';
import { parseImportSpec } from '../../src/python/importspec/index.js';
import { isAbsoluteLocalPath } from '../../src/util/local-path.js';
import { codedOrCorrect, counts, mutated, runs, tally } from './support.js';

afterAll(() => {
  console.log(`fuzz sources and specs: ${JSON.stringify(Object.fromEntries(counts))}`);
});

const specText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'requests',
    'requests@>=2,<3',
    'x@git+https://example.com/x.git#v1',
    'x@path+./stubs/x',
    'x@internal+https://pypi.example/simple/',
    'example.com/geo@v1.2.3',
    'example.com/geo@latest',
    'example.com/local@path+./go/local',
    'strings',
  ),
);
const mutatedSpec = fc
  .tuple(
    specText,
    fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 3 }),
  )
  .map(([s, edits]) =>
    edits.reduce(
      (acc, [at, ins]) => acc.slice(0, at % (acc.length + 1)) + ins + acc.slice(at % (acc.length + 1)),
      s,
    ),
  );

const validSource = fc
  .array(
    fc.tuple(
      fc.constantFrom('go', 'python'),
      fc.constantFrom('example.com/foo@v1.0.0', 'requests@>=2', 'x@path+./s'),
      fc.constantFrom('a', 'b_1', '東京', '😀', 'café'),
    ),
    { maxLength: 8 },
  )
  .map(
    (decls) =>
      new Uint8Array(
        Buffer.from(decls.map(([l, s, a]) => `import ${l} "${s}" as ${a}\n// c\nlet x = "s"\n`).join('')),
      ),
  );

describe('fuzz: .mochi sources', () => {
  it('random text and mutated sources: imports with valid aliases, or a coded error with a location', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(validSource), fc.uint8Array({ maxLength: 512 })), async (bytes) => {
        tally('mochi');
        const text = Buffer.from(bytes).toString('utf8');
        const code = await codedOrCorrect(
          () => findImports(text, 'f.mochi'),
          (imports) => {
            for (const imp of imports) {
              expect(isMochiAlias(imp.alias)).toBe(true);
              expect(['go', 'python']).toContain(imp.language);
              expect(imp.location.line).toBeGreaterThanOrEqual(1);
            }
          },
        );
        if (code !== 'ok') expect(['project-syntax', 'project-import']).toContain(code);
      }),
      runs(1000),
    );
  });
});

describe('fuzz: import specs', () => {
  it('Python specs: a parsed spec of a known source with a relative path+, or importspec-invalid', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSpec, async (spec) => {
        tally('importspec:python');
        const code = await codedOrCorrect(
          () => parseImportSpec(spec),
          (s) => {
            expect(['registry', 'git', 'path', 'index']).toContain(s.source);
            if (s.source === 'path') expect(isAbsoluteLocalPath(s.localPath)).toBe(false);
          },
        );
        if (code !== 'ok') expect(code).toBe('importspec-invalid');
      }),
      runs(1500),
    );
  });

  it('Go specs: a module/path/std spec with a relative path+, or go-importspec-invalid', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSpec, async (spec) => {
        tally('importspec:go');
        const code = await codedOrCorrect(
          () => parseGoImportSpec(spec),
          (s) => {
            if (s.kind === 'path') expect(isAbsoluteLocalPath(s.localPath)).toBe(false);
          },
        );
        if (code !== 'ok') expect(code).toBe('go-importspec-invalid');
      }),
      runs(1500),
    );
  });
});
