/**
 * The local queue's SQS semantics on a standing clock (visibility timeouts pass by advancing it):
 * receive counts and receipt handles, delete and change visibility, the move to the dead-letter
 * queue after `maxReceiveCount` receives and the redrive back, retention, long polling, the
 * message attributes' MD5, and durability: a queue opened again on its journal has every message
 * it had, in the same state, and a torn last line (a crash mid-write) loses nothing else.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MovableClock } from '../../src/clock.ts';
import { LocalQueue, md5OfMessageAttributes, QueueError } from '../../src/local-queue.ts';

const folder = mkdtempSync(join(tmpdir(), 'tessera-queue-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let counter = 0;
const journal = () => join(folder, `queue-${++counter}.jsonl`);

const queueWithDlq = (options: {
  clock: MovableClock;
  file?: string;
  dlqFile?: string;
  maxReceiveCount?: number;
}) => {
  const dlq = new LocalQueue({ name: 'work-dlq', clock: options.clock, file: options.dlqFile });
  const queue = new LocalQueue({
    name: 'work',
    clock: options.clock,
    file: options.file,
    visibilityTimeoutSeconds: 30,
    deadLetter: { queue: dlq, maxReceiveCount: options.maxReceiveCount ?? 3 },
  });
  return { queue, dlq };
};

describe('Class: LocalQueue', () => {
  it('hides a received message for the visibility timeout, then hands it out again with a higher count', async () => {
    // Prepare
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'visibility', clock, visibilityTimeoutSeconds: 30 });
    const { messageId } = queue.send('{"hello":"world"}');

    // Act
    const [first] = await queue.receive();
    const hidden = await queue.receive();
    await clock.advance(29_999);
    const stillHidden = await queue.receive();
    await clock.advance(1);
    const [again] = await queue.receive();

    // Assess
    expect(first).toMatchObject({
      messageId,
      body: '{"hello":"world"}',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(hidden).toEqual([]);
    expect(stillHidden).toEqual([]);
    expect(again).toMatchObject({ messageId, attributes: { ApproximateReceiveCount: '2' } });
    expect(again?.receiptHandle).not.toBe(first?.receiptHandle);
    expect(again?.attributes.ApproximateFirstReceiveTimestamp).toBe(
      first?.attributes.ApproximateFirstReceiveTimestamp,
    );
    expect(first?.md5OfBody).toBe('fbc24bcc7a1794758fc1327fcfebdaf6');
  });

  it('deletes by the latest receipt handle; an older one succeeds and deletes nothing', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'deletes', clock, visibilityTimeoutSeconds: 10 });
    queue.send('one');
    const [first] = await queue.receive();
    await clock.advance(10_000);
    const [second] = await queue.receive();

    queue.delete(first?.receiptHandle ?? '');
    const afterStale = queue.depths();
    queue.delete(second?.receiptHandle ?? '');
    await clock.advance(10_000);

    expect(afterStale).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(queue.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(await queue.receive()).toEqual([]);
    expect(() => queue.delete('not-a-handle')).toThrow(QueueError);
  });

  it('changes the visibility of a message in flight, and refuses one that is not', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'change', clock, visibilityTimeoutSeconds: 30 });
    queue.send('slow work');
    const [message] = await queue.receive();
    const handle = message?.receiptHandle ?? '';

    queue.changeVisibility(handle, 120);
    await clock.advance(60_000);
    const hiddenLonger = await queue.receive();
    queue.changeVisibility(handle, 0);
    const [shownAgain] = await queue.receive();

    expect(hiddenLonger).toEqual([]);
    expect(shownAgain?.messageId).toBe(message?.messageId);
    expect(() => queue.changeVisibility(handle, 10)).toThrow(
      expect.objectContaining({ code: 'MessageNotInflight' }),
    );
    expect(() => queue.changeVisibility(shownAgain?.receiptHandle ?? '', 43_201)).toThrow(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue on its next receive', async () => {
    const clock = new MovableClock();
    const { queue, dlq } = queueWithDlq({ clock, maxReceiveCount: 3 });
    const { messageId } = queue.send('poison', {
      messageAttributes: { kind: { DataType: 'String', StringValue: 'payment' } },
    });
    const counts: string[] = [];

    for (let attempt = 0; attempt < 3; attempt++) {
      const [message] = await queue.receive();
      counts.push(message?.attributes.ApproximateReceiveCount ?? 'none');
      await clock.advance(30_000);
    }
    const fourth = await queue.receive();

    expect(counts).toEqual(['1', '2', '3']);
    expect(fourth).toEqual([]);
    expect(queue.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(dlq.depths()).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    const [dead] = await dlq.receive();
    expect(dead).toMatchObject({
      messageId,
      body: 'poison',
      messageAttributes: { kind: { DataType: 'String', StringValue: 'payment' } },
      attributes: { ApproximateReceiveCount: '1' },
    });
  });

  it('redrives the dead-letter queue back to its source, receive counts starting over', async () => {
    const clock = new MovableClock();
    const { queue, dlq } = queueWithDlq({ clock, maxReceiveCount: 1 });
    queue.send('a');
    queue.send('b');
    await queue.receive({ maxMessages: 10 });
    await clock.advance(30_000);
    await queue.receive({ maxMessages: 10 });

    const moved = dlq.redrive(queue);
    const received = await queue.receive({ maxMessages: 10 });

    expect(moved).toBe(2);
    expect(received.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
      ['a', '1'],
      ['b', '1'],
    ]);
  });

  it('drops a message older than the retention period', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'retention', clock, messageRetentionSeconds: 60 });
    queue.send('old');
    await clock.advance(30_000);
    queue.send('new');

    await clock.advance(30_000);
    const received = await queue.receive({ maxMessages: 10 });

    expect(received.map((m) => m.body)).toEqual(['new']);
  });

  it('hands out messages in the order sent, a delayed one once its delay is over', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'order', clock });
    queue.send('later', { delaySeconds: 5 });
    queue.send('first');
    queue.send('second');

    const now = await queue.receive({ maxMessages: 10 });
    const depths = queue.depths();
    await clock.advance(5000);
    const delayed = await queue.receive({ maxMessages: 10 });

    expect(now.map((m) => m.body)).toEqual(['first', 'second']);
    expect(depths).toEqual({ visible: 0, inFlight: 2, delayed: 1 });
    expect(delayed.map((m) => m.body)).toEqual(['later']);
  });

  it('long-polls: a receive waiting for a message gets it as soon as it is sent', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'long-poll', clock });
    const waiting = queue.receive({ waitTimeSeconds: 20 });

    queue.send('wake up');

    expect((await waiting).map((m) => m.body)).toEqual(['wake up']);
  });

  it('long-polls: a receive with nothing to get answers nothing once its wait is over, or when aborted', async () => {
    const clock = new MovableClock();
    const queue = new LocalQueue({ name: 'long-poll-empty', clock });
    const controller = new AbortController();
    const timedOut = queue.receive({ waitTimeSeconds: 20 });
    const aborted = queue.receive({ waitTimeSeconds: 20 }, controller.signal);

    controller.abort();
    const abortedAnswer = await aborted;
    await clock.advance(20_000);

    expect(abortedAnswer).toEqual([]);
    expect(await timedOut).toEqual([]);
  });

  it('refuses what SQS refuses: an empty body, a body over 256 KiB, a bad attribute', () => {
    const queue = new LocalQueue({ name: 'refusals', clock: new MovableClock() });

    expect(() => queue.send('')).toThrow(expect.objectContaining({ code: 'MissingParameter' }));
    expect(() => queue.send('x'.repeat(256 * 1024 + 1))).toThrow(/more than 262144/);
    expect(() =>
      queue.send('ok', { messageAttributes: { 'aws.x': { DataType: 'String', StringValue: 'v' } } }),
    ).toThrow(/not allowed/);
    expect(() =>
      queue.send('ok', { messageAttributes: { k: { DataType: 'Date', StringValue: 'v' } } }),
    ).toThrow(/no valid DataType/);
    expect(() => queue.send('\u0000')).toThrow(expect.objectContaining({ code: 'InvalidMessageContents' }));
  });

  it('keeps every message in its state across a restart on the same journal', async () => {
    // Prepare: one message in flight, one deleted, one visible, one in the dead-letter queue.
    const clock = new MovableClock();
    const file = journal();
    const dlqFile = journal();
    const first = queueWithDlq({ clock, file, dlqFile, maxReceiveCount: 1 });
    first.queue.send('dead');
    const [dead] = await first.queue.receive();
    await clock.advance(30_000);
    await first.queue.receive();
    first.queue.send('in flight');
    first.queue.send('deleted');
    const [inFlight, deleted] = await first.queue.receive({ maxMessages: 2 });
    first.queue.delete(deleted?.receiptHandle ?? '');
    first.queue.send('visible');
    first.queue.close();
    first.dlq.close();

    // Act
    const second = queueWithDlq({ clock, file, dlqFile, maxReceiveCount: 1 });
    const visibleNow = await second.queue.receive({ maxMessages: 10 });
    await clock.advance(30_000);
    const afterTimeout = await second.queue.receive({ maxMessages: 10 });

    // Assess
    expect(visibleNow.map((m) => m.body)).toEqual(['visible']);
    expect(afterTimeout).toEqual([]);
    // Each was received once (maxReceiveCount 1), 'in flight' before the restart: to the dead-letter
    // queue they go, behind the one already there; 'deleted' never comes back.
    expect((await second.dlq.receive({ maxMessages: 10 })).map((m) => [m.messageId, m.body])).toEqual([
      [dead?.messageId, 'dead'],
      [inFlight?.messageId, 'in flight'],
      [visibleNow[0]?.messageId, 'visible'],
    ]);
    // Opening compacted the journal: one line per message it held then.
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });

  it('gives back a message in flight at a crash once its visibility timeout is over, its receive count kept', async () => {
    // Prepare: received, then the process dies before the delete (the queue is never closed).
    const clock = new MovableClock();
    const file = journal();
    const crashed = new LocalQueue({ name: 'crash', clock, file, visibilityTimeoutSeconds: 30 });
    const { messageId } = crashed.send('charge b1', {
      messageAttributes: { kind: { DataType: 'String', StringValue: 'payment' } },
    });
    const [before] = await crashed.receive();

    // Act
    const reopened = new LocalQueue({ name: 'crash', clock, file, visibilityTimeoutSeconds: 30 });
    const depthsAtStart = reopened.depths();
    const stillHidden = await reopened.receive();
    await clock.advance(30_000);
    const [again] = await reopened.receive();
    reopened.delete(before?.receiptHandle ?? '');
    const afterStaleDelete = reopened.depths();
    crashed.close();

    // Assess
    expect(depthsAtStart).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(stillHidden).toEqual([]);
    expect(again).toMatchObject({
      messageId,
      body: 'charge b1',
      messageAttributes: { kind: { DataType: 'String', StringValue: 'payment' } },
      attributes: {
        ApproximateReceiveCount: '2',
        ApproximateFirstReceiveTimestamp: before?.attributes.ApproximateFirstReceiveTimestamp,
      },
    });
    // The handle from before the crash is an older one now: it deletes nothing.
    expect(afterStaleDelete).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    reopened.close();
  });

  it('redrives each dead-lettered message back to the queue it came from, also after a restart', async () => {
    // Prepare: two queues share one dead-letter queue; one message of each is dead-lettered.
    const clock = new MovableClock();
    const dlqFile = journal();
    const open = () => {
      const dlq = new LocalQueue({ name: 'shared-dlq', clock, file: dlqFile });
      const deadLetter = { queue: dlq, maxReceiveCount: 1 };
      const orders = new LocalQueue({ name: 'orders', clock, visibilityTimeoutSeconds: 30, deadLetter });
      const refunds = new LocalQueue({ name: 'refunds', clock, visibilityTimeoutSeconds: 30, deadLetter });
      return { dlq, orders, refunds };
    };
    const first = open();
    first.orders.send('order');
    first.refunds.send('refund');
    for (const queue of [first.orders, first.refunds]) await queue.receive();
    await clock.advance(30_000);
    for (const queue of [first.orders, first.refunds]) await queue.receive();
    first.dlq.close();
    const second = open();
    const byArn = new Map([second.orders, second.refunds].map((q) => [q.arn, q]));

    // Act
    const moved = second.dlq.redrive((from) => (from ? byArn.get(from) : undefined));

    // Assess
    expect(moved).toBe(2);
    expect((await second.orders.receive({ maxMessages: 10 })).map((m) => m.body)).toEqual(['order']);
    expect((await second.refunds.receive({ maxMessages: 10 })).map((m) => m.body)).toEqual(['refund']);
    expect(second.dlq.depths()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    second.dlq.close();
  });

  it('leaves in the dead-letter queue a message a redrive places nowhere, and one in flight', async () => {
    const clock = new MovableClock();
    const dlq = new LocalQueue({ name: 'orphans-dlq', clock });
    const queue = new LocalQueue({ name: 'orphans', clock });
    dlq.send('sent here directly');
    dlq.send('being looked at');
    await clock.advance(1);
    const [peeked] = await dlq.receive({ visibilityTimeoutSeconds: 60 });

    const placedNowhere = dlq.redrive((from) => (from ? queue : undefined));
    const movedToNamed = dlq.redrive(queue);

    expect(peeked?.body).toBe('sent here directly');
    expect(placedNowhere).toBe(0);
    expect(movedToNamed).toBe(1);
    expect(dlq.depths()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect((await queue.receive()).map((m) => m.body)).toEqual(['being looked at']);
  });

  it('opens on a journal whose last line a crash tore, losing nothing before it', async () => {
    const clock = new MovableClock();
    const file = journal();
    const first = new LocalQueue({ name: 'torn', clock, file });
    first.send('kept');
    first.close();
    appendFileSync(file, '{"op":"put","message":{"messageId":"half');

    const second = new LocalQueue({ name: 'torn', clock, file });

    expect((await second.receive({ maxMessages: 10 })).map((m) => m.body)).toEqual(['kept']);
    second.close();
  });

  it('takes no more calls once closed', async () => {
    const queue = new LocalQueue({ name: 'closed', clock: new MovableClock() });
    queue.close();

    expect(() => queue.send('late')).toThrow(expect.objectContaining({ code: 'QueueDoesNotExist' }));
  });
});

describe('Function: md5OfMessageAttributes', () => {
  it('hashes the attributes sorted by name, so their order does not matter, and their values do', () => {
    const a = { DataType: 'String', StringValue: 'one' };
    const b = { DataType: 'Number', StringValue: '2' };

    const forward = md5OfMessageAttributes({ a, b });
    const backward = md5OfMessageAttributes({ b, a });
    const changed = md5OfMessageAttributes({ a, b: { ...b, StringValue: '3' } });

    expect(forward).toMatch(/^[0-9a-f]{32}$/);
    expect(backward).toBe(forward);
    expect(changed).not.toBe(forward);
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});
