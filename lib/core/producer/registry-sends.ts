import type { AvroSchema } from '../avro.js';
import { InvalidMessageError, KafkaError, describeCause } from '../errors.js';
import { WriterSchemas, type AvroRegistrySerializerOptions, type WriterSchema } from '../registry/writer-schemas.js';
import type { AvroSendOptions, SendOptions } from './record.js';

/** What {@link RegistrySends} needs from its producer. */
export interface RegistrySendsOptions {
  readonly topic: string;
  readonly serializer: AvroRegistrySerializerOptions;
  /** The producer's send queue: queues the record `encode()` makes, settles on its ack. */
  readonly submit: (encode: () => Buffer, options: SendOptions | undefined) => Promise<void>;
  /** Reports a send refused before it reached the queue (the producer's error stream) and rejects with it. */
  readonly fail: (error: KafkaError) => Promise<never>;
}

const noop = (): void => {};

type Writers = readonly [value: WriterSchema, key: WriterSchema | undefined];

/**
 * `send()` of a producer with a schema registry: the value (and, with `keySchema`, the key) in the
 * registry's framing. When every writer schema is known the record goes to the queue at once, as a
 * plain Avro send does (no promise of ours in between). Otherwise the registry is asked first, and
 * registry sends made meanwhile queue behind it, so records keep their send order.
 */
export class RegistrySends {
  private readonly writers: WriterSchemas;
  /** Registry sends waiting for the registry; while any waits, later ones wait behind them. */
  private waiting = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: RegistrySendsOptions) {
    this.writers = new WriterSchemas(options.serializer);
  }

  send(schema: AvroSchema, event: unknown, options: AvroSendOptions<AvroSchema | undefined> | undefined): Promise<void> {
    const { topic } = this.options;
    const keySchema = options?.keySchema;
    if (this.waiting === 0) {
      let value: WriterSchema | undefined;
      let key: WriterSchema | undefined;
      try {
        value = this.writers.now(topic, schema, 'value', options?.schemaId);
        key = keySchema === undefined ? undefined : this.writers.now(topic, keySchema, 'key', options?.keySchemaId);
      } catch (error) {
        return this.refuse(error);
      }
      if (value !== undefined && (keySchema === undefined || key !== undefined)) return this.submit([value, key], event, options);
    }
    return this.sendWhenKnown(schema, event, options);
  }

  private sendWhenKnown(schema: AvroSchema, event: unknown, options: AvroSendOptions<AvroSchema | undefined> | undefined): Promise<void> {
    const { topic } = this.options;
    const keySchema = options?.keySchema;
    // Both lookups start now; the record waits for them, then for the registry sends before it.
    const lookups = Promise.all([
      this.writers.load(topic, schema, 'value', options?.schemaId),
      keySchema === undefined ? Promise.resolve(undefined) : this.writers.load(topic, keySchema, 'key', options?.keySchemaId),
    ] as const);
    const before = this.tail;
    let done!: () => void;
    this.tail = new Promise((resolve) => (done = resolve));
    this.waiting++;
    const turn = async (): Promise<void> => {
      try {
        let writers: Writers | undefined;
        let failure: unknown;
        try {
          writers = await lookups;
        } catch (error) {
          failure = error;
        }
        await before;
        if (writers === undefined) return await this.refuse(failure);
        // Returned, not awaited: `finally` lets the next record go as soon as this one is queued.
        return this.submit(writers, event, options);
      } finally {
        this.waiting--;
        done();
      }
    };
    const sent = turn();
    sent.catch(noop); // like every send: leaving it unawaited never makes an unhandled rejection
    return sent;
  }

  private submit(writers: Writers, event: unknown, options: AvroSendOptions<AvroSchema | undefined> | undefined): Promise<void> {
    const [value, key] = writers;
    if (key === undefined) return this.options.submit(() => WriterSchemas.frame(value, event), options as SendOptions | undefined);
    let keyBytes: Buffer;
    try {
      keyBytes = WriterSchemas.frame(key, options?.key);
    } catch (error) {
      return this.refuse(error);
    }
    return this.options.submit(() => WriterSchemas.frame(value, event), { ...(options as SendOptions), key: keyBytes });
  }

  private refuse(error: unknown): Promise<never> {
    const refused = this.options.fail(
      error instanceof KafkaError ? error : new InvalidMessageError(this.options.topic, describeCause(error), error),
    );
    refused.catch(noop);
    return refused;
  }
}
