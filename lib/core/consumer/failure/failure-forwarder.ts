import type { Message } from 'kafkajs';
import type { ResolvedConsumerGroupConfig } from '../../config/consumer.js';
import { resolveProducerConfig, type ResolvedProducerConfig } from '../../config/producer.js';
import { FailureForwardError, KafkaOperationError, describeCause, type KafkaError, type LogData } from '../../errors.js';
import { Initialiser } from '../../initialiser.js';
import type { KafkaLogger } from '../../logger.js';
import { kafkaClientFor, kafkaJsProducerFor } from '../../producer/kafkajs-producer.js';
import { sendTopicBatch, type ProducerSink, type TopicBatchSettings } from '../../producer/topic-batch-sender.js';
import { scheduleBackgroundStart } from '../../background-start.js';
import { getRetryTime } from '../../retry.js';
import type { DispatchGate } from '../dispatch.js';
import type { FailureCounters } from './failure-stats.js';
import { waitWhileOpen } from './gate-wait.js';

/** Sends failed records to retry and dead-letter topics. */
export interface FailureForwarder {
  /**
   * Sends `record` to `topic` and resolves `true` once the broker acknowledged it. A failed send
   * is reported (`FailureForwardError`) and tried again on dp-kafka's `getRetryTime` schedule
   * while the gate is open; resolves `false` when the gate closed first (the caller then leaves
   * the original record uncommitted). Never rejects.
   */
  forward(topic: string, record: Message, gate: DispatchGate, logData: LogData): Promise<boolean>;
  /** Disconnects; sends still retrying give up. */
  close(): Promise<void>;
}

/** Options of a {@link SinkFailureForwarder}. */
export interface SinkFailureForwarderOptions {
  /** The producer connection (a kafkajs producer; the test kit's in-memory sink). */
  readonly sink: ProducerSink;
  /** Delivery and retry settings (a producer config resolved from the group's connection settings). */
  readonly settings: ResolvedProducerConfig;
  /** Whether a TCP probe precedes each connection attempt (not for in-memory sinks). */
  readonly probe: boolean;
  readonly stats: FailureCounters;
  readonly emit: (error: KafkaError) => void;
  readonly logger: KafkaLogger;
  readonly logData: () => LogData;
}

/**
 * The group's own producer for failed records: one connection for every target topic, built from
 * the group's connection settings, initialised in the background like the group, closed with it.
 * Each record goes alone through the producer's send path (`sendTopicBatch`: the ack of its
 * partition is checked, a missing one resent), with acks from every in-sync replica.
 */
export class SinkFailureForwarder implements FailureForwarder {
  private readonly initialiser: Initialiser;
  private closed = false;

  constructor(private readonly options: SinkFailureForwarderOptions) {
    const { settings } = options;
    this.initialiser = new Initialiser({
      connect: () => options.sink.connect(),
      probe: options.probe ? { brokers: settings.brokers, timeoutMs: settings.connectionTimeout } : undefined,
      onConnected: () => options.logger.debug('failure forwarder connected', options.logData()),
      onLateConnection: () => void options.sink.disconnect().catch(() => {}),
      minRetryPeriod: settings.minRetryPeriod,
      maxRetryPeriod: settings.maxRetryPeriod,
      onRetry: (error, attempt, nextDelayMs) =>
        options.logger.warn('error initialising the failure forwarder, will retry', {
          ...options.logData(),
          attempt,
          nextDelayMs,
          error: describeCause(error),
        }),
    });
    scheduleBackgroundStart(() => {
      if (!this.closed) this.initialiser.startBackground();
    });
  }

  async forward(topic: string, record: Message, gate: DispatchGate, logData: LogData): Promise<boolean> {
    const { settings, stats } = this.options;
    // The first attempt is made even while the gate is closed (a record failing during a stop
    // is still forwarded if the broker takes it); only the waits between attempts are cut short.
    for (let attempt = 1; ; attempt++) {
      if (this.closed) return false;
      try {
        await this.sendOnce(topic, record);
        return true;
      } catch (error) {
        stats.counts.forwardFailures++;
        const nextDelayMs = getRetryTime(attempt, settings.minRetryPeriod, settings.maxRetryPeriod);
        this.options.emit(new FailureForwardError(topic, { ...this.options.logData(), ...logData, attempt, nextDelayMs }, error));
        if (!(await waitWhileOpen(nextDelayMs, gate))) return false;
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.initialiser.cancel(new KafkaOperationError('the failure forwarder is closing', this.options.logData()));
    try {
      await this.options.sink.disconnect();
    } catch (error) {
      this.options.emit(new KafkaOperationError('error disconnecting the failure forwarder', this.options.logData(), error));
    }
  }

  private async sendOnce(topic: string, record: Message): Promise<void> {
    if (!this.initialiser.initialised) await this.initialiser.initialise();
    const settings: TopicBatchSettings = { ...this.options.settings, topic };
    // The outcome is reported once, by forward(); the sender's own report would repeat it.
    const failures = await sendTopicBatch({ sink: this.options.sink, settings, emit: () => {}, stopped: () => this.closed }, [record]);
    if (failures && failures.size > 0) {
      const failure = failures.get(0);
      throw failure instanceof Error ? failure : new KafkaOperationError(`record not acknowledged by ${topic}`, { topic }, failure);
    }
  }
}

/** A producer config for the forwarder: the group's connection settings, acks from every in-sync replica. */
export function forwarderProducerConfig(group: ResolvedConsumerGroupConfig): ResolvedProducerConfig {
  return resolveProducerConfig({
    brokers: [...group.brokers],
    clientId: group.clientId,
    ...(group.security ? { security: group.security } : {}),
    logger: group.logger,
    kafkaJsLogLevel: group.kafkaJsLogLevel,
    minRetryPeriod: group.minRetryPeriod,
    maxRetryPeriod: group.maxRetryPeriod,
    connectionTimeout: group.connectionTimeout,
    // Not used for sends (each names its target); a valid name keeps the producer config rules.
    topic: `${group.groupName.replace(/[^a-zA-Z0-9._-]/g, '_').slice(0, 200) || 'group'}.failure-forwarder`,
    acks: 'all',
    // forward() retries each record itself, for as long as the group runs, and a stop cuts its
    // waits short; a second retry layer inside each attempt would hold a stop for up to 30 s.
    deliveryTimeoutMs: 0,
  });
}

/** The kafkajs producer sink of a forwarder. */
export function kafkaJsForwarderSink(settings: ResolvedProducerConfig): ProducerSink {
  return kafkaJsProducerFor(kafkaClientFor(settings), settings);
}
