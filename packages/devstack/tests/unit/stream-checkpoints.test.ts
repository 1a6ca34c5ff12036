/**
 * Where the table streams' positions are kept: a file per reading function, and the one file of a
 * data folder from before moved there, so an upgrade publishes nothing twice.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointFileOf } from '../../src/dynamodb-stream-source.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
const dataDir = () => {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-checkpoints-'));
  folders.push(folder);
  return folder;
};

describe('Function: checkpointFileOf', () => {
  it('keeps a file per reading function', () => {
    const data = dataDir();

    const file = checkpointFileOf(data, 'publisher', ['publisher']);

    expect(file).toBe(join(data, 'stream-checkpoints', 'publisher.json'));
    expect(existsSync(join(data, 'stream-checkpoints'))).toBe(true);
  });

  it("moves an older folder's one checkpoint file to its one reader", () => {
    const data = dataDir();
    writeFileSync(join(data, 'stream-checkpoints.json'), '{"arn":{"shard":"42"}}');

    const file = checkpointFileOf(data, 'publisher', ['publisher']);

    expect(readFileSync(file, 'utf8')).toBe('{"arn":{"shard":"42"}}');
    expect(existsSync(join(data, 'stream-checkpoints.json'))).toBe(false);
  });

  it('leaves the older file alone when several functions read the streams', () => {
    const data = dataDir();
    writeFileSync(join(data, 'stream-checkpoints.json'), '{}');

    const file = checkpointFileOf(data, 'publisher', ['publisher', 'auditor']);

    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(data, 'stream-checkpoints.json'))).toBe(true);
  });
});
