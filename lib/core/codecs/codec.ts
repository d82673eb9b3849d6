/**
 * One Kafka compression codec: what a record batch's records section becomes on the wire and back.
 * Both directions are asynchronous because kafkajs awaits them and because some implementations
 * load (WebAssembly) on first use.
 */
export interface CompressionCodec {
  /** The codec's name in Kafka's configs (`compression.type`) and in `DumpLogSegments`' `compresscodec:`. */
  readonly name: 'snappy' | 'lz4' | 'zstd';
  /** The compressed form of one records section. */
  compress(records: Buffer): Promise<Buffer>;
  /** The records section inside a batch written by any Kafka client with this codec. */
  decompress(compressed: Buffer): Promise<Buffer>;
}
