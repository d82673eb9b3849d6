import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DispatchGate } from '../../../lib/core/consumer/dispatch.js';
import type { MessageInvoker } from '../../../lib/core/consumer/invoke-handler.js';
import { KeyedDispatcher, type ConcurrentOrdering } from '../../../lib/core/consumer/keyed-dispatcher.js';
import { OffsetTracker } from '../../../lib/core/consumer/offset-tracker.js';
import type { PartitionBatch } from '../../../lib/core/consumer/transport.js';
import { KafkaMessage } from '../../../lib/core/message.js';
import { waitUntil } from '../../../lib/testing/wait-until.js';

interface Rec {
  readonly offset: number;
  readonly key: string | null;
  readonly bytes?: number;
}

function batchOf(partition: number, records: readonly Rec[], resolved: string[] = [], topic = 't'): PartitionBatch {
  return {
    topic,
    partition,
    messages: records.map(
      (r) =>
        new KafkaMessage({
          topic,
          partition,
          offset: String(r.offset),
          value: Buffer.alloc(r.bytes ?? 1),
          key: r.key === null ? null : Buffer.from(r.key),
        }),
    ),
    resolveOffset: (offset) => void resolved.push(offset),
    heartbeat: async () => true,
  };
}

/** A run whose calls are held until the test releases them, one by one or all. */
class HeldRuns {
  readonly started: KafkaMessage[] = [];
  readonly workerIds: number[] = [];
  running = 0;
  maxRunning = 0;
  private readonly waiting = new Map<string, (commit: boolean) => void>();

  readonly run: MessageInvoker = (message, workerId) => {
    this.started.push(message);
    this.workerIds.push(workerId);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<boolean>((resolve) =>
      this.waiting.set(`${message.partition}@${message.offset}`, (commit) => {
        this.running--;
        resolve(commit);
      }),
    );
  };

  finish(partition: number, offset: number, commit = true): void {
    const settle = this.waiting.get(`${partition}@${offset}`);
    assert.ok(settle, `record ${partition}@${offset} is not running`);
    this.waiting.delete(`${partition}@${offset}`);
    settle(commit);
  }

  finishAll(): void {
    for (const key of [...this.waiting.keys()]) {
      const [partition, offset] = key.split('@').map(Number) as [number, number];
      this.finish(partition, offset);
    }
  }

  startedOffsets(): number[] {
    return this.started.map((m) => Number(m.offset));
  }
}

function dispatcher(
  run: MessageInvoker,
  options: {
    ordering?: ConcurrentOrdering;
    maxConcurrency?: number;
    maxBufferedRecords?: number;
    maxBufferedBytes?: number;
    /** The group's gate (stop, rebalance). */
    gate?: DispatchGate;
  } = {},
) {
  const tracker = new OffsetTracker();
  const d = new KeyedDispatcher({
    tracker,
    gate: options.gate ?? { shouldDispatch: true },
    invoke: run,
    ordering: options.ordering ?? 'key',
    maxConcurrency: options.maxConcurrency ?? 4,
    maxBufferedRecords: options.maxBufferedRecords ?? 1000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1 << 30,
  });
  return { tracker, d };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Finishes every held run, and those that start after them, until nothing is buffered. */
async function finishEverything(runs: HeldRuns, d: KeyedDispatcher): Promise<void> {
  while (d.bufferedRecords > 0) {
    runs.finishAll();
    await tick();
  }
  await d.flush();
}

function pendingOffset(tracker: OffsetTracker, partition = 0): string | undefined {
  return tracker.takePending().find((p) => p.partition === partition)?.offset;
}

test('records of one key run one after another in offset order; different keys run in parallel', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run, { maxConcurrency: 8 });
  const resolved: string[] = [];
  const recs: Rec[] = [
    { offset: 0, key: 'a' },
    { offset: 1, key: 'b' },
    { offset: 2, key: 'a' },
    { offset: 3, key: 'c' },
    { offset: 4, key: 'b' },
  ];
  await d.dispatch(batchOf(0, recs, resolved), { shouldDispatch: true });
  // dispatch returned once everything was accepted: the source may fetch on.
  assert.deepEqual(resolved, ['4']);
  assert.deepEqual(runs.startedOffsets(), [0, 1, 3]); // a, b, c heads; 2 and 4 wait for their key
  runs.finish(0, 1);
  await tick();
  assert.deepEqual(runs.startedOffsets(), [0, 1, 3, 4]);
  runs.finish(0, 0);
  await tick();
  assert.deepEqual(runs.startedOffsets(), [0, 1, 3, 4, 2]);
  runs.finishAll();
  await d.flush();
  assert.equal(d.bufferedRecords, 0);
});

