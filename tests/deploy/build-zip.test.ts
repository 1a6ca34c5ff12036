import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { zipDirectory } from '../../packages/tooling/src/build.ts';

const folders: string[] = [];

/** A bundle folder as the build writes it: an entry and a chunk below it. */
const bundle = (files: Record<string, string>) => {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-zip-'));
  folders.push(folder);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
  return folder;
};

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the deployment zip', () => {
  const files = { 'index.mjs': 'export const handler = 1;', 'chunks/a-1.mjs': 'export const a = 2;' };

  it('is the same bytes for the same sources, whenever and in whatever order the files were written', () => {
    const first = bundle(files);
    const second = bundle({ 'chunks/a-1.mjs': files['chunks/a-1.mjs'], 'index.mjs': files['index.mjs'] });
    utimesSync(join(second, 'index.mjs'), new Date('2030-01-01'), new Date('2030-01-01'));

    expect(Buffer.from(zipDirectory(second)).equals(Buffer.from(zipDirectory(first)))).toBe(true);
  });

  it('holds every file under its path, and changes when a source does', () => {
    const folder = bundle(files);
    const zip = zipDirectory(folder);
    const entries = unzipSync(zip);
    expect(Object.keys(entries)).toEqual(['chunks/a-1.mjs', 'index.mjs']);
    expect(new TextDecoder().decode(entries['index.mjs'])).toBe(files['index.mjs']);

    writeFileSync(join(folder, 'index.mjs'), 'export const handler = 3;');
    expect(Buffer.from(zipDirectory(folder)).equals(Buffer.from(zip))).toBe(false);
  });
});
