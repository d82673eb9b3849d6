import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { processAlive } from '../../../scripts/kafka/background-state.js';
import { CCOMPAT_PATH } from '../../../scripts/registry/apicurio.js';
import { startSchemaRegistry } from '../../../scripts/registry/schema-registry.js';
import { uniqueName } from '../../support/env.js';
import { startTestRegistry, type TestSchemaRegistry } from '../../support/registry.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

const userV1 = { type: 'record', name: 'User', namespace: 'test.registry', fields: [{ name: 'name', type: 'string' }] };
/** Adds a field without a default: readers of v2 cannot read v1 data, so BACKWARD refuses it. */
const userV2Incompatible = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int' }] };

/** A JSON request to the Confluent-compatible API; returns the status and the parsed body. */
async function call(
  registry: TestSchemaRegistry,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${registry.ccompatUrl}${path}`, {
    method,
    headers: body === undefined ? { accept: CONTENT_TYPE } : { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('schema registry harness (Apicurio, Confluent-compatible API)', () => {
  let registry: TestSchemaRegistry;
  before(async () => {
    registry = await startTestRegistry();
  });
  after(async () => {
    await registry?.close();
  });

  it('registers an Avro schema, reads it by id and as the latest version, and refuses an incompatible one', async () => {
    const subject = `${uniqueName('harness')}-value`;
    const registered = await call(registry, 'POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(userV1) });
    assert.equal(registered.status, 200, JSON.stringify(registered.json));
    const id = registered.json.id;
    assert.equal(typeof id, 'number');

    const byId = await call(registry, 'GET', `/schemas/ids/${String(id)}`);
    assert.equal(byId.status, 200);
    assert.deepEqual(JSON.parse(String(byId.json.schema)), userV1);

    const latest = await call(registry, 'GET', `/subjects/${subject}/versions/latest`);
    assert.equal(latest.status, 200);
    assert.equal(latest.json.id, id);
    assert.equal(latest.json.version, 1);
    assert.equal(latest.json.subject, subject);

    const config = await call(registry, 'PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
    assert.equal(config.status, 200, JSON.stringify(config.json));
    const refused = await call(registry, 'POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(userV2Incompatible) });
    assert.equal(refused.status, 409, JSON.stringify(refused.json));
    assert.match(String(refused.json.message), /incompatible/i);

    const stillLatest = await call(registry, 'GET', `/subjects/${subject}/versions/latest`);
    assert.equal(stillLatest.json.version, 1);
  });

  it('leaves no registry process behind after close()', async () => {
    // A registry of its own: the shared one (npm test's, or SCHEMA_REGISTRY_URL's) must keep running.
    const own = await startSchemaRegistry();
    const guardPid = own.jvm.pid;
    assert.ok(guardPid !== undefined);
    await own.close();
    assert.equal(own.jvm.running, false);
    assert.equal(processAlive(guardPid), false, 'the guard process is gone');
    // The JVM ran in the guard's process group: signalling the group finds nobody.
    assert.throws(() => process.kill(-guardPid, 0), { code: 'ESRCH' });
    const refused = await fetch(`${own.url}${CCOMPAT_PATH}/subjects`).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(refused, 'refused');
  });
});
