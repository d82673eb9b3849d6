import {
  CustomTransportStrategy,
  KafkaParser,
  KafkaRetriableException,
  Server,
  type Deserializer,
  type MessageHandler,
  type ReadPacket,
  type Serializer,
} from '@nestjs/microservices';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { KafkaConsumerGroup } from '../../core/consumer/kafka-consumer-group.js';
import { originalTopicOf } from '../../core/consumer/failure/retry-topics.js';
import { HandlerRegistrationError } from '../../core/errors.js';
import type { KafkaMessage } from '../../core/message.js';
import { pickConnection } from '../../core/request-reply/pick-connection.js';
import { ReplyPublisher, replyAddressOf, type ReplyAddress } from '../../core/request-reply/reply-publisher.js';
import { TopicProducers } from '../../core/request-reply/topic-producers.js';
import { NestKafkaLogger } from '../nest-kafka-logger.js';
import { KafkaChannelsContext, type KafkaChannelsRecord } from './kafka-channels.context.js';
import type { KafkaChannelsServerOptions } from './kafka-channels.options.js';
import { KafkaRequestRecordDeserializer } from './kafka-record.deserializers.js';
import { KafkaRecordSerializer } from './kafka-record.serializer.js';
import { toTopicRecord, toWireRecord } from './wire-record.js';

/** The error text the built-in transport replies with when no `@MessagePattern` matches (clients may compare it). */
export const NO_MESSAGE_HANDLER_REPLY = 'There is no matching message handler defined in the remote service.';

/** The wire form of a handler's error on the `kafka_nest-err` header: JSON for an object, else its text. */
function errorText(error: unknown): string {
  return typeof error === 'object' && error !== null ? JSON.stringify(error) : String(error);
}

/**
 * A `@nestjs/microservices` transport strategy that runs unchanged `@EventPattern` and
 * `@MessagePattern` controllers on this module's consumer group:
 * `app.connectMicroservice({ strategy: new KafkaChannelsServer({ brokers, group: { groupName } }) })`.
 *
 * Every string pattern is a topic of ONE consumer group (the module's {@link KafkaConsumerGroup}:
 * workers, ordering, commit after handling, failure policies, health, OpenTelemetry). Handlers go
 * through Nest's guards, interceptors, pipes and exception filters, as on the built-in transport.
 * A `@MessagePattern` handler's values are written to the requester's reply topic and partition with
 * the built-in transport's headers, and the record is committed only after its replies were
 * acknowledged. A thrown `KafkaRetriableException`, and any error of an `@EventPattern` handler,
 * goes to the group's failure policy (`group.onError`) instead of a reply.
 */
export class KafkaChannelsServer extends Server implements CustomTransportStrategy {
  /** Event handler errors reach the consumer group (its failure policy reports them), not Nest's logger. */
  override readonly propagatesEventHandlerErrors = true;
  private readonly parser: KafkaParser;
  private readonly recordSerializer: Serializer<unknown, unknown>;
  private readonly requestDeserializer: Deserializer<unknown, unknown>;
  private readonly producers: TopicProducers;
  private readonly replies: ReplyPublisher;
  private group: KafkaConsumerGroup | undefined;
  private readonly regExpPatterns: string[] = [];

  constructor(private readonly options: KafkaChannelsServerOptions) {
    super();
    const logger = options.logger ?? new NestKafkaLogger(KafkaChannelsServer.name);
    this.options = { ...options, logger };
    this.parser = new KafkaParser({ keepBinary: options.parser?.keepBinary ?? false });
    this.recordSerializer = options.serializer ?? new KafkaRecordSerializer();
    this.requestDeserializer = options.deserializer ?? new KafkaRequestRecordDeserializer();
    this.producers = new TopicProducers({ ...pickConnection(this.options), ...(options.producer ?? {}) });
    this.replies = new ReplyPublisher(this.producers);
  }

  /** The consumer group running the handlers (after `listen`): health, lag, pause, seek. */
  get consumerGroup(): KafkaConsumerGroup | undefined {
    return this.group;
  }

