/**
 * One thin handler per payments operation; the strong `ETag` of a payment's version.
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { etagOf } from '@tessera/shared/precondition';
import { getPayment, listPayments } from '#domain/payment-queries';
import type { Dependencies } from '#domain/ports';
import type { Operations } from '#generated/contract';

const createOperationHandlers = (deps: Dependencies): OperationHandlers<Operations> => ({
  async listPayments({ principal, query }) {
    return { status: 200, body: await listPayments(deps, principal, query) };
  },

  async getPayment({ principal, path }) {
    const payment = await getPayment(deps, principal, path.paymentId);
    return { status: 200, body: payment, headers: { etag: etagOf(payment.version) } };
  },
});

export { createOperationHandlers };
