import { emitCaseResult, type CaseParams } from './protocol.js';
import { makePayload, makeVariedPayloads } from './payload.js';
import { peakRssMiB, round } from './rss.js';
import { LatencyRecorder, megabytesPerSecond, ratePerSecond } from './stats.js';

/** A per-message API whose promise settles on ack; the driver awaits each call. */
export interface AckedSender {
  readonly kind: 'acked';
  send(value: Buffer): Promise<unknown>;
  close(): Promise<void>;
}

/** A per-message API whose promise nobody awaits; `close()` must flush what was queued. */
export interface FireAndForgetSender {
  readonly kind: 'fire-and-forget';
  send(value: Buffer): void;
  close(): Promise<void>;
}

/** A batch API: one call per many records. */
export interface BatchSender {
  readonly kind: 'batch';
  sendBatch(values: readonly Buffer[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Anything a produce case can drive. */
export type Sender = AckedSender | FireAndForgetSender | BatchSender;

/** Bytes of records per `sendBatch` call: 64 KiB measured fastest for kafkajs here (1 MiB and 256 KiB calls were slower). */
export const BATCH_CALL_BYTES = 64 * 1024;
/** `sendBatch` calls in flight at once. */
export const BATCH_CALLS_IN_FLIGHT = 4;
/** A fire-and-forget caller yields to the event loop this often, as a real service would. */
const FIRE_AND_FORGET_YIELD_EVERY = 1_000;

/**
 * Runs a produce case: sends `params.messages` records through `sender`, measures from the first
 * send to the last ack (or to the end of `close()` for fire-and-forget), and emits the result.
 * Every record shares one payload buffer, so RSS reflects the client, not the test data; compressed
 * cases cycle through {@link makeVariedPayloads} instead (1 MiB of distinct values).
 */
export async function runProduceCase(params: CaseParams, sender: Sender, notes: string[] = []): Promise<void> {
  const payloads = params.compression === 'none' ? [makePayload(params.recordBytes, 0)] : makeVariedPayloads(params.recordBytes, 0);
  const payloadOf = (i: number): Buffer => payloads[i % payloads.length]!;
  const latency = new LatencyRecorder(params.messages);
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  let ended: number;
  if (sender.kind === 'acked') {
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < params.messages) {
        const payload = payloadOf(next++);
        const t0 = performance.now();
        await sender.send(payload);
        latency.record(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(params.sendConcurrency, params.messages) }, caller));
    ended = performance.now();
    await sender.close();
    notes.push(`${params.sendConcurrency} concurrent callers, each awaiting its send`);
  } else if (sender.kind === 'fire-and-forget') {
    for (let i = 0; i < params.messages; i++) {
      sender.send(payloadOf(i));
      if ((i + 1) % FIRE_AND_FORGET_YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    }
    await sender.close();
    ended = performance.now();
    notes.push(`no promise awaited; timed to the end of close() (which flushes); caller yields every ${FIRE_AND_FORGET_YIELD_EVERY} sends`);
  } else {
    const perCall = Math.max(1, Math.floor(BATCH_CALL_BYTES / params.recordBytes));
    const batch = Array.from({ length: perCall }, (_, i) => payloadOf(i));
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next < params.messages) {
        const n = Math.min(perCall, params.messages - next);
        next += n;
        const t0 = performance.now();
        await sender.sendBatch(n === perCall ? batch : batch.slice(0, n));
        latency.recordMany(performance.now() - t0, n);
      }
    };
    await Promise.all(Array.from({ length: BATCH_CALLS_IN_FLIGHT }, caller));
    ended = performance.now();
    await sender.close();
    notes.push(`${perCall} records per sendBatch call, ${BATCH_CALLS_IN_FLIGHT} calls in flight`);
  }
  emitTimedResult(params, (ended - started) / 1000, process.cpuUsage(cpuAtStart), latency, notes);
}

/**
 * Reports a case that timed `params.messages` operations over `seconds`: rates, CPU per
 * operation (`cpu` is the process's usage over the interval) and the latency percentiles.
 */
export function emitTimedResult(
  params: CaseParams,
  seconds: number,
  cpu: NodeJS.CpuUsage,
  latency: LatencyRecorder,
  notes: string[],
): void {
  const summary = latency.summary();
  emitCaseResult({
    name: params.name,
    messages: params.messages,
    seconds: round(seconds, 3),
    msgPerSec: round(ratePerSecond(params.messages, seconds), 0),
    mbPerSec: round(megabytesPerSecond(params.messages, params.recordBytes, seconds), 2),
    cpuUsPerMsg: round((cpu.user + cpu.system) / params.messages, 2),
    ...(summary ? { latencyMs: { p50: round(summary.p50, 2), p99: round(summary.p99, 2), count: summary.count } } : {}),
    peakRssMiB: peakRssMiB(),
    notes,
  });
}
