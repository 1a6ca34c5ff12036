import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { stopOnSignalOrCrash } from '../../src/shutdown.ts';

/** A process stand-in: records how often the devstack was stopped, the exit code and the lines. */
const harness = (stop: () => Promise<void> = () => Promise.resolve()) => {
  const events = new EventEmitter();
  const seen = { stops: 0, exits: [] as number[], lines: [] as string[] };
  let exited: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    exited = resolve;
  });
  stopOnSignalOrCrash({
    events,
    stop: () => {
      seen.stops += 1;
      return stop();
    },
    exit: (code) => {
      seen.exits.push(code);
      exited();
    },
    log: (line) => seen.lines.push(line),
  });
  return { events, seen, done };
};

describe('how npm start ends', () => {
  it.each(['SIGINT', 'SIGTERM'])('stops the devstack on %s and exits 0', async (signal) => {
    const { events, seen, done } = harness();
    events.emit(signal);
    await done;
    expect(seen).toMatchObject({ stops: 1, exits: [0] });
    expect(seen.lines).toEqual([`\n${signal}: stopping Tessera ...`, 'Stopped.']);
  });

  it('stops the devstack, Java included, when an error escapes, and exits 1', async () => {
    const { events, seen, done } = harness();
    events.emit('uncaughtException', new Error('socket exploded'));
    await done;
    expect(seen).toMatchObject({ stops: 1, exits: [1] });
    expect(seen.lines[0]).toContain('unexpected error and is stopping: Error: socket exploded');
  });

  it('does the same for a promise rejection nothing handled', async () => {
    const { events, seen, done } = harness();
    events.emit('unhandledRejection', 'no reason');
    await done;
    expect(seen).toMatchObject({ stops: 1, exits: [1] });
    expect(seen.lines[0]).toContain('no reason');
  });

  it('stops once, however many signals and errors follow', async () => {
    let release: () => void = () => {};
    const { events, seen, done } = harness(() => new Promise((resolve) => (release = resolve)));
    events.emit('SIGINT');
    events.emit('SIGINT');
    events.emit('uncaughtException', new Error('while stopping'));
    release();
    await done;
    expect(seen).toMatchObject({ stops: 1, exits: [0] });
  });

  it('still exits when stopping fails, and says so', async () => {
    const { events, seen, done } = harness(() => Promise.reject(new Error('java would not die')));
    events.emit('SIGTERM');
    await done;
    expect(seen.exits).toEqual([0]);
    expect(seen.lines.at(-1)).toBe('Stopping failed: Error: java would not die');
  });
});
