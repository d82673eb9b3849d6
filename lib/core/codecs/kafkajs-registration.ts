import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import type { CompressionCodec } from './codec.js';
import { lz4Codec } from './lz4.js';
import { snappyCodec } from './snappy.js';
import { zstdCodec } from './zstd.js';

/** A codec in kafkajs' shape: `compress` gets kafkajs' records `Encoder`, `decompress` a Buffer. */
export interface KafkaJsCodec {
  compress(encoder: { readonly buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** kafkajs' process-wide codec table: a factory per codec id, called for every batch. */
export type KafkaJsCodecTable = Record<number, (() => KafkaJsCodec) | undefined>;

/** What registration did with one codec slot. */
export type CodecSlotOutcome =
  /** The slot was empty or held kafkajs' stock "not implemented" codec; ours is there now. */
  | 'registered'
  /** Ours was already there (an earlier client, or another copy of this library). */
  | 'already-registered'
  /** Someone else registered a codec there; it is left as it is. */
  | 'kept-foreign';

/** The codecs kafkajs 2.2.4 ships without (it ships gzip), by kafkajs' codec id. */
export const CODECS_BY_KAFKAJS_TYPE: ReadonlyArray<readonly [number, CompressionCodec]> = [
  [CompressionTypes.Snappy, snappyCodec],
  [CompressionTypes.LZ4, lz4Codec],
  [CompressionTypes.ZSTD, zstdCodec],
];

/**
 * Marks our factories; `Symbol.for` so that two copies of this library in one process recognise
 * each other's registration.
 */
const OURS = Symbol.for('nestjs-kafka-channels.compression-codec');

type MarkedFactory = (() => KafkaJsCodec) & { [OURS]?: string };

/**
 * Fills kafkajs' codec table with snappy, lz4 and zstd, so batches with any of Kafka's codecs can
 * be read and written.
 *
 * The table is process-wide (every kafkajs client of this kafkajs copy uses it), so a slot is
 * filled only when it is empty or still holds kafkajs' stock codec, whose factory throws
 * `KafkaJSNotImplemented`: a codec someone else registered (kafkajs-snappy, kafkajs-lz4, …) is
 * never replaced, and gzip is kafkajs' own. Filling a stock slot cannot break another kafkajs user:
 * every batch it could read or write before still works, and batches that failed now work.
 * Idempotent; called for every kafkajs client this library creates.
 *
 * @param table - kafkajs' `CompressionCodecs` unless a test passes a copy
 */
export function registerKafkaJsCodecs(
  table: KafkaJsCodecTable = CompressionCodecs as unknown as KafkaJsCodecTable,
): Map<string, CodecSlotOutcome> {
  const outcomes = new Map<string, CodecSlotOutcome>();
  for (const [type, codec] of CODECS_BY_KAFKAJS_TYPE) {
    const current = table[type] as MarkedFactory | undefined;
    if (current?.[OURS] !== undefined) {
      outcomes.set(codec.name, 'already-registered');
    } else if (current === undefined || isStockNotImplemented(current)) {
      table[type] = toKafkaJsFactory(codec);
      outcomes.set(codec.name, 'registered');
    } else {
      outcomes.set(codec.name, 'kept-foreign');
    }
  }
  return outcomes;
}

/**
 * kafkajs' placeholder for a codec it lacks is a factory that throws `KafkaJSNotImplemented`.
 * Calling a factory is what kafkajs does for every batch, so asking one here has no other effect.
 */
function isStockNotImplemented(factory: () => KafkaJsCodec): boolean {
  try {
    factory();
    return false;
  } catch (error) {
    return error instanceof Error && error.name === 'KafkaJSNotImplemented';
  }
}

function toKafkaJsFactory(codec: CompressionCodec): MarkedFactory {
  const adapted: KafkaJsCodec = {
    compress: (encoder) => codec.compress(encoder.buffer),
    decompress: (buffer) => codec.decompress(buffer),
  };
  const factory: MarkedFactory = () => adapted;
  factory[OURS] = codec.name;
  return factory;
}
