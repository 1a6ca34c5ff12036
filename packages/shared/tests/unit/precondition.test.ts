import { describe, expect, it } from 'vitest';
import { preconditionOf } from '../../src/precondition.ts';

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
