/**
 * What each function gets on the devstack, read from the real manifests (and made-up ones for what
 * no service declares yet): exactly the variables its manifest names, resolved locally, plus the
 * ones every function gets, and the endpoint only of what it uses. The authorizer sees the public
 * key set and never a private key; a setting with no devstack value and no default stops the start,
 * naming it.
 */
import { loadManifests, type Manifest } from '@tessera/tooling/manifests';
import { describe, expect, it } from 'vitest';
import {
  defineFunctions,
  type EnvironmentContext,
  resolveEnvironment,
  settingOverridesFrom,
} from '../../src/functions.ts';
import { fakeManifest } from '../support/manifests.ts';

const manifests = loadManifests();
const manifest = (name: string): Manifest => {
  const found = manifests.find((m) => m.name === name);
  if (!found) throw new Error(`no manifest ${name}`);
  return found;
};

const context: EnvironmentContext = {
  tableName: (m) => (m.tableDeclaration ? `local-${m.tableDeclaration.name}` : undefined),
  secretFile: (service, id) => `/data/secrets/${service}/${id}`,
  httpUrl: 'http://127.0.0.1:3000',
  eventBusName: 'tessera',
  webSocketConnectionsUrl: 'http://127.0.0.1:3001',
  logLevel: 'WARN',
  dynamodbEndpoint: 'http://127.0.0.1:8000',
  eventBridgeEndpoint: 'http://127.0.0.1:9000',
};

const EVERY_FUNCTION = {
  POWERTOOLS_LOG_LEVEL: 'WARN',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
};

