import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ConfigError, pagedServiceSettings, parseConfig } from '../../src/config.ts';

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

describe('Function: pagedServiceSettings', () => {
  it('reads the table and log settings and the cursor secret, refusing a secret that is no reference', () => {
    const schema = z.object(pagedServiceSettings());
    const env = { TABLE_NAME: 'bookings', CURSOR_SECRET: 'ssm:/tessera/dev/bookings/cursor-secret' };

    expect(parseConfig(schema, env)).toMatchObject({
      ...env,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      DYNAMODB_MAX_ATTEMPTS: 2,
    });
    expect(() => parseConfig(schema, { ...env, CURSOR_SECRET: 'plain text' })).toThrow(ConfigError);
  });
});
