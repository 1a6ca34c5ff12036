import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../../src/domain/generated/common-passwords.ts';
import { assertAcceptablePassword } from '../../../src/domain/password-policy.ts';
import { WeakPasswordError } from '../../../src/errors.ts';

const EMAIL = 'grace.hopper@example.com';

const reasonFor = (password: string, email = EMAIL): string | null => {
  try {
    assertAcceptablePassword(password, email);
    return null;
  } catch (error) {
    if (!(error instanceof WeakPasswordError)) throw error;
    return error.errors[0]?.detail ?? '';
  }
};

describe('Function: assertAcceptablePassword', () => {
  it('accepts 8 to 128 characters with no composition rules', () => {
    expect(reasonFor('lowercase words only')).toBeNull();
    expect(reasonFor('abcdefgq')).toBeNull();
    expect(reasonFor('x'.repeat(128))).toBeNull();
  });

  it('refuses 7 characters and 129 characters', () => {
    expect(reasonFor('abcdefg')).toBe('must be at least 8 characters long');
    expect(reasonFor('x'.repeat(129))).toBe('must be at most 128 characters long');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(reasonFor('😀😀😀😀😀😀😀')).toBe('must be at least 8 characters long');
    expect(reasonFor('😀'.repeat(128))).toBeNull();
  });

  it('holds the 1,000 most common passwords, and refuses them whatever their case', () => {
    expect(COMMON_PASSWORDS).toHaveLength(1000);
    expect(reasonFor('password')).toBe('is one of the most common passwords');
    expect(reasonFor('PassWord1')).toBe('is one of the most common passwords');
    expect(reasonFor('12345678')).toBe('is one of the most common passwords');
  });

  it('refuses the account email and its local part', () => {
    expect(reasonFor('GRACE.HOPPER@example.com')).toBe('must not be the email address');
    expect(reasonFor('grace.hopper')).toBe('must not be the email address');
  });

  it('checks the NFKC form, so a full-width common password is still common', () => {
    expect(reasonFor('ｐａｓｓｗｏｒｄ')).toBe('is one of the most common passwords');
  });
});
