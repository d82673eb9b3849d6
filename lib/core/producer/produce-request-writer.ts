import { buf as crc32cSigned } from 'crc-32/crc32c';
import type { OutgoingRecord } from './outgoing-record.js';
import { byteLength, type RecordBytes, type RecordHeaders } from './record-size.js';

/**
 * Writes the body of a Kafka Produce request (versions 3 to 7 share it) into one
 * buffer of exactly the right size: the same bytes kafkajs 2.2.4's own encoder produces
 * (`protocol/requests/produce/v3/request.js`), in two passes over the records instead of one
 * small zero-filled buffer per record and per header, a `Buffer.from` per varint and a copy of
 * every level into the next. The CRC-32C of each batch comes from `crc-32` (SheetJS), whose
 * table-slicing implementation is about twice as fast as kafkajs' byte-at-a-time one on a batch,
 * which matters from 1 KiB records on. A compressed request is that body with each batch's records
 * section compressed afterwards ({@link compressProduceRequest}): the records are written once,
 * as for an uncompressed request, and only the batch framing is rewritten around the codec's
 * output. `kafkajs-produce-encoder.ts` says when the writer is used;
 * `test/unit/producer/produce-request-writer.test.ts` compares the bytes with kafkajs'.
 */

/** A 64-bit field as kafkajs holds it: a number, a bigint, a decimal string or its `Long` (`{ value: bigint }`). */
export type Int64Like = number | bigint | string | { readonly value: bigint };

/** The records of one partition, as kafkajs' producer hands them to the request. */
export interface ProducePartitionData {
  readonly partition: number;
  /** Sequence of the first record (idempotent producer); default 0. */
  readonly firstSequence?: number;
  readonly messages: readonly OutgoingRecord[];
}

/** The partitions of one topic. */
export interface ProduceTopicData {
  readonly topic: string;
  readonly partitions: readonly ProducePartitionData[];
}

/** The fields of a Produce request the body is made of (kafkajs' request arguments). */
export interface ProduceRequestFields {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  /** Default -1 (not idempotent). */
  readonly producerId?: Int64Like;
  readonly producerEpoch?: number;
  readonly topicData: readonly ProduceTopicData[];
}

/**
 * Fixed part of a record batch: first offset (8), length (4), leader epoch (4), magic (1), CRC (4),
 * attributes (2), last offset delta (4), first and max timestamp (8 + 8), producer id (8) and
 * epoch (2), first sequence (4), record count (4).
 */
const RECORD_BATCH_OVERHEAD = 61;
/** Where a record batch's length field is, and where the bytes it counts start. */
const BATCH_LENGTH_AT = 8;
const BATCH_LENGTH_COUNTS_FROM = 12;
/** Where a record batch's CRC is, and where the bytes it covers start (the attributes). */
const CRC_AT = 17;
const CRC_COVERED_FROM = 21;
const MAGIC = 2;
const TRANSACTIONAL_ATTRIBUTE = 16;

// Header blocks of frozen header sets (the producer-wide set every plain send shares), encoded
// once; consecutive records mostly share one set, so the last one is checked before the map.
const encodedHeaderBlocks = new WeakMap<RecordHeaders, Buffer>();
let lastHeaders: RecordHeaders | undefined;
let lastBlock: Buffer | undefined;

function encodedHeaderBlock(headers: RecordHeaders): Buffer | undefined {
  if (headers === lastHeaders) return lastBlock;
  const block = encodedHeaderBlocks.get(headers);
  if (block) {
    lastHeaders = headers;
    lastBlock = block;
  }
  return block;
}

/** Scratch sizes of the records being written: key, value and header block bytes, per record. */
let scratch = new Int32Array(3 * 1024);

/**
 * The request body for `fields`, timestamped `now` (every record gets `now`, as kafkajs does for
 * records without a timestamp). The records must be {@link OutgoingRecord}s: a Buffer or string
 * value and key, headers of strings or Buffers.
 *
 * @param batches - when given, receives where each record batch and its records section are, in
 *   request order (for {@link compressProduceRequest})
 */
