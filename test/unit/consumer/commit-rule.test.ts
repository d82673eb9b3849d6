import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoNotCommitError, shouldCommit } from '../../../lib/core/consumer/commit-rule.js';
import { KafkaError } from '../../../lib/core/errors.js';

test('success and ordinary errors commit (dp-kafka rule)', () => {
  assert.equal(shouldCommit(undefined), true);
  assert.equal(shouldCommit(new Error('boom')), true);
  assert.equal(shouldCommit('a string'), true);
});

test('DoNotCommitError, commit:false and shouldCommit()=false do not commit', () => {
  const e = new DoNotCommitError();
  assert.ok(e instanceof KafkaError);
  assert.equal(e.name, 'DoNotCommitError');
  assert.equal(shouldCommit(e), false);
  assert.equal(shouldCommit(Object.assign(new Error('x'), { commit: false })), false);
  assert.equal(shouldCommit({ shouldCommit: () => false }), false);
  assert.equal(shouldCommit({ shouldCommit: () => true, commit: false }), true, 'the method wins');
});

test('the rule looks through the cause chain, nearest decision first', () => {
  assert.equal(shouldCommit(new Error('outer', { cause: new Error('mid', { cause: new DoNotCommitError() }) })), false);
  assert.equal(shouldCommit(Object.assign(new Error('outer', { cause: new DoNotCommitError() }), { commit: true })), true);
  const cyclic: { cause?: unknown } = {};
  cyclic.cause = cyclic;
  assert.equal(shouldCommit(cyclic), true, 'a cyclic chain ends');
});
