/**
 * The devstack's clock end to end (ADR 0033), on devstacks of a made-up service whose function
 * reports the time it sees: `POST /_devstack/clock` moves that time (and the parts') at once, fires
 * the schedules it passes (the function seeing their time) and no later one, refuses what would not
 * move it forward, a restart on the same data folder goes on from the moved time, never earlier,
 * and a second devstack in the same process keeps its own clock.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pollUntil } from '../../../../tests/support/poll.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/dynamodb-local.ts';
import { type Devstack, startDevstack } from '../../src/index.ts';
import { fakeManifest } from '../support/manifests.ts';

const HOUR_SECONDS = 3600;
const root = mkdtempSync(join(tmpdir(), 'tessera-clock-'));
const distDir = join(root, 'dist');
const dataDir = join(root, 'data');
const recordFile = join(root, 'fired.jsonl');

const manifest = fakeManifest(
  {
    name: 'clocked',
    description: 'Made up: reports the time it sees.',
    functions: {
      clocked: {
        description: 'Answers Date.now() and new Date().',
        export: 'handler',
        memorySize: 128,
        timeout: 5,
        schedule: true,
        environment: { RECORD_FILE: { value: recordFile } },
      },
    },
  },
  root,
);

mkdirSync(join(distDir, 'clocked'), { recursive: true });
writeFileSync(
  join(distDir, 'clocked', 'index.mjs'),
  `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  // A schedule's input names it: the time the function saw it at is recorded.
  if (event.schedule) appendFileSync(process.env.RECORD_FILE, JSON.stringify({ schedule: event.schedule, now: Date.now() }) + '\\n');
  return { now: Date.now(), date: new Date().toISOString(), parsed: new Date(0).getTime() };
};
`,
);

const fired = (): Array<{ schedule: string; now: number }> => {
  try {
    return readFileSync(recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { schedule: string; now: number });
  } catch {
    return [];
  }
};

interface Told {
  readonly now: number;
  readonly date: string;
  readonly parsed: number;
}

const running: Devstack[] = [];

const start = async (options: { readonly dataDir?: string } = {}) => {
  const devstack = await startDevstack({
    manifests: [manifest],
    distDir,
    ...options,
    build: false,
    httpPort: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: 'it-clock-',
    logLevel: 'WARN',
  });
  running.push(devstack);
  return devstack;
};

const stop = async (devstack: Devstack) => {
  running.splice(running.indexOf(devstack), 1);
  await devstack.stop();
};

const told = async (devstack: Devstack) => (await devstack.invoke('clocked', {})) as Told;

/** What `/_devstack/clock` answers: a reading, an advance, or a problem. */
interface ClockBody {
  readonly now: string;
  readonly offsetSeconds: number;
  readonly advancedSeconds?: number;
  readonly errors?: readonly unknown[];
}

const clockAt = async (devstack: Devstack, init: RequestInit = {}) => {
  const response = await fetch(`${devstack.httpUrl}/_devstack/clock`, init);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as ClockBody,
  };
};

