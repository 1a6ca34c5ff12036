/**
 * The payments reads: a payment by id, and a booking's payment as a list. The booking's owner and
 * admins; anyone else, and a booking with no payment yet, gets 404.
 */
import type { Principal } from '@tessera/shared/auth';
import { assertVisible, type Payment, paymentIdOf, publicPayment } from './payment.ts';
import type { Dependencies } from './ports.ts';

const getPayment = async (
  deps: Pick<Dependencies, 'store'>,
  caller: Principal,
  id: string,
): Promise<Payment> => publicPayment(assertVisible(await deps.store.get(id), caller));

const listPayments = async (
  deps: Pick<Dependencies, 'store'>,
  caller: Principal,
  query: { readonly bookingId: string },
): Promise<{ items: Payment[]; nextCursor: null }> => ({
  items: [await getPayment(deps, caller, paymentIdOf(query.bookingId))],
  nextCursor: null,
});

export { getPayment, listPayments };
