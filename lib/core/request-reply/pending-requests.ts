import { ReplyPartitionUnavailableError, RequestClientClosedError, RequestTimeoutError } from './request-reply-errors.js';
import type { KafkaError } from '../errors.js';

/** What a waiting request is told: each reply, and at most one failure. */
export interface ReplyListener<R> {
  /** A reply arrived; return `true` when it was the last one (the request is then done). */
  onReply(reply: R): boolean;
  /** The request failed (time-out, reply partition lost, client closed); nothing follows. */
  onError(error: KafkaError): void;
}

interface Pending<R> {
  readonly listener: ReplyListener<R>;
  readonly topic: string;
  readonly replyTopic: string;
  readonly replyPartition: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * The requests of one client instance waiting for replies, by correlation id. A reply is handed
 * only to the request whose id it carries (ids are random UUIDs, one per request), so a reply can
 * never reach another caller; a reply nobody waits for (late, or meant for another instance) is
 * dropped. Each request ends exactly once: on its last reply, its time-out, the loss of its reply
 * partition, a cancel or the close.
 */
export class PendingRequests<R> {
  private readonly waiting = new Map<string, Pending<R>>();

  /** Requests still waiting. */
  get size(): number {
    return this.waiting.size;
  }

  /** Starts waiting for the replies of `correlationId`; returns the cancel function (ends it silently). */
  add(
    correlationId: string,
    target: { readonly topic: string; readonly replyTopic: string; readonly replyPartition: number; readonly timeoutMs: number },
    listener: ReplyListener<R>,
  ): () => void {
    const timer = setTimeout(
      () => this.fail(correlationId, new RequestTimeoutError(target.topic, correlationId, target.timeoutMs)),
      target.timeoutMs,
    );
    this.waiting.set(correlationId, {
      listener,
      topic: target.topic,
      replyTopic: target.replyTopic,
      replyPartition: target.replyPartition,
      timer,
    });
    return () => this.end(correlationId);
  }

  /** Hands a reply to its request; `false` when no request waits for this id. */
  deliver(correlationId: string, reply: R): boolean {
    const pending = this.waiting.get(correlationId);
    if (!pending) return false;
    let last = true;
    try {
      last = pending.listener.onReply(reply);
    } finally {
      if (last) this.end(correlationId);
    }
    return true;
  }

  /** Fails one request (no-op when it already ended). */
  fail(correlationId: string, error: KafkaError): void {
    const pending = this.waiting.get(correlationId);
    if (!pending) return;
    this.end(correlationId);
    pending.listener.onError(error);
  }

  /**
   * Fails the requests whose reply partition is no longer owned by this instance: their replies
   * now reach another member of the reply group, which drops them.
   */
  failLostPartitions(owned: (replyTopic: string, partition: number) => boolean): void {
    for (const [id, pending] of [...this.waiting]) {
      if (owned(pending.replyTopic, pending.replyPartition)) continue;
      this.fail(
        id,
        new ReplyPartitionUnavailableError(
          `partition ${pending.replyPartition} of reply topic ${pending.replyTopic} moved to another instance in a rebalance; ` +
            `the reply to the request on ${pending.topic} cannot reach this caller`,
          { topic: pending.topic, replyTopic: pending.replyTopic, replyPartition: pending.replyPartition, correlationId: id },
        ),
      );
    }
  }

  /** Fails every waiting request (the client is closing). */
  failAll(): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, new RequestClientClosedError('the request was still waiting for its reply'));
  }

  private end(correlationId: string): void {
    const pending = this.waiting.get(correlationId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.waiting.delete(correlationId);
  }
}
