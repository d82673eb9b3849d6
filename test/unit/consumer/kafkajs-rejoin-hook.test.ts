import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import {
  installKafkaJsRejoinHook,
  KAFKAJS_REJOIN_HOOK_VERSION,
  registerRejoinHook,
  type RejoinHook,
} from '../../../lib/core/consumer/kafkajs-rejoin-hook.js';
import { eventually } from '../../support/eventually.js';

/**
 * These tests drive kafkajs' own internal consumer `Runner` (no broker; a scripted consumer group
 * under it) through the paths the rejoin hook relies on, so they fail when kafkajs changes them.
 */

const require = createRequire(import.meta.url);

interface Runner {
  start(): Promise<void>;
  stop(): Promise<void>;
}
type RunnerClass = new (options: Record<string, unknown>) => Runner;
const RunnerCtor = require('kafkajs/src/consumer/runner.js') as RunnerClass;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger(options: { level: number; logCreator: () => () => void }): unknown;
  LEVELS: { NOTHING: number };
};
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as { createErrorFromCode(code: number): Error };
const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A consumer group as kafkajs' Runner sees it, logging what the runner does with it. */
function scriptedGroup(log: string[]) {
  let generation = 0;
  const group = {
    groupId: 'group',
    memberId: null as string | null,
    generationId: null as number | null,
    /** Thrown by the next heartbeat (the way kafkajs learns of a rebalance). */
    heartbeatError: undefined as Error | undefined,
    heartbeats: 0,
    heartbeatsAtLastJoin: 0,
    getNodeIds: (): number[] => [1],
    connect: async () => undefined,
    joinAndSync: async () => {
      log.push(`join as ${group.memberId ?? 'new member'}`);
      group.heartbeatsAtLastJoin = group.heartbeats;
      await tick();
      group.memberId = 'member-1';
      group.generationId = ++generation;
    },
    leave: async () => undefined,
    heartbeat: async () => {
      group.heartbeats++;
      const error = group.heartbeatError;
      group.heartbeatError = undefined;
      if (error) throw error;
    },
    commitOffsets: async () => undefined,
    resolveOffset: (_offset: unknown) => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    // An idle partition: empty fetches, after each of which the runner heartbeats.
    fetch: async (_nodeId: number): Promise<unknown[]> => {
      await tick();
      return [];
    },
  };
  return group;
}

/** A runner as `consumer.run({ eachBatch })` builds one (autoCommit off, as the transport runs it). */
function runnerOver(group: ReturnType<typeof scriptedGroup>, eachBatch: object, log: string[]): Runner {
  return new RunnerCtor({
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    consumerGroup: group,
    // Only the event the hook follows; fetch events would blur the order under test.
    instrumentationEmitter: { emit: (event: string) => void (event === 'consumer.rebalancing' && log.push(`event ${event}`)) },
    eachBatch,
    autoCommit: false,
    heartbeatInterval: 0,
    onCrash: (error: Error) => void log.push(`crash ${error.message}`),
    retry: { retries: 2, initialRetryTime: 10 },
  });
}

function hook(log: string[], overrides: Partial<RejoinHook> = {}): RejoinHook {
  return {
    beforeRejoin: async () => {
      log.push('hook start');
      await tick();
      log.push('hook end');
    },
    timeoutMs: 5_000,
    heartbeatIntervalMs: 1_000,
    onFailure: (outcome) => void log.push(`hook failed: ${outcome === 'timeout' ? 'timeout' : String(outcome.error)}`),
    ...overrides,
  };
}

const runners: Runner[] = [];
after(async () => {
  await Promise.all(runners.map((r) => r.stop()));
});

async function started(group: ReturnType<typeof scriptedGroup>, rejoinHook: RejoinHook | undefined, log: string[]): Promise<Runner> {
  const eachBatch = async () => undefined;
  if (rejoinHook) registerRejoinHook(eachBatch, rejoinHook);
  const runner = runnerOver(group, eachBatch, log);
  runners.push(runner);
  await runner.start();
  return runner;
}

test('installs once, against the pinned kafkajs release', () => {
  const installed = installKafkaJsRejoinHook();
  assert.ok(installed === 'installed' || installed === 'already-installed');
  assert.equal(installKafkaJsRejoinHook(), 'already-installed');
  const { version } = JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string };
  assert.equal(
    version,
    KAFKAJS_REJOIN_HOOK_VERSION,
    'kafkajs changed: check runner.js and consumerGroup.js against the hook, then update the pinned version',
  );
});

