import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ConfigError, parseConfig } from '../../src/config.ts';

const schema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  DYNAMODB_ENDPOINT: z.optional(z.url()),
});

describe('Function: parseConfig', () => {
  it('answers the parsed values and drops the rest of the environment', () => {
    const config = parseConfig(schema, { TABLE_NAME: 'users', PATH: '/bin' });

    expect(config).toEqual({ TABLE_NAME: 'users' });
  });

  it('names a missing variable', () => {
    expect(() => parseConfig(schema, {})).toThrow(
      new ConfigError('Environment variable TABLE_NAME is required'),
    );
  });

  it('names an invalid variable and the reason', () => {
    expect(() => parseConfig(schema, { TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'not a url' })).toThrow(
      /^Environment variable DYNAMODB_ENDPOINT is invalid: /,
    );
  });

  it('lists every problem at once', () => {
    expect(() => parseConfig(schema, { DYNAMODB_ENDPOINT: 'nope' })).toThrow(
      /TABLE_NAME is required; Environment variable DYNAMODB_ENDPOINT is invalid/,
    );
  });
});
