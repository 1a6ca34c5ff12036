import type { Logger } from '@tessera/shared/logger';
import { describe, expect, it, vi } from 'vitest';
import { atExpression } from '../../../src/adapters/schedules.ts';
import type { ScheduleDependencies } from '../../../src/domain/ports.ts';
import { createScheduleHandler, InvalidScheduleInputError } from '../../../src/handlers/timed-steps.ts';
import { deps, memoryStore } from '../fakes.ts';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() } as unknown as Logger;

const scheduleDeps = (): ScheduleDependencies => {
  const base = deps({ store: memoryStore().store });
  return {
    store: base.store,
    clock: base.clock,
    retries: base.retries,
    metrics: base.metrics,
    timing: { reminderLeadSeconds: 600, paymentHoldSeconds: 900 },
    schedules: { put: vi.fn(), remove: vi.fn() },
  };
};

describe('Function: atExpression', () => {
  it("writes a moment as Scheduler's one-time expression, in UTC, on the second at or after it", () => {
    expect(atExpression(new Date('2027-01-15T09:50:00.000Z'))).toBe('at(2027-01-15T09:50:00)');
    expect(atExpression(new Date('2027-01-15T09:50:07.001Z'))).toBe('at(2027-01-15T09:50:08)');
  });
});

describe('Function: createScheduleHandler', () => {
  it('runs the step its input names, and answers what it did', async () => {
    const handle = createScheduleHandler(scheduleDeps(), logger);

    const outcome = await handle({
      schedule: 'payment-hold',
      bookingId: crypto.randomUUID(),
      correlationId: 'c',
    });

    expect(outcome).toEqual({ outcome: 'not-wanted' });
  });

  it.each([
    ['an unknown schedule', { schedule: 'launch', bookingId: 'b', correlationId: 'c' }],
    ['no booking id', { schedule: 'payment-hold', correlationId: 'c' }],
    [
      'a reminder without its start time',
      { schedule: 'booking-reminder', bookingId: 'b', correlationId: 'c' },
    ],
    ['no correlation id', { schedule: 'payment-hold', bookingId: 'b' }],
  ])('fails on %s, so Scheduler retries it and then dead-letters it', async (_label, input) => {
    const handle = createScheduleHandler(scheduleDeps(), logger);

    await expect(handle(input)).rejects.toBeInstanceOf(InvalidScheduleInputError);
  });
});
