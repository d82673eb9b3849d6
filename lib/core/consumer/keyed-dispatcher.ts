import type { KafkaMessage } from '../message.js';
import type { DispatchGate, Dispatcher } from './dispatch.js';
import type { MessageInvoker } from './invoke-handler.js';
import type { PartitionTrack, OffsetTracker } from './offset-tracker.js';
import type { PartitionBatch } from './transport.js';
import { WorkerPool } from './worker-pool.js';

/** How records of a partition may overlap in a {@link KeyedDispatcher}. */
export type ConcurrentOrdering = 'key' | 'none';

/** Options of a {@link KeyedDispatcher}. */
export interface KeyedDispatcherOptions {
  readonly tracker: OffsetTracker;
  /**
   * The group's gate (closed by a stop or rebalance). Each batch's own gate is closed also while
   * its partition is paused: its records then wait, and the others go on.
   */
  readonly gate: DispatchGate;
  /** Runs one record's handler (error reporting and failure policies inside); resolves whether it may be committed. */
  readonly invoke: MessageInvoker;
  /** `'key'`: one record per key at a time, in offset order; `'none'`: any record any time. */
  readonly ordering: ConcurrentOrdering;
  /** Most handlers running at once; worker ids are 1..maxConcurrency. */
  readonly maxConcurrency: number;
  /** Most records accepted and not finished (running or waiting), all partitions together. */
  readonly maxBufferedRecords: number;
  /** Most bytes (key + value + a fixed overhead per record) accepted and not finished. */
  readonly maxBufferedBytes: number;
}

/** Bytes counted per record on top of its key and value (object, headers, bookkeeping). */
export const RECORD_OVERHEAD_BYTES = 512;

/** Records a key-ordered group may hold accepted and unfinished, per concurrent handler (and at least {@link MIN_BUFFERED_RECORDS}). */
export const BUFFERED_RECORDS_PER_WORKER = 64;
/** Floor of the record buffer, so a few hot keys do not starve the others at small concurrency. */
export const MIN_BUFFERED_RECORDS = 1_024;
/** Bytes a key-ordered group may hold accepted and unfinished. */
export const DEFAULT_MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** One accepted record. */
interface Entry {
  readonly message: KafkaMessage;
  /** Its partition's track when accepted: detached after a rebalance or restart. */
  readonly track: PartitionTrack;
  /** Records that must run after it (same key, same partition); absent in `'none'` mode. */
  readonly lane: Lane | undefined;
  readonly bytes: number;
  /** Its batch's gate: closed while its partition is paused (then it waits) or the group stops. */
  readonly gate: DispatchGate;
  running: boolean;
}

/** Waiting and running records of one key of one partition, in offset order; only the first may run. */
interface Lane {
  readonly id: string;
  readonly lanes: Map<string, Lane>;
  readonly entries: Entry[];
  head: number;
}

/** A FIFO over an array with a moving head (amortised O(1) shift). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/**
 * Per-key parallelism (`ordering: 'key'`) and unordered parallelism (`'none'`) beyond the
 * partition count. `dispatch` accepts a batch's records into a bounded buffer and returns once all
 * are accepted, so the transport fetches the partition's next batch while handlers still run;
 * when the buffer is full (records or bytes) it waits for handlers to finish, which pauses that
 * partition's fetching: memory stays flat on any backlog.
 *
 * - `'key'`: each (partition, key) is a lane; a lane's records run one after another in offset
 *   order, different lanes in parallel on up to `maxConcurrency` workers. Records without a key
 *   share one lane per partition (they keep partition order).
 * - `'none'`: every record is independent.
 *
 * Every accepted record is started in the partition's {@link PartitionTrack} in offset order and
 * finished when its handler settled, so a commit never passes an unfinished record. When the
 * gate closes (stop, rebalance) no further record starts; {@link flush} then drops the waiting
 * records (left unfinished, so nothing is committed past them; they are fetched again from the
 * committed position) and waits for the running handlers, so the hand-over commits finished work
 * before the member rejoins. Records of a track detached by a reset (new generation, restart)
 * are dropped instead of run.
 */
export class KeyedDispatcher implements Dispatcher {
  private readonly workers: WorkerPool;
  /** Ready to run: lane heads (or independent records), in the order they became ready. */
  private readonly ready = new Fifo<Entry>();
  /** Partition -> its lanes by key. Keyed by partition, not track, so a new generation's records queue behind the old run. */
  private readonly partitions = new Map<string, Map<string, Lane>>();
  private buffered = 0;
  private bufferedBytes = 0;
  private running = 0;
  /** Woken whenever a record finishes or the dispatcher is flushed. */
  private wakers: Array<() => void> = [];

  constructor(private readonly options: KeyedDispatcherOptions) {
    this.workers = new WorkerPool(options.maxConcurrency);
  }

  /** Records accepted and not finished (waiting or running). */
  get bufferedRecords(): number {
    return this.buffered;
  }

  /** Handlers running now. */
  get runningHandlers(): number {
    return this.running;
  }

  async dispatch(batch: PartitionBatch, gate: DispatchGate): Promise<void> {
    const track = this.options.tracker.partition(batch.topic, batch.partition);
    const lanes = this.options.ordering === 'key' ? this.lanesOf(batch.topic, batch.partition) : undefined;
    let lastAccepted: string | undefined;
    try {
      for (const message of batch.messages) {
        while (gate.shouldDispatch && this.isFull()) {
          this.pump(); // drops records left from a detached track, which would otherwise hold room
          if (this.isFull()) await this.nextChange();
        }
        if (!gate.shouldDispatch) return;
        track.start(message.offset);
        this.accept(message, track, lanes, gate);
        lastAccepted = message.offset;
      }
    } finally {
      // Not a commit: the source reads on after the accepted records (they are ours now).
      if (lastAccepted !== undefined) batch.resolveOffset(lastAccepted);
    }
  }

