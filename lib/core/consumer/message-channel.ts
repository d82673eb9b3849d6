import type { KafkaMessage } from '../message.js';
import { ChannelDelivery } from './channel-delivery.js';
import type { DispatchGate, Dispatcher } from './dispatch.js';
import type { OffsetTracker } from './offset-tracker.js';
import { ConsumerState } from './state.js';
import type { PartitionBatch } from './transport.js';

/** Options of a {@link MessageChannel}. */
export interface MessageChannelOptions {
  /** Most messages waiting for a reader: max(numWorkers, batchSize), as dp-kafka's Upstream buffer. */
  readonly capacity: number;
  readonly tracker: OffsetTracker;
  /** Commits every marked position now (the pipeline's commit scheduler); never rejects. */
  readonly flushCommits: () => Promise<void>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * dp-kafka's `Upstream` channel as a {@link Dispatcher}: instead of calling a handler it hands
 * messages to async iterators (`for await (const m of group.messages())`), over the same
 * pipeline, offset tracker and commit scheduler as the handler modes.
 *
 * - One message per partition is in flight until the app releases it; the partition batch (and
 *   so kafkajs' fetching of that partition) waits meanwhile: a slow reader pauses fetching.
 * - At most `capacity` messages wait for a reader.
 * - A stop or close ends every iterator: messages not yet taken are dropped (uncommitted, read
 *   again later), messages in the app's hands are waited for (the drain waits for their release).
 * - A rebalance drops the messages not yet taken; those taken are waited for.
 *
 * The same iterable may be read by several loops at once (like several goroutines reading
 * `Upstream`); each message goes to exactly one of them.
 */
export class MessageChannel implements Dispatcher, AsyncIterable<KafkaMessage> {
  private readonly queue: ChannelDelivery[] = [];
  private readonly waitingReaders: Array<(delivery: ChannelDelivery | undefined) => void> = [];
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly readers = new Set<ChannelReader>();
  /** Taken by a reader, not released yet. */
  private readonly outstanding = new Set<ChannelDelivery>();
  private closed = false;

  constructor(private readonly options: MessageChannelOptions) {}

  /** A new reader; it ends on stop, close or when its loop is left. */
  [Symbol.asyncIterator](): AsyncIterator<KafkaMessage, undefined> {
    const reader = new ChannelReader(this);
    if (this.closed) reader.end();
    else this.readers.add(reader);
    return reader;
  }

  /** Number of messages waiting for a reader. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Offers the batch's messages one at a time: each waits for room in the queue, then for a
   * reader to take and release it. Returns early when the gate closes or a message is dropped.
   */
  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    const track = this.options.tracker.partition(batch.topic, batch.partition);
    let lastReleased: string | undefined;
    try {
      for (const message of batch.messages) {
        while (gate.shouldDispatch && this.queue.length >= this.options.capacity) {
          await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        }
        if (!gate.shouldDispatch) return;
        track.start(message.offset);
        const delivery = new ChannelDelivery(message, track, this.options.flushCommits);
        this.offer(delivery);
        if (!(await delivery.settled)) return; // dropped unread: the partition is being given up
        lastReleased = message.offset;
      }
    } finally {
      // Not a commit: it only tells the source where this session reads on.
      if (lastReleased !== undefined) batch.resolveOffset(lastReleased);
    }
  }

  /** Drops messages no reader took yet (called when partitions are given up: stop, rebalance, close). */
  async flush(): Promise<void> {
    this.dropQueued();
  }

  /**
   * Ends every iterator for good and releases (unmarked) what the app still holds: called once
   * close is over, or gave up waiting, so no partition batch stays pending.
   */
  dispose(): void {
    this.end(true);
    for (const delivery of [...this.outstanding]) delivery.release();
  }

  /** Follows the group: a stop ends the current iterators, a close ends every one, now and later. */
  onGroupState(state: ConsumerState): void {
    if (state === ConsumerState.Stopping) this.end(false);
    else if (state === ConsumerState.Closing) this.end(true);
  }

  /** Next queued message for a reader, if any (it is then in the reader's hands). @internal */
  take(): ChannelDelivery | undefined {
    const delivery = this.queue.shift();
    if (delivery) {
      this.handOut(delivery);
      this.spaceWaiters.shift()?.();
    }
    return delivery;
  }

  /** Registers a reader waiting for the next message. @internal */
  wait(resolve: (delivery: ChannelDelivery | undefined) => void): void {
    this.waitingReaders.push(resolve);
  }

  /** Forgets a reader (its loop was left). @internal */
  remove(reader: ChannelReader, resolve: ((delivery: ChannelDelivery | undefined) => void) | undefined): void {
    this.readers.delete(reader);
    if (!resolve) return;
    const index = this.waitingReaders.indexOf(resolve);
    if (index >= 0) this.waitingReaders.splice(index, 1);
  }

  private offer(delivery: ChannelDelivery): void {
    const reader = this.waitingReaders.shift();
    if (reader) {
      this.handOut(delivery);
      reader(delivery);
    } else {
      this.queue.push(delivery);
    }
  }

  private handOut(delivery: ChannelDelivery): void {
    delivery.state = 'taken';
    this.outstanding.add(delivery);
    void delivery.settled.then(() => this.outstanding.delete(delivery));
  }

  private end(forGood: boolean): void {
    if (forGood) this.closed = true;
    for (const reader of [...this.readers]) reader.end();
    this.readers.clear();
    for (const resolve of this.waitingReaders.splice(0)) resolve(undefined);
    this.dropQueued();
  }

  private dropQueued(): void {
    for (const delivery of this.queue.splice(0)) delivery.drop();
    // Dispatchers waiting for room re-check the gate (and find it closed).
    for (const resolve of this.spaceWaiters.splice(0)) resolve();
  }
}

/**
 * One `for await` loop over a {@link MessageChannel}. Leaving the loop (break, return, throw)
 * releases the messages it handed out and the app did not release, unmarked: their partitions go
 * on, and unless a later message of the partition is marked they are read again after a restart.
 */
class ChannelReader implements AsyncIterator<KafkaMessage, undefined> {
  private done = false;
  private pending: ((delivery: ChannelDelivery | undefined) => void) | undefined;
  private readonly held = new Set<ChannelDelivery>();
  private readonly forget = (delivery: ChannelDelivery) => this.held.delete(delivery);

  constructor(private readonly channel: MessageChannel) {}

  next(): Promise<IteratorResult<KafkaMessage, undefined>> {
    if (this.done) return Promise.resolve(DONE);
    const ready = this.channel.take();
    if (ready) return Promise.resolve(this.hold(ready));
    return new Promise((resolve) => {
      const receive = (delivery: ChannelDelivery | undefined) => {
        if (this.pending === receive) this.pending = undefined;
        resolve(delivery ? this.hold(delivery) : DONE);
      };
      this.pending = receive;
      this.channel.wait(receive);
    });
  }

  async return(): Promise<IteratorResult<KafkaMessage, undefined>> {
    this.end();
    this.channel.remove(this, this.pending);
    const pending = this.pending;
    this.pending = undefined;
    pending?.(undefined);
    for (const delivery of [...this.held]) delivery.release();
    return DONE;
  }

  /** No further messages for this reader (messages it holds stay the app's to release). */
  end(): void {
    this.done = true;
  }

  private hold(delivery: ChannelDelivery): IteratorResult<KafkaMessage, undefined> {
    this.held.add(delivery);
    delivery.onRelease = this.forget;
    return { done: false, value: delivery.message };
  }
}
