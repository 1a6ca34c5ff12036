/**
 * One definition of a valid email: whatever address the contract lets into `POST /v1/auth/register`
 * (its generated validator), the `user.registered` event schema accepts too, so a registration the
 * API accepts can always publish its event (it used to answer 500 for `a#b@example.com`).
 */
import { newEvent } from '@tessera/shared/events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { body as registerBody } from '../../../src/generated/operations/registerUser.js';

const SEED = 20261203;

const contractAccepts = (email: string): boolean =>
  registerBody?.({ email, password: 'a perfectly fine passphrase', name: 'Ada' }) === true;

const eventAccepts = (email: string): boolean => {
  try {
    newEvent(
      'user.registered',
      {
        userId: '5a1f9c2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b',
        email,
        name: 'Ada',
        role: 'user',
        registeredAt: '2026-12-03T10:00:00.000Z',
      },
      { correlationId: 'c', occurredAt: new Date('2026-12-03T10:00:00.000Z') },
    );
    return true;
  } catch {
    return false;
  }
};

describe('Email addresses: the contract and the event schema agree', () => {
  it.each(['a#b@example.com', 'x@example.c0m', 'a/b@example.com', "o'neil+tag@sub.example.org"])(
    'accepts %s in both',
    (email) => {
      expect(contractAccepts(email)).toBe(true);
      expect(eventAccepts(email)).toBe(true);
    },
  );

  it.each(['no-at-sign', 'a@b', 'a..b@example.com', 'a@-example.com', ' a@example.com'])(
    'refuses %s in both',
    (email) => {
      expect(contractAccepts(email)).toBe(false);
      expect(eventAccepts(email)).toBe(false);
    },
  );

  it(`gives the same answer for generated addresses and near-misses (seed ${SEED})`, () => {
    const local = fc.stringMatching(/^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.@-]{1,20}$/);
    const candidates = fc.oneof(
      fc.emailAddress(),
      fc.tuple(local, fc.constantFrom('@', '@@', ''), fc.domain()).map(([l, at, d]) => `${l}${at}${d}`),
      fc.string({ maxLength: 40 }),
    );

    fc.assert(
      fc.property(candidates, (email) => contractAccepts(email) === eventAccepts(email)),
      { seed: SEED, numRuns: 2000 },
    );
  });
});