export function writeProduceRequest(fields: ProduceRequestFields, now: number = Date.now(), batches?: BatchSpan[]): Buffer {
  const transactionalId = fields.transactionalId ?? null;
  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  let recordCount = 0;
  for (const { topic, partitions } of fields.topicData) {
    size += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    for (const { messages } of partitions) recordCount += messages.length;
  }
  if (scratch.length < 3 * recordCount) scratch = new Int32Array(3 * recordCount);

  let slot = 0;
  for (const { partitions } of fields.topicData) {
    for (const { messages } of partitions) {
      size += 4 + 4 + RECORD_BATCH_OVERHEAD;
      for (let i = 0; i < messages.length; i++, slot += 3) size += measureRecord(messages[i]!, i, slot);
    }
  }

  const buf = Buffer.allocUnsafe(size);
  let o = writeNullableString(buf, 0, transactionalId);
  o = buf.writeInt16BE(fields.acks, o);
  o = buf.writeInt32BE(fields.timeout, o);
  o = buf.writeInt32BE(fields.topicData.length, o);
  const attributes = transactionalId === null ? 0 : TRANSACTIONAL_ATTRIBUTE;
  const producerId = toBigInt(fields.producerId ?? -1);
  const timestamp = BigInt(now);
  slot = 0;
  for (const { topic, partitions } of fields.topicData) {
    o = writeNullableString(buf, o, topic);
    o = buf.writeInt32BE(partitions.length, o);
    for (const { partition, firstSequence, messages } of partitions) {
      o = buf.writeInt32BE(partition, o);
      const sizeAt = o;
      o += 4;
      const batchStart = o;
      o = buf.writeBigInt64BE(0n, o); // first offset: the broker assigns it
      o += 4; // batch length, written below
      o = buf.writeInt32BE(0, o); // partition leader epoch
      o = buf.writeInt8(MAGIC, o);
      o += 4; // CRC, written below
      o = buf.writeInt16BE(attributes, o);
      o = buf.writeInt32BE(messages.length - 1, o); // last offset delta
      o = buf.writeBigInt64BE(timestamp, o); // first timestamp
      o = buf.writeBigInt64BE(timestamp, o); // max timestamp
      o = buf.writeBigInt64BE(producerId, o);
      o = buf.writeInt16BE(fields.producerEpoch ?? 0, o);
      o = buf.writeInt32BE(firstSequence ?? 0, o);
      o = buf.writeInt32BE(messages.length, o);
      const recordsStart = o;
      for (let i = 0; i < messages.length; i++, slot += 3) o = writeRecord(buf, o, messages[i]!, i, slot);
      batches?.push({ start: batchStart, recordsStart, end: o });
      buf.writeInt32BE(o - batchStart, sizeAt);
      buf.writeInt32BE(o - batchStart - BATCH_LENGTH_COUNTS_FROM, batchStart + BATCH_LENGTH_AT);
      buf.writeInt32BE(crc32cSigned(buf.subarray(batchStart + CRC_COVERED_FROM, o)), batchStart + CRC_AT);
    }
  }
  return buf;
}

/** Where one record batch is in a request body: its first byte, its records section, its end. */
export interface BatchSpan {
  readonly start: number;
  readonly recordsStart: number;
  readonly end: number;
}

/** Compresses one records section (a codec of kafkajs' table, or a test's). */
export type CompressRecords = (records: Buffer) => Promise<Buffer>;

/** The lowest three bits of a batch's attributes name its codec (Kafka's ids: 1 gzip … 4 zstd). */
const CODEC_MASK = 0x07;

/**
 * `body` (from {@link writeProduceRequest} with `batches`) with every batch's records section
 * compressed by `compress` and marked with `codec` in its attributes: what kafkajs writes for a
 * compressed request, where the records section of each batch (after the record count) is the
 * codec's output. The sizes before each batch, the batch length and the CRC-32C (which covers the
 * attributes and the compressed section) are rewritten; everything else is copied as written.
 * Batches are compressed one after the other, as kafkajs does.
 */
export async function compressProduceRequest(
  body: Buffer,
  batches: readonly BatchSpan[],
  codec: number,
  compress: CompressRecords,
): Promise<Buffer> {
  const sections: Buffer[] = [];
  let size = body.length;
  for (const { recordsStart, end } of batches) {
    const section = await compress(body.subarray(recordsStart, end));
    sections.push(section);
    size += section.length - (end - recordsStart);
  }
  const out = Buffer.allocUnsafe(size);
  let from = 0;
  let o = 0;
  for (let i = 0; i < batches.length; i++) {
    const { start, recordsStart, end } = batches[i]!;
    o += body.copy(out, o, from, recordsStart);
    const batchStart = start + (o - recordsStart);
    o += sections[i]!.copy(out, o);
    from = end;
    out.writeInt32BE(o - batchStart, batchStart - 4);
    out.writeInt32BE(o - batchStart - BATCH_LENGTH_COUNTS_FROM, batchStart + BATCH_LENGTH_AT);
    const attributesAt = batchStart + CRC_COVERED_FROM;
    out.writeInt16BE((out.readInt16BE(attributesAt) & ~CODEC_MASK) | (codec & CODEC_MASK), attributesAt);
    out.writeInt32BE(crc32cSigned(out.subarray(attributesAt, o)), batchStart + CRC_AT);
  }
  body.copy(out, o, from);
  return out;
}

/** Bytes of record `offsetDelta`, its field sizes kept in `scratch[slot..slot+2]`. */
function measureRecord(record: OutgoingRecord, offsetDelta: number, slot: number): number {
  const keyBytes = byteLengthOf(record.key);
  const valueBytes = byteLengthOf(record.value);
  const headerBytes = headerBlockSize(record.headers);
  scratch[slot] = keyBytes;
  scratch[slot + 1] = valueBytes;
  scratch[slot + 2] = headerBytes;
  const body = bodySize(offsetDelta, keyBytes, valueBytes, headerBytes);
  return varIntSize(body) + body;
}

