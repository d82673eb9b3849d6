import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from '../../../lib/core/consumer/message-channel.js';
import { OffsetTracker } from '../../../lib/core/consumer/offset-tracker.js';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import type { PartitionBatch } from '../../../lib/core/consumer/transport.js';
import { KafkaMessage } from '../../../lib/core/message.js';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Harness {
  channel: MessageChannel;
  tracker: OffsetTracker;
  gate: { shouldDispatch: boolean };
  commits: number;
}

function harness(capacity = 4): Harness {
  const tracker = new OffsetTracker();
  const h: Harness = {
    tracker,
    gate: { shouldDispatch: true },
    commits: 0,
    channel: new MessageChannel({ capacity, tracker, flushCommits: async () => void h.commits++ }),
  };
  return h;
}

function batch(partition: number, offsets: number[], topic = 't'): PartitionBatch & { resolved: string[] } {
  const resolved: string[] = [];
  return {
    topic,
    partition,
    resolved,
    messages: offsets.map((o) => new KafkaMessage({ topic, partition, offset: String(o), value: Buffer.from(`${partition}:${o}`) })),
    resolveOffset: (offset) => void resolved.push(offset),
    heartbeat: async () => true,
  };
}

function pending(tracker: OffsetTracker): string[] {
  return tracker.takePending().map((o) => `${o.partition}@${o.offset}`);
}

test('a partition hands out its next message only after the previous one is released', async () => {
  const h = harness();
  const b = batch(0, [0, 1]);
  const dispatched = h.channel.dispatch(b, h.gate);
  const it = h.channel[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.value?.offset, '0');
  await settle();
  assert.equal(h.channel.queued, 0, 'offset 1 waits for the release of offset 0');
  first.value!.release();
  const second = await it.next();
  assert.equal(second.value?.offset, '1');
  second.value!.release();
  await dispatched;
  assert.deepEqual(b.resolved, ['1']);
});

test('mark stores offset + 1 at once; release without mark stores nothing; marks never move back', async () => {
  const h = harness();
  const dispatched = h.channel.dispatch(batch(0, [5, 6, 7]), h.gate);
  const it = h.channel[Symbol.asyncIterator]();
  const m5 = (await it.next()).value!;
  m5.release(); // not marked
  assert.deepEqual(pending(h.tracker), []);
  const m6 = (await it.next()).value!;
  m6.mark();
  assert.deepEqual(pending(h.tracker), ['0@7'], 'marked before release: committable at once');
  m6.release();
  const m7 = (await it.next()).value!;
  m7.release();
  m6.mark(); // a second mark changes nothing
  m5.mark(); // marking an earlier message after a later one never moves the position back
  assert.deepEqual(pending(h.tracker), []);
  m7.mark(); // marking after release still counts
  assert.deepEqual(pending(h.tracker), ['0@8']);
  await dispatched;
});

test('commit marks and flushes; commitAndRelease also frees the partition', async () => {
  const h = harness();
  const dispatched = h.channel.dispatch(batch(2, [0, 1]), h.gate);
  const it = h.channel[Symbol.asyncIterator]();
  const m0 = (await it.next()).value!;
  await m0.commit();
  assert.equal(h.commits, 1);
  assert.deepEqual(pending(h.tracker), ['2@1']);
  await m0.commitAndRelease();
  const m1 = (await it.next()).value!;
  assert.equal(m1.offset, '1');
  await m1.commitAndRelease();
  await dispatched;
  assert.deepEqual(pending(h.tracker), ['2@2']);
});

test('at most `capacity` messages wait for a reader', async () => {
  const h = harness(2);
  const runs = [0, 1, 2, 3].map((p) => h.channel.dispatch(batch(p, [0]), h.gate));
  await settle();
  assert.equal(h.channel.queued, 2);
  const it = h.channel[Symbol.asyncIterator]();
  const taken = [];
  for (let i = 0; i < 4; i++) {
    const m = (await it.next()).value!;
    taken.push(m.partition);
    await settle();
    assert.ok(h.channel.queued <= 2);
    m.release();
  }
  await Promise.all(runs);
  assert.deepEqual([...taken].sort(), [0, 1, 2, 3]);
});

