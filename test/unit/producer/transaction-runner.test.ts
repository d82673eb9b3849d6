import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KafkaConfigError,
  ProducerFencedError,
  ProducerNotInitialisedError,
  TransactionAbortError,
  TransactionCommitError,
  TransactionRequiredError,
  TransactionTimeoutError,
  type KafkaError,
} from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import type { ProducerTransaction } from '../../../lib/core/producer/producer-transaction.js';
import { TransactionRunner } from '../../../lib/core/producer/transaction-runner.js';
import type { TransactionalSink, TransactionOffsets } from '../../../lib/core/producer/transactional-sink.js';

/** What Kafka answers a producer whose epoch is stale (kafkajs' protocol error carries `type`). */
function epochError(): Error {
  return Object.assign(new Error('Producer attempted an operation with an old epoch'), { type: 'INVALID_PRODUCER_EPOCH', code: 47 });
}

/** A sink that records its calls and fails the ones it is told to. */
class ScriptedTransactionalSink implements TransactionalSink {
  readonly calls: string[] = [];
  readonly offsets: TransactionOffsets[] = [];
  failCommit: Error | undefined = undefined;
  failAbort: Error | undefined = undefined;

  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
  }
  async sendBatch(): Promise<never[]> {
    return [];
  }
  async begin(): Promise<void> {
    this.calls.push('begin');
  }
  async sendOffsets(offsets: TransactionOffsets): Promise<void> {
    this.calls.push('sendOffsets');
    this.offsets.push(offsets);
  }
  async commit(): Promise<void> {
    this.calls.push('commit');
    if (this.failCommit !== undefined) throw this.failCommit;
  }
  async abort(): Promise<void> {
    this.calls.push('abort');
    if (this.failAbort !== undefined) throw this.failAbort;
  }
  async reset(): Promise<void> {
    this.calls.push('reset');
  }
}