  /**
   * While the gate is open: waits until every accepted record finished. Once it closed: drops the
   * records not started and waits for the running ones.
   */
  async flush(): Promise<void> {
    // Only a stop or rebalance drops: records of a paused partition were resolved in the source,
    // so they must wait here for the resume (the source will not deliver them again).
    if (!this.options.gate.shouldDispatch) this.dropWaiting();
    this.wake(); // a dispatch waiting for room sees the closed gate
    while (this.buffered > 0) await this.nextChange();
  }

  /** Partitions were resumed: their waiting records may start. */
  resumed(): void {
    this.pump();
  }

  dispose(): void {}

  private lanesOf(topic: string, partition: number): Map<string, Lane> {
    const id = `${partition}:${topic}`;
    let lanes = this.partitions.get(id);
    if (!lanes) {
      lanes = new Map();
      this.partitions.set(id, lanes);
    }
    return lanes;
  }

  private isFull(): boolean {
    if (this.buffered === 0) return false; // one record always fits, however large
    return this.buffered >= this.options.maxBufferedRecords || this.bufferedBytes >= this.options.maxBufferedBytes;
  }

  private accept(message: KafkaMessage, track: PartitionTrack, lanes: Map<string, Lane> | undefined, gate: DispatchGate): void {
    const bytes = RECORD_OVERHEAD_BYTES + (message.value?.length ?? 0) + (message.key?.length ?? 0);
    this.buffered++;
    this.bufferedBytes += bytes;
    if (lanes === undefined) {
      this.ready.push({ message, track, lane: undefined, bytes, gate, running: false });
    } else {
      // Binary keys compared byte for byte: latin1 maps each byte to one character.
      const id = message.key === null ? '' : `k${message.key.toString('latin1')}`;
      let lane = lanes.get(id);
      const idle = lane === undefined;
      if (!lane) {
        lane = { id, lanes, entries: [], head: 0 };
        lanes.set(id, lane);
      }
      const entry: Entry = { message, track, lane, bytes, gate, running: false };
      lane.entries.push(entry);
      if (idle) this.ready.push(entry);
    }
    this.pump();
  }

  /** Starts ready records while workers are free and the group's gate is open; a paused partition's wait. */
  private pump(): void {
    const paused: Entry[] = [];
    while (this.ready.size > 0 && this.options.gate.shouldDispatch) {
      const workerId = this.workers.tryAcquire();
      if (workerId === undefined) break;
      const entry = this.ready.shift()!;
      if (entry.track.detached || !entry.gate.shouldDispatch) {
        this.workers.release(workerId);
        if (entry.track.detached) this.dropLane(entry);
        else paused.push(entry); // only lane heads are ready, so order per key is unchanged
        continue;
      }
      entry.running = true;
      this.running++;
      void this.runEntry(entry, workerId);
    }
    for (const entry of paused) this.ready.push(entry);
  }

  private async runEntry(entry: Entry, workerId: number): Promise<void> {
    let commit = false;
    try {
      commit = await this.options.invoke(entry.message, workerId, entry.gate);
    } catch {
      // The invoker reports its own errors and never rejects; if it did, do not commit the record.
    }
    this.running--;
    this.workers.release(workerId);
    entry.track.finish(entry.message.offset, commit);
    this.release(entry);
    const lane = entry.lane;
    if (lane !== undefined) {
      lane.head++;
      if (lane.head < lane.entries.length) this.ready.push(lane.entries[lane.head]!);
      else lane.lanes.delete(lane.id);
      if (lane.head >= 64 && lane.head * 2 >= lane.entries.length) {
        lane.entries.splice(0, lane.head);
        lane.head = 0;
      }
    }
    this.pump();
    this.wake();
  }

  /**
   * A record of a detached track: drops it and what waits behind it from the same track (never
   * started); records of a newer generation queued behind them stay and become ready.
   */
  private dropLane(entry: Entry): void {
    const lane = entry.lane;
    this.wake();
    if (lane === undefined) {
      this.release(entry);
      return;
    }
    while (lane.head < lane.entries.length && lane.entries[lane.head]!.track.detached) {
      this.release(lane.entries[lane.head]!);
      lane.head++;
    }
    if (lane.head < lane.entries.length) this.ready.push(lane.entries[lane.head]!);
    else lane.lanes.delete(lane.id);
  }

  /** Drops every record not started (left unfinished in its track: nothing is committed past it). */
  private dropWaiting(): void {
    for (let entry = this.ready.shift(); entry !== undefined; entry = this.ready.shift()) {
      if (entry.lane === undefined) this.release(entry);
    }
    this.ready.clear();
    for (const lanes of this.partitions.values()) {
      for (const lane of lanes.values()) {
        const first = lane.entries[lane.head];
        const keep = first?.running ? 1 : 0;
        for (let i = lane.head + keep; i < lane.entries.length; i++) this.release(lane.entries[i]!);
        lane.entries.length = lane.head + keep;
        if (keep === 0) lanes.delete(lane.id);
      }
    }
  }

  private release(entry: Entry): void {
    this.buffered--;
    this.bufferedBytes -= entry.bytes;
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => this.wakers.push(resolve));
  }

  private wake(): void {
    const wakers = this.wakers;
    if (wakers.length === 0) return;
    this.wakers = [];
    for (const wake of wakers) wake();
  }
}
