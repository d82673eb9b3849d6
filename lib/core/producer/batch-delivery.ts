import type { Message } from 'kafkajs';
import type { KafkaError } from '../errors.js';
import type { ItemFailures } from './send-batcher.js';
import {
  sendTopicBatch,
  type ProducerSink,
  type ResendEvent,
  type TopicBatchSettings,
  type TopicBatchTarget,
} from './topic-batch-sender.js';

const noop = (): void => {};

/** Options of a {@link BatchDelivery}. */
export interface BatchDeliveryOptions {
  readonly sink: ProducerSink;
  readonly settings: TopicBatchSettings;
  readonly emit: (error: KafkaError) => void;
  /** The broker accepted a request: the topic is allowed (clears an authorization refusal). */
  readonly onAccepted: () => void;
  /** Records whose partition went unacknowledged are about to be sent again (for a log line). */
  readonly onResend?: (event: ResendEvent) => void;
}

/**
 * Where the send queue's batches go: sends each one through the sink and handles its outcome.
 * Also owns the final disconnect, because a batch still in flight then must not leave a
 * connection behind.
 */
export class BatchDelivery {
  private disconnecting = false;
  private readonly target: TopicBatchTarget;

  constructor(private readonly options: BatchDeliveryOptions) {
    this.target = {
      sink: options.sink,
      settings: options.settings,
      emit: options.emit,
      onResend: options.onResend,
      // After the final disconnect a resend could only fail: the batch was given up already.
      stopped: () => this.disconnecting,
    };
  }

  /** Sends one batch; resolves with the records that still failed, rejects when all of it failed. */
  async send(messages: Message[]): Promise<ItemFailures | undefined> {
    try {
      const failures = await sendTopicBatch(this.target, messages);
      this.options.onAccepted();
      return failures;
    } finally {
      // A batch abandoned by a timed-out close() can outlive the disconnect, and kafkajs reconnects
      // to retry it: disconnect again so close() leaves no connection behind.
      if (this.disconnecting) this.options.sink.disconnect().catch(noop);
    }
  }

  /** Disconnects the sink for good: every batch that settles from now on disconnects it again. */
  disconnect(): Promise<void> {
    this.disconnecting = true;
    return this.options.sink.disconnect();
  }
}
