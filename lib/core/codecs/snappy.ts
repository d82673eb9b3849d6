import type * as Snappy from 'snappy';
import { CompressedDataError } from '../errors.js';
import type { CompressionCodec } from './codec.js';
import { loadCodecPackage } from './load-codec-package.js';

/**
 * Kafka's snappy: the xerial framing of `snappy-java` (what the Java client reads and writes), over
 * raw snappy blocks from `snappy` (napi-rs over the Rust `snap` crate; one N-API build per
 * platform, shipped as npm optional dependencies; docs/NOTES.md has the measurements).
 *
 * Framing: a 16-byte header (the magic `\x82SNAPPY\0`, then version 1 and compatible version 1 as
 * big-endian int32s), then chunks of a big-endian int32 length and one raw snappy block each.
 * Batches without the header are one raw snappy block, as kafkajs-snappy and some other clients
 * write them; snappy-java, librdkafka and Sarama read both, and so does this codec.
 */
export const snappyCodec: CompressionCodec = {
  name: 'snappy',
  compress: async (records) => compressXerial(records),
  decompress: async (compressed) => decompressSnappy(compressed),
};

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = Buffer.concat([XERIAL_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
/** snappy-java's default block size: the uncompressed bytes per chunk. */
const XERIAL_CHUNK_BYTES = 32 * 1024;

function compressXerial(records: Buffer): Buffer {
  const lib = snappy();
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let at = 0; at < records.length; at += XERIAL_CHUNK_BYTES) {
    const block = lib.compressSync(records.subarray(at, at + XERIAL_CHUNK_BYTES));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function decompressSnappy(compressed: Buffer): Buffer {
  if (!isXerialFramed(compressed)) return uncompress(compressed, 'raw snappy block');
  const parts: Buffer[] = [];
  let at = XERIAL_HEADER.length;
  while (at < compressed.length) {
    if (at + 4 > compressed.length) throw new CompressedDataError('snappy', `chunk length cut off at byte ${at}`);
    const length = compressed.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > compressed.length) {
      throw new CompressedDataError('snappy', `chunk of ${length} bytes at byte ${at} runs past the end (${compressed.length})`);
    }
    parts.push(uncompress(compressed.subarray(at, at + length), `chunk at byte ${at}`));
    at += length;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function isXerialFramed(compressed: Buffer): boolean {
  return compressed.length >= XERIAL_HEADER.length && compressed.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

function uncompress(block: Buffer, what: string): Buffer {
  const lib = snappy();
  try {
    return lib.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (cause) {
    throw new CompressedDataError('snappy', `${what} is not valid snappy data`, cause);
  }
}

let loaded: typeof Snappy | undefined;

/** Loaded on first use, so a platform without a build fails only when snappy is used, with a typed error. */
function snappy(): typeof Snappy {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  loaded ??= loadCodecPackage('snappy', 'snappy', () => require('snappy') as typeof Snappy);
  return loaded;
}
