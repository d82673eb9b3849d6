/**
 * The schema registry's health check on mock timers: OK while it answers, WARNING (never
 * CRITICAL) while it does not or hangs, back to OK on the first answer, one request per cache time.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createSchemaRegistryHealthChecker, KafkaConfigError, SchemaRegistryUnavailableError } from '../../../lib/core/index.js';
import type { ReachableSchemaRegistry } from '../../../lib/core/health/schema-registry-health.js';

/** A registry whose answer the test sets: `up`, `down` (rejects at once) or `hung` (never settles). */
class ScriptedRegistry implements ReachableSchemaRegistry {
  readonly url = 'http://registry.test:8081';
  mode: 'up' | 'down' | 'hung' = 'up';
  calls = 0;

  checkReachable(): Promise<void> {
    this.calls++;
    if (this.mode === 'up') return Promise.resolve();
    if (this.mode === 'down') return Promise.reject(new SchemaRegistryUnavailableError(this.url, 'GET /config: connect ECONNREFUSED'));
    return new Promise(() => undefined);
  }
}

/** Lets the check's promise continuations run (`setImmediate` is not mocked). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function useClock(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
}

test('unreachable is WARNING, never CRITICAL; the first answer after it is OK again', async (t) => {
  useClock(t);
  const registry = new ScriptedRegistry();
  const health = createSchemaRegistryHealthChecker(registry, { cacheTtlMs: 1_000 });

  const ok = await health.check();
  assert.deepEqual({ status: ok.status, reachable: ok.reachable, url: ok.url }, { status: 'OK', reachable: true, url: registry.url });
  assert.equal(ok.failingSince, undefined);

  registry.mode = 'down';
  t.mock.timers.tick(1_000);
  const down = await health.check();
  assert.equal(down.status, 'WARNING');
  assert.equal(down.reachable, false);
  assert.match(
    down.message,
    /schema registry http:\/\/registry\.test:8081 is not reachable \(.*ECONNREFUSED\); records whose schema is cached go on/,
  );
  assert.equal(down.failingSince?.getTime(), 1_001_000);

  t.mock.timers.tick(5_000);
  const stillDown = await health.check();
  assert.equal(stillDown.status, 'WARNING', 'a registry down for long is still only a WARNING');
  assert.equal(stillDown.failingSince?.getTime(), 1_001_000, 'the episode keeps its start');

  registry.mode = 'up';
  t.mock.timers.tick(1_000);
  const back = await health.check();
  assert.equal(back.status, 'OK');
  assert.equal(back.failingSince, undefined);
});

test('a registry that does not answer within timeoutMs is WARNING with the time limit named', async (t) => {
  useClock(t);
  const registry = new ScriptedRegistry();
  registry.mode = 'hung';
  const health = createSchemaRegistryHealthChecker(registry, { timeoutMs: 2_000 });
  const seen: { report?: Awaited<ReturnType<typeof health.check>> } = {};
  void health.check().then((report) => (seen.report = report));
  await settle();
  t.mock.timers.tick(1_999);
  await settle();
  assert.equal('report' in seen, false, 'still waiting before the limit');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(seen.report?.status, 'WARNING');
  assert.match(seen.report?.message ?? '', /no answer within 2000 ms/);
});

test('reports are cached for cacheTtlMs and concurrent checks share one request', async (t) => {
  useClock(t);
  const registry = new ScriptedRegistry();
  const health = createSchemaRegistryHealthChecker(registry, { cacheTtlMs: 1_000 });
  const [a, b] = await Promise.all([health.check(), health.check()]);
  assert.equal(a, b);
  assert.equal(registry.calls, 1);
  t.mock.timers.tick(999);
  await health.check();
  assert.equal(registry.calls, 1, 'within the cache time');
  t.mock.timers.tick(1);
  await health.check();
  assert.equal(registry.calls, 2, 'asked again once the report expired');

  const uncached = createSchemaRegistryHealthChecker(registry, { cacheTtlMs: 0 });
  await uncached.check();
  await uncached.check();
  assert.equal(registry.calls, 4);
});

test('a client that throws instead of rejecting is a WARNING, not an exception', async () => {
  const throwing: ReachableSchemaRegistry = {
    url: 'http://r',
    checkReachable: () => {
      throw new Error('boom');
    },
  };
  const report = await createSchemaRegistryHealthChecker(throwing).check();
  assert.equal(report.status, 'WARNING');
  assert.match(report.message, /boom/);
});

test('bad options are one KafkaConfigError naming each field', () => {
  assert.throws(
    () => createSchemaRegistryHealthChecker(new ScriptedRegistry(), { cacheTtlMs: -1, timeoutMs: 0, timeout: 5 } as never),
    (error: unknown) => error instanceof KafkaConfigError && error.problems.map((p) => p.field).join() === 'timeout,cacheTtlMs,timeoutMs',
  );
});