test('the commit never passes an unfinished record, however many later ones finished', async () => {
  const runs = new HeldRuns();
  const { d, tracker } = dispatcher(runs.run);
  await d.dispatch(
    batchOf(0, [
      { offset: 10, key: 'slow' },
      { offset: 11, key: 'x' },
      { offset: 12, key: 'y' },
    ]),
    { shouldDispatch: true },
  );
  runs.finish(0, 11);
  runs.finish(0, 12);
  await tick();
  assert.equal(pendingOffset(tracker), undefined, 'nothing committable while 10 runs');
  runs.finish(0, 10);
  await tick();
  assert.equal(pendingOffset(tracker), '13');
});

test('records without a key keep partition order among themselves', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run);
  await d.dispatch(
    batchOf(0, [
      { offset: 0, key: null },
      { offset: 1, key: null },
      { offset: 2, key: 'k' },
    ]),
    { shouldDispatch: true },
  );
  assert.deepEqual(runs.startedOffsets(), [0, 2]);
  runs.finish(0, 0);
  await tick();
  assert.deepEqual(runs.startedOffsets(), [0, 2, 1]);
  runs.finishAll();
  await d.flush();
});

test('the same key in two partitions is two lanes', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run);
  await d.dispatch(batchOf(0, [{ offset: 0, key: 'k' }]), { shouldDispatch: true });
  await d.dispatch(batchOf(1, [{ offset: 0, key: 'k' }]), { shouldDispatch: true });
  assert.equal(runs.running, 2);
  runs.finishAll();
  await d.flush();
});

test("ordering 'none' runs records of one key in parallel", async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run, { ordering: 'none' });
  await d.dispatch(
    batchOf(0, [
      { offset: 0, key: 'k' },
      { offset: 1, key: 'k' },
      { offset: 2, key: 'k' },
    ]),
    { shouldDispatch: true },
  );
  assert.equal(runs.running, 3);
  runs.finishAll();
  await d.flush();
});

test('at most maxConcurrency handlers run, with worker ids 1..maxConcurrency', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run, { maxConcurrency: 3 });
  const recs = Array.from({ length: 20 }, (_, i) => ({ offset: i, key: `k${i}` }));
  await d.dispatch(batchOf(0, recs), { shouldDispatch: true });
  assert.equal(runs.running, 3);
  while (runs.started.length < 20) {
    runs.finishAll();
    await tick();
    assert.ok(runs.running <= 3);
  }
  runs.finishAll();
  await d.flush();
  assert.equal(runs.maxRunning, 3);
  assert.deepEqual([...new Set(runs.workerIds)].sort(), [1, 2, 3]);
});

test('dispatch waits for room once maxBufferedRecords records are unfinished (fetching pauses)', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run, { maxConcurrency: 2, maxBufferedRecords: 5 });
  const resolved: string[] = [];
  const recs = Array.from({ length: 8 }, (_, i) => ({ offset: i, key: `k${i}` }));
  let returned = false;
  const dispatched = d.dispatch(batchOf(0, recs, resolved), { shouldDispatch: true }).then(() => (returned = true));
  await tick();
  assert.equal(d.bufferedRecords, 5);
  assert.equal(returned, false);
  runs.finish(0, 0);
  await tick();
  assert.equal(d.bufferedRecords, 5, 'one finished, one more accepted');
  assert.equal(returned, false);
  while (!returned) {
    runs.finishAll();
    await tick();
    assert.ok(d.bufferedRecords <= 5);
  }
  await dispatched;
  assert.deepEqual(resolved, ['7']);
  await finishEverything(runs, d);
});

