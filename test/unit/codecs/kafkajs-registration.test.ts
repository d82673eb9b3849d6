/**
 * Registration into kafkajs' process-wide codec table: only empty or stock slots, never someone
 * else's codec, idempotent. The first test fails if kafkajs moves or reshapes that table.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { registerKafkaJsCodecs, type KafkaJsCodec, type KafkaJsCodecTable } from '../../../lib/core/codecs/kafkajs-registration.js';

const require = createRequire(import.meta.url);
const { CompressionCodecs, CompressionTypes } = kafkajs;
const COMPRESSION_MODULE = 'kafkajs/src/protocol/message/compression/index.js';

/** A fresh copy of kafkajs' codec table as kafkajs 2.2.4 ships it (the loaded one may be filled already). */
function stockTable(): KafkaJsCodecTable {
  const path = require.resolve(COMPRESSION_MODULE);
  const loaded = require.cache[path];
  delete require.cache[path];
  try {
    return (require(COMPRESSION_MODULE) as { Codecs: KafkaJsCodecTable }).Codecs;
  } finally {
    if (loaded) require.cache[path] = loaded;
    else delete require.cache[path];
  }
}

test("kafkajs' codec table is where registration expects it, with stock placeholders for snappy, lz4 and zstd", () => {
  assert.equal(
    CompressionCodecs,
    (require(COMPRESSION_MODULE) as { Codecs: unknown }).Codecs,
    'the exported table is the one the decoder reads',
  );
  assert.deepEqual(
    {
      none: CompressionTypes.None,
      gzip: CompressionTypes.GZIP,
      snappy: CompressionTypes.Snappy,
      lz4: CompressionTypes.LZ4,
      zstd: CompressionTypes.ZSTD,
    },
    { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 },
  );
  const table = stockTable();
  assert.equal(typeof table[1], 'function', 'gzip is built in');
  for (const type of [2, 3, 4]) {
    assert.throws(() => table[type]!(), { name: 'KafkaJSNotImplemented' }, `slot ${type} should be kafkajs' placeholder`);
  }
});

test('fills the stock slots, leaves gzip alone, and is idempotent', async () => {
  const table = stockTable();
  const gzip = table[1];
  assert.deepEqual(Object.fromEntries(registerKafkaJsCodecs(table)), { snappy: 'registered', lz4: 'registered', zstd: 'registered' });
  assert.equal(table[1], gzip);
  const filled = [table[2], table[3], table[4]];
  assert.deepEqual(Object.fromEntries(registerKafkaJsCodecs(table)), {
    snappy: 'already-registered',
    lz4: 'already-registered',
    zstd: 'already-registered',
  });
  assert.deepEqual([table[2], table[3], table[4]], filled, 'a second registration changes nothing');
  // Through kafkajs' interface: compress takes an encoder, decompress a Buffer.
  const records = Buffer.from('{"order":1}'.repeat(100));
  for (const type of [2, 3, 4]) {
    const codec = table[type]!();
    assert.deepEqual(await codec.decompress(await codec.compress({ buffer: records })), records);
  }
});

test('never replaces a codec someone else registered, and fills a slot left empty', () => {
  const table = stockTable();
  const theirs = (): KafkaJsCodec => ({
    compress: (encoder) => Promise.resolve(encoder.buffer),
    decompress: (buffer) => Promise.resolve(buffer),
  });
  table[CompressionTypes.Snappy] = theirs;
  delete table[CompressionTypes.ZSTD];
  assert.deepEqual(Object.fromEntries(registerKafkaJsCodecs(table)), { snappy: 'kept-foreign', lz4: 'registered', zstd: 'registered' });
  assert.equal(table[CompressionTypes.Snappy], theirs);
  assert.equal(typeof table[CompressionTypes.ZSTD], 'function');
});

test('a factory that throws something else is foreign, not a placeholder', () => {
  const table = stockTable();
  const broken = (): KafkaJsCodec => {
    throw new Error('their lazy load failed');
  };
  table[CompressionTypes.LZ4] = broken;
  assert.equal(registerKafkaJsCodecs(table).get('lz4'), 'kept-foreign');
  assert.equal(table[CompressionTypes.LZ4], broken);
});
