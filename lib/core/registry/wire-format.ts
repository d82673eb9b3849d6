import { RegistryFramingError } from '../errors.js';

/** The first byte of every record in the Confluent wire format. */
export const REGISTRY_MAGIC_BYTE = 0;

/** Magic byte plus the 4-byte schema id. */
const HEADER_BYTES = 5;

/** A record split into its registry schema id and its body (Avro binary, no framing). */
export interface RegistryFrame {
  /** The id of the schema the body was written with. */
  readonly schemaId: number;
  /** The body, a view on the record's bytes (not a copy). */
  readonly body: Buffer;
}

/**
 * Frames a body in the Confluent wire format: magic byte `0`, the schema id as a big-endian
 * int32, then the body. Throws `RangeError` for an id that is not a non-negative int32.
 */
export function encodeRegistryFrame(schemaId: number, body: Buffer): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new RangeError(`schema id must be an integer from 0 to 2147483647, got ${schemaId}`);
  }
  const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  framed.writeUInt8(REGISTRY_MAGIC_BYTE, 0);
  framed.writeInt32BE(schemaId, 1);
  body.copy(framed, HEADER_BYTES);
  return framed;
}

/**
 * The schema id of a framed record, without allocating (the hot path of the consumer). Throws
 * {@link RegistryFramingError} like {@link decodeRegistryFrame}.
 */
export function registrySchemaId(bytes: Buffer | null | undefined): number {
  if (!bytes || bytes.length < HEADER_BYTES || bytes[0] !== REGISTRY_MAGIC_BYTE) decodeRegistryFrame(bytes); // throws the precise error
  return bytes!.readInt32BE(1);
}

/** Bytes of the framing header before the body. */
export const REGISTRY_HEADER_BYTES = HEADER_BYTES;

/**
 * Reads the Confluent framing of a record. Throws {@link RegistryFramingError} (not retryable) when
 * the record is shorter than the 5-byte header or does not start with the magic byte.
 */
export function decodeRegistryFrame(bytes: Buffer | null | undefined): RegistryFrame {
  if (!bytes || bytes.length < HEADER_BYTES) {
    throw new RegistryFramingError(`${bytes ? bytes.length : 0} byte(s), shorter than the 5-byte header`, {
      size: bytes ? bytes.length : 0,
    });
  }
  const magic = bytes.readUInt8(0);
  if (magic !== REGISTRY_MAGIC_BYTE) {
    throw new RegistryFramingError(`first byte is ${magic}, not the magic byte ${REGISTRY_MAGIC_BYTE}`, { firstByte: magic });
  }
  return { schemaId: bytes.readInt32BE(1), body: bytes.subarray(HEADER_BYTES) };
}
