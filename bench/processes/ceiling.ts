/**
 * Child process of the load benchmark's baseline: a bare `node:http` server that answers what the
 * devstack answers (a ticket as JSON, with the same headers) and does nothing else; for a POST it
 * reads and parses the body first. What this machine serves with no gateway, authorizer, Lambda
 * worker or database: the ceiling the devstack is compared with.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../packages/devstack/src/http-body.ts';
import { sampleTicket } from '../fixtures/events.ts';

const body = JSON.stringify(sampleTicket);

const server = createServer((request, response) => {
  readBody(request).then((received) => {
    const created = request.method === 'POST';
    if (created) JSON.parse(received.toString('utf8') || '{}');
    response.writeHead(created ? 201 : 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      etag: '"1"',
      'x-request-id': randomUUID(),
    });
    response.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`@@bench ${JSON.stringify({ httpUrl: `http://127.0.0.1:${port}` })}`);
});

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