describe('Function: resolveEnvironment', () => {
  it('gives the authorizer the public key set, the issuer and the audience, and nothing else', () => {
    const environment = resolveEnvironment(manifest('users'), 'users-authorizer', context);

    expect(environment).toEqual({
      ...EVERY_FUNCTION,
      JWT_KEYS: 'file:/data/secrets/users/jwt-public-keys',
      JWT_ISSUER: 'http://127.0.0.1:3000',
      JWT_AUDIENCE: 'tessera-api',
    });
  });

  it('gives the users service its table, private keys and cursor secret, and the DynamoDB endpoint', () => {
    const environment = resolveEnvironment(manifest('users'), 'users', context);

    expect(environment).toMatchObject({
      TABLE_NAME: 'local-users',
      JWT_KEYS: 'file:/data/secrets/users/jwt-private-keys',
      CURSOR_SECRET: 'file:/data/secrets/users/cursor-secret',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
    expect(environment).not.toHaveProperty('EVENTBRIDGE_ENDPOINT');
  });

  it("gives the notifications service the WebSocket gateway's @connections endpoint, its table and DynamoDB", () => {
    const environment = resolveEnvironment(manifest('notifications'), 'notifications', context);

    expect(environment).toMatchObject({
      CONNECTIONS_ENDPOINT: 'http://127.0.0.1:3001',
      TABLE_NAME: 'local-notifications',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
    });
  });

  it('stops at a function that names the @connections endpoint when the devstack has none', () => {
    expect(() =>
      resolveEnvironment(manifest('notifications'), 'notifications', {
        ...context,
        webSocketConnectionsUrl: undefined,
      }),
    ).toThrow(/CONNECTIONS_ENDPOINT.*@connections endpoint/);
  });

  it('gives each function exactly the variables its manifest names, beside those every function gets', () => {
    for (const definition of defineFunctions(manifests, '/dist', context)) {
      const named = Object.keys(definition.fn.environment);
      const endpoints = ['DYNAMODB_ENDPOINT', 'EVENTBRIDGE_ENDPOINT', 'SCHEDULER_ENDPOINT'];

      const extra = Object.keys(definition.environment).filter(
        (variable) =>
          !named.includes(variable) && !(variable in EVERY_FUNCTION) && !endpoints.includes(variable),
      );

      expect([definition.name, extra]).toEqual([definition.name, []]);
      expect(definition.bundle).toBe(`/dist/${definition.manifest.name}/index.mjs`);
    }
  });

  it("gives every function the local X-Ray daemon's address, and to ignore a missing trace context", () => {
    for (const definition of defineFunctions(manifests, '/dist', {
      ...context,
      xrayDaemonAddress: '127.0.0.1:2000',
    })) {
      expect([definition.name, definition.environment]).toEqual([
        definition.name,
        expect.objectContaining({
          AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
          AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
        }),
      ]);
    }
    expect(resolveEnvironment(manifest('users'), 'users', context)).not.toHaveProperty(
      'AWS_XRAY_DAEMON_ADDRESS',
    );
  });

  it('gives the bus name and endpoint to a function with an eventBus source, and no DynamoDB endpoint without a table', () => {
    const environment = resolveEnvironment(manifest('publisher'), 'publisher', context);

    expect(environment).toMatchObject({
      EVENT_BUS_NAME: 'tessera',
      EVENTBRIDGE_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(environment).not.toHaveProperty('DYNAMODB_ENDPOINT');
  });

  it('takes a literal as it is, and a setting from its default when it has no devstack value', () => {
    const made = fakeManifest({
      name: 'things',
      description: 'Made up.',
      settings: { colour: { description: 'A colour.', default: 'blue' } },
      functions: {
        things: {
          description: 'Made up.',
          export: 'handler',
          memorySize: 128,
          timeout: 3,
          environment: { COLOUR: { setting: 'colour' }, MODE: { value: 'strict' } },
        },
      },
    });

    expect(resolveEnvironment(made, 'things', context)).toEqual({
      ...EVERY_FUNCTION,
      COLOUR: 'blue',
      MODE: 'strict',
    });
  });

  it('stops the start on a setting with neither a devstack value nor a default, naming it', () => {
    const made = fakeManifest({
      name: 'things',
      description: 'Made up.',
      settings: { region_code: { description: 'Given by each environment.' } },
      functions: {
        things: {
          description: 'Made up.',
          export: 'handler',
          memorySize: 128,
          timeout: 3,
          environment: { REGION_CODE: { setting: 'region_code' } },
        },
      },
    });

    expect(() => resolveEnvironment(made, 'things', context)).toThrow(
      'services/things/service.json: function things: REGION_CODE names the setting region_code, which has neither a devstack value nor a default',
    );
  });

  it("gives the bookings service its schedule group, the scheduler's role, its own target and dead-letter queue, and the scheduler's endpoint", () => {
    const environment = resolveEnvironment(manifest('bookings'), 'bookings', {
      ...context,
      schedulerEndpoint: 'http://127.0.0.1:9100',
    });

    expect(environment).toMatchObject({
      SCHEDULE_GROUP: 'tessera-devstack-bookings',
      SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/tessera-devstack-bookings-scheduler',
      SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:bookings',
      SCHEDULE_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:000000000000:bookings-schedules-dlq',
      SCHEDULER_ENDPOINT: 'http://127.0.0.1:9100',
      REMINDER_LEAD_SECONDS: '600',
      PAYMENT_HOLD_SECONDS: '900',
    });
    expect(resolveEnvironment(manifest('users'), 'users', context)).not.toHaveProperty('SCHEDULER_ENDPOINT');
  });

  it('takes a setting from its override first, over its devstack value and its default', () => {
    const made = fakeManifest({
      name: 'things',
      description: 'Made up.',
      settings: {
        colour: { description: 'A colour.', default: 'blue', devstack: 'green' },
        size: { description: 'A size.', default: 'small' },
      },
      functions: {
        things: {
          description: 'Made up.',
          export: 'handler',
          memorySize: 128,
          timeout: 3,
          environment: { COLOUR: { setting: 'colour' }, SIZE: { setting: 'size' } },
        },
      },
    });

    const environment = resolveEnvironment(made, 'things', {
      ...context,
      settingOverrides: { colour: 'red', shape: 'round' },
    });

    expect(environment).toMatchObject({ COLOUR: 'red', SIZE: 'small' });
  });
});

describe('Function: settingOverridesFrom', () => {
  it('reads TESSERA_<SETTING> for each setting the manifests declare, and nothing else', () => {
    const overrides = settingOverridesFrom(
      {
        TESSERA_REMINDER_LEAD_SECONDS: '60',
        TESSERA_PAYMENT_HOLD_SECONDS: '',
        TESSERA_HTTP_PORT: '3000',
        REMINDER_LEAD_SECONDS: '1',
      },
      manifests,
    );

    expect(overrides).toEqual({ reminder_lead_seconds: '60' });
  });
});
