/**
 * A WebSocket API message's text as the JSON object every Tessera action is, or the 400 that names
 * what is wrong with it (a field error at the location `message`), for every function that serves
 * WebSocket routes (the notifications' own actions, the booking commands).
 *
 * @example
 * const message = readMessage(event); // { action: 'ping' }
 */
import { type FieldError, ValidationError } from '../errors.ts';

/** The part of a WebSocket API event a message is read from. */
interface MessageEvent {
  readonly body?: string | undefined;
  readonly isBase64Encoded?: boolean | undefined;
}

/** A field error of the message itself. */
const messageError = (field: string, detail: string): FieldError => ({ location: 'message', field, detail });

const readMessage = (event: MessageEvent): Record<string, unknown> => {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  let message: unknown;
  try {
    message = JSON.parse(text ?? '');
  } catch {
    throw new ValidationError('MALFORMED_MESSAGE', 'The message is not well-formed JSON.', [
      messageError('(message)', 'is not well-formed JSON'),
    ]);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new ValidationError('INVALID_MESSAGE', 'The message must be a JSON object.', [
      messageError('(message)', 'must be an object'),
    ]);
  }
  return message as Record<string, unknown>;
};

export type { MessageEvent };
export { messageError, readMessage };
