import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { reachAnyBroker } from '../../../lib/core/reachability.js';

function listen(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function closedPort(): Promise<number> {
  const server = await listen();
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

test('resolves when any one address accepts a connection', async () => {
  const server = await listen();
  try {
    const { port } = server.address() as AddressInfo;
    await reachAnyBroker([`127.0.0.1:${await closedPort()}`, `127.0.0.1:${port}`], 1_000);
  } finally {
    server.close();
  }
});

test('rejects naming every address when none is reachable', async () => {
  const a = await closedPort();
  const b = await closedPort();
  await assert.rejects(
    reachAnyBroker([`127.0.0.1:${a}`, `127.0.0.1:${b}`], 1_000),
    (e: unknown) =>
      e instanceof Error && e.message.includes(`127.0.0.1:${a} (ECONNREFUSED)`) && e.message.includes(`127.0.0.1:${b} (ECONNREFUSED)`),
  );
});
