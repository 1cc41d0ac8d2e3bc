// Builds test wheels: members with modes, a RECORD that tells the truth unless told to lie.
import { createHash } from 'node:crypto';
import type { WheelMember } from '../../../src/python/install/plan.js';
import { buildZip } from '../../support/zipbuild.js';

/** One file of a test wheel. */
export interface TestFile {
  readonly name: string;
  readonly data: string | Buffer;
  /** Unix mode (default 0o100644). */
  readonly mode?: number;
}

export function recordHashOf(data: Buffer): string {
  return `sha256=${createHash('sha256').update(data).digest('base64url')}`;
}

function wheelVersionLine(line: string | undefined): string {
  if (line === undefined) return 'Wheel-Version: 1.0\n';
  return line === '' ? '' : `${line}\n`;
}

/** `files` plus METADATA, WHEEL and a truthful RECORD (unless `record` is given) under `<name>-<version>.dist-info`. */
export function wheelFiles(
  name: string,
  version: string,
  files: readonly TestFile[],
  options: {
    record?: string;
    rootIsPurelib?: boolean;
    extraMeta?: readonly TestFile[];
    /** The WHEEL file's `Wheel-Version` line (default `Wheel-Version: 1.0`; empty: no such line). */
    wheelVersionLine?: string;
  } = {},
): TestFile[] {
  const info = `${name}-${version}.dist-info`;
  const all: TestFile[] = [
    ...files,
    { name: `${info}/METADATA`, data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n` },
    {
      name: `${info}/WHEEL`,
      data: `${wheelVersionLine(options.wheelVersionLine)}Generator: mochi-test\nRoot-Is-Purelib: ${options.rootIsPurelib === false ? 'false' : 'true'}\nTag: py3-none-any\n`,
    },
    ...(options.extraMeta ?? []),
  ];
  const record =
    options.record ??
    `${all
      .map((f) => {
        const b = Buffer.from(f.data);
        return `${f.name},${recordHashOf(b)},${b.length}\n`;
      })
      .join('')}${info}/RECORD,,\n`;
  return [...all, { name: `${info}/RECORD`, data: record }];
}

/** The files as WheelMembers (what the planner reads). */
export function members(files: readonly TestFile[]): WheelMember[] {
  return files.map((f) => ({ name: f.name, mode: f.mode ?? 0o100644, body: Buffer.from(f.data) }));
}

/** The files as a zip archive. */
export function wheelZip(files: readonly TestFile[]): Buffer {
  return buildZip(files.map((f) => ({ name: f.name, data: Buffer.from(f.data), mode: f.mode ?? 0o100644 })));
}
