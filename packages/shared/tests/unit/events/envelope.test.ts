import { describe, expect, it } from 'vitest';
import { InvalidEventError, newEvent, parseEvent } from '../../../src/events/envelope.ts';
import { OUTBOX_RETENTION_SECONDS, outboxPut } from '../../../src/events/outbox.ts';

const USER_ID = '2b0c8a52-5a3e-4c8e-9a44-1d9b6f1f7e10';
const registered = {
  userId: USER_ID,
  email: 'ada@example.com',
  name: 'Ada',
  role: 'user' as const,
  registeredAt: '2026-11-21T05:00:00.000Z',
};
const options = { correlationId: 'req-1', occurredAt: new Date('2026-11-21T05:00:00.000Z') };

describe('Function: newEvent', () => {
  it('wraps the data in the envelope with its source, an id, the time and the correlation id', () => {
    const event = newEvent('user.registered', registered, options);

    expect(event).toEqual({
      source: 'tessera.users',
      detailType: 'user.registered',
      detail: {
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        occurredAt: '2026-11-21T05:00:00.000Z',
        correlationId: 'req-1',
        data: registered,
      },
    });
  });

  it('refuses data that breaks the event schema', () => {
    expect(() => newEvent('user.registered', { ...registered, role: 'root' } as never, options)).toThrow();
    expect(() => newEvent('user.registered', { ...registered, password: 'x' } as never, options)).toThrow();
  });
});

describe('Function: parseEvent', () => {
  const delivered = (event: ReturnType<typeof newEvent>) => ({
    source: event.source,
    'detail-type': event.detailType,
    detail: JSON.parse(JSON.stringify(event.detail)),
  });

  it('reads back what newEvent made', () => {
    const event = newEvent('user.registered', registered, options);

    expect(parseEvent(delivered(event))).toEqual(event);
  });

  it.each([
    ['an unknown type', { 'detail-type': 'user.deleted' }],
    ['the wrong source', { source: 'tessera.tickets' }],
    [
      'a detail without an event id',
      { detail: { occurredAt: options.occurredAt.toISOString(), correlationId: 'c', data: registered } },
    ],
    [
      'malformed data',
      {
        detail: {
          eventId: USER_ID,
          occurredAt: '2026-11-21T05:00:00.000Z',
          correlationId: 'c',
          data: { userId: 1 },
        },
      },
    ],
  ])('refuses %s', (_label, change) => {
    const event = { ...delivered(newEvent('user.registered', registered, options)), ...change };

    expect(() => parseEvent(event)).toThrow(InvalidEventError);
  });
});

describe('Function: outboxPut', () => {
  it('writes the event once, keyed by its id, expiring after the retention', () => {
    const event = newEvent('user.registered', registered, options);

    const put = outboxPut('tessera-users', event);

    expect(put.Put).toEqual({
      TableName: 'tessera-users',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `OUTBOX#${event.detail.eventId}`,
        sk: 'OUTBOX',
        source: 'tessera.users',
        detailType: 'user.registered',
        detail: event.detail,
        ttl: Date.parse('2026-11-21T05:00:00.000Z') / 1000 + OUTBOX_RETENTION_SECONDS,
      },
    });
  });
});
