/**
 * The wiring the devstack reads from the manifests: who serves the HTTP operations, who authorizes,
 * who takes the bootstrap command and reads the table streams (from the real manifests), and what a
 * subscription becomes: a rule to its function, or a rule to a queue with its dead-letter queue and
 * the manifest's (or the default) queue settings (from a made-up one).
 */
import { loadManifests } from '@tessera/tooling/manifests';
import { describe, expect, it } from 'vitest';
import { topologyOf } from '../../src/topology.ts';
import { fakeManifest } from '../support/manifests.ts';

const fn = (extra: Record<string, unknown> = {}) => ({
  description: 'Made up.',
  export: 'handler',
  memorySize: 128,
  timeout: 10,
  environment: {},
  ...extra,
});

describe('Function: topologyOf', () => {
  it('reads the repository: operations, authorizer, command and stream reader by function', () => {
    const topology = topologyOf(loadManifests());

    expect(Object.fromEntries(topology.operations)).toMatchObject({ users: 'users', tickets: 'tickets' });
    expect(topology.httpAuthorizer).toBe('users-authorizer');
    expect(topology.commands.get('bootstrap-admin')).toBe('users');
    expect(topology.tableStreamReaders).toEqual(['publisher']);
    expect(topology.rules).toContainEqual({
      name: 'tickets-user-directory',
      pattern: { source: ['tessera.users'], 'detail-type': ['user.registered', 'user.role_changed'] },
      deadLetterQueueName: 'tickets-invocations-dlq',
      target: { kind: 'function', functionName: 'tickets' },
    });
  });

  it('reads the WebSocket routes: each route to the one function that serves it, and the authorizer', () => {
    const topology = topologyOf(loadManifests());

    expect(topology.webSocketAuthorizer).toBe('users-authorizer');
    expect(Object.fromEntries(topology.webSocketRoutes)).toEqual({
      $connect: 'notifications',
      $disconnect: 'notifications',
      $default: 'notifications',
      ping: 'notifications',
      resume: 'notifications',
      subscribe: 'notifications',
      unsubscribe: 'notifications',
      createBooking: 'bookings',
      getBooking: 'bookings',
      listBookings: 'bookings',
      updateBooking: 'bookings',
      cancelBooking: 'bookings',
    });
  });

  it('makes a queue target a rule to a queue with a dead-letter queue, drained into the function', () => {
    const payments = fakeManifest({
      name: 'payments',
      description: 'Made up.',
      functions: { payments: fn({ timeout: 20 }) },
      subscriptions: [
        {
          name: 'bookings',
          description: 'Made up.',
          pattern: { 'detail-type': ['booking.created'] },
          target: { function: 'payments', queue: {} },
        },
        {
          name: 'refunds',
          description: 'Made up.',
          pattern: { 'detail-type': ['booking.cancelled'] },
          target: {
            function: 'payments',
            queue: {
              visibilityTimeout: 45,
              maxReceiveCount: 5,
              batchSize: 1,
              maximumBatchingWindow: 2,
              maximumConcurrency: 4,
            },
          },
        },
      ],
    });

    const topology = topologyOf([payments]);

    expect(topology.rules.map((r) => [r.name, r.target])).toEqual([
      ['payments-bookings', { kind: 'queue', queueName: 'payments-bookings' }],
      ['payments-refunds', { kind: 'queue', queueName: 'payments-refunds' }],
    ]);
    // A send to the queue that fails every attempt goes to the service's events dead-letter queue.
    expect(topology.rules.map((r) => r.deadLetterQueueName)).toEqual([
      'payments-events-dlq',
      'payments-events-dlq',
    ]);
    expect(topology.queues).toEqual([
      {
        name: 'payments-bookings',
        deadLetterQueueName: 'payments-bookings-dlq',
        // 6 times the function's timeout, as AWS advises and manifests.ts defaults.
        visibilityTimeoutSeconds: 120,
        maxReceiveCount: 3,
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        maximumConcurrency: 2,
        functionName: 'payments',
      },
      {
        name: 'payments-refunds',
        deadLetterQueueName: 'payments-refunds-dlq',
        visibilityTimeoutSeconds: 45,
        maxReceiveCount: 5,
        batchSize: 1,
        maximumBatchingWindowSeconds: 2,
        maximumConcurrency: 4,
        functionName: 'payments',
      },
    ]);
  });

  it("hides a message for the queue's devstackVisibilityTimeout on the devstack, whatever AWS's is", () => {
    const payments = fakeManifest({
      name: 'payments',
      description: 'Made up.',
      functions: { payments: fn({ timeout: 10 }) },
      subscriptions: [
        {
          name: 'charges',
          description: 'Made up.',
          pattern: { 'detail-type': ['booking.created'] },
          target: { function: 'payments', queue: { visibilityTimeout: 90, devstackVisibilityTimeout: 2 } },
        },
        {
          name: 'later',
          description: 'Made up.',
          pattern: { 'detail-type': ['booking.cancelled'] },
          target: { function: 'payments', queue: { devstackVisibilityTimeout: 3 } },
        },
      ],
    });

    const topology = topologyOf([payments]);

    expect(topology.queues.map((q) => [q.name, q.visibilityTimeoutSeconds])).toEqual([
      ['payments-charges', 2],
      ['payments-later', 3],
    ]);
  });

  it('refuses two functions that claim the same command', () => {
    const a = fakeManifest({
      name: 'alpha',
      description: 'Made up.',
      functions: { alpha: fn({ commands: ['seed'] }) },
    });
    const b = fakeManifest({
      name: 'beta',
      description: 'Made up.',
      functions: { beta: fn({ commands: ['seed'] }) },
    });

    expect(() => topologyOf([a, b])).toThrow('The command seed is declared by both alpha and beta');
  });

  it("names each service's schedule target, its group and its schedules' dead-letter queue, and none for a service with no schedule: true", () => {
    const bookings = fakeManifest({
      name: 'bookings',
      description: 'Made up.',
      functions: { bookings: fn({ schedule: true }), 'bookings-other': fn({}) },
    });
    const other = fakeManifest({ name: 'other', description: 'Made up.', functions: { other: fn({}) } });

    const topology = topologyOf([bookings, other]);

    expect(topology.scheduleTargets).toEqual([
      {
        service: 'bookings',
        functionName: 'bookings',
        group: 'tessera-devstack-bookings',
        roleArn: 'arn:aws:iam::000000000000:role/tessera-devstack-bookings-scheduler',
        targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:bookings',
        deadLetterQueueName: 'bookings-schedules-dlq',
        deadLetterArn: 'arn:aws:sqs:us-east-1:000000000000:bookings-schedules-dlq',
      },
    ]);
  });
});