function bodySize(offsetDelta: number, keyBytes: number, valueBytes: number, headerBytes: number): number {
  // attributes (1) + timestamp delta 0 (1) + offset delta + key + value + headers
  return 2 + varIntSize(offsetDelta) + bytesFieldSize(keyBytes) + bytesFieldSize(valueBytes) + headerBytes;
}

function writeRecord(buf: Buffer, o: number, record: OutgoingRecord, offsetDelta: number, slot: number): number {
  const keyBytes = scratch[slot]!;
  const valueBytes = scratch[slot + 1]!;
  o = writeVarInt(buf, o, bodySize(offsetDelta, keyBytes, valueBytes, scratch[slot + 2]!));
  buf[o++] = 0; // attributes
  buf[o++] = 0; // timestamp delta
  o = writeVarInt(buf, o, offsetDelta);
  o = writeBytesField(buf, o, record.key, keyBytes);
  o = writeBytesField(buf, o, record.value, valueBytes);
  const cached = encodedHeaderBlock(record.headers);
  if (cached) {
    buf.set(cached, o);
    return o + cached.length;
  }
  return writeHeaderBlock(buf, o, record.headers);
}

/** Size of a record's header block: the count, then each key and value (a repeated key once per value). */
function headerBlockSize(headers: RecordHeaders): number {
  const cached = encodedHeaderBlock(headers);
  if (cached) return cached.length;
  let count = 0;
  let size = 0;
  for (const key of Object.keys(headers)) {
    const entry = headers[key];
    const keyField = stringFieldSize(key);
    if (Array.isArray(entry)) {
      for (const value of entry) size += keyField + bytesFieldSize(byteLengthOf(value));
      count += entry.length;
    } else {
      size += keyField + bytesFieldSize(byteLengthOf(entry));
      count++;
    }
  }
  size += varIntSize(count);
  if (Object.isFrozen(headers)) {
    const block = Buffer.allocUnsafe(size);
    writeHeaderBlock(block, 0, headers);
    encodedHeaderBlocks.set(headers, block);
  }
  return size;
}

function writeHeaderBlock(buf: Buffer, o: number, headers: RecordHeaders): number {
  const keys = Object.keys(headers);
  let count = 0;
  for (const key of keys) {
    const entry = headers[key];
    count += Array.isArray(entry) ? entry.length : 1;
  }
  o = writeVarInt(buf, o, count);
  for (const key of keys) {
    const entry = headers[key];
    const keyBytes = Buffer.byteLength(key, 'utf8');
    for (const value of Array.isArray(entry) ? entry : [entry]) {
      o = writeVarInt(buf, o, keyBytes);
      o += buf.write(key, o, keyBytes, 'utf8');
      o = writeBytesField(buf, o, value, byteLengthOf(value));
    }
  }
  return o;
}

/** Bytes of a key, value or header value; -1 for none (null or undefined), Kafka's null marker. */
function byteLengthOf(data: RecordBytes): number {
  return data === undefined || data === null ? -1 : byteLength(data);
}

function stringFieldSize(text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  return varIntSize(bytes) + bytes;
}

function bytesFieldSize(bytes: number): number {
  return bytes < 0 ? 1 : varIntSize(bytes) + bytes;
}

function writeBytesField(buf: Buffer, o: number, data: RecordBytes, bytes: number): number {
  o = writeVarInt(buf, o, bytes);
  if (bytes <= 0) return o;
  if (typeof data === 'string') return o + buf.write(data, o, bytes, 'utf8');
  buf.set(data!, o);
  return o + bytes;
}

function writeNullableString(buf: Buffer, o: number, text: string | null): number {
  if (text === null) return buf.writeInt16BE(-1, o);
  const bytes = Buffer.byteLength(text, 'utf8');
  o = buf.writeInt16BE(bytes, o);
  return o + buf.write(text, o, bytes, 'utf8');
}

/** Size of a zigzag varint (Kafka's signed varint) of `value` (>= -1 here). */
function varIntSize(value: number): number {
  let zigzag = value < 0 ? -2 * value - 1 : 2 * value;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes++;
  }
  return bytes;
}

function writeVarInt(buf: Buffer, o: number, value: number): number {
  let zigzag = value < 0 ? -2 * value - 1 : 2 * value;
  while (zigzag >= 0x80) {
    buf[o++] = (zigzag & 0x7f) | 0x80;
    zigzag = Math.floor(zigzag / 0x80);
  }
  buf[o++] = zigzag;
  return o;
}

function toBigInt(value: Int64Like): bigint {
  if (typeof value === 'object') return BigInt.asIntN(64, value.value);
  return BigInt.asIntN(64, BigInt(value));
}
