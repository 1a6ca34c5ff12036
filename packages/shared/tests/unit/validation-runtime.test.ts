import { fullFormats } from 'ajv-formats/dist/formats.js';
import { describe, expect, it } from 'vitest';
import { isDateTime, ucs2length } from '../../src/validation-runtime.ts';

const ajvDateTime = fullFormats['date-time'] as { validate: (value: string) => boolean };

describe('Function: ucs2length', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['naïve', 5],
    ['😀', 1],
    ['a😀b', 3],
    ['\ud83d', 1],
  ])('counts %j as %i code points', (value, length) => {
    expect(ucs2length(value)).toBe(length);
  });
});

describe('Function: isDateTime', () => {
  const cases = [
    '2026-11-21T05:24:00Z',
    '2026-11-21T05:24:00.123Z',
    '2026-11-21t05:24:00z',
    '2026-11-21T05:24:00+01:00',
    '2026-11-21T05:24:00-0130',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '2026-11-21T24:00:00Z',
    '2026-11-21T23:60:00Z',
    '2016-12-31T23:59:60Z',
    '2016-12-31T22:59:60-01:00',
    '2016-12-31T12:00:60Z',
    '2026-11-21T05:24:00',
    '2026-11-21 05:24:00Z',
    '2026-11-21T05:24:00+24:00',
    'yesterday',
    '',
  ];

  it.each(cases)('agrees with ajv-formats on %j', (value) => {
    expect(isDateTime(value)).toBe(ajvDateTime.validate(value));
  });

  it('accepts what toISOString produces', () => {
    expect(isDateTime(new Date(0).toISOString())).toBe(true);
  });
});
