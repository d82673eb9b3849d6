import { CompressionTypes } from 'kafkajs';
import { registerKafkaJsCodecs } from '../lib/core/codecs/kafkajs-registration.js';
import type { BenchCompression } from './protocol.js';

/** kafkajs' codec id of each bench compression. */
const KAFKAJS_CODEC: Readonly<Record<BenchCompression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * kafkajs' codec id for `compression`, with the module's snappy, lz4 and zstd registered in this
 * process first: the raw kafkajs cases compress and decompress with the same codecs as ours.
 */
export function rawKafkaJsCodec(compression: BenchCompression): CompressionTypes {
  registerKafkaJsCodecs();
  return KAFKAJS_CODEC[compression];
}
