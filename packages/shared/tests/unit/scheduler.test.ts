import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type ScheduleDefinition, SchedulerError } from '../../src/aws/scheduler.ts';
import { signatureHolds as checkSignature, type Received } from './sigv4-check.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE000000000',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const region = 'eu-west-1';

let replies: Array<{ status: number; body?: unknown; type?: string }> = [];
const received: Received[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = replies.shift() ?? {
        status: 500,
        type: 'InternalServerException',
        body: { Message: 'boom' },
      };
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        ...(reply.type ? { 'x-amzn-errortype': reply.type } : {}),
      });
      response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  replies = [];
  received.length = 0;
});

const signatureHolds = (request: Received) =>
  checkSignature(request, { service: 'scheduler', region, credentials });

const definition: ScheduleDefinition = {
  GroupName: 'tessera-test-bookings',
  ScheduleExpression: 'at(2027-01-15T09:50:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  State: 'ENABLED',
  Target: {
    Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:tessera-test-bookings:live',
    RoleArn: 'arn:aws:iam::123456789012:role/tessera-test-bookings-scheduler',
    Input: '{"schedule":"booking-reminder"}',
    RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
    DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:tessera-test-bookings-schedules-dlq' },
  },
};

const scheduler = () => createScheduler({ endpoint, region, credentials, timeoutMs: 1_000 });

describe('createScheduler', () => {
  it('sends each call as @aws-sdk/client-scheduler does, signed so that Scheduler accepts it', async () => {
    const sdk = new SchedulerClient({ region, endpoint, credentials, maxAttempts: 1 });
    const arn = { ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/g/reminder-1' };
    replies = [
      { status: 200, body: arn },
      { status: 200, body: arn },
      { status: 200, body: arn },
      { status: 200, body: arn },
      { status: 200, body: {} },
      { status: 200, body: {} },
      { status: 200, body: { Name: 'reminder-1', ...definition } },
      { status: 200, body: { Name: 'reminder-1', ...definition } },
    ];
    await sdk.send(new CreateScheduleCommand({ Name: 'reminder-1', ...definition, ClientToken: undefined }));
    await scheduler().create('reminder-1', definition);
    await sdk.send(new UpdateScheduleCommand({ Name: 'reminder-1', ...definition }));
    await scheduler().update('reminder-1', definition);
    await sdk.send(new DeleteScheduleCommand({ Name: 'reminder-1', GroupName: definition.GroupName }));
    await scheduler().remove('reminder-1', definition.GroupName);
    await sdk.send(new GetScheduleCommand({ Name: 'reminder-1', GroupName: definition.GroupName }));
    const got = await scheduler().get('reminder-1', definition.GroupName);

    expect(got?.ScheduleExpression).toBe(definition.ScheduleExpression);
    for (let i = 0; i < received.length; i += 2) {
      const theirs = received[i] as Received;
      const ours = received[i + 1] as Received;
      const { ClientToken: _token, ...theirBody } = theirs.body ? JSON.parse(theirs.body) : {};
      const strip = (path: string) => {
        const url = new URL(path, 'http://x');
        url.searchParams.delete('clientToken');
        return `${url.pathname}${url.search}`;
      };
      expect(`${ours.method} ${strip(ours.path)}`).toBe(`${theirs.method} ${strip(theirs.path)}`);
      expect(ours.body ? JSON.parse(ours.body) : {}).toEqual(theirBody);
      expect(await signatureHolds(ours)).toBe(true);
    }
    sdk.destroy();
  });

  it("answers 'exists', 'absent' and null for the errors Scheduler answers a name it has or lacks", async () => {
    replies = [
      { status: 409, type: 'ConflictException', body: { Message: 'exists' } },
      { status: 404, type: 'ResourceNotFoundException', body: { Message: 'none' } },
      { status: 404, type: 'ResourceNotFoundException', body: { Message: 'none' } },
      { status: 404, type: 'ResourceNotFoundException', body: { Message: 'none' } },
    ];

    expect(await scheduler().create('r', definition)).toBe('exists');
    expect(await scheduler().update('r', definition)).toBe('absent');
    expect(await scheduler().remove('r', 'g')).toBe('absent');
    expect(await scheduler().get('r', 'g')).toBeNull();
  });

  it('puts a schedule whose name is taken by updating it, so one name never makes two', async () => {
    replies = [
      { status: 409, type: 'ConflictException', body: { Message: 'exists' } },
      { status: 200, body: { ScheduleArn: 'arn' } },
    ];

    expect(await scheduler().put('r', definition)).toBe('updated');
    expect(received.map((r) => r.method)).toEqual(['POST', 'PUT']);
  });

  it('tries a server fault again, and fails with the error type on a refusal it cannot retry', async () => {
    replies = [
      { status: 500, type: 'InternalServerException', body: { Message: 'try again' } },
      { status: 200, body: { ScheduleArn: 'arn' } },
      { status: 400, type: 'ValidationException', body: { Message: 'bad expression' } },
    ];

    expect(await scheduler().create('r', definition)).toBe('created');
    const refused = scheduler().create('r', definition);

    await expect(refused).rejects.toBeInstanceOf(SchedulerError);
    await expect(refused).rejects.toMatchObject({ code: 'ValidationException', status: 400 });
    expect(received).toHaveLength(3);
  });

  it('gives up on an endpoint that does not answer within its timeout', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;

    const call = createScheduler({
      endpoint: `http://127.0.0.1:${port}`,
      region,
      credentials,
      timeoutMs: 200,
    }).remove('r', 'g');

    // Two attempts of 200 ms each, then the timeout's error (the test's own timeout is the hang check).
    await expect(call).rejects.toThrow(/timeout|aborted/i);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
