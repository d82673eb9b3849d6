import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLevel } from 'kafkajs';
import { kafkaJsLogCreator, type KafkaLogger } from '../../../lib/core/logger.js';
import type { LogData } from '../../../lib/core/errors.js';

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
  assert.deepEqual(logger.entries.map(([level, message]) => [level, message]), [
    ['warn', 'kafkajs: Connection error'],
    ['warn', 'kafkajs: slow'],
    ['info', 'kafkajs: joined'],
    ['debug', 'kafkajs: request'],
  ]);
  assert.equal(logger.entries[0]![2]!.broker, '127.0.0.1:1');
  assert.equal('stack' in logger.entries[0]![2]!, false, 'no stack trace in the log data');
});
