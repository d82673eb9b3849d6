import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConsumerGroupConfig, type ConsumerGroupConfig } from '../../../../lib/core/config/consumer.js';
import { backoffDelay } from '../../../../lib/core/consumer/failure/backoff.js';
import { notRetryableReason } from '../../../../lib/core/consumer/failure/classify.js';
import { checkHandlerOptions, COMMIT_POLICY, resolveFailurePolicy } from '../../../../lib/core/consumer/failure/failure-config.js';
import {
  AvroCodecError,
  HandlerTimeoutError,
  KafkaConfigError,
  MessageDecodeError,
  NonRetryableError,
} from '../../../../lib/core/errors.js';
import { createTestMessage } from '../../../../lib/testing/test-message.js';

const base = { brokers: ['localhost:9092'], topic: 'orders', groupName: 'billing' };

function problemsOf(action: () => unknown): Record<string, string> {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return Object.fromEntries(error.problems.map((p) => [p.field, p.problem]));
  }
  assert.fail('expected a KafkaConfigError');
}

describe('failure policy config', () => {
  it('defaults to commit (the fast path, no forwarder) and no time-out', () => {
    const config = resolveConsumerGroupConfig(base);
    assert.equal(config.failurePolicy, COMMIT_POLICY);
    assert.equal(config.failurePolicy.isPlainCommit, true);
    assert.equal(config.failurePolicy.forwards, false);
    assert.equal(config.handlerTimeoutMs, undefined);
  });

  it('applies the back-off defaults and works out whether records are forwarded', () => {
    const policy = resolveFailurePolicy({ retry: { attempts: 3 }, then: 'deadLetter' });
    assert.deepEqual(policy.retry, { attempts: 3, initialMs: 200, maxMs: 10_000, multiplier: 2, jitter: 0.2 });
    assert.equal(policy.forwards, true);
    assert.equal(policy.isPlainCommit, false);
    assert.equal(policy.batchFailure, 'whole');
    assert.equal(resolveFailurePolicy('deadLetter').then, 'deadLetter');
    assert.equal(resolveFailurePolicy('deadLetter').retry, undefined);
    assert.equal(resolveFailurePolicy({ retryTopics: [1000] }).forwards, true);
    assert.equal(resolveFailurePolicy({ retry: { attempts: 0 } }).isPlainCommit, true);
    assert.equal(resolveFailurePolicy('stop').forwards, false);
  });

  it('names every bad field of onError and handlerTimeoutMs at once', () => {
    const problems = problemsOf(() =>
      resolveConsumerGroupConfig({
        ...base,
        handlerTimeoutMs: 0,
        onError: {
          retry: { attempts: 1.5, initialMs: -1, maxMs: 0, multiplier: 0.5, jitter: 2, extra: 1 },
          retryTopics: [1000, 0, 1000],
          then: 'explode',
          deadLetterTopic: '',
          isRetryable: 'no',
          batchFailure: 'some',
          deadLetterTopik: 'x',
        },
      } as unknown as ConsumerGroupConfig),
    );
    assert.deepEqual(
      Object.keys(problems).sort(),
      [
        'handlerTimeoutMs',
        'onError.batchFailure',
        'onError.deadLetterTopic',
        'onError.isRetryable',
        'onError.deadLetterTopik',
        'onError.retry.attempts',
        'onError.retry.extra',
        'onError.retry.initialMs',
        'onError.retry.jitter',
        'onError.retry.maxMs',
        'onError.retry.multiplier',
        'onError.retryTopics',
        'onError.retryTopics[1]',
        'onError.then',
      ].sort(),
    );
    assert.match(problems['onError.deadLetterTopik']!, /did you mean deadLetterTopic/);
    assert.match(problems['onError.retryTopics']!, /repeat/);
  });

  it('refuses an unknown action, a missing attempts count and initialMs above maxMs', () => {
    assert.deepEqual(
      Object.keys(problemsOf(() => resolveConsumerGroupConfig({ ...base, onError: 'retry' } as unknown as ConsumerGroupConfig))),
      ['onError'],
    );
    const problems = problemsOf(() =>
      resolveConsumerGroupConfig({ ...base, onError: { retry: { initialMs: 500, maxMs: 100 } } } as unknown as ConsumerGroupConfig),
    );
    assert.deepEqual(Object.keys(problems).sort(), ['onError.retry.attempts', 'onError.retry.initialMs']);
  });

  it('validates handler registration options the same way', () => {
    assert.doesNotThrow(() => checkHandlerOptions({ onError: 'deadLetter', handlerTimeoutMs: 100 }));
    const problems = problemsOf(() => checkHandlerOptions({ onError: { then: 'nope' }, handlerTimeoutMs: -1, timeout: 5 }));
    assert.deepEqual(Object.keys(problems).sort(), ['handlerTimeoutMs', 'onError.then', 'timeout']);
  });
});

describe('failure classification', () => {
  const policy = resolveFailurePolicy({ retry: { attempts: 2 } });

  it('retries ordinary errors and time-outs', () => {
    assert.equal(notRetryableReason(new Error('db down'), policy), undefined);
    assert.equal(notRetryableReason(new HandlerTimeoutError(100), policy), undefined);
    assert.equal(notRetryableReason('a string', policy), undefined);
  });

  it('skips the retries for decode errors, from the message or a hand-written JSON.parse', () => {
    const bad = createTestMessage({ value: '{not json' });
    let jsonError: unknown;
    try {
      bad.json();
    } catch (error) {
      jsonError = error;
    }
    assert.ok(jsonError instanceof MessageDecodeError);
    assert.equal(notRetryableReason(jsonError, policy), 'decode');
    assert.equal(notRetryableReason(new AvroCodecError('bad avro', {}), policy), 'decode');
    let syntax: unknown;
    try {
      JSON.parse('{');
    } catch (error) {
      syntax = error;
    }
    assert.equal(notRetryableReason(syntax, policy), 'decode');
  });

  it('skips the retries for NonRetryableError anywhere in the cause chain, and when isRetryable says no', () => {
    assert.equal(notRetryableReason(new NonRetryableError('invalid order'), policy), 'non-retryable');
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: new NonRetryableError() }) });
    assert.equal(notRetryableReason(wrapped, policy), 'non-retryable');
    const predicate = resolveFailurePolicy({ retry: { attempts: 2 }, isRetryable: (e) => !(e instanceof RangeError) });
    assert.equal(notRetryableReason(new RangeError('x'), predicate), 'predicate');
    assert.equal(notRetryableReason(new Error('x'), predicate), undefined);
    const throwing = resolveFailurePolicy({
      isRetryable: () => {
        throw new Error('bug in predicate');
      },
    });
    assert.equal(notRetryableReason(new Error('x'), throwing), undefined, 'a throwing predicate counts as retryable');
  });
});

describe('retry back-off', () => {
  const backoff = { attempts: 5, initialMs: 100, maxMs: 1_000, multiplier: 3, jitter: 0 };

  it('grows by the multiplier up to maxMs', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelay(n, backoff)),
      [100, 300, 900, 1_000],
    );
  });

  it('moves each wait by at most ±jitter of itself, never past maxMs', () => {
    const jittered = { ...backoff, jitter: 0.5 };
    assert.equal(
      backoffDelay(1, jittered, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(1, jittered, () => 0.999999),
      150,
    );
    assert.equal(
      backoffDelay(4, jittered, () => 0.999999),
      1_000,
    );
    assert.equal(
      backoffDelay(4, jittered, () => 0),
      500,
    );
  });
});
