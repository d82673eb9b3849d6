/** The kafkajs release whose Fetch response layout this file was written against (package.json pins it). */
export const KAFKAJS_FETCH_LAYOUT_VERSION = '2.2.4';

/** A partition a fetch failed on, as named by {@link fetchFailedPartitions}. */
export interface FailedFetchPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Where the failing partitions are kept on kafkajs' error (`Symbol.for`: two copies of this library agree). */
const FAILED_PARTITIONS = Symbol.for('nestjs-kafka-channels.fetch-failed-partitions');
/** Marks a patched Fetch definition, so it is wrapped once per process. */
const ATTRIBUTION = Symbol.for('nestjs-kafka-channels.kafkajs-fetch-attribution');

/** kafkajs' `Decoder` (`protocol/decoder.js`), the part used here. */
interface KafkaJsDecoder {
  offset: number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): unknown;
  readString(): string;
  readArray(reader: (decoder: KafkaJsDecoder) => unknown): unknown[];
  canReadBytes(length: number): boolean;
}

/** One versioned Fetch response codec. */
interface FetchResponseCodec {
  decode(raw: Buffer): Promise<FetchResponseData>;
  parse(data: FetchResponseData): Promise<unknown>;
}

interface FetchResponseData {
  readonly responses?: ReadonlyArray<{ topicName: string; partitions: ReadonlyArray<{ partition: number; errorCode: number }> }>;
}

type FetchFactory = (args: unknown) => { response: FetchResponseCodec; [key: string]: unknown };

interface FetchDefinition {
  protocol: (args: { version: number }) => FetchFactory | undefined;
  [ATTRIBUTION]?: true;
}

interface KafkaJsInternals {
  readonly definition: FetchDefinition;
  readonly Decoder: new (buffer: Buffer) => KafkaJsDecoder;
  readonly decodeMessages: (decoder: KafkaJsDecoder) => Promise<unknown>;
}

/** The Fetch versions whose layout {@link undecodablePartitions} walks (record batches, v4 to v11). */
const FIRST_WALKED_VERSION = 4;
const LAST_WALKED_VERSION = 11;

/** What {@link installKafkaJsFetchAttribution} did. */
export type FetchAttributionOutcome = 'installed' | 'already-installed' | 'unavailable';

/**
 * The partitions a kafkajs fetch error is about, when {@link installKafkaJsFetchAttribution}
 * could name them; `undefined` for any other error.
 */
export function fetchFailedPartitions(error: unknown): readonly FailedFetchPartition[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const named = (error as { [FAILED_PARTITIONS]?: readonly FailedFetchPartition[] })[FAILED_PARTITIONS];
  return named && named.length > 0 ? named : undefined;
}

/**
 * Makes kafkajs' fetch errors name the partitions they are about, so the consumer can stop just
 * those and keep fetching the others.
 *
 * Why: kafkajs 2.2.4 drops a whole Fetch response when one partition in it fails, and its error
 * does not say which one: a partition error code (e.g. TOPIC_AUTHORIZATION_FAILED) becomes a bare
 * `KafkaJSProtocolError` (`protocol/requests/fetch/v0/response.js` `parse`), and a batch it cannot
 * decode (a codec it lacks, a corrupt batch) throws from inside `decode` with no topic or partition.
 * The error then stops every fetcher of the member (`consumer/fetchManager.js`).
 *
 * How: kafkajs' broker looks up `requests.Fetch.protocol({ version })` for every fetch, so the
 * response codec it returns is wrapped (`kafkajs/src/protocol/requests/fetch/index.js`). When
 * `parse` throws, the partitions carrying the thrown error code are attached to the error; when
 * `decode` throws (versions 4 to 11), the response is walked again partition by partition with
 * kafkajs' own `decodeMessages`, and those that fail are attached. Nothing changes for a fetch that
 * succeeds, and the error itself (class, message, type) is kafkajs' own, so other kafkajs users in
 * the process see what they saw before.
 *
 * Tied to the layout of kafkajs {@link KAFKAJS_FETCH_LAYOUT_VERSION}: when a file it needs is
 * missing, nothing is patched and `'unavailable'` is returned (errors then name no partition and
 * the whole fetch loop backs off, as documented). Idempotent; never throws.
 */