test('dispatch waits for room once maxBufferedBytes are held; one record always fits', async () => {
  const runs = new HeldRuns();
  const { d } = dispatcher(runs.run, { maxConcurrency: 4, maxBufferedBytes: 10_000 });
  let returned = false;
  const recs = [0, 1, 2].map((offset) => ({ offset, key: `k${offset}`, bytes: 20_000 }));
  const dispatched = d.dispatch(batchOf(0, recs), { shouldDispatch: true }).then(() => (returned = true));
  await tick();
  assert.equal(d.bufferedRecords, 1, 'a record larger than the bound is still accepted alone');
  runs.finish(0, 0);
  await tick();
  assert.equal(d.bufferedRecords, 1);
  runs.finish(0, 1);
  await tick();
  runs.finish(0, 2);
  await dispatched;
  assert.equal(returned, true);
  await d.flush();
});

test('flush with the gate open waits until every accepted record finished', async () => {
  const runs = new HeldRuns();
  const { d, tracker } = dispatcher(runs.run);
  await d.dispatch(
    batchOf(0, [
      { offset: 0, key: 'a' },
      { offset: 1, key: 'a' },
    ]),
    { shouldDispatch: true },
  );
  let flushed = false;
  const flushing = d.flush().then(() => (flushed = true));
  runs.finish(0, 0);
  await tick();
  assert.equal(flushed, false);
  runs.finish(0, 1);
  await flushing;
  assert.equal(pendingOffset(tracker), '2');
});

test('once the gate closes nothing new starts; flush drops waiting records uncommitted and waits for running ones', async () => {
  const runs = new HeldRuns();
  const gate: { shouldDispatch: boolean } = { shouldDispatch: true };
  const { d, tracker } = dispatcher(runs.run, { maxConcurrency: 2, gate });
  const recs: Rec[] = [
    { offset: 0, key: 'a' },
    { offset: 1, key: 'b' },
    { offset: 2, key: 'a' },
    { offset: 3, key: 'c' },
    { offset: 4, key: 'd' },
  ];
  await d.dispatch(batchOf(0, recs), gate);
  assert.deepEqual(runs.startedOffsets(), [0, 1]);
  gate.shouldDispatch = false; // a rebalance began
  runs.finish(0, 1);
  await tick();
  assert.deepEqual(runs.startedOffsets(), [0, 1], 'a free worker starts nothing while the gate is closed');
  let flushed = false;
  const flushing = d.flush().then(() => (flushed = true));
  await tick();
  assert.equal(flushed, false, 'the hand-over waits for the running handler');
  runs.finish(0, 0);
  await flushing;
  assert.equal(d.bufferedRecords, 0);
  // 0 and 1 finished; 2 (dropped) was never finished, so the position stops there.
  assert.equal(pendingOffset(tracker), '2');
  assert.deepEqual(runs.startedOffsets(), [0, 1]);
});

test('a dispatch waiting for room returns when the gate closes and the dispatcher is flushed', async () => {
  const runs = new HeldRuns();
  const gate: { shouldDispatch: boolean } = { shouldDispatch: true };
  const { d } = dispatcher(runs.run, { maxConcurrency: 1, maxBufferedRecords: 2, gate });
  const resolved: string[] = [];
  const recs = Array.from({ length: 5 }, (_, i) => ({ offset: i, key: `k${i}` }));
  const dispatched = d.dispatch(batchOf(0, recs, resolved), gate);
  await tick();
  gate.shouldDispatch = false;
  const flushing = d.flush();
  await tick();
  runs.finish(0, 0);
  await Promise.all([dispatched, flushing]);
  assert.deepEqual(resolved, ['1'], 'the source reads on after the accepted records only');
});

