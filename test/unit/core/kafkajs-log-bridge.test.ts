import { afterEach, beforeEach, describe, it, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';
import {
  TRANSIENT_GRACE_MS,
  TRANSIENT_KAFKAJS_ERRORS,
  TRANSIENT_QUIET_MS,
  TransientErrorEpisodes,
} from '../../../lib/core/transient-kafkajs-errors.js';
import { createKafkaClient, settleTransientKafkaJsErrors } from '../../../lib/core/client.js';
import { resolveConnectionConfig } from '../../../lib/core/config/connection.js';
import { kafkaJsLogCreator, type KafkaLogger } from '../../../lib/core/logger.js';
import type { LogData } from '../../../lib/core/errors.js';

/** kafkajs' runner entry of a member re-joining a rebalancing group, at `level`. */
function rebalancingEntry(level: logLevel) {
  const label = level === logLevel.INFO ? 'INFO' : 'WARN';
  return {
    namespace: 'Runner',
    level,
    label,
    log: { timestamp: 'now', logger: 'kafkajs', message: 'The group is rebalancing, re-joining' },
  };
}

function recorder(): KafkaLogger & { entries: Array<[string, string, LogData | undefined]> } {
  const entries: Array<[string, string, LogData | undefined]> = [];
  const at = (level: string) => (message: string, data?: LogData) => entries.push([level, message, data]);
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

test('kafkajs entries keep their level, except retriable errors which become warnings without stacks', () => {
  const logger = recorder();
  const log = kafkaJsLogCreator(logger)(logLevel.DEBUG);
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) =>
    log({ namespace: 'Connection', level, label: '', log: { timestamp: 'now', logger: 'kafkajs', message, ...extra } });
  entry(logLevel.ERROR, 'Connection error', { broker: '127.0.0.1:1', stack: 'Error: ECONNREFUSED\n    at …' });
  entry(logLevel.WARN, 'slow');
  entry(logLevel.INFO, 'joined');
  entry(logLevel.DEBUG, 'request');
  assert.deepEqual(
    logger.entries.map(([level, message]) => [level, message]),
    [
      ['warn', 'kafkajs: Connection error'],
      ['warn', 'kafkajs: slow'],
      ['info', 'kafkajs: joined'],
      ['debug', 'kafkajs: request'],
    ],
  );
  assert.equal(logger.entries[0]![2]!.broker, '127.0.0.1:1');
  assert.equal('stack' in logger.entries[0]![2]!, false, 'no stack trace in the log data');
});

describe('kafkajs start-up noise (transient retriable errors)', () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  const setUp = () => {
    const logger = recorder();
    const log = kafkaJsLogCreator(logger)(logLevel.DEBUG);
    const coordinatorNotAvailable = () =>
      log({
        namespace: 'Connection',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: {
          timestamp: 'now',
          logger: 'kafkajs',
          message: 'Response GroupCoordinator(key: 10, version: 2)',
          error: 'The group coordinator is not available',
        },
      });
    const levels = () => logger.entries.map(([level]) => level);
    return { logger, log, coordinatorNotAvailable, levels };
  };

  it('logs a transient error at debug during its first 10 s, as a warning (with how long) once it persists', () => {
    const { logger, coordinatorNotAvailable, levels } = setUp();
    coordinatorNotAvailable();
    mock.timers.tick(TRANSIENT_GRACE_MS - 1);
    coordinatorNotAvailable();
    assert.deepEqual(levels(), ['debug', 'debug']);
    mock.timers.tick(1);
    coordinatorNotAvailable();
    assert.deepEqual(levels(), ['debug', 'debug', 'warn']);
    assert.equal(logger.entries[2]![2]!.failingForMs, TRANSIENT_GRACE_MS);
    assert.equal(logger.entries[2]![2]!.error, 'The group coordinator is not available');
  });

  it('judges episodes one by one: two short rebalances 15 s apart, with the group joined in between, are two quiet episodes (issue 27)', () => {
    const logger = recorder();
    const episodes = new TransientErrorEpisodes();
    const log = kafkaJsLogCreator(logger, episodes)(logLevel.DEBUG);
    const rebalancing = () => log(rebalancingEntry(logLevel.WARN));
    rebalancing();
    mock.timers.tick(2_000);
    rebalancing(); // the first rebalance, 2 s long
    episodes.settle(); // the group joined
    mock.timers.tick(13_000);
    rebalancing(); // a second rebalance, 15 s after the first began
    assert.deepEqual(
      logger.entries.map(([level]) => level),
      ['debug', 'debug', 'debug'],
      'without the settle, the third would be a warning with failingForMs 15000',
    );

    const joined = recorder();
    const unsettled = kafkaJsLogCreator(joined)(logLevel.DEBUG);
    for (const wait of [0, 2_000, 13_000]) {
      mock.timers.tick(wait);
      unsettled(rebalancingEntry(logLevel.WARN));
    }
    assert.deepEqual(
      joined.entries.map(([level]) => level),
      ['debug', 'debug', 'warn'],
      'no end signal: one episode (the fallback)',
    );
  });

  it("settleTransientKafkaJsErrors ends the episodes of that client's log bridge only", () => {
    const logger = recorder();
    const settings = resolveConnectionConfig({ brokers: ['127.0.0.1:1'], logger, kafkaJsLogLevel: 'debug' });
    const a = createKafkaClient(settings, logger);
    const b = createKafkaClient(settings, logger);
    const rebalance = (client: typeof a) => client.logger().warn('The group is rebalancing, re-joining', {});
    rebalance(a);
    rebalance(b);
    mock.timers.tick(TRANSIENT_GRACE_MS);
    settleTransientKafkaJsErrors(a);
    rebalance(a); // a new episode
    rebalance(b); // still the first one, 10 s old
    assert.deepEqual(
      logger.entries.filter(([, message]) => message.includes('rebalancing')).map(([level]) => level),
      ['debug', 'debug', 'debug', 'warn'],
    );
  });

  it('starts a new quiet episode once the error has not been seen for a minute (e.g. a topic created later)', () => {
    const { coordinatorNotAvailable, levels } = setUp();
    coordinatorNotAvailable();
    mock.timers.tick(TRANSIENT_GRACE_MS);
    coordinatorNotAvailable(); // persisted: warning
    mock.timers.tick(TRANSIENT_QUIET_MS - 1);
    coordinatorNotAvailable(); // still the same episode (kafkajs backoff < 1 min): warning
    mock.timers.tick(TRANSIENT_QUIET_MS);
    coordinatorNotAvailable(); // resolved a minute ago: a new episode
    assert.deepEqual(levels(), ['debug', 'warn', 'warn', 'debug']);
  });

  it('keeps one episode per error text and per client, and never quiets other errors', () => {
    const first = setUp();
    const second = setUp();
    first.coordinatorNotAvailable();
    mock.timers.tick(TRANSIENT_GRACE_MS);
    first.coordinatorNotAvailable();
    second.coordinatorNotAvailable(); // another client: its own first occurrence
    const entry = (message: string, extra: Record<string, unknown> = {}) =>
      first.log({ namespace: 'x', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'now', logger: 'kafkajs', message, ...extra } });
    entry('Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' });
    entry('The group is rebalancing, re-joining');
    entry("Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group", { groupId: 'g' });
    entry('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    entry('Response Produce(key: 0, version: 7)', { error: 'Topic authorization failed' });
    assert.deepEqual(first.levels(), ['debug', 'warn', 'debug', 'debug', 'debug', 'warn', 'warn']);
    assert.deepEqual(second.levels(), ['debug']);
  });

  it('leaves info and debug entries as they are', () => {
    const { logger, log } = setUp();
    log(rebalancingEntry(logLevel.INFO));
    assert.deepEqual(
      logger.entries.map(([level]) => level),
      ['info'],
    );
  });
});

