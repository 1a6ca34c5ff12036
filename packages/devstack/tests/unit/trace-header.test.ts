/**
 * X-Ray trace headers: fields in any order, spaces tolerated, Lineage read, unknown fields dropped,
 * a header with no valid Root no header at all; and the header an invocation runs with, as Lambda
 * makes it: the given trace (or a new one), a new segment as Parent, sampled.
 */
import { describe, expect, it } from 'vitest';
import { formatTraceHeader, invocationTrace, newTraceId, parseTraceHeader } from '../../src/trace-header.ts';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

describe('Function: parseTraceHeader', () => {
  it('reads Root, Parent and Sampled in any order', () => {
    expect(parseTraceHeader(`Sampled=1;Parent=53995c3f42cd8ad8;Root=${ROOT}`)).toEqual({
      root: ROOT,
      parent: '53995c3f42cd8ad8',
      sampled: true,
    });
    expect(parseTraceHeader(` Root=${ROOT} ; Sampled=0 `)).toEqual({ root: ROOT, sampled: false });
  });

  it('reads Lineage, and keeps no field it does not know', () => {
    const header = parseTraceHeader(
      `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1;Self=1-abc;Foo=bar`,
    );

    expect(header).toEqual({ root: ROOT, parent: '53995c3f42cd8ad8', sampled: true, lineage: 'a87bd80c:1' });
    expect(formatTraceHeader(header ?? { root: '' })).toBe(
      `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1`,
    );
  });

  it.each([
    [undefined],
    [''],
    ['Parent=53995c3f42cd8ad8;Sampled=1'],
    ['Root=1-5759e988-bd862e3f;Sampled=1'],
    ['Root=2-5759e988-bd862e3fe1be46a994272793'],
    ['Root=1-5759E988-BD862E3FE1BE46A994272793'],
    ['garbage'],
    [42],
  ])('answers undefined for %j, which has no valid Root', (header) => {
    expect(parseTraceHeader(header)).toBeUndefined();
  });

  it('leaves out a malformed Parent, Sampled or Lineage and keeps the Root', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=xyz;Sampled=?;Lineage=nope`)).toEqual({ root: ROOT });
  });
});

describe('Function: newTraceId', () => {
  it('starts with the epoch seconds in 8 hex digits, then 24 random ones', () => {
    const id = newTraceId(0x5759e988 * 1000 + 999);

    expect(id).toMatch(/^1-5759e988-[0-9a-f]{24}$/);
    expect(newTraceId(0)).not.toBe(newTraceId(0));
  });
});

describe('Function: invocationTrace', () => {
  it("continues the given header's trace under a new segment, keeping its Parent as the segment's parent", () => {
    const trace = invocationTrace(
      `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0;Lineage=a87bd80c:1`,
      Date.now(),
    );

    expect(trace.traceId).toBe(ROOT);
    expect(trace.parentId).toBe('53995c3f42cd8ad8');
    expect(trace.segmentId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.segmentId).not.toBe('53995c3f42cd8ad8');
    expect(trace.header).toBe(`Root=${ROOT};Parent=${trace.segmentId};Sampled=1`);
  });

  it.each([[undefined], ['Root=invalid;Parent=53995c3f42cd8ad8']])('starts a new trace for %j', (given) => {
    const now = Date.now();

    const trace = invocationTrace(given, now);

    expect(trace.traceId).toMatch(new RegExp(`^1-${Math.floor(now / 1000).toString(16)}-[0-9a-f]{24}$`));
    expect(trace.parentId).toBeUndefined();
    expect(trace.header).toBe(`Root=${trace.traceId};Parent=${trace.segmentId};Sampled=1`);
  });
});
