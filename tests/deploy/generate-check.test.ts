/**
 * The compare step behind `npm run generate:check` (scripts/generate.ts), on a temporary folder:
 * generated code that differs from what would be generated, or a file no longer generated, must
 * fail the check; identical folders must pass it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { staleGeneratedFiles } from '../../scripts/generate.ts';

const CONTRACT = join('services', 'users', 'src', 'generated', 'contract.ts');
const OPERATION = join('services', 'users', 'src', 'generated', 'operations', 'getMe.js');
const CLIENT = join('packages', 'client', 'src', 'generated', 'schema.ts');
/** A generated file outside any `generated` folder, among hand-written ones. */
const METRICS = join('terraform', 'metrics.json');

const generated = new Map([
  [CONTRACT, '// contract\nexport const operations = {};\n'],
  [OPERATION, '// getMe\nexport const params = () => true;\n'],
  [CLIENT, '// client\nexport interface paths {}\n'],
  [METRICS, '{\n  "namespace": "Tessera"\n}\n'],
]);

let root: string;

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tessera-generate-'));
  for (const [path, text] of generated) write(path, text);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('Script: generate --check', () => {
  it('reports nothing when every generated file is as it would be generated', () => {
    expect(staleGeneratedFiles(root, generated)).toEqual([]);
  });

  it('reports a generated file whose contents changed, even by a trailing newline', () => {
    write(CONTRACT, `${generated.get(CONTRACT)}\n`);

    expect(staleGeneratedFiles(root, generated)).toEqual([CONTRACT]);
  });

  it('reports a generated file that is missing', () => {
    rmSync(join(root, CLIENT));

    expect(staleGeneratedFiles(root, generated)).toEqual([CLIENT]);
  });

  it('reports a file left in a generated folder that is no longer generated', () => {
    const leftover = join('services', 'users', 'src', 'generated', 'operations', 'removedOperation.js');
    write(leftover, '// an operation the contract dropped\n');

    expect(staleGeneratedFiles(root, generated)).toEqual([`${leftover} (no longer generated)`]);
  });

  it('reports a changed file and a leftover together, changed files first', () => {
    const leftover = join('packages', 'client', 'src', 'generated', 'old-schema.ts');
    write(leftover, '// old\n');
    write(OPERATION, '// edited by hand\n');

    expect(staleGeneratedFiles(root, generated)).toEqual([OPERATION, `${leftover} (no longer generated)`]);
  });

  it('reports a stale generated file that stands among hand-written ones, and only it', () => {
    // Prepare: terraform/ holds hand-written files beside the one it has generated.
    write(join('terraform', 'conventions.json'), '{ "environments": ["dev"] }\n');
    write(join('terraform', 'README.md'), '# Terraform\n');
    write(METRICS, '{\n  "namespace": "Old"\n}\n');

    // Act
    const stale = staleGeneratedFiles(root, generated);

    // Assess
    expect(stale).toEqual([METRICS]);
  });

  it('leaves subfolders of a generated folder to their own generated files', () => {
    // `operations/` sits inside `generated/`; listing `generated/` must not call the folder stale.
    expect(staleGeneratedFiles(root, generated)).toEqual([]);
    write(join('services', 'users', 'src', 'generated', 'operations', 'nested', 'x.js'), '// x\n');
    expect(staleGeneratedFiles(root, generated)).toEqual([]);
  });
});
