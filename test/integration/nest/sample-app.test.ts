import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { uniqueName } from '../../support/env.js';
import { eventually } from './nest-fixtures.js';

interface Snapshot {
  consumed: number;
  last: Array<{ id: string; message: string; workerId: number }>;
  audit: { batches: number; records: number };
}

describe('sample app over HTTP', () => {
  let app: INestApplication;
  let base: string;

  before(async () => {
    process.env.SAMPLE_EVENTS_TOPIC = uniqueName('sample-events');
    process.env.SAMPLE_AUDIT_TOPIC = uniqueName('sample-audit');
    process.env.SAMPLE_GROUP_PREFIX = uniqueName('sample');
    const { createSampleApp } = await import('../../../sample/app.js');
    app = await createSampleApp();
    app.useLogger(['error', 'warn']);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  after(async () => {
    await app?.close();
  });

  it('rejects a bad body with 400', async () => {
    const response = await fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 400);
  });

  it('POST /events is consumed and shown by GET /events, with an audit batch', async () => {
    let id = '';
    // 503 until the producer has reached the broker; the sample asks callers to retry.
    await eventually('POST accepted', async () => {
      const response = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello from the test' }),
      });
      if (response.status === 503) return sleep(200).then(() => false);
      assert.equal(response.status, 202);
      id = ((await response.json()) as { id: string }).id;
      return true;
    });
    let snapshot: Snapshot | undefined;
    await eventually('event consumed and audited', async () => {
      snapshot = (await (await fetch(`${base}/events`)).json()) as Snapshot;
      return snapshot.consumed >= 1 && snapshot.audit.records >= 1;
    });
    assert.equal(snapshot?.consumed, 1);
    assert.equal(snapshot?.last[0]?.id, id);
    assert.equal(snapshot?.last[0]?.message, 'hello from the test');
    assert.ok(snapshot?.audit.batches && snapshot.audit.batches >= 1);
  });
});
