import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { createSchemaRegistryClient } from '../../../lib/core/registry/registry-cache.js';
import { uniqueName } from '../../support/env.js';
import { useTestRegistry } from '../../support/registry.js';
import { eventually } from './nest-fixtures.js';

describe('sample app with a schema registry (SCHEMA_REGISTRY_URL)', () => {
  const testRegistry = useTestRegistry();
  let app: INestApplication;
  let base: string;
  const eventsTopic = uniqueName('sample-registry-events');

  before(async () => {
    process.env.SCHEMA_REGISTRY_URL = testRegistry().url;
    process.env.SAMPLE_EVENTS_TOPIC = eventsTopic;
    process.env.SAMPLE_AUDIT_TOPIC = uniqueName('sample-registry-audit');
    process.env.SAMPLE_GROUP_PREFIX = uniqueName('sample-registry');
    const { createSampleApp } = await import('../../../sample/app.js');
    app = await createSampleApp();
    app.useLogger(['error', 'warn']);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  after(async () => {
    await app?.close();
  });

  it('an event POSTed is carried through the registry and consumed; the audit stays JSON', async () => {
    await eventually('POST accepted', async () => {
      const response = await fetch(`${base}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'through the registry' }),
      });
      if (response.status === 503) return sleep(200).then(() => false);
      assert.equal(response.status, 202);
      return true;
    });
    await eventually('event consumed and audited', async () => {
      const snapshot = (await (await fetch(`${base}/events`)).json()) as { consumed: number; audit: { records: number } };
      return snapshot.consumed === 1 && snapshot.audit.records >= 1;
    });
    const registered = await createSchemaRegistryClient({ url: testRegistry().ccompatUrl }).latestVersion(`${eventsTopic}-value`);
    assert.equal((JSON.parse(registered.schema) as { name: string }).name, 'SampleEvent');
  });
});
