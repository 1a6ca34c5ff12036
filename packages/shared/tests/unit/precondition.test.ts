import { describe, expect, it } from 'vitest';
import { nextVersion, preconditionOf } from '../../src/precondition.ts';

describe('Function: preconditionOf', () => {
  it.each([
    [undefined, undefined],
    ['*', { any: true }],
    [' * ', { any: true }],
    ['"3"', { versions: [3] }],
    ['"3", "4"', { versions: [3, 4] }],
    ['W/"3"', { versions: [] }],
    ['3', { versions: [] }],
    ['"abc"', { versions: [] }],
  ])('reads If-Match %j', (header, expected) => {
    expect(preconditionOf(header)).toEqual(expected);
  });
});

describe('Function: nextVersion', () => {
  it('applies the changes, stamps updatedAt and counts the version one up, leaving the current record as it was', () => {
    const current: { id: string; title: string; updatedAt: string; version: number } = {
      id: 'a',
      title: 'Old',
      updatedAt: '2027-01-01T00:00:00.000Z',
      version: 4,
    };

    const next = nextVersion(current, new Date('2027-01-02T03:04:05.000Z'), { title: 'New' });

    expect(next).toEqual({ id: 'a', title: 'New', updatedAt: '2027-01-02T03:04:05.000Z', version: 5 });
    expect(current.version).toBe(4);
  });
});