const advance = (devstack: Devstack, body: string) =>
  clockAt(devstack, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

let devstack: Devstack;

beforeAll(async () => {
  devstack = await start({ dataDir });
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  rmSync(root, { recursive: true, force: true });
});

describe('Devstack: the clock tests can move', () => {
  it('starts on the wall clock, and POST /_devstack/clock moves the time the functions see at once', async () => {
    // Prepare
    const before = await told(devstack);
    const reading = await clockAt(devstack);

    // Act
    const moved = await advance(devstack, JSON.stringify({ advanceSeconds: HOUR_SECONDS }));
    const after = await told(devstack);

    // Assess
    expect(Math.abs(before.now - Date.now())).toBeLessThan(2000);
    expect(reading).toMatchObject({ status: 200, body: { offsetSeconds: 0 } });
    expect(moved).toMatchObject({
      status: 200,
      body: { offsetSeconds: HOUR_SECONDS, advancedSeconds: HOUR_SECONDS, now: expect.any(String) },
    });
    expect(after.now - Date.now()).toBeGreaterThan(HOUR_SECONDS * 1000 - 2000);
    expect(after.now - Date.now()).toBeLessThanOrEqual(HOUR_SECONDS * 1000);
    expect(after.now).toBeGreaterThanOrEqual(Date.parse(moved.body.now));
    expect(Math.abs(Date.parse(after.date) - after.now)).toBeLessThan(1000);
    expect(after.parsed).toBe(0);
    // The parts go by the same clock.
    expect(devstack.clock.now() - Date.now()).toBeGreaterThan(HOUR_SECONDS * 1000 - 1000);
    expect(await clockAt(devstack)).toMatchObject({ body: { offsetSeconds: HOUR_SECONDS } });
  });

  it('fires a schedule the move passes, at its time as the function sees it, and no schedule beyond', async () => {
    // Prepare
    const scheduler = new SchedulerClient({
      endpoint: devstack.schedulerEndpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    const at = (seconds: number) => Math.ceil(devstack.clock.now() / 1000) * 1000 + seconds * 1000;
    const create = (name: string, time: number) =>
      scheduler.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: 'tessera-devstack-clocked',
          ScheduleExpression: `at(${new Date(time).toISOString().slice(0, 19)})`,
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: 'arn:aws:lambda:us-east-1:000000000000:function:clocked',
            RoleArn: 'arn:aws:iam::000000000000:role/tessera-devstack-clocked-scheduler',
            Input: JSON.stringify({ schedule: name }),
          },
        }),
      );
    const reminder = at(50 * 60);
    await create('reminder', reminder);
    await create('tomorrow', at(24 * HOUR_SECONDS));

    // Act
    try {
      await advance(devstack, JSON.stringify({ advanceSeconds: HOUR_SECONDS }));
      const seen = await pollUntil(fired, (all) => all.length > 0, { intervalMs: 25 });

      // Assess
      expect(seen).toEqual([{ schedule: 'reminder', now: expect.any(Number) }]);
      expect(seen[0]?.now).toBeGreaterThanOrEqual(reminder);
      expect(seen[0]?.now).toBeLessThan(reminder + HOUR_SECONDS * 1000);
    } finally {
      scheduler.destroy();
    }
  });

  it('refuses to move back, by nothing, or by what is not a whole number of seconds', async () => {
    const offset = (await clockAt(devstack)).body.offsetSeconds;

    for (const body of [
      '{"advanceSeconds": -60}',
      '{"advanceSeconds": 0}',
      '{"advanceSeconds": 0.5}',
      'soon',
    ]) {
      const answer = await advance(devstack, body);
      expect(answer.status).toBe(400);
      expect(answer.type).toBe('application/problem+json');
      expect(answer.body.errors).toEqual([expect.objectContaining({ location: 'body' })]);
    }

    expect((await clockAt(devstack)).body.offsetSeconds).toBe(offset);
  });

  it('moves by Devstack.advanceClock too, and keeps the offset in <dataDir>/clock.json', async () => {
    const offset = (await clockAt(devstack)).body.offsetSeconds;

    const moved = await devstack.advanceClock(900);

    expect(moved.offsetSeconds).toBe(offset + 900);
    expect(JSON.parse(readFileSync(join(dataDir, 'clock.json'), 'utf8'))).toMatchObject({
      offsetMs: (offset + 900) * 1000,
    });
    expect((await told(devstack)).now - Date.now()).toBeGreaterThan((offset + 900) * 1000 - 2000);
  });

  it('keeps its own clock in a second devstack of the same process', async () => {
    const other = await start();
    try {
      const first = (await clockAt(devstack)).body.offsetSeconds;

      await other.advanceClock(60);

      expect((await clockAt(other)).body.offsetSeconds).toBe(60);
      expect((await told(other)).now - Date.now()).toBeLessThan(61_000);
      expect((await clockAt(devstack)).body.offsetSeconds).toBe(first);
      expect((await told(devstack)).now - Date.now()).toBeGreaterThan(first * 1000 - 2000);
    } finally {
      await stop(other);
    }
  });

  it('goes on from the moved time after a restart on the same data folder, never earlier', async () => {
    // Prepare
    const offset = (await clockAt(devstack)).body.offsetSeconds;
    const last = await told(devstack);
    await stop(devstack);

    // Act
    devstack = await start({ dataDir });
    const again = await told(devstack);

    // Assess
    expect((await clockAt(devstack)).body.offsetSeconds).toBe(offset);
    expect(again.now).toBeGreaterThanOrEqual(last.now);
    expect(again.now - Date.now()).toBeGreaterThan(offset * 1000 - 2000);
  });
});