test('a rebalance: kafkajs emits REBALANCING, then waits for the hook before it rejoins; the first join skips the hook', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const group = scriptedGroup(log);
  await started(group, hook(log), log);
  assert.deepEqual(log, ['join as new member'], 'the first join does not run the hook');

  group.heartbeatError = createErrorFromCode(REBALANCE_IN_PROGRESS);
  await eventually('the member rejoined', () => log.includes('join as member-1'), 5_000, 5);
  assert.deepEqual(log.slice(1), ['event consumer.rebalancing', 'hook start', 'hook end', 'join as member-1']);
});

test('UNKNOWN_MEMBER_ID: kafkajs drops the member id and rejoins at once (no commit can succeed)', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const group = scriptedGroup(log);
  await started(group, hook(log), log);
  group.heartbeatError = createErrorFromCode(UNKNOWN_MEMBER_ID);
  await eventually('the member rejoined', () => log.length >= 2, 5_000, 5);
  assert.deepEqual(log, ['join as new member', 'join as new member']);
});

test('a hook that fails or hangs is reported and kafkajs rejoins anyway, heartbeating while it waits', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const failing = scriptedGroup(log);
  await started(failing, hook(log, { beforeRejoin: async () => Promise.reject(new Error('boom')) }), log);
  failing.heartbeatError = createErrorFromCode(REBALANCE_IN_PROGRESS);
  await eventually('the failing member rejoined', () => log.includes('join as member-1'), 5_000, 5);
  assert.deepEqual(log.slice(1), ['event consumer.rebalancing', 'hook failed: Error: boom', 'join as member-1']);

  const hangLog: string[] = [];
  const hanging = scriptedGroup(hangLog);
  let heartbeatsAtHookStart = 0;
  const hang = () => {
    heartbeatsAtHookStart = hanging.heartbeats;
    return new Promise<void>(() => undefined);
  };
  await started(hanging, hook(hangLog, { beforeRejoin: hang, timeoutMs: 300, heartbeatIntervalMs: 50 }), hangLog);
  hanging.heartbeatError = createErrorFromCode(REBALANCE_IN_PROGRESS);
  await eventually('the hanging member rejoined', () => hangLog.includes('join as member-1'), 5_000, 5);
  assert.deepEqual(hangLog.slice(1), ['event consumer.rebalancing', 'hook failed: timeout', 'join as member-1']);
  const keptAlive = hanging.heartbeatsAtLastJoin - heartbeatsAtHookStart;
  assert.ok(keptAlive >= 3, `the member heartbeat while the hook ran (${keptAlive} heartbeats in 300 ms)`);
});

/** The part of a kafkajs Batch its Runner reads, for a one-message batch of `partition`. */
function oneMessageBatch(partition: number) {
  return {
    topic: 't',
    partition,
    highWatermark: '1',
    messages: [{ offset: '0', key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' }],
    offsetLag: () => '0',
    offsetLagLow: () => '0',
    firstOffset: () => '0',
    lastOffset: () => '0',
    isEmpty: () => false,
    isEmptyDueToFiltering: () => false,
  };
}

test('partitions handled concurrently on two brokers: the rebalance path starts only after every running eachBatch returned', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const group = scriptedGroup(log);
  group.getNodeIds = () => [1, 2];
  const fetched = new Set<number>();
  group.fetch = async (nodeId: number) => {
    await tick();
    if (fetched.has(nodeId)) return [];
    fetched.add(nodeId);
    return [oneMessageBatch(nodeId - 1)];
  };
  let releaseSlow!: () => void;
  const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
  let p1Started!: () => void;
  const p1Running = new Promise<void>((resolve) => (p1Started = resolve));
  const eachBatch = async ({ batch }: { batch: { partition: number } }) => {
    if (batch.partition === 0) {
      await p1Running;
      log.push('p0 handled');
      // The heartbeat kafkajs sends after this batch learns of the rebalance.
      group.heartbeatError = createErrorFromCode(REBALANCE_IN_PROGRESS);
      return;
    }
    log.push('p1 start');
    p1Started();
    await slow;
    log.push('p1 end');
  };
  registerRejoinHook(eachBatch, hook(log));
  const runner = new RunnerCtor({
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined }),
    consumerGroup: group,
    instrumentationEmitter: { emit: (event: string) => void (event === 'consumer.rebalancing' && log.push(`event ${event}`)) },
    eachBatch,
    eachBatchAutoResolve: false,
    autoCommit: false,
    concurrency: 2,
    heartbeatInterval: 0,
    onCrash: (error: Error) => void log.push(`crash ${error.message}`),
    retry: { retries: 2, initialRetryTime: 10 },
  });
  runners.push(runner);
  await runner.start();
  await eventually(
    () => `both batches running: ${log.join(', ')}`,
    () => log.includes('p0 handled') && log.includes('p1 start'),
    5_000,
    5,
  );
  // p0's heartbeat failed; kafkajs stops its fetchers, which waits for p1.
  await eventually('the failed heartbeat', () => group.heartbeatError === undefined, 5_000, 5);
  assert.equal(log.includes('event consumer.rebalancing'), false, 'no rebalance handling while p1 is still handled');
  releaseSlow();
  await eventually('the member rejoined', () => log.includes('join as member-1'), 5_000, 5);
  assert.deepEqual(log.slice(log.indexOf('p1 end')), [
    'p1 end',
    'event consumer.rebalancing',
    'hook start',
    'hook end',
    'join as member-1',
  ]);
});

