/**
 * The rotation steps of scripts/rotate-jwt-keys.ts, without AWS: from what the private key set
 * holds, each run initialises, stages a new key, or promotes the staged key.
 */
import { describe, expect, it } from 'vitest';
import { loadServiceManifests } from '../../packages/tooling/src/manifests.ts';
import { newSigningKey, publicKeyOf } from '../../packages/tooling/src/secret-values.ts';
import { keysOf, nextStep, randomSecretsToWrite, secretParameters } from '../../scripts/rotate-jwt-keys.ts';

const kids = (keys: readonly { kid?: string }[]) => keys.map((key) => key.kid);

describe('rotate-jwt-keys', () => {
  it('creates a signing key when the parameter holds the placeholder', async () => {
    // Prepare
    const current: never[] = [];

    // Act
    const step = await nextStep(current, 2);

    // Assess
    expect(step.privateSet.keys).toHaveLength(1);
    expect(step.privateSet.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(step.privateSet.keys[0]?.d).toBeDefined();
    expect(step.privateSet.keys[0]?.kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('stages a new key behind the signing key', async () => {
    // Prepare
    const signer = newSigningKey();

    // Act
    const step = await nextStep([signer], 2);

    // Assess
    const [first, second] = step.privateSet.keys;
    expect(first).toEqual(signer);
    expect(second?.d).toBeDefined();
    expect(second?.kid).not.toBe(signer.kid);
    expect(step.description).toContain(`${signer.kid} still signs`);
  });

  it('promotes the staged key and keeps the old one for verification only', async () => {
    // Prepare
    const signer = newSigningKey();
    const staged = newSigningKey();
    const older = publicKeyOf(newSigningKey());

    // Act
    const step = await nextStep([signer, staged, older], 2);

    // Assess
    expect(kids(step.privateSet.keys)).toEqual([staged.kid, signer.kid]);
    expect(step.privateSet.keys[0]?.d).toBe(staged.d);
    expect(step.privateSet.keys[1]?.d).toBeUndefined();
  });

  it('never leaves a private part in a public key', async () => {
    // Prepare
    const key = newSigningKey();

    // Act
    const result = publicKeyOf(key);

    // Assess
    expect(Object.keys(result).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
});

describe('rotate-jwt-keys, the parameters it writes', () => {
  it('takes every key set and random secret from the manifests, named per environment', () => {
    // Act
    const { keySets, randoms } = secretParameters(loadServiceManifests(), 'staging');

    // Assess
    expect(keySets).toEqual([
      {
        privateKeys: '/tessera/staging/users/jwt-private-keys',
        publicKeys: '/tessera/staging/users/jwt-public-keys',
      },
    ]);
    expect(randoms.sort()).toEqual([
      '/tessera/staging/bookings/cursor-secret',
      '/tessera/staging/tickets/cursor-secret',
      '/tessera/staging/users/cursor-secret',
    ]);
  });

  it('reads a placeholder or an unreadable value as a set without keys', () => {
    expect(keysOf('{"keys":[]}')).toEqual([]);
    expect(keysOf('unset')).toEqual([]);
    expect(keysOf('{"keys":[{"kid":"k1"}]}')).toEqual([{ kid: 'k1' }]);
  });
});

describe('rotate-jwt-keys, random secrets', () => {
  const parameters = [
    { name: '/tessera/dev/users/cursor-secret', value: 'x'.repeat(64) },
    { name: '/tessera/dev/tickets/cursor-secret', value: 'unset' },
    { name: '/tessera/dev/bookings/cursor-secret', value: 'too short' },
  ];

  it('sets every random secret that still holds a placeholder, and leaves real ones', () => {
    // Act
    const names = randomSecretsToWrite(parameters, false);

    // Assess
    expect(names).toEqual(['/tessera/dev/tickets/cursor-secret', '/tessera/dev/bookings/cursor-secret']);
  });

  it('replaces every random secret when asked to rotate', () => {
    // Act
    const names = randomSecretsToWrite(parameters, true);

    // Assess
    expect(names).toEqual([
      '/tessera/dev/users/cursor-secret',
      '/tessera/dev/tickets/cursor-secret',
      '/tessera/dev/bookings/cursor-secret',
    ]);
  });
});