export function installKafkaJsFetchAttribution(): FetchAttributionOutcome {
  const internals = loadInternals();
  if (!internals) return 'unavailable';
  const { definition } = internals;
  if (definition[ATTRIBUTION]) return 'already-installed';
  const original = definition.protocol;
  definition.protocol = (args) => {
    const factory = original(args);
    if (typeof factory !== 'function') return factory;
    const version = Number(args.version);
    return (fields) => {
      const built = factory(fields);
      return { ...built, response: attributed(built.response, version, internals) };
    };
  };
  definition[ATTRIBUTION] = true;
  return 'installed';
}

function attributed(codec: FetchResponseCodec, version: number, internals: KafkaJsInternals): FetchResponseCodec {
  return {
    decode: async (raw) => {
      try {
        return await codec.decode(raw);
      } catch (error) {
        const failed = await undecodablePartitions(raw, version, internals).catch(() => []);
        throw nameFailedPartitions(error, failed);
      }
    },
    parse: async (data) => {
      try {
        return await codec.parse(data);
      } catch (error) {
        throw nameFailedPartitions(error, partitionsWithErrorOf(data, error));
      }
    },
  };
}

function nameFailedPartitions(error: unknown, failed: readonly FailedFetchPartition[]): unknown {
  if (failed.length > 0 && typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, FAILED_PARTITIONS, { value: failed, enumerable: false, configurable: true });
  }
  return error;
}

/** The partitions whose error code is the one kafkajs threw (it throws the first failing partition's). */
function partitionsWithErrorOf(data: FetchResponseData, error: unknown): FailedFetchPartition[] {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number' || code === 0) return [];
  return (data.responses ?? []).flatMap(({ topicName, partitions }) =>
    partitions.filter((p) => p.errorCode === code).map((p) => ({ topic: topicName, partition: p.partition })),
  );
}

/**
 * Walks a Fetch response of `version` (4 to 11) and returns the partitions whose record set kafkajs'
 * `decodeMessages` cannot decode. Layout per partition: partition, error code, high watermark,
 * last stable offset, log start offset (v5+), aborted transactions, preferred read replica (v11+),
 * records; v7+ adds an error code and session id after the throttle time.
 */
export async function undecodablePartitions(raw: Buffer, version: number, internals = loadInternals()): Promise<FailedFetchPartition[]> {
  if (!internals || version < FIRST_WALKED_VERSION || version > LAST_WALKED_VERSION) return [];
  const { Decoder, decodeMessages } = internals;
  const decoder = new Decoder(raw);
  decoder.readInt32(); // throttle time
  if (version >= 7) {
    decoder.readInt16();
    decoder.readInt32();
  }
  const failed: FailedFetchPartition[] = [];
  const topicCount = decoder.readInt32();
  for (let t = 0; t < topicCount; t++) {
    const topic = decoder.readString();
    const partitionCount = decoder.readInt32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = decoder.readInt32();
      decoder.readInt16();
      decoder.readInt64();
      decoder.readInt64();
      if (version >= 5) decoder.readInt64();
      decoder.readArray((d) => [d.readInt64(), d.readInt64()]);
      if (version >= 11) decoder.readInt32();
      const start = decoder.offset;
      const size = decoder.readInt32();
      if (size > 0 && !decoder.canReadBytes(size)) return failed; // a truncated tail: kafkajs skips it too
      const end = decoder.offset + Math.max(0, size);
      try {
        await decodeMessages(new Decoder(raw.subarray(start, end)));
      } catch {
        failed.push({ topic, partition });
      }
      decoder.offset = end;
    }
  }
  return failed;
}

function loadInternals(): KafkaJsInternals | undefined {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- untyped deep kafkajs internals */
    const definition = require('kafkajs/src/protocol/requests/fetch/index.js') as FetchDefinition | undefined;
    const Decoder = require('kafkajs/src/protocol/decoder.js') as KafkaJsInternals['Decoder'] | undefined;
    const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as
      KafkaJsInternals['decodeMessages'] | undefined;
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (typeof definition?.protocol !== 'function' || typeof Decoder !== 'function' || typeof decodeMessages !== 'function')
      return undefined;
    return { definition, Decoder, decodeMessages };
  } catch {
    return undefined;
  }
}
