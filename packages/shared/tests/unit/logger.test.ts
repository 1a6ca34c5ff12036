import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.ts';

describe('Function: createLogger', () => {
  afterEach(() => vi.restoreAllMocks());

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
