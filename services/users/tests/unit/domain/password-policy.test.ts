import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../../src/domain/generated/common-passwords.ts';
import { assertAcceptablePassword } from '../../../src/domain/password-policy.ts';
import { WeakPasswordError } from '../../../src/errors.ts';

const EMAIL = 'grace.hopper@example.com';

const reasonFor = async (password: string, email = EMAIL): Promise<string | null> => {
  try {
    await assertAcceptablePassword(password, email);
    return null;
  } catch (error) {
    if (!(error instanceof WeakPasswordError)) throw error;
    return error.errors[0]?.detail ?? '';
  }
};

describe('Function: assertAcceptablePassword', () => {
  it('accepts 8 to 128 characters with no composition rules', async () => {
    expect(await reasonFor('lowercase words only')).toBeNull();
    expect(await reasonFor('abcdefgq')).toBeNull();
    expect(await reasonFor('x'.repeat(128))).toBeNull();
  });

  it('refuses 7 characters and 129 characters', async () => {
    expect(await reasonFor('abcdefg')).toBe('must be at least 8 characters long');
    expect(await reasonFor('x'.repeat(129))).toBe('must be at most 128 characters long');
  });

  it('counts characters, not UTF-16 units', async () => {
    expect(await reasonFor('😀😀😀😀😀😀😀')).toBe('must be at least 8 characters long');
    expect(await reasonFor('😀'.repeat(128))).toBeNull();
  });

  it('holds the 1,000 most common passwords, and refuses them whatever their case', async () => {
    expect(COMMON_PASSWORDS).toHaveLength(1000);
    expect(await reasonFor('password')).toBe('is one of the most common passwords');
    expect(await reasonFor('PassWord1')).toBe('is one of the most common passwords');
    expect(await reasonFor('12345678')).toBe('is one of the most common passwords');
  });

  it('refuses the account email and its local part', async () => {
    expect(await reasonFor('GRACE.HOPPER@example.com')).toBe('must not be the email address');
    expect(await reasonFor('grace.hopper')).toBe('must not be the email address');
  });

  it('checks the NFKC form, so a full-width common password is still common', async () => {
    expect(await reasonFor('ｐａｓｓｗｏｒｄ')).toBe('is one of the most common passwords');
  });
});
