/**
 * The devstack's Lambda endpoint and traces: an Invoke with an `X-Amzn-Trace-Id` header continues
 * that trace (synchronously or as an `Event`), one without starts a new one (no header handed on).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeOptions } from '../../src/function-host.ts';
import { LambdaEndpoint } from '../../src/lambda-endpoint.ts';

const HEADER = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

let endpoint: LambdaEndpoint;
let calls: { functionName: string; event: unknown; options: InvokeOptions | undefined }[];

beforeEach(async () => {
  calls = [];
  endpoint = new LambdaEndpoint({
    invoke: async (functionName, event, options) => {
      calls.push({ functionName, event, options });
      return { ok: true };
    },
    hasFunction: (name) => name === 'bookings',
  });
  await endpoint.start();
});

afterEach(async () => {
  await endpoint.stop();
});

const invoke = (headers: Record<string, string>) =>
  fetch(`${endpoint.url}/2015-03-31/functions/bookings/invocations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ hello: 'world' }),
  });

describe('Class: LambdaEndpoint (tracing)', () => {
  it('continues the trace of an X-Amzn-Trace-Id header', async () => {
    const response = await invoke({ 'x-amzn-trace-id': HEADER });

    expect(response.status).toBe(200);
    expect(calls).toEqual([
      { functionName: 'bookings', event: { hello: 'world' }, options: { traceHeader: HEADER } },
    ]);
  });

  it('continues it for an asynchronous invocation too', async () => {
    const response = await invoke({ 'x-amzn-trace-id': HEADER, 'x-amz-invocation-type': 'Event' });

    expect(response.status).toBe(202);
    expect(calls[0]?.options).toEqual({ traceHeader: HEADER });
  });

  it('hands on no header when the request has none', async () => {
    await invoke({});

    expect(calls[0]?.options).toEqual({});
  });
});
