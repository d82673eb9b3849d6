import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { createSchemaRegistryClient } from '../../../lib/core/registry/registry-cache.js';
import { uniqueName } from '../../support/env.js';
import { useTestRegistry } from '../../support/registry.js';
import { eventually, postSampleEvent, startSampleOverHttp } from './nest-fixtures.js';

describe('sample app with a schema registry (SCHEMA_REGISTRY_URL)', () => {
  const testRegistry = useTestRegistry();
  let app: INestApplication;
  let base: string;
  const eventsTopic = uniqueName('sample-registry-events');

  before(async () => {
    ({ app, base } = await startSampleOverHttp({ SCHEMA_REGISTRY_URL: testRegistry().url, SAMPLE_EVENTS_TOPIC: eventsTopic }));
  });

  after(async () => {
    await app?.close();
  });

  it('an event POSTed is carried through the registry and consumed; the audit stays JSON', async () => {
    await postSampleEvent(base, 'through the registry');
    await eventually('event consumed and audited', async () => {
      const snapshot = (await (await fetch(`${base}/events`)).json()) as { consumed: number; audit: { records: number } };
      return snapshot.consumed === 1 && snapshot.audit.records >= 1;
    });
    const registered = await createSchemaRegistryClient({ url: testRegistry().ccompatUrl }).latestVersion(`${eventsTopic}-value`);
    assert.equal((JSON.parse(registered.schema) as { name: string }).name, 'SampleEvent');
  });
});
