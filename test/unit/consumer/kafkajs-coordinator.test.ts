import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { isKafkaJsCoordinatorHolder, refreshKafkaJsCoordinator } from '../../../lib/core/consumer/kafkajs-coordinator.js';

/**
 * Drives kafkajs' own internal ConsumerGroup and OffsetManager (no broker; scripted brokers under
 * them), so these tests fail when kafkajs changes where it keeps the group coordinator.
 */

const require = createRequire(import.meta.url);
type Ctor = new (options: Record<string, unknown>) => Record<string, unknown>;
const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup.js') as Ctor;
const OffsetManager = require('kafkajs/src/consumer/offsetManager/index.js') as Ctor;
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error & { type: string } };
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger(options: { level: number; logCreator: () => () => void }): unknown;
  LEVELS: { NOTHING: number };
};
const InstrumentationEmitter = require('kafkajs/src/instrumentation/emitter.js') as new () => unknown;
const NOT_COORDINATOR_FOR_GROUP = 16;

/** A broker that records the requests it gets; `refuses` makes its commits fail as a former coordinator's do. */
function scriptedBroker(nodeId: number, log: string[], refuses = false) {
  return {
    nodeId,
    isConnected: () => true,
    offsetCommit: async () => {
      log.push(`commit to ${nodeId}`);
      if (refuses) throw createErrorFromCode(NOT_COORDINATOR_FOR_GROUP);
    },
    heartbeat: async () => void log.push(`heartbeat to ${nodeId}`),
  };
}

function setup() {
  const log: string[] = [];
  const old = scriptedBroker(1, log, true);
  const current = scriptedBroker(2, log);
  const committed: Record<string, Record<string, string>> = {};
  const cluster = {
    committedOffsets: () => committed,
    refreshMetadata: async () => void log.push('metadata refreshed'),
    findGroupCoordinator: async ({ groupId }: { groupId: string }) => {
      log.push(`coordinator of ${groupId} found`);
      return current;
    },
    findBroker: async () => old,
  };
  const instrumentationEmitter = new InstrumentationEmitter();
  const group = new ConsumerGroup({
    cluster,
    groupId: 'g',
    topics: ['t'],
    topicConfigurations: { t: { fromBeginning: true } },
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    instrumentationEmitter,
    assigners: [],
    sessionTimeout: 30_000,
    rebalanceTimeout: 60_000,
  });
  // As after JoinGroup + SyncGroup with broker 1 as the coordinator.
  Object.assign(group, { coordinator: old, memberId: 'm', generationId: 3 });
  group.offsetManager = new OffsetManager({
    cluster,
    coordinator: old,
    memberAssignment: { t: [0] },
    topicConfigurations: { t: { fromBeginning: true } },
    instrumentationEmitter,
    groupId: 'g',
    generationId: 3,
    memberId: 'm',
    autoCommit: false,
  });
  const commit = (group.commitOffsets as (o: unknown) => Promise<void>).bind(group, {
    topics: [{ topic: 't', partitions: [{ partition: 0, offset: '5' }] }],
  });
  const heartbeat = (group.heartbeat as (o: unknown) => Promise<void>).bind(group, { interval: 0 });
  return { group, log, commit, heartbeat };
}

test('kafkajs keeps committing to the coordinator of the last join after NOT_COORDINATOR (the gap the transport covers)', async () => {
  const { log, commit } = setup();
  await assert.rejects(commit(), (e: { type?: string }) => e.type === 'NOT_COORDINATOR_FOR_GROUP');
  await assert.rejects(commit(), (e: { type?: string }) => e.type === 'NOT_COORDINATOR_FOR_GROUP');
  // If kafkajs starts re-finding the coordinator itself, this fails: then our refresh may be redundant (re-check).
  assert.deepEqual(log, ['commit to 1', 'metadata refreshed', 'commit to 1', 'metadata refreshed']);
});

test('refreshKafkaJsCoordinator points kafkajs commits and heartbeats of the same generation at the new coordinator', async () => {
  const { group, log, commit, heartbeat } = setup();
  assert.equal(isKafkaJsCoordinatorHolder(group), true, 'kafkajs ConsumerGroup still has the fields we rely on');
  assert.ok(isKafkaJsCoordinatorHolder(group));
  await refreshKafkaJsCoordinator(group);
  await commit();
  await heartbeat();
  assert.deepEqual(log, ['metadata refreshed', 'coordinator of g found', 'commit to 2', 'heartbeat to 2']);
  assert.equal(group.generationId, 3, 'still the same generation');
});

test('isKafkaJsCoordinatorHolder refuses other shapes', () => {
  assert.equal(isKafkaJsCoordinatorHolder(undefined), false);
  assert.equal(isKafkaJsCoordinatorHolder({ groupId: 'g', coordinator: null, offsetManager: null, cluster: {} }), false);
});
