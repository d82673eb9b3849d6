import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { PendingRequests } from '../../../lib/core/request-reply/pending-requests.js';
import {
  ReplyPartitionUnavailableError,
  RequestClientClosedError,
  RequestTimeoutError,
} from '../../../lib/core/request-reply/request-reply-errors.js';
import type { KafkaError } from '../../../lib/core/errors.js';

interface Seen {
  replies: string[];
  errors: KafkaError[];
}

function listener(seen: Seen, lastWhen: (reply: string) => boolean = () => true) {
  return {
    onReply: (reply: string) => {
      seen.replies.push(reply);
      return lastWhen(reply);
    },
    onError: (error: KafkaError) => seen.errors.push(error),
  };
}

const target = { topic: 'sum', replyTopic: 'sum.reply', replyPartition: 1, timeoutMs: 1_000 };

test('a reply reaches only the request with its correlation id; unknown ids are dropped', () => {
  const pending = new PendingRequests<string>();
  const a: Seen = { replies: [], errors: [] };
  const b: Seen = { replies: [], errors: [] };
  pending.add('id-a', target, listener(a));
  pending.add('id-b', target, listener(b));
  assert.equal(pending.deliver('id-b', 'for b'), true);
  assert.equal(pending.deliver('someone-else', 'stray'), false);
  assert.deepEqual(a.replies, []);
  assert.deepEqual(b.replies, ['for b']);
  assert.equal(pending.deliver('id-b', 'again'), false, 'the last reply ended the request');
  assert.equal(pending.size, 1);
  pending.failAll();
});

test('a stream of replies ends on the one the listener calls last', () => {
  const pending = new PendingRequests<string>();
  const seen: Seen = { replies: [], errors: [] };
  pending.add(
    'id',
    target,
    listener(seen, (r) => r === 'end'),
  );
  pending.deliver('id', 'one');
  pending.deliver('id', 'two');
  pending.deliver('id', 'end');
  assert.equal(pending.deliver('id', 'late'), false);
  assert.deepEqual(seen.replies, ['one', 'two', 'end']);
});

test('a request without a reply fails with RequestTimeoutError after its time-out, once', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const pending = new PendingRequests<string>();
  const seen: Seen = { replies: [], errors: [] };
  pending.add('id', target, listener(seen));
  mock.timers.tick(999);
  assert.equal(seen.errors.length, 0);
  mock.timers.tick(1);
  assert.equal(seen.errors.length, 1);
  assert.ok(seen.errors[0] instanceof RequestTimeoutError);
  assert.match(seen.errors[0].message, /sum within 1000 ms/);
  assert.equal(pending.deliver('id', 'too late'), false);
  assert.equal(pending.size, 0);
});

test('cancel ends a request silently and clears its timer', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const pending = new PendingRequests<string>();
  const seen: Seen = { replies: [], errors: [] };
  const cancel = pending.add('id', target, listener(seen));
  cancel();
  mock.timers.tick(5_000);
  assert.deepEqual(seen, { replies: [], errors: [] });
});

test('after a rebalance, requests whose reply partition this instance lost fail; the others wait on', () => {
  const pending = new PendingRequests<string>();
  const kept: Seen = { replies: [], errors: [] };
  const lost: Seen = { replies: [], errors: [] };
  pending.add('kept', { ...target, replyPartition: 0 }, listener(kept));
  pending.add('lost', { ...target, replyPartition: 1 }, listener(lost));
  pending.failLostPartitions((topic, partition) => topic === 'sum.reply' && partition === 0);
  assert.equal(kept.errors.length, 0);
  assert.equal(lost.errors.length, 1);
  assert.ok(lost.errors[0] instanceof ReplyPartitionUnavailableError);
  assert.match(lost.errors[0].message, /partition 1 of reply topic sum\.reply moved/);
  assert.equal(pending.deliver('kept', 'ok'), true);
});

test('close fails every waiting request with RequestClientClosedError', () => {
  const pending = new PendingRequests<string>();
  const seen: Seen = { replies: [], errors: [] };
  pending.add('a', target, listener(seen));
  pending.add('b', target, listener(seen));
  pending.failAll();
  assert.equal(seen.errors.length, 2);
  assert.ok(seen.errors.every((e) => e instanceof RequestClientClosedError));
  assert.equal(pending.size, 0);
});
