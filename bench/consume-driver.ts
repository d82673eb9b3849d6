import { producePaced } from './paced-producer.js';
import { emitCaseResult, type CaseParams } from './protocol.js';
import { readSentAt, wallClockMs } from './payload.js';
import { peakRssMiB, round, RssSampler } from './rss.js';
import { LatencyRecorder, megabytesPerSecond, ratePerSecond } from './stats.js';

/**
 * Called by a consumer under test once per record it has handled. Returns a promise when the
 * handler is slow (memory case); the consumer must await it before the record counts as done.
 */
export type OnHandled = (value: Buffer | string | null) => Promise<void> | void;

/** A consumer under test. */
export interface ConsumerAdapter {
  /** Joins the group and starts consuming `params.topic` from the oldest offset. */
  start(onHandled: OnHandled): Promise<void>;
  /** Stops and disconnects. */
  close(): Promise<void>;
}

/** A gap between two handled records at least this long counts as a pause of the drain. */
const PAUSE_MS = 20;

/** Tracks handled records and wakes waiters when a count is reached or progress stalls. */
class Progress {
  handled = 0;
  firstAt = 0;
  lastAt = 0;
  /** CPU time of the process from the first handled record until the `cpuTarget`-th. */
  cpuMicros: number | undefined;
  /** Pauses between consecutive handled records while draining (up to `cpuTarget`). */
  readonly pauses = { count: 0, totalMs: 0, longestMs: 0 };
  private cpuAtFirst: NodeJS.CpuUsage | undefined;

  constructor(private readonly cpuTarget = 0) {}

  mark(): void {
    const now = performance.now();
    if (this.handled === 0) {
      this.firstAt = now;
      this.cpuAtFirst = process.cpuUsage();
    }
    const gap = now - this.lastAt;
    if (this.handled > 0 && this.handled < this.cpuTarget && gap >= PAUSE_MS) {
      this.pauses.count++;
      this.pauses.totalMs += gap;
      this.pauses.longestMs = Math.max(this.pauses.longestMs, gap);
    }
    this.lastAt = now;
    this.handled++;
    if (this.handled === this.cpuTarget) {
      const used = process.cpuUsage(this.cpuAtFirst);
      this.cpuMicros = used.user + used.system;
    }
  }

  /** Resolves when `target` records are handled; rejects when none is handled for `stallSeconds`. */
  async waitFor(target: number, stallSeconds: number): Promise<void> {
    let seen = this.handled;
    let since = performance.now();
    while (this.handled < target) {
      await new Promise((r) => setTimeout(r, 50));
      if (this.handled !== seen) {
        seen = this.handled;
        since = performance.now();
      } else if (performance.now() - since > stallSeconds * 1000) {
        throw new Error(`stalled: ${this.handled} of ${target} records handled, none in the last ${stallSeconds} s`);
      }
    }
  }
}

/**
 * Runs a throughput consume case: drains the pre-filled backlog of `params.messages` records
 * (rate measured from the first to the last handled record, so group join time is excluded, as
 * Kafka's consumer perf tool does), then a paced live phase that measures end-to-end latency
 * (record send time → handled).
 */
