import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { test } from 'node:test';
import { ConsumerGroupCore } from '../../../lib/core/consumer/consumer-group-core.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { silentLogger } from '../../../lib/core/logger.js';
import type { ReachabilityProbe } from '../../../lib/core/reachability.js';
import { FakeTransport, testGroupConfig } from './fake-transport.js';

/** A transport that asks the core to probe `brokers` before each connect, like the kafkajs one. */
class ProbedTransport extends FakeTransport {
  constructor(readonly reachability: ReachabilityProbe) {
    super();
  }
}

function group(transport: FakeTransport): ConsumerGroupCore {
  return new ConsumerGroupCore(testGroupConfig(), transport, silentLogger);
}

test('an unreachable broker fails initialise() before the transport connects', async () => {
  const transport = new ProbedTransport({ brokers: ['127.0.0.1:1'], timeoutMs: 1000 });
  const consumer = group(transport);
  await assert.rejects(consumer.initialise(), /no broker reachable: 127\.0\.0\.1:1/);
  assert.equal(transport.connectCalls, 0, 'kafkajs connect (with its uncancellable retries) never started');
  assert.equal(consumer.state, ConsumerState.Initialising);
  await consumer.close();
});

test('a reachable broker lets the transport connect', async () => {
  const server: Server = await new Promise((resolve) => {
    const s = createServer((socket) => socket.destroy());
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const { port } = server.address() as AddressInfo;
    const transport = new ProbedTransport({ brokers: [`127.0.0.1:${port}`], timeoutMs: 1000 });
    const consumer = group(transport);
    await consumer.waitUntilInitialised();
    assert.equal(transport.connectCalls, 1);
    assert.equal(consumer.state, ConsumerState.Stopped);
    await consumer.close();
  } finally {
    server.close();
  }
});
