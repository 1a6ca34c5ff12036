/**
 * How the devstack's parts start and stop: in order, and in reverse; a part that fails to start
 * stops itself and the ones before it; stopping happens once; a part that fails to stop is reported
 * and the others still stop.
 */
import { describe, expect, it } from 'vitest';
import { type Part, part, startParts } from '../../src/parts.ts';

/** Parts that record what happens to them in `log`. */
const recording =
  (log: string[]) =>
  (name: string, options: { failStart?: boolean; failStop?: boolean } = {}): Part =>
    part(name, async () => {
      log.push(`start ${name}`);
      if (options.failStart) throw new Error(`${name} would not start`);
      return () => {
        log.push(`stop ${name}`);
        if (options.failStop) throw new Error(`${name} would not stop`);
      };
    });

describe('Function: startParts', () => {
  it('starts the parts in order and stops them in reverse, once', async () => {
    const log: string[] = [];
    const make = recording(log);

    const running = await startParts([make('dynamodb'), make('functions'), make('gateway')]);
    await running.stop();
    await running.stop();

    expect(log).toEqual([
      'start dynamodb',
      'start functions',
      'start gateway',
      'stop gateway',
      'stop functions',
      'stop dynamodb',
    ]);
    expect(running.timings.map((t) => t.name)).toEqual(['dynamodb', 'functions', 'gateway']);
  });

  it('stops what started, last first, when a part fails to start, and starts nothing after it', async () => {
    const log: string[] = [];
    const make = recording(log);
    const halfWay: Part = {
      name: 'half way',
      start: async () => {
        log.push('start half way');
        throw new Error('half way would not start');
      },
      stop: async () => {
        log.push('stop half way');
      },
    };

    const failure = await startParts([make('dynamodb'), make('bus'), halfWay, make('gateway')]).catch(
      (error: unknown) => error,
    );

    expect(String(failure)).toBe('Error: half way would not start');
    expect(log).toEqual([
      'start dynamodb',
      'start bus',
      'start half way',
      'stop half way',
      'stop bus',
      'stop dynamodb',
    ]);
  });

  it('reports a part that fails to stop, and still stops the others', async () => {
    const log: string[] = [];
    const reported: string[] = [];
    const make = recording(log);
    const running = await startParts(
      [make('dynamodb'), make('bus', { failStop: true }), make('gateway')],
      (name, error) => reported.push(`${name}: ${String(error)}`),
    );

    await running.stop();

    expect(log.slice(3)).toEqual(['stop gateway', 'stop bus', 'stop dynamodb']);
    expect(reported).toEqual(['bus: Error: bus would not stop']);
  });
});
