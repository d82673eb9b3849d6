/**
 * The sample app's `GET /health` over HTTP against a broker of its own (it is stopped during the
 * test, so the shared broker cannot be used): 200 while healthy, 503 once the broker is down.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import type { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import { killBrokersOnSignals } from '../../../scripts/kafka/registry.js';
import { startSingleNode } from '../../../scripts/kafka/single.js';
import { uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';

interface HealthBody {
  status: string;
  details?: { kafka?: { status: string; health?: string; producers?: Record<string, { health: string; message: string }> } };
}

async function getHealth(base: string): Promise<{ code: number; body: HealthBody }> {
  const response = await fetch(`${base}/health`);
  return { code: response.status, body: (await response.json()) as HealthBody };
}

/** Polls `GET /health` until it answers `code` with a body that passes `accept`. */
async function eventuallyHealth(base: string, code: number, accept: (body: HealthBody) => boolean = () => true): Promise<HealthBody> {
  let last: { code: number; body: HealthBody } | undefined;
  await eventually(
    () => `GET /health to answer ${code}; last: ${last?.code} ${JSON.stringify(last?.body)}`,
    async () => {
      last = await getHealth(base);
      return last.code === code && accept(last.body);
    },
    30_000,
    250,
  );
  return last!.body;
}

const UNREACHABLE = /broker\(s\) not reachable at: \[127\.0\.0\.1:\d+\]/;

describe('sample GET /health', { timeout: 90_000 }, () => {
  let kafka: EmbeddedKafka;
  let app: INestApplication;
  let base: string;

  before(async () => {
    killBrokersOnSignals();
    kafka = await startSingleNode();
    process.env.KAFKA_ADDR = kafka.brokers.join(',');
    process.env.SAMPLE_EVENTS_TOPIC = uniqueName('health-sample-events');
    process.env.SAMPLE_AUDIT_TOPIC = uniqueName('health-sample-audit');
    process.env.SAMPLE_GROUP_PREFIX = uniqueName('health-sample');
    const { createSampleApp } = await import('../../../sample/app.js');
    app = await createSampleApp();
    app.useLogger(['error']);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  after(async () => {
    await app?.close();
    await kafka?.close();
  });

  it('answers 200 with every client OK while the broker is up', async () => {
    const body = await eventuallyHealth(base, 200);
    assert.equal(body.status, 'ok');
    assert.equal(body.details?.kafka?.status, 'up');
    // Until every client has initialised the indicator is up with WARNING; wait for OK.
    const end = Date.now() + 30_000;
    let health = body.details?.kafka?.health;
    while (health !== 'OK' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      health = (await getHealth(base)).body.details?.kafka?.health;
    }
    assert.equal(health, 'OK');
  });

  it('answers 503 naming the unreachable broker once the broker is down', async () => {
    await kafka.stopNode(1);
    // Each client finds the broker gone on its own schedule (the consumer group often first), so
    // wait for the 503 whose producer entry names the broker too.
    const body = await eventuallyHealth(base, 503, (b) => UNREACHABLE.test(b.details?.kafka?.producers?.events?.message ?? ''));
    assert.equal(body.status, 'error');
    assert.equal(body.details?.kafka?.status, 'down');
    assert.equal(body.details?.kafka?.health, 'CRITICAL');
    assert.match(body.details?.kafka?.producers?.events?.message ?? '', UNREACHABLE);
  });
});
