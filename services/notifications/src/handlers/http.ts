/**
 * The notifications operation: the caller's inbox.
 */
import type { OperationHandlers } from '@tessera/shared/http';
import { listInbox } from '#domain/inbox-queries';
import type { Dependencies } from '#domain/ports';
import type { Operations } from '#generated/contract';

const createOperationHandlers = (deps: Dependencies): OperationHandlers<Operations> => ({
  async listNotifications({ principal, query }) {
    return { status: 200, body: await listInbox(deps, principal, query) };
  },
});

export { createOperationHandlers };
