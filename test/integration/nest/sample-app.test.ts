import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { eventually, postSampleEvent, startSampleOverHttp } from './nest-fixtures.js';

interface Snapshot {
  consumed: number;
  last: Array<{ id: string; message: string; workerId: number }>;
  audit: { batches: number; records: number };
}

describe('sample app over HTTP', () => {
  let app: INestApplication;
  let base: string;

  before(async () => {
    ({ app, base } = await startSampleOverHttp());
  });

  after(async () => {
    await app?.close();
  });

  it('rejects a bad body with 400', async () => {
    const response = await fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 400);
  });

  it('POST /events is consumed and shown by GET /events, with an audit batch', async () => {
    // 503 until the producer has reached the broker; the sample asks callers to retry.
    const id = await postSampleEvent(base, 'hello from the test');
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
