import { OutgoingRecord } from './outgoing-record.js';
import { CompressionCodecs } from 'kafkajs';
import type { KafkaJsCodecTable } from '../codecs/kafkajs-registration.js';
import { compressProduceRequest, writeProduceRequest, type BatchSpan, type ProduceRequestFields } from './produce-request-writer.js';

/** The kafkajs release whose internals this encoder was written against (package.json pins it). */
export const KAFKAJS_ENCODER_VERSION = '2.2.4';

/** kafkajs' Produce request definition (`protocol/requests/produce/index.js`). */
interface ProduceDefinition {
  protocol: (args: { version: number }) => RequestFactory | undefined;
  [ENCODER]?: true;
}

/** Builds one versioned request from kafkajs' arguments. */
type RequestFactory = (args: KafkaJsProduceArgs) => { request: { encode: () => Promise<unknown> } };

/** What kafkajs' broker passes to the factory: the request fields plus the compression. */
type KafkaJsProduceArgs = ProduceRequestFields & { readonly compression?: number };

/** kafkajs' `Encoder`: a buffer and how much of it is written. */
interface KafkaJsEncoder {
  buf: Buffer;
  offset: number;
}

interface KafkaJsInternals {
  readonly definition: ProduceDefinition;
  readonly Encoder: new (initialSize?: number) => KafkaJsEncoder;
}

/**
 * Marks a patched definition; `Symbol.for` so two copies of this library still patch only once.
 * The bench sets it beforehand to measure kafkajs' own encoding.
 */
export const ENCODER = Symbol.for('nestjs-kafka-channels.kafkajs-produce-encoder');

/** The first Produce version with record batches (magic 2); versions 3 to 7 share one body. */
const FIRST_RECORD_BATCH_VERSION = 3;

/** What {@link installKafkaJsProduceEncoder} did. */
export type ProduceEncoderOutcome = 'installed' | 'already-installed' | 'unavailable';

/**
 * Makes kafkajs encode the Produce requests that carry only this module's records with
 * {@link writeProduceRequest}, which writes the same bytes several times faster.
 *
 * Why: kafkajs 2.2.4 spends most of a producer's CPU encoding requests. Each record and each header
 * gets its own zero-filled 512-byte buffer, each varint a `Buffer.from` of an array, every record is
 * spread into a new object, and every level (record, batch, partition, topic, request) is copied
 * into the next. At 100-byte records with one header that is about two thirds of the CPU of a
 * send (BENCHMARKS.md, issue 20).
 *
 * How: kafkajs' broker looks up `requests.Produce.protocol({ version })` for every request, so
 * wrapping that function (`kafkajs/src/protocol/requests/produce/index.js`) is enough. A request
 * whose records are all {@link OutgoingRecord}s, at version 3 or later, gets an `encode` that
 * writes its body in one buffer (compressed: then each batch's records section is compressed by
 * kafkajs' registered codec); anything else (another kafkajs user in the process, an old broker)
 * keeps kafkajs' own encoder. Everything around the body (API version,
 * response decoding, retries) stays kafkajs'.
 *
 * Tied to the kafkajs layout of {@link KAFKAJS_ENCODER_VERSION}: when a file or export it needs is
 * missing, nothing is patched and `'unavailable'` is returned. Idempotent; never throws.
 */
export function installKafkaJsProduceEncoder(): ProduceEncoderOutcome {
  const internals = loadInternals();
  if (!internals) return 'unavailable';
  const { definition } = internals;
  if (definition[ENCODER]) return 'already-installed';
  const original = definition.protocol;
  definition.protocol = (args) => {
    const factory = original(args);
    if (factory === undefined || Number(args.version) < FIRST_RECORD_BATCH_VERSION) return factory;
    return (fields) => {
      const built = factory(fields);
      if (carriesOnlyOwnRecords(fields)) built.request.encode = () => encode(internals, fields);
      return built;
    };
  };
  definition[ENCODER] = true;
  return 'installed';
}

/** True when every record is an {@link OutgoingRecord} (the only kind the writer takes). */
function carriesOnlyOwnRecords(fields: KafkaJsProduceArgs): boolean {
  for (const { partitions } of fields.topicData) {
    for (const { messages } of partitions) {
      for (const message of messages) if (!(message instanceof OutgoingRecord)) return false;
    }
  }
  return true;
}

/**
 * The request body as kafkajs' encoder would write it. Compressed: the records are written as for
 * an uncompressed request, then each batch's records section goes through the codec kafkajs would
 * use (its `CompressionCodecs` table, filled by `registerKafkaJsCodecs` or by anyone else), so the
 * bytes stay kafkajs' own whoever registered the codec.
 */
async function encode(internals: KafkaJsInternals, fields: KafkaJsProduceArgs): Promise<KafkaJsEncoder> {
  const codecId = fields.compression ?? 0;
  if (codecId === 0) return asEncoder(internals, writeProduceRequest(fields));
  const factory = (CompressionCodecs as unknown as KafkaJsCodecTable)[codecId];
  if (factory === undefined) throw new TypeError(`kafkajs has no compression codec ${codecId}`);
  const codec = factory();
  const batches: BatchSpan[] = [];
  const body = writeProduceRequest(fields, Date.now(), batches);
  const compressed = await compressProduceRequest(body, batches, codecId, (records) => codec.compress(asEncoder(internals, records)));
  return asEncoder(internals, compressed);
}

function asEncoder({ Encoder }: KafkaJsInternals, bytes: Buffer): KafkaJsEncoder & { readonly buffer: Buffer } {
  // kafkajs reads an encoder through `buf` and `offset` only (`writeEncoder`, `size()`, `buffer`).
  const encoder = new Encoder(0) as KafkaJsEncoder & { readonly buffer: Buffer };
  encoder.buf = bytes;
  encoder.offset = bytes.length;
  return encoder;
}

function loadInternals(): KafkaJsInternals | undefined {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- untyped deep kafkajs internals */
    const definition = require('kafkajs/src/protocol/requests/produce/index.js') as ProduceDefinition | undefined;
    const Encoder = require('kafkajs/src/protocol/encoder.js') as KafkaJsInternals['Encoder'] | undefined;
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (typeof definition?.protocol !== 'function' || typeof Encoder !== 'function') return undefined;
    return { definition, Encoder };
  } catch {
    return undefined;
  }
}
