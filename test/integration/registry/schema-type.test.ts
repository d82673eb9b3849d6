/**
 * Only Avro is carried: a record whose id names a JSON Schema or Protobuf schema in a real
 * registry (Apicurio answers its `schemaType`) is an `UnsupportedSchemaTypeError`, a decode
 * error the failure policy does not retry, and so is writing with such a subject's latest version.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  createSchemaRegistryClient,
  encodeRegistryFrame,
  MessageDecodeError,
  UnsupportedSchemaTypeError,
} from '../../../lib/core/index.js';
import { uniqueName } from '../../support/env.js';
import { useTestRegistry } from '../../support/registry.js';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

const NON_AVRO = {
  JSON: JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }),
  PROTOBUF: 'syntax = "proto3";\npackage it.types;\nmessage Parcel {\n  string id = 1;\n}\n',
} as const;

describe('non-Avro schemas in a real registry', () => {
  const testRegistry = useTestRegistry();

  for (const [schemaType, schema] of Object.entries(NON_AVRO)) {
    it(`a record whose id names a ${schemaType} schema is an UnsupportedSchemaTypeError naming the type`, async () => {
      const topic = uniqueName(`types-${schemaType.toLowerCase()}`);
      const answer = await fetch(`${testRegistry().ccompatUrl}/subjects/${topic}-value/versions`, {
        method: 'POST',
        headers: { 'content-type': CONTENT_TYPE },
        body: JSON.stringify({ schemaType, schema }),
      });
      const body = (await answer.json()) as { id?: number };
      assert.equal(answer.status, 200, JSON.stringify(body));
      const id = body.id!;

      const client = createSchemaRegistryClient({ url: testRegistry().ccompatUrl });
      const record = encodeRegistryFrame(id, Buffer.from('{"id":"p-1"}'));
      await assert.rejects(new AvroRegistryDeserializer(client).deserialize(record), (error: unknown) => {
        assert.ok(error instanceof UnsupportedSchemaTypeError, String(error));
        assert.ok(error instanceof MessageDecodeError);
        assert.equal(error.schemaType, schemaType);
        assert.match(error.message, new RegExp(`schema id ${id} is a ${schemaType} schema; only AVRO`));
        return true;
      });
      const avroLike = { type: 'record', name: 'Parcel', fields: [{ name: 'id', type: 'string' }] } as const;
      await assert.rejects(
        new AvroRegistrySerializer({ registry: client }).serialize(topic, avroLike, { id: 'p-1' }),
        (error: unknown) => error instanceof UnsupportedSchemaTypeError && error.schemaType === schemaType,
      );
    });
  }
});
