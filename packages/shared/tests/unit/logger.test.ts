import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.ts';

const capture = () => {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  }
  return lines;
};

describe('Function: createLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('drops lines below its level and writes those at or above it', async () => {
    // Prepare
    const lines = capture();
    const quiet = createLogger('level-test', 'WARN');
    const chatty = createLogger('level-test', 'DEBUG');

    // Act
    await quiet.info('not shown');
    await quiet.debug('not shown either');
    await quiet.warn('shown at warn');
    await chatty.debug('shown at debug');

    // Assess
    const messages = lines
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => JSON.parse(line).message);
    expect(messages).toEqual(['shown at warn', 'shown at debug']);
  });

  it('writes one structured JSON line per call, once the returned promise settles', async () => {
    // Prepare
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
    }
    const logger = createLogger('logger-test');

    // Act
    await logger.error('request failed', { correlationId: 'req-1', detail: 42 });

    // Assess
    const entry = lines.map((line) => line.trim()).find((line) => line.includes('request failed'));
    expect(entry).toBeDefined();
    expect(JSON.parse(entry ?? '{}')).toMatchObject({
      level: 'ERROR',
      message: 'request failed',
      service: 'logger-test',
      correlationId: 'req-1',
      detail: 42,
    });
  });
});