function runnerOver(
  sink: ScriptedTransactionalSink,
  options: { timeoutMs?: number; refusal?: () => KafkaError | undefined; closed?: () => boolean } = {},
) {
  let clock = 1_000;
  const emitted: KafkaError[] = [];
  const sent: string[] = [];
  const submitted: Array<{ fail: Error | undefined }> = [];
  const runner = new TransactionRunner({
    topic: 'out',
    transactionalId: 'tx-1',
    transactionTimeoutMs: options.timeoutMs ?? 60_000,
    sink,
    submit: async (encode) => {
      const next = submitted.shift();
      if (next?.fail !== undefined) throw next.fail;
      sent.push(String(encode()));
    },
    refusal: options.refusal ?? (() => undefined),
    isClosed: options.closed ?? (() => false),
    emit: (error) => emitted.push(error),
    logger: silentLogger,
    now: () => clock,
  });
  return {
    runner,
    emitted,
    sent,
    failNextSubmit: (error: Error) => submitted.push({ fail: error }),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('TransactionRunner', () => {
  it('commits after the callback resolved and every send settled, and returns its result', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner, sent } = runnerOver(sink);
    const result = await runner.run(async (tx) => {
      void tx.sendBytes('a'); // not awaited: the commit still waits for it
      await tx.sendOffsets({ groupId: 'g', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '4' }] }] });
      return 42;
    });
    assert.equal(result, 42);
    assert.deepEqual(sent, ['a']);
    assert.deepEqual(sink.calls, ['begin', 'sendOffsets', 'commit']);
  });

  it('aborts when the callback throws, and rethrows its error', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    const boom = new Error('handler failed');
    await assert.rejects(
      runner.run(async () => {
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.deepEqual(sink.calls, ['begin', 'abort']);
  });

  it('aborts when a send failed, even if the callback caught it, and rejects with that failure', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner, failNextSubmit } = runnerOver(sink);
    const refused = new Error('send refused');
    failNextSubmit(refused);
    await assert.rejects(
      runner.run(async (tx) => {
        await tx.sendBytes('a').catch(() => undefined);
      }),
      (error) => error === refused,
    );
    assert.deepEqual(sink.calls, ['begin', 'abort']);
  });

  it('refuses the tx of an ended transaction with TransactionRequiredError', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    let kept: ProducerTransaction | undefined;
    await runner.run((tx) => {
      kept = tx;
    });
    await assert.rejects(kept!.sendJSON({ late: true }), TransactionRequiredError);
  });

  it('refuses malformed offsets with KafkaConfigError naming the fields, and aborts', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    const malformed = { groupId: '', topics: [{ topic: 'in', partitions: [{ partition: -1, offset: '12x' }] }] };
    await assert.rejects(
      runner.run((tx) => tx.sendOffsets(malformed)),
      (error: unknown) => {
        assert.ok(error instanceof KafkaConfigError);
        assert.deepEqual(
          error.problems.map((p) => p.field),
          ['groupId', 'topics[0].partitions[0].partition', 'topics[0].partitions[0].offset'],
        );
        return true;
      },
    );
    assert.deepEqual(sink.calls, ['begin', 'abort']);
  });

  it('runs one transaction at a time: a second call waits for the first to end', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    let release!: () => void;
    const first = runner.run(() => new Promise<void>((resolve) => (release = resolve)));
    const second = runner.run(() => {
      sink.calls.push('second callback');
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sink.calls, ['begin']);
    release();
    await Promise.all([first, second]);
    assert.deepEqual(sink.calls, ['begin', 'commit', 'begin', 'second callback', 'commit']);
  });

  it('refuses to start when the producer says so (not initialised, closed)', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink, { refusal: () => new ProducerNotInitialisedError('out') });
    await assert.rejects(
      runner.run(() => undefined),
      ProducerNotInitialisedError,
    );
    assert.deepEqual(sink.calls, []);
  });

  it('a stale epoch within the time-out is a fencing: ProducerFencedError, final, never reset', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner, emitted } = runnerOver(sink);
    sink.failCommit = epochError();
    await assert.rejects(
      runner.run(() => undefined),
      ProducerFencedError,
    );
    await assert.rejects(
      runner.run(() => undefined),
      ProducerFencedError,
    );
    assert.deepEqual(sink.calls, ['begin', 'commit']);
    assert.equal(emitted.filter((e) => e instanceof ProducerFencedError).length, 1);
    assert.ok(runner.fencedBy instanceof ProducerFencedError);
  });

  it('a stale epoch after transactionTimeoutMs is the broker abort: TransactionTimeoutError, reset, usable again', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner, advance } = runnerOver(sink, { timeoutMs: 1_000 });
    await assert.rejects(
      runner.run(() => {
        advance(1_000); // exactly the limit: not refused before the commit, the broker answers
        sink.failCommit = epochError();
      }),
      TransactionTimeoutError,
    );
    sink.failCommit = undefined;
    await runner.run(() => undefined);
    assert.deepEqual(sink.calls, ['begin', 'commit', 'reset', 'begin', 'commit']);
  });

  it('a transaction open longer than transactionTimeoutMs is aborted instead of committed', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner, advance } = runnerOver(sink, { timeoutMs: 1_000 });
    await assert.rejects(
      runner.run(() => advance(1_001)),
      (error: unknown) => error instanceof TransactionTimeoutError && error.logData.elapsedMs === 1_001,
    );
    assert.deepEqual(sink.calls, ['begin', 'abort']);
  });

  it('a failed abort is a TransactionAbortError carrying the callback error; the sink is reset', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    const reason = new Error('handler failed');
    sink.failAbort = new Error('connection closed');
    await assert.rejects(
      runner.run(() => {
        throw reason;
      }),
      (error: unknown) => error instanceof TransactionAbortError && error.reason === reason,
    );
    assert.deepEqual(sink.calls, ['begin', 'abort', 'reset']);
  });

  it('a producer closed during the transaction is not reset after a failed abort, and is disconnected again', async () => {
    const sink = new ScriptedTransactionalSink();
    let closed = false;
    const { runner } = runnerOver(sink, { closed: () => closed });
    sink.failAbort = new Error('disconnected');
    await assert.rejects(
      runner.run(() => {
        closed = true;
        throw new Error('closing');
      }),
      TransactionAbortError,
    );
    assert.deepEqual(sink.calls, ['begin', 'abort', 'disconnect']);
  });

  it('a failed commit is a TransactionCommitError; the sink is reset and the next transaction runs', async () => {
    const sink = new ScriptedTransactionalSink();
    const { runner } = runnerOver(sink);
    sink.failCommit = new Error('coordinator gone');
    await assert.rejects(
      runner.run(() => undefined),
      TransactionCommitError,
    );
    sink.failCommit = undefined;
    await runner.run(() => undefined);
    assert.deepEqual(sink.calls, ['begin', 'commit', 'reset', 'begin', 'commit']);
  });
});
