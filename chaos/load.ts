/**
 * Paced, awaited sends through this module's `KafkaProducer` (the system under test): record `i`
 * is due at `start + i / rate`, `concurrency` loops each await one `send()` at a time, and every
 * send and acknowledgement is timed. Records are keyed (`key-<i mod 1000>`) and carry their id in
 * the `chaos-id` header and in a small JSON value.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import type { KafkaProducer } from '../lib/index.js';
import { ID_HEADER } from './cluster.js';

/** How to drive a producer. */
export interface LoadOptions {
  readonly producer: KafkaProducer;
  /** Most records to send; the load also ends on {@link ProducerLoad.stop}. */
  readonly records: number;
  /** Records per second (all loops together). */
  readonly ratePerSecond: number;
  /** Concurrent awaited senders. */
  readonly concurrency: number;
  /** First record id (several loads can share a topic with disjoint ids). */
  readonly firstId?: number;
  /** Sends record `id` (default: `sendJSON({ id }, { key, headers: { chaos-id } })`). */
  readonly send?: (producer: KafkaProducer, id: number) => Promise<void>;
}

/** Default record: keyed JSON with the id in a header. */
export function sendJsonRecord(producer: KafkaProducer, id: number): Promise<void> {
  return producer.sendJSON({ id, at: Date.now() }, { key: `key-${id % 1000}`, headers: { [ID_HEADER]: String(id) } });
}

/** A running load; `done` settles when every loop has finished. */
export class ProducerLoad {
  /** Ids given to `send()`. */
  readonly sent: number[] = [];
  /** When each id was given to `send()`. */
  readonly sentAt = new Map<number, number>();
  /** Ids whose `send()` resolved. */
  readonly acked = new Set<number>();
  /** Ack times (ms since epoch), in the order they arrived. */
  readonly ackTimes: number[] = [];
  /** Ids whose `send()` rejected, and the first few messages. */
  failed = 0;
  readonly failureMessages = new Map<string, number>();
  readonly startedAt = Date.now();
  readonly done: Promise<void>;
  private next = 0;
  private stopped = false;

  constructor(private readonly options: LoadOptions) {
    this.done = Promise.all(Array.from({ length: options.concurrency }, () => this.loop())).then(() => undefined);
  }

  /** Ends the load after the sends in flight settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** The last acknowledgement time, or the start when there was none. */
  get lastAckAt(): number {
    return this.ackTimes.at(-1) ?? this.startedAt;
  }

  private async loop(): Promise<void> {
    const { producer, records, ratePerSecond } = this.options;
    const send = this.options.send ?? sendJsonRecord;
    const firstId = this.options.firstId ?? 0;
    while (!this.stopped && this.next < records) {
      const i = this.next++;
      const wait = this.startedAt + (i * 1000) / ratePerSecond - Date.now();
      if (wait > 0) await sleep(wait);
      if (this.stopped) return;
      const id = firstId + i;
      this.sent.push(id);
      this.sentAt.set(id, Date.now());
      try {
        await send(producer, id);
        this.acked.add(id);
        this.ackTimes.push(Date.now());
      } catch (err) {
        this.failed++;
        const text = `${err instanceof Error ? err.name : 'Error'}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 160);
        this.failureMessages.set(text, (this.failureMessages.get(text) ?? 0) + 1);
      }
    }
  }
}

/** The longest interval between consecutive times within [from, to] (both ends count as times). */
export function longestGap(times: readonly number[], from: number, to: number): { ms: number; start: number; end: number } {
  const inRange = times.filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  const points = [from, ...inRange, to];
  let best = { ms: 0, start: from, end: from };
  for (let i = 1; i < points.length; i++) {
    const ms = points[i]! - points[i - 1]!;
    if (ms > best.ms) best = { ms, start: points[i - 1]!, end: points[i]! };
  }
  return best;
}

/** Failure messages as note lines: `3x ProducerSendError: ...`. */
export function countedLines(counts: ReadonlyMap<string, number>, limit = 5): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([text, n]) => `${n}x ${text}`);
}

const partitioner = Partitioners.DefaultPartitioner();

/** The partition of record `id` (its key, `key-<id mod 1000>`, through kafkajs' murmur2 partitioner). */
export function partitionOfId(topic: string, id: number, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));
  return partitioner({ topic, partitionMetadata, message: { key: `key-${id % 1000}`, value: null } });
}

/**
 * Acknowledged records missing from the topic, for the notes: how many per partition (keyed
 * records) and when they were sent relative to `faultAt`.
 */
export function describeMissing(
  topic: string,
  ids: readonly number[],
  partitions: number,
  sentAt: ReadonlyMap<number, number>,
  faultAt: number | undefined,
): string {
  const byPartition = new Map<number, number>();
  for (const id of ids) {
    const p = partitionOfId(topic, id, partitions);
    byPartition.set(p, (byPartition.get(p) ?? 0) + 1);
  }
  const times = ids.map((id) => sentAt.get(id)).filter((t): t is number => t !== undefined);
  const when =
    faultAt === undefined || times.length === 0
      ? ''
      : `, sent ${((Math.min(...times) - faultAt) / 1000).toFixed(2)} s to ${((Math.max(...times) - faultAt) / 1000).toFixed(2)} s after the fault`;
  return `${ids.length} acknowledged records not in the topic: by partition ${[...byPartition.entries()].map(([p, n]) => `p${p}: ${n}`).join(', ')}${when}; ids ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ', ...' : ''}`;
}
