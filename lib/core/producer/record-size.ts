/**
 * Client-side record size, the measure `maxMessageBytes` and `maxBatchBytes` use.
 *
 * kafkajs sends whatever it is given; Sarama (behind dp-kafka) refuses a record whose encoded
 * size passes `MaxMessageBytes`. This estimate is an upper bound of a v2 record's encoded size:
 * the bytes of key, value and every header key and value (strings as UTF-8), plus the largest
 * possible varint framing of the record ({@link RECORD_OVERHEAD_BYTES}) and of each header
 * ({@link HEADER_OVERHEAD_BYTES}). The record batch header is not counted: it is shared by all
 * the records of a batch.
 */

/** Largest framing of one record: length, attributes, timestamp and offset deltas, key and value lengths, header count. */
export const RECORD_OVERHEAD_BYTES = 36;

/** Largest framing of one header: key and value length varints. */
export const HEADER_OVERHEAD_BYTES = 10;

/** A record's key, value or header value as kafkajs accepts it. */
export type RecordBytes = Buffer | string | null | undefined;

/** Header values of one record; a key may repeat (array value). */
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** Upper bound of a record's encoded size in bytes; see the module comment for the rule. */
export function estimateRecordSize(value: RecordBytes, key: RecordBytes, headers: RecordHeaders | undefined): number {
  return RECORD_OVERHEAD_BYTES + byteLength(value) + byteLength(key) + (headers ? estimateHeadersSize(headers) : 0);
}

/** The headers' share of {@link estimateRecordSize}. */
export function estimateHeadersSize(headers: RecordHeaders): number {
  let size = 0;
  for (const name in headers) {
    const entry = headers[name];
    if (entry === undefined) continue;
    const nameBytes = Buffer.byteLength(name, 'utf8');
    for (const one of Array.isArray(entry) ? entry : [entry]) {
      size += HEADER_OVERHEAD_BYTES + nameBytes + byteLength(one);
    }
  }
  return size;
}

/** Bytes of a key, value or header value (strings as UTF-8); 0 for none. */
export function byteLength(data: RecordBytes): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
}
