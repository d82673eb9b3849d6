import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorStream } from '../../../lib/core/error-stream.js';
import { KafkaConfigError, KafkaError } from '../../../lib/core/errors.js';
import type { KafkaLogger } from '../../../lib/core/logger.js';

function recordingLogger(): KafkaLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, debug: push, info: push, warn: push, error: push };
}

test('for await over the stream receives errors in order and ends after the buffered ones when the stream ends', async () => {
  const logger = recordingLogger();
  const stream = new ErrorStream(logger);
  const seen: string[] = [];
  const loop = (async () => {
    for await (const error of stream) seen.push(error.message);
  })();
  stream.emit(new KafkaError('one'));
  stream.emit(new KafkaError('two'));
  stream.end();
  await loop;
  assert.deepEqual(seen, ['one', 'two']);
  assert.deepEqual(logger.lines, [], 'an iterating reader counts as a listener');
});

test('errors past the buffer go to the fallback logger, never lost', async () => {
  const logger = recordingLogger();
  const stream = new ErrorStream(logger);
  const it = stream.iterate({ bufferSize: 2 })[Symbol.asyncIterator]();
  for (const m of ['a', 'b', 'c']) stream.emit(new KafkaError(m));
  assert.deepEqual(logger.lines, ['c']);
  assert.equal(((await it.next()).value as KafkaError | undefined)?.message, 'a');
  await it.return?.();
  assert.deepEqual(logger.lines, ['c', 'b'], 'unread errors are logged when the loop is left');
  stream.emit(new KafkaError('d'));
  assert.deepEqual(logger.lines, ['c', 'b', 'd'], 'the left loop no longer listens');
});

test('an iteration started after the end is done at once; on() listeners still work after the end', async () => {
  const stream = new ErrorStream(recordingLogger());
  stream.end();
  assert.deepEqual(await stream[Symbol.asyncIterator]().next(), { done: true, value: undefined });
  const seen: string[] = [];
  stream.on((e) => seen.push(e.message));
  stream.emit(new KafkaError('late'));
  assert.deepEqual(seen, ['late']);
});

test('a bad bufferSize is a KafkaConfigError naming the field', () => {
  const stream = new ErrorStream(recordingLogger());
  assert.throws(
    () => stream.iterate({ bufferSize: 0 }),
    (e: unknown) => e instanceof KafkaConfigError && /bufferSize/.test(e.message),
  );
});
