import { eventually } from '../../support/eventually.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { ErrorHub } from '../../../lib/core/error-stream.js';
import { KafkaConfigError, KafkaOperationError, type KafkaError } from '../../../lib/core/errors.js';
import type { HealthStatus } from '../../../lib/core/health/health-types.js';
import { subscribeToHealth, type HealthSubscriber } from '../../../lib/core/health/subscription.js';
import { silentLogger } from '../../../lib/core/logger.js';

/** An in-memory group that records start/stop calls. */
class FakeGroup implements HealthSubscriber {
  readonly groupName = 'g';
  readonly errors = new ErrorHub(silentLogger);
  state = ConsumerState.Stopped;
  calls: string[] = [];
  failNextStart = false;
  private listeners = new Set<(s: ConsumerState, p: ConsumerState) => void>();
  async start(): Promise<void> {
    this.calls.push('start');
    if (this.failNextStart) {
      this.failNextStart = false;
      throw new Error('boom');
    }
    this.state = ConsumerState.Consuming;
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
    this.state = ConsumerState.Stopped;
  }
  onStateChange(l: (s: ConsumerState, p: ConsumerState) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  close(): void {
    const previous = this.state;
    this.state = ConsumerState.Closing;
    this.listeners.forEach((l) => l(ConsumerState.Closing, previous));
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = (cond: () => boolean, ms = 2_000) => eventually('condition', cond, ms, 5);

describe('subscribeToHealth', () => {
  it('starts on OK, stops on CRITICAL, and restarts when health returns (never self-gated)', async () => {
    const group = new FakeGroup();
    let status: HealthStatus = 'OK';
    const unsubscribe = subscribeToHealth(group, async () => status, { interval: 10 });
    await until(() => group.calls.length === 1);
    assert.deepEqual(group.calls, ['start']);
    status = 'CRITICAL';
    await until(() => group.calls.length === 2);
    status = 'WARNING';
    await wait(50);
    status = 'OK';
    await until(() => group.calls.length === 3);
    assert.deepEqual(group.calls, ['start', 'stop', 'start']);
    unsubscribe();
  });

  it('applies hysteresis: one flap does not toggle the group', async () => {
    const group = new FakeGroup();
    const script: HealthStatus[] = ['OK', 'OK', 'CRITICAL', 'OK', 'CRITICAL', 'CRITICAL'];
    let i = 0;
    const unsubscribe = subscribeToHealth(group, async () => script[Math.min(i++, script.length - 1)]!, {
      interval: 5,
      upAfter: 2,
      downAfter: 2,
    });
    await until(() => i >= script.length + 2);
    unsubscribe();
    assert.deepEqual(group.calls, ['start', 'stop']);
  });

  it('accepts a report source and a checker() source', async () => {
    const group = new FakeGroup();
    const producer = {
      checker: async () => ({ status: 'OK' as const }) as unknown as import('../../../lib/core/health/health-types.js').HealthReport,
    };
    const unsubscribe = subscribeToHealth(group, producer, { interval: 10 });
    await until(() => group.calls.length === 1);
    unsubscribe();
    assert.deepEqual(group.calls, ['start']);
  });

  it('sends start failures to the error stream and retries on the next OK', async () => {
    const group = new FakeGroup();
    group.failNextStart = true;
    const errors: KafkaError[] = [];
    group.errors.on((e) => errors.push(e));
    const unsubscribe = subscribeToHealth(group, async () => 'OK', { interval: 10 });
    await until(() => group.calls.length === 2);
    unsubscribe();
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof KafkaOperationError);
    assert.match(errors[0]!.message, /error starting consumer-group on a healthy state report: boom/);
    assert.equal(group.state, ConsumerState.Consuming);
  });

  it('treats a failing or unknown source as CRITICAL and reports it once', async () => {
    const group = new FakeGroup();
    group.state = ConsumerState.Consuming;
    const errors: KafkaError[] = [];
    group.errors.on((e) => errors.push(e));
    let evaluations = 0;
    const unsubscribe = subscribeToHealth(
      group,
      async () => {
        evaluations++;
        throw new Error('db down');
      },
      { interval: 5 },
    );
    await until(() => evaluations >= 4);
    unsubscribe();
    assert.deepEqual(group.calls, ['stop']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /health source failed/);
  });

  it('ends when the group closes', async () => {
    const group = new FakeGroup();
    let evaluations = 0;
    subscribeToHealth(group, async () => (evaluations++, 'OK'), { interval: 5 });
    await until(() => evaluations >= 2);
    group.close();
    const seen = evaluations;
    await wait(50);
    assert.ok(evaluations <= seen + 1, 'at most the in-flight evaluation finishes');
  });

  it("rejects 'self' on a group without checker() and bad timings", () => {
    assert.throws(
      () => subscribeToHealth(new FakeGroup(), 'self', { interval: 0, upAfter: 1.5 }),
      (e: unknown) => e instanceof KafkaConfigError && /source/.test(e.message) && /interval/.test(e.message) && /upAfter/.test(e.message),
    );
  });
});

describe("subscribeToHealth with onUnhealthy: 'pause'", () => {
  /** A group that can also pause and resume. */
  class PausableGroup extends FakeGroup {
    async pause(): Promise<void> {
      this.calls.push('pause');
    }
    resume(): void {
      this.calls.push('resume');
    }
  }

  it('pauses on CRITICAL and resumes on OK, without stopping the group', async () => {
    const group = new PausableGroup();
    let status: HealthStatus = 'OK';
    const unsubscribe = subscribeToHealth(group, async () => status, { interval: 10, onUnhealthy: 'pause' });
    await until(() => group.calls.length === 2);
    status = 'CRITICAL';
    await until(() => group.calls.length === 3);
    status = 'OK';
    await until(() => group.calls.length === 5);
    unsubscribe();
    assert.deepEqual(group.calls, ['resume', 'start', 'pause', 'resume', 'start']);
    assert.equal(group.state, ConsumerState.Consuming, 'never stopped');
  });

  it('refuses an unknown onUnhealthy and pause mode on a group without pause()', () => {
    assert.throws(
      () => subscribeToHealth(new PausableGroup(), async () => 'OK', { onUnhealthy: 'sleep' as never }),
      (e: unknown) => e instanceof KafkaConfigError && /onUnhealthy must be one of stop, pause/.test(e.message),
    );
    assert.throws(
      () => subscribeToHealth(new FakeGroup(), async () => 'OK', { onUnhealthy: 'pause' }),
      (e: unknown) => e instanceof KafkaConfigError && /onUnhealthy 'pause' needs a group with pause\(\) and resume\(\)/.test(e.message),
    );
  });
});
