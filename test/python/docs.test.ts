// docs/python.md states the closed sets the code defines: skip reasons and capability tokens.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/python/lockfile/capabilities.js';
import { SKIP_REASONS } from '../../src/python/typemap/reasons.js';

const doc = readFileSync(new URL('../../docs/python.md', import.meta.url), 'utf8');

describe('docs/python.md', () => {
  it('has a row for every skip reason, and no other', () => {
    const section = doc.slice(doc.indexOf('### Skips'), doc.indexOf('### Files on disk'));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` /gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys(SKIP_REASONS).sort());
  });

  it('lists the capability tokens in their sorted order', () => {
    expect(doc.replace(/\s+/g, ' ')).toContain(`sorted tokens from \`${CAPABILITIES.join(' ')}\``);
  });
});
