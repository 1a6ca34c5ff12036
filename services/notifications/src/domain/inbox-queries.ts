/**
 * The inbox as its reader sees it: a notification without its recipient (what the client gets),
 * and the inbox operation's page. Apart from the delivery use cases, so the inbox operation loads
 * only this.
 */
import type { Principal } from '@tessera/shared/auth';
import type { Clock } from '@tessera/shared/clock';
import type { NotificationMessage } from './notification.ts';
import type { InboxReader } from './ports.ts';

/** A notification without its recipient: what the client receives. */
const publicMessage = (notification: NotificationMessage): NotificationMessage => ({
  id: notification.id,
  type: notification.type,
  data: notification.data,
  occurredAt: notification.occurredAt,
  correlationId: notification.correlationId,
});

/** The caller's inbox, one page, with the last id as the cursor when more follow. */
const listInbox = async (
  deps: { readonly inbox: InboxReader; readonly clock: Clock },
  principal: Principal,
  query: { readonly after?: string | undefined; readonly limit: number },
) => {
  const page = await deps.inbox.after(principal.userId, query.after, query.limit, deps.clock.now());
  const items = page.items.map(publicMessage);
  return { items, nextCursor: page.more ? (items.at(-1)?.id ?? null) : null };
};

export { listInbox, publicMessage };
