import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/event-bus.ts';

const event = {
  source: 'tessera.bookings',
  'detail-type': 'booking.created',
  detail: { data: { roomType: 'suite', tags: ['quiet', 'view'] }, correlationId: 'abc' },
};

describe('Function: matchesPattern', () => {
  it.each([
    [{ source: ['tessera.bookings'] }, true],
    [{ source: ['tessera.users', 'tessera.bookings'], 'detail-type': ['booking.created'] }, true],
    [{ source: ['tessera.users'] }, false],
    [{ 'detail-type': [{ prefix: 'booking.' }] }, true],
    [{ 'detail-type': [{ prefix: 'payment.' }] }, false],
    [{ detail: { data: { roomType: ['suite'] } } }, true],
    [{ detail: { data: { roomType: ['single'] } } }, false],
    [{ detail: { data: { tags: ['view'] } } }, true],
    [{ detail: { data: { missing: [{ exists: false }] } } }, true],
    [{ detail: { data: { roomType: [{ exists: false }] } } }, false],
    [{ detail: { data: { roomType: [{ 'anything-but': ['single'] }] } } }, true],
    [{ detail: { data: { roomType: [{ 'anything-but': 'suite' }] } } }, false],
    [{ detail: { nothing: { deeper: ['x'] } } }, false],
  ])('matches %j: %s', (pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });
});
