import { compress as wasmCompress, decompress as wasmDecompress, init as initWasm } from '@bokuweb/zstd-wasm';
import { decompress as jsDecompress } from 'fzstd';
import { CompressedDataError } from '../errors.js';
import type { CompressionCodec } from './codec.js';
import { loadCodecPackage } from './load-codec-package.js';

/**
 * Kafka's zstd: standard zstd frames. Compression and the common decompression use the reference
 * C library compiled to WebAssembly (`@bokuweb/zstd-wasm`, loaded on first use); frames that do not
 * state their decompressed size, which is what Kafka's Java client writes (it streams), go to
 * `fzstd` (pure JavaScript, streaming): the WebAssembly one-shot decompressor needs the size up
 * front and would otherwise guess 1 MiB and fail on larger batches.
 */
export const zstdCodec: CompressionCodec = {
  name: 'zstd',
  compress: async (records) => {
    await ready();
    return asBuffer(wasmCompress(records, KAFKA_DEFAULT_LEVEL));
  },
  decompress: async (compressed) => {
    const size = frameContentSize(compressed);
    if (size !== undefined && size <= MAX_ONE_SHOT_BYTES) {
      await ready();
      try {
        return asBuffer(wasmDecompress(compressed));
      } catch {
        // Several frames, or a size that lies: the streaming decoder below handles or names it.
      }
    }
    try {
      return asBuffer(jsDecompress(compressed));
    } catch (cause) {
      throw new CompressedDataError('zstd', 'not a valid zstd frame', cause);
    }
  },
};

/** Kafka's default `compression.zstd.level`. */
const KAFKA_DEFAULT_LEVEL = 3;
/**
 * Largest frame decompressed in one shot: the decompressor allocates the size the frame header
 * states, so a corrupt header must not make it reserve gigabytes of WebAssembly memory.
 */
const MAX_ONE_SHOT_BYTES = 64 * 1024 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;

let initialised: Promise<void> | undefined;

function ready(): Promise<void> {
  initialised ??= loadCodecPackage('zstd', '@bokuweb/zstd-wasm', () => initWasm()).catch((cause: unknown) => {
    initialised = undefined;
    throw cause;
  });
  return initialised;
}

/**
 * The decompressed size a zstd frame header states (RFC 8878, 3.1.1.1), or undefined when it
 * states none or this is not a zstd frame.
 */
export function frameContentSize(frame: Buffer): number | undefined {
  if (frame.length < 6 || frame.readUInt32LE(0) !== ZSTD_MAGIC) return undefined;
  const descriptor = frame[4]!;
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
  const sizeBytes = [singleSegment, 2, 4, 8][sizeFlag]!;
  if (sizeBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (frame.length < at + sizeBytes) return undefined;
  switch (sizeBytes) {
    case 1:
      return frame[at]!;
    case 2:
      return frame.readUInt16LE(at) + 256;
    case 4:
      return frame.readUInt32LE(at);
    default:
      return Number(frame.readBigUInt64LE(at));
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