test('a runner whose eachBatch has no hook rejoins as kafkajs always did', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const group = scriptedGroup(log);
  await started(group, undefined, log);
  group.heartbeatError = createErrorFromCode(REBALANCE_IN_PROGRESS);
  await eventually('the member rejoined', () => log.includes('join as member-1'), 5_000, 5);
  assert.deepEqual(log.slice(1), ['event consumer.rebalancing', 'join as member-1']);
});

test("kafkajs' consumer.run() hands the given eachBatch to its Runner unchanged (how a hook finds its consumer)", async () => {
  installKafkaJsRejoinHook();
  const Runner = RunnerCtor as unknown as { prototype: { start(this: { eachBatch?: unknown; consumerGroup?: unknown }): Promise<void> } };
  const seen: unknown[] = [];
  const hooked = Runner.prototype.start;
  Runner.prototype.start = function spy(this: { eachBatch?: unknown; consumerGroup?: { joinAndSync?: unknown } }) {
    const starting = hooked.call(this);
    seen.push(this.eachBatch, Object.hasOwn(this.consumerGroup ?? {}, 'joinAndSync'));
    return starting;
  };
  try {
    // Nothing listens on port 1: the run crashes on connect, after the runner started.
    const kafka = new Kafka({ clientId: 'rejoin-hook-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    const consumer = kafka.consumer({ groupId: 'rejoin-hook-test', retry: { retries: 0, restartOnFailure: async () => false } });
    const eachBatch = async () => undefined;
    registerRejoinHook(eachBatch, hook([]));
    await consumer.run({ eachBatch, autoCommit: false });
    await eventually('the runner started', () => seen.length > 0, 5_000, 5);
    assert.equal(seen[0], eachBatch, 'the Runner got the very eachBatch function');
    assert.equal(seen[1], true, "the runner's consumer group got the wrapped joinAndSync");
    await consumer.disconnect();
  } finally {
    Runner.prototype.start = hooked;
  }
});

test('a crash of the fetch loop (retries ran out): the hand-over runs before kafkajs is told, while the member holds its generation', async () => {
  installKafkaJsRejoinHook();
  const log: string[] = [];
  const group = scriptedGroup(log);
  let groupSeenAtStart: unknown;
  await started(group, hook(log, { onRunnerStart: (g) => (groupSeenAtStart = g) }), log);
  assert.equal(groupSeenAtStart, group, "the transport is given the run's consumer group");
  // A failure that is no rebalance: kafkajs retries it (2 retries here), then crashes.
  const gone = Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError', retriable: true });
  group.fetch = async () => {
    await tick();
    throw gone;
  };
  await eventually('kafkajs reported the crash', () => log.some((l) => l.startsWith('crash')), 10_000, 5);
  assert.deepEqual(log.slice(1), ['hook start', 'hook end', 'crash Connection error: connect ECONNREFUSED']);
});
