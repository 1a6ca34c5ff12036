/**
 * The Lambda entry of the Powertools peer, bundled by the warm benchmark with the build's own esbuild options
 * (as the tickets bundle is), so every side runs the AWS SDK bundled the same way. Configured as
 * the tickets function is: `TABLE_NAME`, `DYNAMODB_ENDPOINT`, and the table's key attributes in
 * `TABLE_KEYS` (from its declaration).
 */
import { createPowertoolsTickets } from '../powertools.ts';
import { createTicketStore, type TableKeys } from '../tickets.ts';

const store = createTicketStore({
  endpoint: process.env.DYNAMODB_ENDPOINT,
  tableName: process.env.TABLE_NAME ?? '',
  keys: JSON.parse(process.env.TABLE_KEYS ?? '{"partitionKey":"pk"}') as TableKeys,
});

export const handler = createPowertoolsTickets(store);
