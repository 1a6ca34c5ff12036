/**
 * Child process of the load benchmark's baseline: a bare `node:http` server that answers what the
 * devstack answers (a ticket as JSON, with the same headers) and does nothing else; for a POST it
 * reads and parses the body first. What this machine serves with no gateway, authorizer, Lambda
 * worker or database: the ceiling the devstack is compared with.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../lib/net.ts';

/** A ticket as the API answers it. */
const body = JSON.stringify({
  id: '0b9e8f7a-6c5d-4e3f-9a1b-2c3d4e5f6a7b',
  title: 'The projector in room 4 flickers',
  description: 'It flickers every few minutes, worse when the room is warm.',
  priority: 'MEDIUM',
  status: 'NEW',
  reporterId: '6f1c2d3e-4b5a-4c6d-8e7f-901234567890',
  assigneeId: null,
  createdAt: '2026-11-01T09:30:00.000Z',
  updatedAt: '2026-11-01T09:30:00.000Z',
  version: 1,
});

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
