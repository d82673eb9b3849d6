import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

// Guard for KafkaJsTransactionalSink.reset(): kafkajs 2.2.4's transaction manager stays in
// COMMITTING after a failed EndTxn and refuses every later transaction, so the sink replaces
// the whole kafkajs producer instead of reusing it. If kafkajs starts to recover by itself (or
// moves the file), this test fails: then reconsider the reset.

const requireFromHere = createRequire(import.meta.url);

interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(topics: Array<{ topic: string; partitions: Array<{ partition: number }> }>): Promise<void>;
  commit(): Promise<void>;
}
type CreateEosManager = (options: Record<string, unknown>) => EosManager;

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function eosManagerWithFailingEndTxn(): EosManager {
  const createEosManager = requireFromHere('kafkajs/src/producer/eosManager/index.js') as CreateEosManager;
  const broker = {
    initProducerId: async () => ({ producerId: 7, producerEpoch: 0 }),
    addPartitionsToTxn: async () => ({}),
    endTxn: async () => {
      throw Object.assign(new Error('coordinator gone'), { retriable: false });
    },
  };
  const cluster = {
    retry: { retries: 0 },
    refreshMetadataIfNecessary: async () => {},
    findGroupCoordinator: async () => broker,
    findControllerBroker: async () => broker,
  };
  return createEosManager({ logger: quiet, cluster, transactional: true, transactionalId: 'guard' });
}

describe('kafkajs 2.2.4 transaction manager after a failed EndTxn (guard)', () => {
  it('refuses the next transaction: the state stays COMMITTING', async () => {
    const manager = eosManagerWithFailingEndTxn();
    await manager.initProducerId();
    manager.beginTransaction();
    await manager.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }] }]);
    await assert.rejects(manager.commit(), /coordinator gone/);
    assert.throws(() => manager.beginTransaction(), /Cannot call "beginTransaction" in state "COMMITTING"/);
  });
});
