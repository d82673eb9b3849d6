import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorHub } from '../../../lib/core/error-stream.js';
import { KafkaError } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';

function recordingLogger(): KafkaLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

test('with no listener an error goes to the fallback logger instead of being lost', () => {
  const logger = recordingLogger();
  new ErrorHub(logger).emit(new KafkaError('boom', { topic: 't' }));
  assert.deepEqual(logger.lines, ['boom']);
});

test('listeners receive errors until they unsubscribe; a throwing listener does not stop the others', () => {
  const logger = recordingLogger();
  const stream = new ErrorHub(logger);
  const seen: string[] = [];
  stream.on(() => {
    throw new Error('listener bug');
  });
  const off = stream.on((e) => seen.push(e.message));
  stream.emit(new KafkaError('one'));
  off();
  stream.emit(new KafkaError('two'));
  assert.deepEqual(seen, ['one']);
  assert.equal(logger.lines.filter((l) => l === 'kafka error listener threw').length, 2);
});
