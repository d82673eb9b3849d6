import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

/**
 * Drives kafkajs' own OffsetManager (no broker) the way our consumer runs it (`autoCommit: false`),
 * so these tests fail when kafkajs changes what a seek does to the next fetch offset: the group
 * only hands kafkajs concrete offsets because of the second case.
 */

const require = createRequire(import.meta.url);
type Ctor = new (options: Record<string, unknown>) => Record<string, unknown>;
const OffsetManager = require('kafkajs/src/consumer/offsetManager/index.js') as Ctor;

function offsetManager(committed: string) {
  const offsets: Record<string, Record<number, string>> = {};
  const manager = new OffsetManager({
    cluster: { committedOffsets: () => offsets },
    coordinator: {},
    memberAssignment: { t: [0] },
    topicConfigurations: { t: { fromBeginning: true } },
    instrumentationEmitter: { emit: () => undefined },
    groupId: 'g',
    generationId: 1,
    memberId: 'm',
    autoCommit: false,
  });
  offsets.t = { 0: committed }; // as after kafkajs read the group's committed offsets (the constructor clears them)
  const seek = (offset: string) => (manager.seek as (o: unknown) => Promise<void>).call(manager, { topic: 't', partition: 0, offset });
  const nextOffset = () => String((manager.nextOffset as (t: string, p: number) => unknown).call(manager, 't', 0));
  return { seek, nextOffset };
}

test('with autoCommit off, a kafkajs seek to a concrete offset is the next fetch offset (what seek() relies on)', async () => {
  const { seek, nextOffset } = offsetManager('10');
  assert.equal(nextOffset(), '10');
  await seek('3');
  assert.equal(nextOffset(), '3', 'backwards');
  await seek('42');
  assert.equal(nextOffset(), '42', 'forwards');
});

test("with autoCommit off, kafkajs turns a seek to the special 'latest' (-1) or 'earliest' (-2) offset into offset 0 (why seek() resolves them first)", async () => {
  // seek() resolves offset - 1; -2 and -3 give a resolved position of -1 and -2, which
  // nextOffset() treats as invalid and replaces with 0: the log's first offset ever, not its
  // start (after retention) or its end. If this starts failing, kafkajs handles them now (re-check).
  for (const special of ['-1', '-2']) {
    const { seek, nextOffset } = offsetManager('10');
    await seek(special);
    assert.equal(nextOffset(), '0', `seek(${special})`);
  }
});