test('the transient texts are still kafkajs 2.2.4 error messages of the expected kinds (fails if kafkajs changes them)', () => {
  const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
    errorCodes: Array<{ type: string; message: string }>;
  };
  const byMessage = new Map(errorCodes.map((e) => [e.message, e.type]));
  const protocolTexts = [...TRANSIENT_KAFKAJS_ERRORS].filter((text) => byMessage.has(text));
  assert.deepEqual(protocolTexts.map((text) => byMessage.get(text)).sort(), [
    'GROUP_COORDINATOR_NOT_AVAILABLE',
    'GROUP_LOAD_IN_PROGRESS',
    'LEADER_NOT_AVAILABLE',
    'NOT_COORDINATOR_FOR_GROUP',
    'NOT_LEADER_FOR_PARTITION',
    'REBALANCE_IN_PROGRESS',
    'UNKNOWN_TOPIC_OR_PARTITION',
  ]);
  // The rest are kafkajs' own log messages: check they are still in its sources.
  const require = createRequire(import.meta.url);
  const sources = ['kafkajs/src/consumer/runner.js', 'kafkajs/src/consumer/consumerGroup.js']
    .map((m) => readFileSync(require.resolve(m), 'utf8'))
    .join('\n');
  for (const text of [...TRANSIENT_KAFKAJS_ERRORS].filter((t) => !byMessage.has(t))) {
    assert.ok(sources.includes(`'${text}'`), `kafkajs still logs '${text}'`);
  }
  // Prefixed forms the bridge recognises by the text after the colon.
  const consumer = readFileSync(require.resolve('kafkajs/src/consumer/index.js'), 'utf8');
  assert.ok(consumer.includes('`Crash: ${e.name}: ${e.message}`'), 'kafkajs still logs consumer crashes as "Crash: <name>: <message>"');
});