  /** Registers a handler (Nest calls this for every pattern); a RegExp pattern is refused when `listen()` runs. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (pattern instanceof RegExp) {
      this.regExpPatterns.push(String(pattern));
      return;
    }
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  /** Creates the consumer group over every registered pattern and starts it. */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      if (this.regExpPatterns.length > 0) {
        throw new HandlerRegistrationError(
          `RegExp patterns are not supported by KafkaChannelsServer yet: ${this.regExpPatterns.join(', ')}; name each topic`,
          { patterns: [...this.regExpPatterns] },
        );
      }
      const topics = [...this.messageHandlers.keys()];
      if (topics.length === 0) {
        this.logger.warn?.('KafkaChannelsServer: no @EventPattern or @MessagePattern handler was found; nothing to consume');
        callback();
        return;
      }
      const group = new KafkaConsumerGroup({ ...this.options.group, ...pickConnection(this.options), topic: topics });
      group.registerHandler((message) => this.handleRecord(message, group));
      this.group = group;
      await group.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Drains the group (handlers finish, offsets are committed), then closes the reply producers. */
  async close(): Promise<void> {
    await this.group?.close();
    await this.producers.close();
  }

  /** The consumer group (after `listen`) and the reply producers. */
  unwrap<T>(): T {
    return { consumerGroup: this.group, producers: this.producers.all() } as T;
  }

  /** Not supported: status changes are the consumer group's `onStateChange`. */
  on(): never {
    throw new HandlerRegistrationError('KafkaChannelsServer.on() is not supported; use consumerGroup.onStateChange()');
  }

  /** Like the built-in Kafka transport: awaits the handler and its stream, so failures reach the consumer group. */
  override async handleEvent(pattern: string, packet: ReadPacket, context: KafkaChannelsContext): Promise<void> {
    const handler = this.handlerOf(pattern);
    if (!handler) {
      this.logger.error(`There is no matching event handler defined in the remote service. Event pattern: ${pattern}`);
      return;
    }
    const result: unknown = await handler(packet.data, context);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  /**
   * The handler of a pattern. A topic name is the key Nest registered it under, so the map is read
   * first: Nest's `getHandlerByPattern` tries `JSON.parse` on every pattern, and the exception it
   * throws for a plain topic name cost about 40% of the strategy's CPU per record (bench profile).
   */
  private handlerOf(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? this.getHandlerByPattern(pattern);
  }

  private async handleRecord(message: KafkaMessage, group: KafkaConsumerGroup): Promise<void> {
    const record = this.parser.parse(toWireRecord(message)) as KafkaChannelsRecord;
    // A record read from a retry topic is dispatched to the pattern of the topic it was first read from.
    const packet = (await this.requestDeserializer.deserialize(record, { channel: originalTopicOf(message) })) as ReadPacket;
    const context = new KafkaChannelsContext(record, message, group);
    const handler = this.handlerOf(packet.pattern as string);
    const address = replyAddressOf((name) => message.getHeader(name));
    // No correlation id or reply topic: an event, whatever the handler (as the built-in transport decides).
    if (handler?.isEventHandler || !address) {
      await this.handleEvent(packet.pattern as string, packet, context);
      return;
    }
    if (!handler) {
      await this.replies.publish(address, { value: null }, { error: NO_MESSAGE_HANDLER_REPLY, last: true });
      return;
    }
    await this.answer(handler, packet, context, address);
  }

  /**
   * Runs a request handler and writes its values as replies, in order, the last one marked; an
   * error (after Nest's exception filters) becomes an error reply. Resolves once every reply was
   * acknowledged, so the request is committed after its answer is out.
   */
  private async answer(handler: MessageHandler, packet: ReadPacket, context: KafkaChannelsContext, address: ReplyAddress): Promise<void> {
    const stream: Observable<unknown> = this.transformToObservable(handler(packet.data, context));
    let sent = Promise.resolve();
    const enqueue = (send: () => Promise<void>): void => {
      sent = sent.then(send);
    };
    const reply = (value: unknown, last: boolean) => async (): Promise<void> => {
      const body = toTopicRecord(address.replyTopic, await this.recordSerializer.serialize(value));
      await this.replies.publish(address, body, { last });
    };
    await new Promise<void>((resolve, reject) => {
      let held: { readonly value: unknown } | undefined;
      let answered = false;
      stream.subscribe({
        next: (value) => {
          if (held) enqueue(reply(held.value, false));
          held = { value };
          answered = true;
        },
        error: (error: unknown) => {
          if (error instanceof KafkaRetriableException && !answered) {
            reject(error);
            return;
          }
          if (held) enqueue(reply(held.value, false));
          held = undefined;
          enqueue(() => this.replies.publish(address, { value: null }, { error: errorText(error), last: true }));
          sent.then(resolve, reject);
        },
        complete: () => {
          const last = held;
          held = undefined;
          enqueue(last ? reply(last.value, true) : () => this.replies.publish(address, { value: null }, { last: true }));
          sent.then(resolve, reject);
        },
      });
    });
  }
}
