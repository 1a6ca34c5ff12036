/**
 * Every error the users service raises on purpose. Each has a stable `code`; the shared mapper
 * turns its category into the HTTP status.
 */
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
} from '@tessera/shared/errors';

class EmailTakenError extends ConflictError {
  constructor() {
    super('EMAIL_TAKEN', 'An account with this email already exists.');
  }
}

class WeakPasswordError extends ValidationError {
  constructor(detail: string) {
    super('WEAK_PASSWORD', 'The password does not meet the password policy.', [
      { location: 'body', field: 'password', detail },
    ]);
  }
}

/** One answer for an unknown email and a wrong password, so the two cannot be told apart. */
class InvalidCredentialsError extends UnauthenticatedError {
  constructor() {
    super('INVALID_CREDENTIALS', 'The email or password is not correct.');
  }
}

class InvalidRefreshTokenError extends UnauthenticatedError {
  constructor() {
    super('INVALID_REFRESH_TOKEN', 'The refresh token is not valid.');
  }
}

class LoginLockedError extends RateLimitedError {
  constructor(retryAfterSeconds: number) {
    super('LOGIN_LOCKED', 'Too many failed logins for this account; try again later.', retryAfterSeconds);
  }
}

class UserNotFoundError extends NotFoundError {
  constructor() {
    super('USER_NOT_FOUND', 'No such user.');
  }
}

class NotYourAccountError extends ForbiddenError {
  constructor() {
    super('NOT_YOUR_ACCOUNT', 'Only admins may read other accounts.');
  }
}

class OwnRoleChangeError extends ForbiddenError {
  constructor() {
    super('OWN_ROLE_CHANGE', 'No one may change their own role.');
  }
}

class ConcurrentUpdateError extends ConflictError {
  constructor() {
    super('CONCURRENT_UPDATE', 'The account changed while this request ran; try again.');
  }
}

export {
  ConcurrentUpdateError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  LoginLockedError,
  NotYourAccountError,
  OwnRoleChangeError,
  UserNotFoundError,
  WeakPasswordError,
};
