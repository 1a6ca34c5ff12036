import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  envSchema,
  integer,
  oneOf,
  optional,
  pagedServiceSettings,
  parseConfig,
  text,
  url,
  withDefault,
} from '../../src/config.ts';

const schema = envSchema({
  TABLE_NAME: text({ minLength: 1 }),
  DYNAMODB_ENDPOINT: optional(url()),
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
    const schema = envSchema(pagedServiceSettings());
    const env = { TABLE_NAME: 'bookings', CURSOR_SECRET: 'ssm:/tessera/dev/bookings/cursor-secret' };

    expect(parseConfig(schema, env)).toMatchObject({
      ...env,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      DYNAMODB_MAX_ATTEMPTS: 2,
    });
    expect(() => parseConfig(schema, { ...env, CURSOR_SECRET: 'plain text' })).toThrow(ConfigError);
  });
});

describe('The variables of an environment schema', () => {
  const rules = envSchema({
    GROUP: text({ pattern: /^[a-z-]{1,8}$/ }),
    ROLE_ARN: text({ startsWith: 'arn:' }),
    SECONDS: withDefault(integer({ min: 0, max: 600 }), 60),
    LEVEL: withDefault(oneOf(['INFO', 'WARN']), 'INFO'),
  });
  const good = { GROUP: 'holds', ROLE_ARN: 'arn:aws:iam::1:role/r' };

  it('answers typed values, defaults filled in', () => {
    expect(parseConfig(rules, { ...good, SECONDS: '0' })).toEqual({
      ...good,
      SECONDS: 0,
      LEVEL: 'INFO',
    });
  });

  it.each([
    ['a pattern', { GROUP: 'Not Allowed' }, /GROUP is invalid: must match/],
    ['a prefix', { ROLE_ARN: 'role/r' }, /ROLE_ARN is invalid: must start with arn:/],
    ['a number that is no whole number', { SECONDS: '1.5' }, /SECONDS is invalid: must be a whole number/],
    ['a number that is no number', { SECONDS: '12abc' }, /SECONDS is invalid: must be a whole number/],
    ['a number out of range', { SECONDS: '601' }, /SECONDS is invalid: must be at most 600/],
    ['a negative number', { SECONDS: '-1' }, /SECONDS is invalid: must be at least 0/],
    ['a value not in the list', { LEVEL: 'LOUD' }, /LEVEL is invalid: must be one of INFO, WARN/],
  ])('refuses %s, naming the variable', (_label, bad, message) => {
    expect(() => parseConfig(rules, { ...good, ...bad })).toThrow(message);
  });

  it('takes an empty variable for a missing one', () => {
    expect(() => parseConfig(rules, { ...good, LEVEL: '' })).toThrow(
      new ConfigError('Environment variable LEVEL is required'),
    );
  });

  it('tells a URL from text that is none', () => {
    const endpoint = envSchema({ ENDPOINT: url() });

    expect(parseConfig(endpoint, { ENDPOINT: 'http://127.0.0.1:8000' })).toEqual({
      ENDPOINT: 'http://127.0.0.1:8000',
    });
    expect(() => parseConfig(endpoint, { ENDPOINT: '127.0.0.1:8000 ' })).toThrow(/must be a URL/);
  });
});
