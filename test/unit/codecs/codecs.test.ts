/**
 * Round trips of the three codecs kafkajs lacks, and the frame details other Kafka clients rely
 * on (xerial snappy framing, LZ4 frame flags, zstd frames without a stated size as Java streams
 * them).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { CompressionCodec } from '../../../lib/core/codecs/codec.js';
import { lz4Codec } from '../../../lib/core/codecs/lz4.js';
import { snappyCodec } from '../../../lib/core/codecs/snappy.js';
import { loadCodecPackage } from '../../../lib/core/codecs/load-codec-package.js';
import { frameContentSize, zstdCodec } from '../../../lib/core/codecs/zstd.js';
import { CompressedDataError, CompressionCodecUnavailableError } from '../../../lib/core/errors.js';

const require = createRequire(import.meta.url);
const rawSnappy = require('snappy') as { compressSync(input: Buffer): Buffer };

/** JSON records of about 1 KiB, like a real records section: compressible, not trivially so. */
function records(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = JSON.stringify({
      id: `order-${i * 7919}`,
      at: 1_764_460_800_000 + i * 37,
      items: [i % 13, (i * 31) % 97],
      note: 'x'.repeat(i % 900),
    });
    parts.push(text);
    size += text.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

const codecs: CompressionCodec[] = [snappyCodec, lz4Codec, zstdCodec];
const sizes = [1, 1_000, 100 * 1024, 3 * 1024 * 1024];

for (const codec of codecs) {
  test(`${codec.name}: records of ${sizes.join(', ')} bytes come back unchanged and smaller`, async () => {
    for (const size of sizes) {
      const original = records(size);
      const compressed = await codec.compress(original);
      assert.ok(Buffer.isBuffer(compressed));
      if (size >= 1_000) assert.ok(compressed.length < original.length, `${size} B should shrink, got ${compressed.length} B`);
      assert.deepEqual(await codec.decompress(compressed), original, `${size} B`);
    }
  });

  test(`${codec.name}: bytes that are not its data fail with CompressedDataError`, async () => {
    const valid = await codec.compress(records(10_000));
    for (const bad of [Buffer.from('definitely not compressed'), valid.subarray(0, valid.length - 7)]) {
      await assert.rejects(
        codec.decompress(bad),
        (error: unknown) => error instanceof CompressedDataError && error.message.startsWith(`${codec.name} batch:`),
      );
    }
  });
}

test('snappy writes the xerial framing snappy-java writes: header, then 32 KiB chunks', async () => {
  const compressed = await snappyCodec.compress(records(100 * 1024));
  assert.deepEqual(compressed.subarray(0, 16), Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]));
  let chunks = 0;
  for (let at = 16; at < compressed.length; at += 4 + compressed.readInt32BE(at)) chunks++;
  assert.equal(chunks, 4, '100 KiB in 32 KiB chunks');
});

test('snappy also reads one raw snappy block (kafkajs-snappy and others write those)', async () => {
  const original = records(50_000);
  assert.deepEqual(await snappyCodec.decompress(rawSnappy.compressSync(original)), original);
});

test('lz4 writes an LZ4 frame Kafka reads: magic, independent blocks, no dictionary, 64 KiB-4 MiB blocks', async () => {
  const frame = await lz4Codec.compress(records(200_000));
  assert.equal(frame.readUInt32LE(0), 0x184d2204, 'LZ4 frame magic');
  const flags = frame[4]!;
  assert.equal(flags >> 6, 1, 'frame version 01');
  assert.ok(flags & 0x20, 'independent blocks (Kafka rejects dependent ones)');
  assert.equal(flags & 0x01, 0, 'no dictionary id');
  const blockSizeId = (frame[5]! >> 4) & 0x07;
  assert.ok(blockSizeId >= 4 && blockSizeId <= 7, `block size id ${blockSizeId}`);
});

/**
 * A zstd frame that states no size, as Java's streaming writer produces: raw blocks of 128 KiB in
 * a frame with a 128 KiB window (RFC 8878: descriptor 0, window byte, 3-byte block headers).
 */
function streamedZstdFrame(content: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])];
  const blockBytes = 128 * 1024;
  for (let at = 0; at < content.length; at += blockBytes) {
    const block = content.subarray(at, at + blockBytes);
    const last = at + blockBytes >= content.length ? 1 : 0;
    const header = (block.length << 3) | last; // block type 0: raw
    parts.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), block);
  }
  return Buffer.concat(parts);
}

test('zstd reads frames without a stated size, also past 1 MiB (the one-shot decoder alone fails there)', async () => {
  const original = records(3 * 1024 * 1024);
  const frame = streamedZstdFrame(original);
  assert.equal(frameContentSize(frame), undefined);
  assert.deepEqual(await zstdCodec.decompress(frame), original);
});

test('zstd frame sizes are read from every header layout', async () => {
  for (const size of [0, 1, 255, 256, 65_791, 65_792, 5_000_000]) {
    const frame = await zstdCodec.compress(records(size));
    assert.equal(frameContentSize(frame), size, `${size} B`);
  }
  assert.equal(frameContentSize(Buffer.from('not zstd at all')), undefined);
});

test('zstd reads several frames in one batch (the one-shot decoder sizes for the first only)', async () => {
  const [a, b] = [records(6_000), records(20_000)];
  const frames = Buffer.concat([await zstdCodec.compress(a), await zstdCodec.compress(b)]);
  assert.deepEqual(await zstdCodec.decompress(frames), Buffer.concat([a, b]));
});

test('a codec package that fails to load is a CompressionCodecUnavailableError naming package and platform', () => {
  assert.throws(
    () =>
      loadCodecPackage('lz4', 'lz4-napi', () => {
        throw new Error('Cannot find module @antoniomuso/lz4-napi-plan9-mips');
      }),
    (error: unknown) =>
      error instanceof CompressionCodecUnavailableError &&
      error.message.includes('lz4-napi') &&
      error.message.includes(`${process.platform}-${process.arch}`) &&
      error.logData.codec === 'lz4',
  );
});