test('records of a generation reset before they started are dropped, and newer records of the key run after the old run', async () => {
  const runs = new HeldRuns();
  const { d, tracker } = dispatcher(runs.run, { maxConcurrency: 1 });
  const gate: DispatchGate = { shouldDispatch: true };
  await d.dispatch(
    batchOf(0, [
      { offset: 0, key: 'a' },
      { offset: 1, key: 'a' },
      { offset: 2, key: 'b' },
    ]),
    gate,
  );
  tracker.reset(); // a new generation (e.g. a restart after a crash), without a hand-over
  await d.dispatch(batchOf(0, [{ offset: 1, key: 'a' }]), gate); // fetched again from the committed position
  assert.deepEqual(runs.startedOffsets(), [0]);
  runs.finish(0, 0);
  await waitUntil('the re-fetched record to start', () => runs.started.length === 2, 2_000);
  assert.deepEqual(runs.startedOffsets(), [0, 1], 'the stale 1 and 2 were dropped, the new 1 ran once');
  runs.finish(0, 1);
  await d.flush();
  assert.equal(d.bufferedRecords, 0);
  assert.equal(pendingOffset(tracker), '2');
});

test('property: random keys, durations and batches keep per-key offset order and commit exactly the contiguous prefix', async () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const handled: Array<{ key: string; offset: number }> = [];
  let running = 0;
  let maxRunning = 0;
  const run: MessageInvoker = async (message) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    for (let i = Math.floor(random() * 4); i > 0; i--) await tick();
    handled.push({ key: message.key!.toString(), offset: Number(message.offset) });
    running--;
    return true;
  };
  const { d, tracker } = dispatcher(run, { maxConcurrency: 8, maxBufferedRecords: 32 });
  const total = 2_000;
  let offset = 0;
  while (offset < total) {
    const size = 1 + Math.floor(random() * 50);
    const recs: Rec[] = [];
    for (let i = 0; i < size && offset < total; i++) recs.push({ offset: offset++, key: `k${Math.floor(random() * 20)}` });
    await d.dispatch(batchOf(0, recs), { shouldDispatch: true });
    assert.ok(d.bufferedRecords <= 32);
  }
  await d.flush();
  assert.equal(handled.length, total);
  assert.ok(maxRunning > 1 && maxRunning <= 8, `max running ${maxRunning}`);
  const lastByKey = new Map<string, number>();
  for (const h of handled) {
    assert.ok((lastByKey.get(h.key) ?? -1) < h.offset, `key ${h.key}: ${h.offset} after ${lastByKey.get(h.key)}`);
    lastByKey.set(h.key, h.offset);
  }
  assert.equal(pendingOffset(tracker), String(total));
});

test("a paused partition's records wait, the others go on, and they start on resume (flush keeps them)", async () => {
  const runs = new HeldRuns();
  const { d, tracker } = dispatcher(runs.run, { maxConcurrency: 2 });
  const partition0: { shouldDispatch: boolean } = { shouldDispatch: true };
  await d.dispatch(
    batchOf(0, [
      { offset: 0, key: 'a' },
      { offset: 1, key: 'b' },
      { offset: 2, key: 'c' },
    ]),
    partition0,
  );
  partition0.shouldDispatch = false; // partition 0 paused; the group goes on
  await d.dispatch(batchOf(1, [{ offset: 0, key: 'x' }]), { shouldDispatch: true });
  runs.finish(0, 0);
  runs.finish(0, 1);
  await tick();
  assert.deepEqual(
    runs.started.map((m) => `${m.partition}@${m.offset}`),
    ['0@0', '0@1', '1@0'],
    'partition 0 waits, partition 1 runs',
  );
  runs.finish(1, 0);
  await tick();
  assert.equal(d.bufferedRecords, 1, 'the paused record is kept: the source will not deliver it again');
  partition0.shouldDispatch = true;
  d.resumed();
  await waitUntil('the held record to start after the resume', () => runs.started.length === 4, 2_000);
  runs.finishAll();
  await d.flush();
  assert.equal(pendingOffset(tracker), '3');
});
