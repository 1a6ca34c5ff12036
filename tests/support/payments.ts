/**
 * Helpers for the payments end-to-end tests: a booking's payment read over HTTP, waiting until a
 * booking or its payment settles, and the devstack queues seen through the real SQS client.
 */
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import type { components } from '../../packages/client/src/generated/schema.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../packages/devstack/src/index.ts';
import { type Booking, type Caller, call } from './bookings.ts';
import { baseUrl } from './e2e.ts';
import { pollUntil } from './poll.ts';

type Payment = components['schemas']['Payment'];

/** The booking's payment as `caller` reads it (null while it has none, or none `caller` may see). */
const paymentOf = async (caller: Caller, bookingId: string): Promise<Payment | null> => {
  const response = await call(caller, 'GET', `/v1/payments?bookingId=${bookingId}`);
  if (response.status === 404) return null;
  if (response.status !== 200) throw new Error(`listPayments answered ${response.status}`);
  const { items } = (await response.json()) as { items: Payment[] };
  return items[0] ?? null;
};

const bookingOf = async (caller: Caller, bookingId: string): Promise<Booking> => {
  const response = await call(caller, 'GET', `/v1/bookings/${bookingId}`);
  if (response.status !== 200) throw new Error(`getBooking answered ${response.status}`);
  return (await response.json()) as Booking;
};

/** Waits until the booking is in one of `statuses`; answers it as last read. */
const bookingIn = (caller: Caller, bookingId: string, statuses: readonly string[], timeoutMs = 20_000) =>
  pollUntil(
    () => bookingOf(caller, bookingId),
    (booking) => statuses.includes(booking.status),
    { timeoutMs, intervalMs: 50 },
  );

/** Waits until the booking's payment satisfies `done`; answers it as last read, or throws if there is none. */
const paymentWhen = async (
  caller: Caller,
  bookingId: string,
  done: (payment: Payment) => boolean,
  timeoutMs = 20_000,
): Promise<Payment> => {
  const payment = await pollUntil(
    () => paymentOf(caller, bookingId),
    (read) => read !== null && done(read),
    { timeoutMs, intervalMs: 50 },
  );
  if (!payment) throw new Error(`booking ${bookingId} has no payment after ${timeoutMs} ms`);
  return payment;
};

interface QueueSummary {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetterQueue: { readonly name: string; readonly depth: number } | null;
}

/** A queue as `GET /_devstack/queues` shows it. */
const queueSummary = async (name: string): Promise<QueueSummary> => {
  const { items } = (await (await fetch(`${baseUrl}/_devstack/queues`)).json()) as { items: QueueSummary[] };
  const queue = items.find((q) => q.name === name);
  if (!queue) throw new Error(`no queue ${name} on the devstack`);
  return queue;
};

/** How a test's AWS client reaches one of the devstack's endpoints: its local region and credentials, and timeouts. */
const devstackClientConfig = (endpoint: string | undefined) => {
  if (!endpoint) throw new Error('the devstack endpoints are only known on the devstack');
  return {
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 },
  };
};

const sqsClient = (endpoint = inject('devstack')?.sqsEndpoint) =>
  new SQSClient(devstackClientConfig(endpoint));

/**
 * The `booking.created` events waiting in a queue for this booking, read with the real SQS client
 * (a peek: each is shown again at once, its receive count one up).
 */
const waitingFor = async (queueName: string, bookingId: string, endpoint?: string): Promise<number> => {
  const sqs = sqsClient(endpoint);
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    const seen = new Map<string, string>();
    for (let round = 0; round < 20; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      let fresh = 0;
      for (const message of Messages) {
        if (!message.MessageId || seen.has(message.MessageId)) continue;
        seen.set(message.MessageId, message.Body ?? '');
        fresh++;
      }
      if (fresh === 0) break;
    }
    return [...seen.values()].filter((body) => {
      const event = JSON.parse(body) as { detail?: { data?: { booking?: { id?: string } } } };
      return event.detail?.data?.booking?.id === bookingId;
    }).length;
  } finally {
    sqs.destroy();
  }
};

export type { Payment, QueueSummary };
export {
  bookingIn,
  bookingOf,
  devstackClientConfig,
  paymentOf,
  paymentWhen,
  queueSummary,
  sqsClient,
  waitingFor,
};
