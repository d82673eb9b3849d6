import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedBrokers } from '../../support/env.js';
import { appEnv, run, withPackedApp } from '../../support/matrix.js';
import { NEST11_MICROSERVICES_APP } from '../../support/matrix/nest11-microservices-app.js';

// The built-in transport's answers, which both sides must give (see test/integration/microservices/interop.test.ts).
const EXPECTED = {
  sum: { value: '6' },
  rpcError: { error: { status: 'refused', reason: 'not today' } },
  plainError: { error: { status: 'error', message: 'Internal server error' } },
};

test(
  '@nestjs/microservices 11: wire compatibility both ways, and KafkaChannelsServer running on Nest 11',
  { timeout: 175_000 },
  async () => {
    await withPackedApp(NEST11_MICROSERVICES_APP, async (app) => {
      const out = await run(process.execPath, ['interop.cjs'], app.dir, appEnv(sharedBrokers()), 150_000);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      assert.ok(line, `no RESULT line in:\n${out}`);
      const result = JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>;
      assert.deepEqual(result.builtInClientToBuiltIn, EXPECTED, 'the built-in transport 11 itself');
      assert.deepEqual(result.builtInClientToOurs, EXPECTED, 'ClientKafka 11 -> KafkaChannelsServer on Nest 11');
      assert.deepEqual(result.ourClientToBuiltIn, EXPECTED, 'KafkaChannelsClient -> ServerKafka 11');
      assert.deepEqual(result.events, { ours: [{ id: 'to-ours' }], builtIn: [{ id: 'to-builtin' }] });
    });
  },
);
