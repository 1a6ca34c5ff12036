import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.ts';
import { assertPathEncoding, decodePathParameter } from '../../../src/http/path.ts';

describe('Function: decodePathParameter', () => {
  it('decodes well-formed percent-encoding, UTF-8 included', () => {
    expect(decodePathParameter('id', 'a%20b')).toBe('a b');
    expect(decodePathParameter('id', '%E0%A4%A4')).toBe('\u0924');
  });

  it.each(['%E0%A4%A', '%ZZ', '%', 'abc%2'])('throws a 400 naming the parameter for %s', (raw) => {
    // Act
    const decode = () => decodePathParameter('ticketId', raw);

    // Assess
    expect(decode).toThrow(ValidationError);
    try {
      decode();
    } catch (error) {
      expect((error as ValidationError).errors).toEqual([
        { location: 'path', field: 'ticketId', detail: 'is not valid percent-encoding' },
      ]);
    }
  });
});

describe('Function: assertPathEncoding', () => {
  it('passes a raw path whose parameters decode, and one with no escapes at all', () => {
    expect(() => assertPathEncoding('/v1/tickets/{ticketId}', '/v1/tickets/%41')).not.toThrow();
    expect(() => assertPathEncoding('/v1/tickets/{ticketId}', '/v1/tickets/abc')).not.toThrow();
  });

  it('names every parameter whose segment is broken', () => {
    try {
      assertPathEncoding('/v1/{a}/x/{b}', '/v1/%ZZ/x/%E0%A4%A');
      expect.unreachable('a broken path must throw');
    } catch (error) {
      expect((error as ValidationError).errors.map((e) => e.field)).toEqual(['a', 'b']);
    }
  });
});
