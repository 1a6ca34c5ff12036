import type { Principal } from '@tessera/shared/auth';
import { describe, expect, it } from 'vitest';
import {
  assertVisible,
  BOOKING_STATUSES,
  type BookingStatus,
  holdsRoom,
  publicBooking,
  type StoredBooking,
} from '../../../src/domain/booking.ts';
import { assertCanMove, assertMayChange } from '../../../src/domain/booking-guards.ts';
import { BookingNotFoundError, IllegalBookingTransitionError, NotAllowedError } from '../../../src/errors.ts';

const ALLOWED: ReadonlyArray<readonly [BookingStatus, BookingStatus]> = [
  ['PENDING_PAYMENT', 'CONFIRMED'],
  ['PENDING_PAYMENT', 'PAYMENT_FAILED'],
  ['PENDING_PAYMENT', 'EXPIRED'],
  ['PENDING_PAYMENT', 'CANCELLED'],
  ['CONFIRMED', 'CANCELLED'],
];

const pairs = BOOKING_STATUSES.flatMap((from) => BOOKING_STATUSES.map((to) => [from, to] as const));

describe('The booking state machine', () => {
  it.each(pairs)('%s -> %s is allowed only if the design lists it', (from, to) => {
    const allowed = ALLOWED.some(([a, b]) => a === from && b === to);
    if (allowed) {
      expect(() => assertCanMove(from, to)).not.toThrow();
    } else {
      const error = (() => {
        try {
          assertCanMove(from, to);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(IllegalBookingTransitionError);
      expect((error as IllegalBookingTransitionError).extensions).toEqual({
        currentStatus: from,
        requestedStatus: to,
      });
      expect((error as Error).message).toContain(from);
      expect((error as Error).message).toContain(to);
    }
  });

  it('holds the room only while pending payment or confirmed', () => {
    expect(BOOKING_STATUSES.filter(holdsRoom)).toEqual(['PENDING_PAYMENT', 'CONFIRMED']);
  });
});

const booking: StoredBooking = {
  id: '00000000-0000-4000-8000-000000000001',
  roomId: '00000000-0000-4000-8000-000000000002',
  userId: '00000000-0000-4000-8000-00000000000a',
  providerId: '00000000-0000-4000-8000-00000000000b',
  title: null,
  startTime: '2027-03-02T09:00:00.000Z',
  endTime: '2027-03-02T10:00:00.000Z',
  status: 'PENDING_PAYMENT',
  amount: 1000,
  currency: 'EUR',
  createdAt: '2027-03-01T09:00:00.000Z',
  updatedAt: '2027-03-01T09:00:00.000Z',
  version: 1,
  paymentToken: 'tok_ok',
};

const principal = (userId: string, role: Principal['role']): Principal => ({ userId, role, expiresAt: 0 });

describe('Who sees and changes a booking', () => {
  it.each([
    ['the owner', principal(booking.userId, 'user'), true, true],
    ['the room provider', principal(booking.providerId, 'provider'), true, false],
    ['an admin', principal('00000000-0000-4000-8000-0000000000ff', 'admin'), true, true],
    ['another user', principal('00000000-0000-4000-8000-0000000000cc', 'user'), false, false],
    ['another provider', principal('00000000-0000-4000-8000-0000000000dd', 'provider'), false, false],
  ])('%s: sees %s, changes %s', (_who, caller, sees, changes) => {
    if (sees) expect(assertVisible(booking, caller)).toBe(booking);
    else expect(() => assertVisible(booking, caller)).toThrow(BookingNotFoundError);
    if (sees) {
      if (changes) expect(() => assertMayChange(booking, caller, 'change')).not.toThrow();
      else expect(() => assertMayChange(booking, caller, 'change')).toThrow(NotAllowedError);
    }
  });

  it('never shows the payment token', () => {
    expect(publicBooking(booking)).not.toHaveProperty('paymentToken');
  });
});