test('leaving the loop releases the messages it holds, unmarked, and consumption goes on for the next loop', async () => {
  const h = harness();
  const b = batch(0, [0, 1]);
  const dispatched = h.channel.dispatch(b, h.gate);
  for await (const m of h.channel) {
    assert.equal(m.offset, '0');
    break;
  }
  const seen: string[] = [];
  for await (const m of h.channel) {
    seen.push(m.offset);
    m.release();
    break;
  }
  await dispatched;
  assert.deepEqual(seen, ['1']);
  assert.deepEqual(pending(h.tracker), [], 'nothing was marked, so nothing is committable');
  assert.deepEqual(b.resolved, ['1']);
});

test('a stop ends waiting loops and drops unread messages; a message in hand is still waited for', async () => {
  const h = harness();
  const held = h.channel.dispatch(batch(0, [0, 1]), h.gate);
  const it = h.channel[Symbol.asyncIterator]();
  const inHand = (await it.next()).value!;
  const b1 = batch(1, [0]);
  const unread = h.channel.dispatch(b1, h.gate);
  await settle();
  assert.equal(h.channel.queued, 1);

  h.gate.shouldDispatch = false;
  h.channel.onGroupState(ConsumerState.Stopping);
  await unread;
  assert.deepEqual(b1.resolved, [], 'the unread message is not resolved: it is read again');
  assert.deepEqual(await it.next(), { done: true, value: undefined });

  let finished = false;
  void held.then(() => (finished = true));
  await settle();
  assert.equal(finished, false, 'the drain waits for the message in hand');
  inHand.mark();
  inHand.release();
  await held;
  assert.deepEqual(pending(h.tracker), ['0@1']);
});

test('a stop ends a waiting loop; after it a new loop reads again; after close every loop ends at once', async () => {
  const h = harness();
  const waiting = h.channel[Symbol.asyncIterator]().next();
  h.channel.onGroupState(ConsumerState.Stopping);
  assert.deepEqual(await waiting, { done: true, value: undefined });
  const dispatched = h.channel.dispatch(batch(0, [0]), h.gate);
  const m = (await h.channel[Symbol.asyncIterator]().next()).value!;
  assert.equal(m.offset, '0');
  m.release();
  await dispatched;
  h.channel.onGroupState(ConsumerState.Closing);
  assert.deepEqual(await h.channel[Symbol.asyncIterator]().next(), { done: true, value: undefined });
});

test('a rebalance drops unread messages (flush) and a message marked after it is never committed', async () => {
  const h = harness();
  const dispatched = h.channel.dispatch(batch(0, [0, 1]), h.gate);
  const it = h.channel[Symbol.asyncIterator]();
  const m0 = (await it.next()).value!;
  const other = h.channel.dispatch(batch(1, [0]), h.gate);
  await settle();
  h.gate.shouldDispatch = false;
  await h.channel.flush();
  await other;
  assert.equal(h.channel.queued, 0);
  h.tracker.reset(); // the new generation forgets the old positions
  m0.mark();
  m0.release();
  await dispatched;
  assert.deepEqual(pending(h.tracker), []);
});

test('dispose (close over or timed out) releases what the app still holds, unmarked, so no batch stays pending', async () => {
  const h = harness();
  const dispatched = h.channel.dispatch(batch(0, [0, 1]), h.gate);
  const held = (await h.channel[Symbol.asyncIterator]().next()).value!;
  h.gate.shouldDispatch = false;
  h.channel.dispose();
  await dispatched;
  assert.deepEqual(pending(h.tracker), []);
  held.release(); // late release by the app: harmless
});

test('messages handed to a handler have inert controls', async () => {
  const m = new KafkaMessage({ topic: 't', partition: 0, offset: '0', value: null });
  m.mark();
  m.release();
  await m.commitAndRelease();
  assert.equal(m.offset, '0');
});
