// Which folder a project command works on: --cwd as given, else the nearest mochi.toml or mochi.lock up.
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot } from '../../src/project/root.js';

it('takes --cwd as given, else the nearest folder up with a regular mochi.toml or mochi.lock', async () => {
  const top = await mkdtemp(join(tmpdir(), 'mochi-root-'));
  const deep = join(top, 'a', 'b', 'c');
  await mkdir(deep, { recursive: true });
  // No marker anywhere up to / (the temp folder has none): the current folder is a new project.
  expect(projectRoot(deep)).toBe(deep);
  await writeFile(join(top, 'mochi.lock'), 'schema-version = 1\n');
  expect(projectRoot(deep)).toBe(top);
  expect(projectRoot(deep, '.')).toBe(deep);
  expect(projectRoot(top, 'a/b')).toBe(join(top, 'a', 'b'));
  await writeFile(join(top, 'a', 'mochi.toml'), '');
  expect(projectRoot(deep)).toBe(join(top, 'a'));
  // A folder named like a marker is no marker.
  await mkdir(join(deep, 'mochi.toml'));
  expect(projectRoot(deep)).toBe(join(top, 'a'));
});

it("does not adopt a parent's marker that another user owns (a /tmp/mochi.toml left for others)", async () => {
  const top = await mkdtemp(join(tmpdir(), 'mochi-root-'));
  const inside = join(top, 'mine');
  await mkdir(inside);
  await writeFile(join(top, 'mochi.toml'), '[go]\nsumdb = "off"\n');
  const owner = (await stat(join(top, 'mochi.toml'))).uid;
  expect(projectRoot(inside, undefined, owner)).toBe(top);
  expect(projectRoot(inside, undefined, owner + 1)).toBe(inside);
  // The folder a command runs in is the user's choice, as --cwd is: its own marker is used.
  expect(projectRoot(top, undefined, owner + 1)).toBe(top);
  // Without users (Windows), every marker counts.
  expect(projectRoot(inside, undefined, undefined)).toBe(top);
});
