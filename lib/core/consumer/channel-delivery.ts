import { attachMessageControl, type KafkaMessage, type MessageControl } from '../message.js';
import type { PartitionTrack } from './offset-tracker.js';

/** Where a message handed out through the channel-style API is in its life. */
export type DeliveryState = 'queued' | 'taken' | 'released' | 'dropped';

/**
 * One message on its way through a {@link MessageChannel}: waiting for a reader, in the app's
 * hands, then released (or dropped unread when the partition is given up). It is the message's
 * {@link MessageControl}: marks go straight to the partition's offset track (the app decides what
 * is consumed, as with dp-kafka's `Mark`), and a release lets the dispatcher hand out the
 * partition's next message.
 */
export class ChannelDelivery implements MessageControl {
  state: DeliveryState = 'queued';
  /** Resolves `true` once released, `false` when dropped unread. */
  readonly settled: Promise<boolean>;
  /** Called when the app releases the message (the holding reader forgets it). */
  onRelease: ((delivery: ChannelDelivery) => void) | undefined;
  private marked = false;
  private settle!: (released: boolean) => void;

  /**
   * @param message - the message; its controls become this delivery
   * @param track - the partition's track at hand-out time: after a rebalance it is detached, so
   *   marks made through it are never committed (the partition may belong to another member)
   * @param flushCommits - commits every marked position now
   */
  constructor(
    readonly message: KafkaMessage,
    private readonly track: PartitionTrack,
    private readonly flushCommits: () => Promise<void>,
  ) {
    this.settled = new Promise<boolean>((resolve) => (this.settle = resolve));
    attachMessageControl(message, this);
  }

  /** Stores offset + 1 for the next commit (once; never moves the partition's position back). */
  mark(): void {
    if (this.marked) return;
    this.marked = true;
    this.track.mark(this.message.offset);
  }

  /** Marks, then commits every marked position now (never rejects: failures go to the error stream). */
  async commit(): Promise<void> {
    this.mark();
    await this.flushCommits();
  }

  /** Frees the partition for its next message; finishes the message in the tracker, committable only if marked. */
  release(): void {
    if (this.state === 'released' || this.state === 'dropped') return;
    this.state = 'released';
    // Unmarked: finished without a position of its own; a later mark of the partition moves past it.
    this.track.finish(this.message.offset, this.marked);
    this.onRelease?.(this);
    this.settle(true);
  }

  /** Gives the message up before any reader took it: not marked, not committed. */
  drop(): void {
    if (this.state !== 'queued') return;
    this.state = 'dropped';
    this.track.finish(this.message.offset, false);
    this.settle(false);
  }
}
