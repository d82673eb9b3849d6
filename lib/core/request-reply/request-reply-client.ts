import { randomUUID } from 'node:crypto';
import type { ConnectionConfig } from '../config/connection.js';
import type { ConsumerGroupConfig } from '../config/consumer.js';
import type { ProducerConfig } from '../config/producer.js';
import { KafkaConsumerGroup } from '../consumer/kafka-consumer-group.js';
import type { AssignedPartitions } from '../consumer/partition-request.js';
import { ConsumerState } from '../consumer/state.js';
import { KafkaError, KafkaOperationError } from '../errors.js';
import type { KafkaMessage } from '../message.js';
import { outcomeWithin } from '../time-limit.js';
import { PendingRequests, type ReplyListener } from './pending-requests.js';
import { REPLY_HEADERS } from './reply-headers.js';
import { ReplyPartitionUnavailableError, RequestClientClosedError } from './request-reply-errors.js';
import { TopicProducers, type TopicRecord } from './topic-producers.js';
import { pickConnection } from './pick-connection.js';

/** Default time a request waits for its last reply. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Settings of a {@link RequestReplyClient}. */
export interface RequestReplyClientConfig extends ConnectionConfig {
  /** Consumer group of the reply consumer; every instance of one service shares it. */
  readonly replyGroupName: string;
  /** Topics replies are read from; each instance owns (at least) one partition of each. Empty: events only. */
  readonly replyTopics: readonly string[];
  /** How long a request waits for its last reply (default 30 s), and `connect()` for its reply partitions. */
  readonly requestTimeoutMs?: number;
  /** Producer settings (everything but the connection and the topic). */
  readonly producer?: Omit<ProducerConfig, 'topic' | keyof ConnectionConfig>;
  /** Reply consumer settings (everything but the connection, topics and group name). */
  readonly replyConsumer?: Omit<ConsumerGroupConfig, 'topic' | 'groupName' | keyof ConnectionConfig>;
}

/**
 * Request-reply over Kafka, framework-free, with the headers of `@nestjs/microservices`
 * ({@link REPLY_HEADERS}). Requests and events go out through one {@link KafkaProducer} per topic;
 * replies come in through one {@link KafkaConsumerGroup} over the reply topics. Each request names
 * the lowest partition of its reply topic that this instance holds, so the replier writes the reply
 * where this instance reads. When a rebalance takes that partition away, the requests waiting on it
 * fail at once with {@link ReplyPartitionUnavailableError}: the new owner drops replies it did not
 * ask for (correlation ids are per request), so no reply reaches another caller.
 */
