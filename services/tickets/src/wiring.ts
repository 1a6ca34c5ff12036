/**
 * The composition root of the tickets function: adapters built once per process; the cursor
 * secret loaded on first need.
 */
import { createCursorCodec } from '@tessera/shared/cursor';
import { createDocumentClient } from '@tessera/shared/dynamodb';
import { once } from '@tessera/shared/once';
import { loadSecret } from '@tessera/shared/secrets';
import { createDirectoryStore } from '#adapters/directory-store';
import { createTicketStore } from '#adapters/ticket-store';
import { config } from '#config';
import type { Dependencies } from '#domain/ports';

const client = createDocumentClient({ endpoint: config.DYNAMODB_ENDPOINT });

/** What needs no secret. */
const base = {
  tickets: createTicketStore(client, config.TABLE_NAME),
  directory: createDirectoryStore(client, config.TABLE_NAME),
  clock: { now: () => new Date() },
};

/** Everything, the cursor codec included. */
const dependencies = once(
  async (): Promise<Dependencies> => ({
    ...base,
    cursors: createCursorCodec(await loadSecret(config.CURSOR_SECRET)),
  }),
);

export { base, dependencies };
