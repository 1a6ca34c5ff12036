/**
 * Every error the tickets service raises on purpose, each with a stable `code`.
 */
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  UnprocessableError,
} from '@tessera/shared/errors';

class TicketNotFoundError extends NotFoundError {
  constructor() {
    super('TICKET_NOT_FOUND', 'No such ticket.');
  }
}

class NotAllowedError extends ForbiddenError {
  constructor(message: string) {
    super('TICKET_CHANGE_NOT_ALLOWED', message);
  }
}

/**
 * Names both states, so the caller knows what was refused and why: in the detail, and as the
 * problem members `currentStatus` and `requestedStatus` for programs.
 */
class IllegalTransitionError extends ConflictError {
  readonly from: string;
  readonly to: string;

  constructor(from: string, to: string) {
    super('ILLEGAL_TRANSITION', `A ticket cannot move from ${from} to ${to}.`, {
      extensions: { currentStatus: from, requestedStatus: to },
    });
    this.from = from;
    this.to = to;
  }
}

class TicketLockedError extends ConflictError {
  constructor(message: string) {
    super('TICKET_LOCKED', message);
  }
}

class StaleVersionError extends PreconditionFailedError {
  constructor(current: number) {
    super('STALE_VERSION', `The ticket is at version ${current}, not the one in If-Match; read it again.`);
  }
}

/** Another writer got in first, and the change was not retried over theirs: read the ticket again. */
class ConcurrentChangeError extends ConflictError {
  constructor(message = 'The ticket kept changing while this request ran; read it again and retry.') {
    super('CONCURRENT_CHANGE', message);
  }
}

/**
 * The assignee is not a provider or an admin (`role`), or not a user the directory knows (`null`):
 * the detail says which, since a user registered a moment ago reaches the directory through events.
 */
class AssigneeNotEligibleError extends UnprocessableError {
  constructor(role: string | null) {
    super(
      'ASSIGNEE_NOT_ELIGIBLE',
      role === null
        ? 'The assignee is not a user this service knows; a new user reaches it a moment after registering.'
        : `The assignee must be a provider or an admin, not a ${role}.`,
    );
  }
}

export {
  AssigneeNotEligibleError,
  ConcurrentChangeError,
  IllegalTransitionError,
  NotAllowedError,
  StaleVersionError,
  TicketLockedError,
  TicketNotFoundError,
};
