import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  createSchemaRegistryClient,
  decodeRegistryFrame,
  SchemaRegistrationError,
  SchemaRegistryUnavailableError,
} from '../../../lib/core/index.js';
import { uniqueName } from '../../support/env.js';
import { useTestRegistry } from '../../support/registry.js';

const ORDER_V1 = { type: 'record', name: 'Order', namespace: 'it.registry', fields: [{ name: 'id', type: 'string' }] } as const;
const ORDER_V2 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'amount', type: 'int', default: 0 }] } as const;
/** A field without a default: a v3 reader cannot read v2 data, so BACKWARD refuses it. */
const ORDER_V3 = { ...ORDER_V1, fields: [...ORDER_V1.fields, { name: 'currency', type: 'string' }] } as const;

describe('Avro serdes over a real registry (Apicurio, Confluent-compatible API)', () => {
  const testRegistry = useTestRegistry();

  it('registers, writes the latest version, reads old and new writers, and names the subject of a refused schema', async () => {
    const registry = testRegistry();
    const topic = uniqueName('serdes');
    const client = createSchemaRegistryClient({ url: registry.ccompatUrl });
    const registering = new AvroRegistrySerializer({ registry: client, autoRegister: true });
    const v1Record = await registering.serialize(topic, ORDER_V1, { id: 'o-1' });
    const v2Record = await registering.serialize(topic, ORDER_V2, { id: 'o-2', amount: 7 });
    const v1Id = decodeRegistryFrame(v1Record).schemaId;
    const v2Id = decodeRegistryFrame(v2Record).schemaId;
    assert.notEqual(v1Id, v2Id);

    const latest = await new AvroRegistrySerializer({ registry: client }).serialize(topic, ORDER_V2, { id: 'o-3', amount: 1 });
    assert.equal(decodeRegistryFrame(latest).schemaId, v2Id, 'the latest version is v2');

    // A fresh client (nothing cached) reads both writers into either reader.
    const reader = new AvroRegistryDeserializer(createSchemaRegistryClient({ url: registry.ccompatUrl }));
    assert.deepEqual({ ...(await reader.deserialize<object>(v1Record, ORDER_V2)) }, { id: 'o-1', amount: 0 });
    assert.deepEqual({ ...(await reader.deserialize<object>(v2Record, ORDER_V1)) }, { id: 'o-2' });

    const config = await fetch(`${registry.ccompatUrl}/config/${topic}-value`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    assert.equal(config.status, 200);
    await assert.rejects(registering.serialize(topic, ORDER_V3, { id: 'o-4', currency: 'EUR' }), (error: unknown) => {
      return (
        error instanceof SchemaRegistrationError &&
        error.subject === `${topic}-value` &&
        error.status === 409 &&
        error.registryMessage.length > 0
      );
    });
  });

  it('a registry that cannot be reached is a retryable SchemaRegistryUnavailableError', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const down = new AvroRegistryDeserializer(createSchemaRegistryClient({ url: 'http://127.0.0.1:9', requestTimeoutMs: 5_000 }));
    const record = Buffer.from([0, 0, 0, 0, 1, 2, 0x61]);
    await assert.rejects(down.deserialize(record), (error: unknown) => error instanceof SchemaRegistryUnavailableError && error.retryable);
  });
});
