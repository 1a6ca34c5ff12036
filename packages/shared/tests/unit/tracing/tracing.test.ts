import { createSocket, type Socket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  currentTraceHeader,
  formatTraceHeader,
  parseTraceHeader,
  traced,
  withTraceHeader,
} from '../../../src/tracing/tracing.ts';

const ROOT = '1-6750a000-0123456789abcdef01234567';
const HEADER = `Root=${ROOT};Parent=1111111111111111;Sampled=1`;

/** A UDP socket standing in for the X-Ray daemon: it keeps each segment document it receives. */
let daemon: Socket;
const received: Record<string, unknown>[] = [];
const raw: string[] = [];

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const text = message.toString('utf8');
    raw.push(text);
    received.push(JSON.parse(text.slice(text.indexOf('\n') + 1)));
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
});

afterAll(() => {
  delete process.env.AWS_XRAY_DAEMON_ADDRESS;
  daemon.close();
});

afterEach(() => {
  received.length = 0;
  raw.length = 0;
  delete process.env._X_AMZN_TRACE_ID;
  delete (globalThis as { awslambda?: unknown }).awslambda;
});

/** Waits until the daemon holds `count` documents (UDP on loopback takes a tick or two). */
const documents = async (count: number) => {
  for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 5));
  return received;
};

describe('Function: parseTraceHeader', () => {
  it('reads Root, Parent and Sampled in any order, and formats them back', () => {
    const parsed = parseTraceHeader(`Sampled=1;Lineage=a:1;Parent=1111111111111111;Root=${ROOT}`);

    expect(parsed).toEqual({ root: ROOT, parent: '1111111111111111', sampled: true });
    expect(parsed && formatTraceHeader(parsed)).toBe(HEADER);
  });

  it.each([
    ['nothing', undefined],
    ['no Root', 'Parent=1111111111111111;Sampled=1'],
    ['a malformed Root', 'Root=1-xyz-0123;Sampled=1'],
  ])('answers undefined for %s', (_label, header) => {
    expect(parseTraceHeader(header)).toBeUndefined();
  });
});

describe('Function: currentTraceHeader', () => {
  it("takes the kit's own header first, then Lambda's invoke store, then _X_AMZN_TRACE_ID", () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-6750a000-eeeeeeeeeeeeeeeeeeeeeeee;Sampled=1';
    expect(currentTraceHeader()).toBe(process.env._X_AMZN_TRACE_ID);

    (globalThis as { awslambda?: unknown }).awslambda = { InvokeStore: { getXRayTraceId: () => HEADER } };
    expect(currentTraceHeader()).toBe(HEADER);

    const own = 'Root=1-6750a000-ffffffffffffffffffffffff;Sampled=0';
    expect(withTraceHeader(own, () => currentTraceHeader())).toBe(own);
    expect(withTraceHeader('not a header', () => currentTraceHeader())).toBe(HEADER);
  });
});

describe('Function: traced', () => {
  it('sends one annotated subsegment of the current trace, and makes it the parent of the work inside', async () => {
    // Prepare
    let inside: string | undefined;

    // Act
    const result = await withTraceHeader(HEADER, () =>
      traced(
        'createBooking',
        { correlationId: 'req-1', operation: 'createBooking', 'bad key': 'x' },
        async () => {
          inside = currentTraceHeader();
          return 42;
        },
      ),
    );

    // Assess
    const [document] = await documents(1);
    expect(result).toBe(42);
    expect(raw[0]?.startsWith('{"format":"json","version":1}\n')).toBe(true);
    expect(document).toMatchObject({
      name: 'createBooking',
      trace_id: ROOT,
      parent_id: '1111111111111111',
      type: 'subsegment',
      annotations: { correlationId: 'req-1', operation: 'createBooking' },
    });
    expect(document?.annotations).not.toHaveProperty('bad key');
    expect(Number(document?.end_time)).toBeGreaterThanOrEqual(Number(document?.start_time));
    expect(inside).toBe(`Root=${ROOT};Parent=${String(document?.id)};Sampled=1`);
    expect(document).not.toHaveProperty('fault');
  });

  it('marks a throw a fault and an outcome the caller names, and rethrows', async () => {
    await withTraceHeader(HEADER, async () => {
      await expect(traced('a', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await traced(
        'b',
        {},
        async () => 404,
        (status) => (status >= 500 ? 'fault' : 'error'),
      );
    });

    const documentsSent = await documents(2);
    expect(documentsSent.find((d) => d.name === 'a')).toMatchObject({ fault: true });
    expect(documentsSent.find((d) => d.name === 'b')).toMatchObject({ error: true });
  });

  it('sends nothing for an unsampled trace or outside any trace, and still runs the work', async () => {
    const unsampled = await withTraceHeader(`Root=${ROOT};Sampled=0`, () =>
      traced('x', {}, async () => 'ran'),
    );
    const outside = await traced('y', {}, async () => 'ran too');
    await new Promise((r) => setTimeout(r, 30));

    expect([unsampled, outside]).toEqual(['ran', 'ran too']);
    expect(received).toEqual([]);
  });
});