export class RequestReplyClient {
  private readonly producers: TopicProducers;
  private readonly pending = new PendingRequests<KafkaMessage>();
  private readonly timeoutMs: number;
  private group: KafkaConsumerGroup | undefined;
  private owned = new Map<string, readonly number[]>();
  private assignmentChanged: (() => void) | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly config: RequestReplyClientConfig) {
    this.timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.producers = new TopicProducers({ ...pickConnection(config), ...(config.producer ?? {}) });
  }

  /** The reply consumer, once `connect()` created it (undefined when there are no reply topics). */
  get replyGroup(): KafkaConsumerGroup | undefined {
    return this.group;
  }

  /**
   * Starts the reply consumer and resolves once this instance holds a partition of every reply
   * topic and reads each from its end. Rejects with {@link ReplyPartitionUnavailableError} when that
   * takes longer than the request time-out (e.g. more instances than reply partitions). Repeated
   * calls share the first attempt; a failed attempt is forgotten so the next call tries again.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(new RequestClientClosedError('connect() after close()'));
    this.connecting ??= this.startReplies().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  /** The reply partition this instance names in requests for `replyTopic`: the lowest it holds. */
  replyPartition(replyTopic: string): number {
    if (!this.config.replyTopics.includes(replyTopic)) {
      throw new ReplyPartitionUnavailableError(
        `reply topic ${replyTopic} is not subscribed: list it before connecting (subscribeToResponseOf(pattern) on the Nest client)`,
        { replyTopic },
      );
    }
    const partitions = this.owned.get(replyTopic);
    if (!partitions || partitions.length === 0) {
      throw new ReplyPartitionUnavailableError(
        `this instance holds no partition of reply topic ${replyTopic} (not connected yet, or more instances in group ` +
          `${this.config.replyGroupName} than partitions of the topic)`,
        { replyTopic, replyGroup: this.config.replyGroupName },
      );
    }
    return partitions[0] as number;
  }

  /**
   * Sends a request to `topic` and hands its replies to `listener` until the last one. The record
   * gets the correlation id, reply topic and reply partition headers. Returns the cancel function
   * (stops waiting; replies that come later are dropped). Failures, including a refused send, go
   * to `listener.onError`; this method does not throw.
   */
  request(
    topic: string,
    record: TopicRecord,
    replyTopic: string,
    listener: ReplyListener<KafkaMessage>,
    timeoutMs = this.timeoutMs,
  ): () => void {
    if (this.closed) {
      listener.onError(new RequestClientClosedError(`request to ${topic} after close()`));
      return () => {};
    }
    let replyPartition: number;
    try {
      replyPartition = this.replyPartition(replyTopic);
    } catch (error) {
      listener.onError(error as KafkaError);
      return () => {};
    }
    const correlationId = randomUUID();
    const cancel = this.pending.add(correlationId, { topic, replyTopic, replyPartition, timeoutMs }, listener);
    const headers = {
      ...(record.headers ?? {}),
      [REPLY_HEADERS.correlationId]: correlationId,
      [REPLY_HEADERS.replyTopic]: replyTopic,
      [REPLY_HEADERS.replyPartition]: String(replyPartition),
    };
    this.producers.send(topic, { ...record, headers }).catch((error: unknown) => {
      this.pending.fail(
        correlationId,
        error instanceof KafkaError ? error : new KafkaOperationError(`request to ${topic} not sent`, { topic, correlationId }, error),
      );
    });
    return cancel;
  }

  /** Sends an event (no reply); settles on the broker's acknowledgement. */
  emit(topic: string, record: TopicRecord): Promise<void> {
    if (this.closed) return Promise.reject(new RequestClientClosedError(`event to ${topic} after close()`));
    return this.producers.send(topic, record);
  }

  /** Requests still waiting for a reply. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Fails the waiting requests, then closes the reply consumer and the producers. Idempotent; never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.failAll();
    await Promise.all([this.group?.close(), this.producers.close()]);
  }

  private async startReplies(): Promise<void> {
    const topics = [...new Set(this.config.replyTopics)];
    if (topics.length === 0) return;
    if (!this.group) {
      const group = new KafkaConsumerGroup({
        // Partitions never read before are read from their start, so a reply written between
        // the join and the first fetch is never skipped; connect() moves the first ones to the end.
        offset: 'oldest',
        ...(this.config.replyConsumer ?? {}),
        ...pickConnection(this.config),
        topic: topics,
        groupName: this.config.replyGroupName,
        onPartitionsAssigned: (partitions) => this.onAssigned(partitions),
      });
      group.registerHandler(async (message) => this.onReply(message));
      this.group = group;
    }
    const group = this.group;
    const assigned = new Promise<void>((resolve) => {
      const check = (): void => {
        if (topics.every((t) => (this.owned.get(t)?.length ?? 0) > 0)) {
          this.assignmentChanged = undefined;
          resolve();
        }
      };
      this.assignmentChanged = check;
      check();
    });
    await group.start();
    if ((await outcomeWithin(assigned, this.timeoutMs)) !== 'ok') {
      throw new ReplyPartitionUnavailableError(
        `no partition of every reply topic (${topics.join(', ')}) was assigned to this instance within ${this.timeoutMs} ms ` +
          `(group ${this.config.replyGroupName}: more instances than partitions, or the broker is unreachable)`,
        { replyTopics: topics, replyGroup: this.config.replyGroupName },
      );
    }
    await group.waitForState(ConsumerState.Consuming);
    // Replies written before this instance asked anything are of no use to it.
    await Promise.all(topics.map((topic) => group.seek({ topic, to: 'end' })));
  }

  private onAssigned(partitions: readonly AssignedPartitions[]): void {
    const owned = new Map<string, readonly number[]>();
    for (const { topic, partitions: numbers } of partitions)
      owned.set(
        topic,
        [...numbers].sort((a, b) => a - b),
      );
    this.owned = owned;
    this.pending.failLostPartitions((topic, partition) => owned.get(topic)?.includes(partition) === true);
    this.assignmentChanged?.();
  }

  private onReply(message: KafkaMessage): void {
    const correlationId = message.getHeader(REPLY_HEADERS.correlationId);
    if (correlationId === undefined) return;
    this.pending.deliver(correlationId, message);
  }
}