export async function runConsumeCase(params: CaseParams, adapter: ConsumerAdapter, notes: string[] = []): Promise<void> {
  const backlog = params.messages;
  const progress = new Progress(backlog);
  const latency = new LatencyRecorder();
  const handlerMs = params.handlerMs;
  const onRecord = (value: Buffer | string | null): void => {
    progress.mark();
    if (progress.handled > backlog) {
      const sentAt = readSentAt(value);
      if (sentAt !== undefined) latency.record(wallClockMs() - sentAt);
    }
  };
  // Only a slow handler returns a promise: the other cases' handlers stay synchronous, as measured before.
  await adapter.start(
    handlerMs > 0
      ? async (value) => {
          await new Promise((r) => setTimeout(r, handlerMs));
          onRecord(value);
        }
      : onRecord,
  );
  try {
    await progress.waitFor(backlog, params.stallSeconds);
    const seconds = (progress.lastAt - progress.firstAt) / 1000;
    // A slow handler cannot keep up with the live rate one record at a time: its cases measure the drain only.
    const live =
      handlerMs > 0
        ? 0
        : await producePaced(params.brokers, params.topic, params.recordBytes, params.live.ratePerSecond, params.live.seconds);
    await progress.waitFor(backlog + live, params.stallSeconds);
    const summary = latency.summary();
    if (handlerMs > 0) notes.push(`${handlerMs} ms per record; ordering ${params.ordering}, ${params.workers} workers; no live phase`);
    else notes.push(`latency from ${live} records sent at ${params.live.ratePerSecond}/s after the backlog drained`);
    const { count, totalMs, longestMs } = progress.pauses;
    notes.push(`pauses >= ${PAUSE_MS} ms while draining: ${count}, ${Math.round(totalMs)} ms in all, longest ${Math.round(longestMs)} ms`);
    if (progress.handled > backlog + live) notes.push(`${progress.handled - backlog - live} records handled twice`);
    emitCaseResult({
      name: params.name,
      messages: backlog,
      seconds: round(seconds, 3),
      msgPerSec: round(ratePerSecond(backlog, seconds), 0),
      mbPerSec: round(megabytesPerSecond(backlog, params.recordBytes, seconds), 2),
      ...(progress.cpuMicros === undefined ? {} : { cpuUsPerMsg: round(progress.cpuMicros / backlog, 2) }),
      ...(summary ? { latencyMs: { p50: round(summary.p50, 2), p99: round(summary.p99, 2), count: summary.count } } : {}),
      peakRssMiB: peakRssMiB(),
      notes,
    });
  } finally {
    await adapter.close();
  }
}

/**
 * Runs the memory case: a handler that takes `params.memory.handlerMs` per record against a
 * backlog far larger than it can drain; samples RSS every second for `params.memory.seconds` and
 * reports the growth from the first handled record to the peak. Bounded memory means fetching
 * pauses while the workers are busy instead of buffering the backlog.
 */
export async function runMemoryCase(params: CaseParams, adapter: ConsumerAdapter, notes: string[] = []): Promise<void> {
  const progress = new Progress();
  const sampler = new RssSampler(1000);
  const delay = params.memory.handlerMs;
  await adapter.start(async () => {
    await new Promise((r) => setTimeout(r, delay));
    progress.mark();
  });
  try {
    await progress.waitFor(1, params.stallSeconds);
    const base = sampler.sample();
    const measureFrom = progress.handled;
    await new Promise((r) => setTimeout(r, params.memory.seconds * 1000));
    sampler.stop();
    const after = sampler.series.filter((s) => s.t >= base.t);
    const peak = Math.max(...after.map((s) => s.rssMiB));
    const handled = progress.handled - measureFrom;
    notes.push(`${delay} ms per record, ${params.workers} workers, ${params.messages} record backlog, ${params.memory.seconds} s measured`);
    emitCaseResult({
      name: params.name,
      messages: handled,
      seconds: params.memory.seconds,
      msgPerSec: round(ratePerSecond(handled, params.memory.seconds), 0),
      mbPerSec: round(megabytesPerSecond(handled, params.recordBytes, params.memory.seconds), 2),
      peakRssMiB: peakRssMiB(),
      rss: sampler.series,
      rssGrowthMiB: round(peak - base.rssMiB, 1),
      notes,
    });
  } finally {
    await adapter.close();
  }
}

/** Runs the consume case `params.mode` asks for. */
export function runConsumer(params: CaseParams, adapter: ConsumerAdapter, notes: string[] = []): Promise<void> {
  return params.mode === 'memory' ? runMemoryCase(params, adapter, notes) : runConsumeCase(params, adapter, notes);
}
