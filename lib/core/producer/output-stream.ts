import { Writable } from 'node:stream';
import { InvalidMessageError, KafkaError, KafkaOperationError } from '../errors.js';
import type { SendOptions } from './record.js';

/** Default `highWaterMark` of {@link KafkaProducer.output}: records buffered, and records awaiting acks, before writes wait. */
export const DEFAULT_OUTPUT_HIGH_WATER_MARK = 16;

/** A record written to a producer's output stream with its own key, headers or partition. */
export interface OutputRecordObject extends SendOptions {
  /** The payload; a string is sent as UTF-8. */
  value: Buffer | Uint8Array | string;
}

/** What {@link KafkaProducer.output} accepts: raw bytes, a string (UTF-8), or a record object. */
export type OutputRecord = Buffer | Uint8Array | string | OutputRecordObject;

/** Options of {@link KafkaProducer.output}. */
export interface OutputStreamOptions {
  /**
   * Records the stream buffers before `write()` returns `false`; also the most records awaiting
   * the broker's acknowledgement before the stream stops taking more. A positive integer.
   * Default {@link DEFAULT_OUTPUT_HIGH_WATER_MARK}.
   */
  highWaterMark?: number;
}

/** The producer methods an output stream uses. */
export interface OutputTarget {
  readonly topic: string;
  /** The producer's error stream: bad records are reported there too, like those given to `send*()`. */
  readonly errors: { emit(error: KafkaError): void };
  /**
   * Queues one record; settles when the broker acknowledged it or it finally failed. The
   * producer's version waits for room when `maxQueuedBytes` is reached instead of failing with
   * `ProducerQueueFullError`: a stream slows down to the broker's pace, it never loses records.
   */
  sendBytes(value: Buffer | Uint8Array | string, options?: SendOptions): Promise<void>;
  /** Resolves once the producer reached the brokers; rejects if it was closed first. */
  waitUntilInitialised(): Promise<void>;
}

/**
 * dp-kafka's `Output` channel as a Node `Writable` in object mode. Each record goes through the
 * producer's `sendBytes`, so it joins the same batches as `send()` and keeps the write order
 * per key and partition.
 *
 * - Writes wait (buffered in the stream) until the producer is initialised, as the Go channel
 *   blocks until its forwarding loop runs.
 * - A write completes once its record is queued, unless `highWaterMark` records already await
 *   acknowledgement: then it completes when one of them is acknowledged. So memory stays bounded
 *   and `write()` returning `false` means "wait for 'drain'".
 * - `end()` (and so `stream.pipeline`) finishes only when every written record is acknowledged.
 * - A bad record or a failed send destroys the stream with that error (it is also on the
 *   producer's error stream; with no `'error'` listener the stream is destroyed without one, so
 *   the host process never crashes); records already queued are still sent, nothing after it.
 * - Closing the producer makes later writes fail with `ProducerClosedError`.
 */
export class ProducerOutputStream extends Writable {
  private readonly unacked = new Set<Promise<void>>();
  private failure: KafkaError | undefined;

  constructor(
    private readonly target: OutputTarget,
    highWaterMark: number,
  ) {
    super({ objectMode: true, highWaterMark });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    // Closed before initialised: writes then fail one by one (ProducerClosedError), so an idle
    // stream never emits an unsolicited 'error'.
    this.target.waitUntilInitialised().then(
      () => callback(),
      () => callback(),
    );
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failure) return callback();
    let sent: Promise<void>;
    try {
      const { value, options } = toSendArguments(this.target.topic, chunk);
      sent = this.target.sendBytes(value, options);
    } catch (error) {
      const failure = asKafkaError(this.target.topic, error);
      this.target.errors.emit(failure);
      this.fail(failure);
      return callback();
    }
    const tracked: Promise<void> = sent.then(
      () => void this.unacked.delete(tracked),
      (error: unknown) => {
        this.unacked.delete(tracked);
        this.fail(asKafkaError(this.target.topic, error));
      },
    );
    this.unacked.add(tracked);
    if (this.unacked.size < this.writableHighWaterMark) return callback();
    // Tracked sends never reject (failures are recorded by fail()), so neither do these.
    void Promise.race(this.unacked).then(() => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    void this.settleAll().then(() => callback(this.failure));
  }

  private async settleAll(): Promise<void> {
    while (this.unacked.size > 0) await Promise.all(this.unacked);
  }

  private fail(error: KafkaError): void {
    if (this.failure) return;
    this.failure = error;
    // Node crashes the process on an 'error' event nobody listens to (a bare write() with no
    // handler): then end quietly; the failure is on the producer's error stream either way.
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }
}

/** Checks a written chunk synchronously (so nothing after a bad record is sent) and splits it into `sendBytes` arguments. */
export function toSendArguments(topic: string, chunk: unknown): { value: Buffer | Uint8Array | string; options?: SendOptions } {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) return { value: chunk };
  if (chunk === null || typeof chunk !== 'object') {
    throw new InvalidMessageError(
      topic,
      `output stream accepts a Buffer, a string or { key, value, headers }, got ${chunk === null ? 'null' : typeof chunk}`,
    );
  }
  const { value, key, headers, partition } = chunk as Partial<OutputRecordObject>;
  const problems: string[] = [];
  if (!(typeof value === 'string' || value instanceof Uint8Array)) problems.push('value must be a Buffer, Uint8Array or string');
  if (key !== undefined && !(typeof key === 'string' || Buffer.isBuffer(key))) problems.push('key must be a string or Buffer');
  if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers)))
    problems.push('headers must be an object');
  if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0)) problems.push('partition must be an integer >= 0');
  if (problems.length > 0) throw new InvalidMessageError(topic, `output stream record: ${problems.join('; ')}`);
  const options: SendOptions = {};
  if (key !== undefined) options.key = key;
  if (headers !== undefined) options.headers = headers;
  if (partition !== undefined) options.partition = partition;
  return { value: value as Buffer | Uint8Array | string, options };
}

function asKafkaError(topic: string, error: unknown): KafkaError {
  return error instanceof KafkaError ? error : new KafkaOperationError('output stream failed', { topic }, error);
}
