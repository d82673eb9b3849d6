import { ClientProxy, KafkaParser, type Deserializer, type ReadPacket, type Serializer, type WritePacket } from '@nestjs/microservices';
import { HandlerRegistrationError } from '../../core/errors.js';
import type { KafkaMessage } from '../../core/message.js';
import { pickConnection } from '../../core/request-reply/pick-connection.js';
import { defaultReplyTopic } from '../../core/request-reply/reply-headers.js';
import { RequestReplyClient } from '../../core/request-reply/request-reply-client.js';
import { NestKafkaLogger } from '../nest-kafka-logger.js';
import type { KafkaChannelsClientOptions } from './kafka-channels.options.js';
import { KafkaReplyRecordDeserializer } from './kafka-record.deserializers.js';
import { KafkaRecordSerializer } from './kafka-record.serializer.js';
import { toTopicRecord, toWireRecord } from './wire-record.js';

/** The built-in client's default reply group (`nestjs-group` + `-client`). */
export const DEFAULT_REPLY_GROUP = 'nestjs-group-client';

/**
 * A `@nestjs/microservices` client proxy on this module's producer and consumer group, wire-compatible
 * with the built-in `ClientKafka`: `emit(pattern, data)` writes an event to the topic `pattern`;
 * `send(pattern, data)` writes a request with a correlation id, the reply topic `<pattern>.reply`
 * and this instance's reply partition, and emits the replies. Call
 * {@link KafkaChannelsClient.subscribeToResponseOf} for every request pattern before `connect()`.
 * A request fails with `RequestTimeoutError` after `requestTimeoutMs`, with
 * `ReplyPartitionUnavailableError` when its reply partition moved to another instance, and with
 * the replier's error (as the built-in client delivers it) when the handler failed.
 */
export class KafkaChannelsClient extends ClientProxy {
  private readonly parser: KafkaParser;
  private readonly recordSerializer: Serializer<unknown, unknown>;
  private readonly replyDeserializer: Deserializer<unknown, unknown>;
  private readonly replyTopics: string[] = [];
  private client: RequestReplyClient | undefined;

  constructor(private readonly options: KafkaChannelsClientOptions) {
    super();
    this.parser = new KafkaParser({ keepBinary: options.parser?.keepBinary ?? false });
    this.recordSerializer = options.serializer ?? new KafkaRecordSerializer();
    this.replyDeserializer = options.deserializer ?? new KafkaReplyRecordDeserializer();
  }

  /** Makes this instance read the replies of `pattern` (its topic `<pattern>.reply`). Call it before `connect()`. */
  subscribeToResponseOf(pattern: unknown): void {
    if (this.client) {
      throw new HandlerRegistrationError(`subscribeToResponseOf(${String(pattern)}) after connect(): call it before the client connects`);
    }
    const replyTopic = defaultReplyTopic(this.normalizePattern(pattern as string));
    if (!this.replyTopics.includes(replyTopic)) this.replyTopics.push(replyTopic);
  }

  /**
   * Starts the producers and the reply consumer; resolves once this instance holds a partition of
   * every reply topic (`ReplyPartitionUnavailableError` after `requestTimeoutMs` otherwise).
   */
  async connect(): Promise<void> {
    this.client ??= new RequestReplyClient({
      ...pickConnection(this.options),
      logger: this.options.logger ?? new NestKafkaLogger(KafkaChannelsClient.name),
      replyGroupName: this.options.replyGroupName ?? DEFAULT_REPLY_GROUP,
      replyTopics: this.replyTopics,
      ...(this.options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
      ...(this.options.producer ? { producer: this.options.producer } : {}),
      ...(this.options.replyConsumer ? { replyConsumer: this.options.replyConsumer } : {}),
    });
    await this.client.connect();
  }

  /** Fails the requests still waiting, then closes the reply consumer and the producers. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  /** The framework-free request-reply client underneath (after `connect()`), for diagnostics; its type is internal. */
  unwrap<T>(): T {
    if (!this.client) throw new HandlerRegistrationError('KafkaChannelsClient.unwrap() before connect()');
    return this.client as T;
  }

  /** Not supported: the client has no events of its own. */
  override on(): never {
    throw new HandlerRegistrationError('KafkaChannelsClient.on() is not supported');
  }

  /** Serializes a `send()` and hands it to the request-reply client; replies and failures go to `callback`. */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern as string);
    const replyTopic = defaultReplyTopic(pattern);
    const client = this.client;
    if (!client) {
      callback({ err: new HandlerRegistrationError('send() before connect()') });
      return () => {};
    }
    let cancel: (() => void) | undefined;
    let cancelled = false;
    Promise.resolve(this.recordSerializer.serialize(packet.data as unknown, { pattern }))
      .then((serialized: unknown) => {
        if (cancelled) return;
        cancel = client.request(pattern, toTopicRecord(pattern, serialized), replyTopic, {
          onReply: (message) => this.deliver(message, callback),
          onError: (err) => callback({ err }),
        });
      })
      .catch((err: unknown) => callback({ err }));
    return () => {
      cancelled = true;
      cancel?.();
    };
  }

  /** Serializes an `emit()` and writes it to the topic named by its pattern; resolves on the broker's acknowledgement. */
  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const pattern = this.normalizePattern(packet.pattern as string);
    const client = this.client;
    if (!client) throw new HandlerRegistrationError('emit() before connect()');
    const serialized = await this.recordSerializer.serialize(packet.data as unknown, { pattern });
    await client.emit(pattern, toTopicRecord(pattern, serialized));
    return undefined as T;
  }

  /** Hands one reply to the caller; true when it was the last. */
  private deliver(message: KafkaMessage, callback: (packet: WritePacket) => void): boolean {
    const parsed: unknown = this.parser.parse(toWireRecord(message));
    const reply = this.replyDeserializer.deserialize(parsed) as { err?: unknown; response?: unknown; isDisposed?: boolean };
    if (reply.err !== undefined && reply.err !== null) {
      callback({ err: reply.err, isDisposed: true });
      return true;
    }
    callback({ response: reply.response, isDisposed: reply.isDisposed === true });
    return reply.isDisposed === true;
  }
}
