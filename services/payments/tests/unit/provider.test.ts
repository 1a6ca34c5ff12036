/**
 * The emulated provider's outcomes by token and attempt, the payment id of a booking, and the
 * attempts the domain allows against the queue's maxReceiveCount in the manifest.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, paymentIdOf } from '../../src/domain/payment.ts';
import { outcomeOf } from '../../src/domain/provider.ts';
import { CLAIM_LEASE_SECONDS } from '../../src/handlers/events.ts';

describe('The emulated provider', () => {
  it.each([
    [null, ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']],
    ['tok_ok', ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']],
    ['tok_decline', ['DECLINED', 'DECLINED', 'DECLINED']],
    ['tok_flaky', ['ERROR', 'ERROR', 'SUCCEEDED']],
    ['tok_error', ['ERROR', 'ERROR', 'ERROR']],
    ['tok_pending', ['PENDING', 'PENDING', 'PENDING']],
    ['tok_OK', ['DECLINED', 'DECLINED', 'DECLINED']],
    ['', ['DECLINED', 'DECLINED', 'DECLINED']],
  ])('%s answers %j on attempts 1 to 3', (token, expected) => {
    expect([1, 2, 3].map((attempt) => outcomeOf(token, attempt))).toEqual(expected);
  });
});

describe('paymentIdOf', () => {
  it('is a UUID, the same for a booking every time, and another for another booking', () => {
    const booking = crypto.randomUUID();
    const id = paymentIdOf(booking);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(paymentIdOf(booking)).toBe(id);
    expect(paymentIdOf(crypto.randomUUID())).not.toBe(id);
  });
});

describe("A delivery's claim", () => {
  it("outlasts the function's timeout and lapses before the charges queue shows the message again in AWS", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../service.json', import.meta.url), 'utf8')) as {
      functions: { payments: { timeout: number } };
      subscriptions: { name: string; target: { queue?: { visibilityTimeout?: number } } }[];
    };
    const timeout = manifest.functions.payments.timeout;
    const queue = manifest.subscriptions.find((s) => s.name === 'charges')?.target.queue;
    // As declared, or 6 times the function's timeout when not (manifests.ts, Terraform).
    const visibility = queue?.visibilityTimeout ?? 6 * timeout;
    expect(CLAIM_LEASE_SECONDS).toBeGreaterThan(timeout);
    expect(CLAIM_LEASE_SECONDS).toBeLessThan(visibility);
  });
});

describe('The attempts', () => {
  it("are as many as the charges queue's maxReceiveCount in service.json", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../service.json', import.meta.url), 'utf8')) as {
      subscriptions: { name: string; target: { queue?: { maxReceiveCount: number } } }[];
    };
    const charges = manifest.subscriptions.find((s) => s.name === 'charges');
    expect(charges?.target.queue?.maxReceiveCount).toBe(MAX_ATTEMPTS);
    expect(MAX_ATTEMPTS).toBe(3);
  });
});
