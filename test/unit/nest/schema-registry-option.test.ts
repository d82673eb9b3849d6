import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { RegistryCache } from '../../../lib/core/registry/registry-cache.js';
import type { SchemaRegistry } from '../../../lib/core/registry/schema-registry.js';
import { KafkaModule, getSchemaRegistryToken, type KafkaModuleOptions } from '../../../lib/nest/index.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/in-memory-schema-registry.js';

// No broker: construction never touches the network and port 9 refuses connections.
const quiet: KafkaModuleOptions = { brokers: ['127.0.0.1:9'], logLevel: 'nothing', kafkaJsLogLevel: 'nothing', shutdownTimeout: 2_000 };

async function registryOf(options: KafkaModuleOptions): Promise<SchemaRegistry | null> {
  const moduleRef = await Test.createTestingModule({ imports: [KafkaModule.forRoot(options)] }).compile();
  try {
    return moduleRef.get<SchemaRegistry | null>(getSchemaRegistryToken());
  } finally {
    await moduleRef.close();
  }
}

describe('KafkaModule schemaRegistry option', () => {
  it('the token is named after the registry and the name', () => {
    assert.equal(getSchemaRegistryToken(), 'SchemaRegistry:default');
    assert.equal(getSchemaRegistryToken('other'), 'SchemaRegistry:other');
  });

  it('provides null without the option', async () => {
    assert.equal(await registryOf(quiet), null);
  });

  it('provides the instance it was given', async () => {
    const registry = new InMemorySchemaRegistry();
    assert.equal(await registryOf({ ...quiet, schemaRegistry: registry }), registry);
  });

  it('builds a cached HTTP client from url, auth, timeoutMs and tls', async () => {
    const client = await registryOf({
      ...quiet,
      schemaRegistry: {
        url: 'https://127.0.0.1:9/apis/ccompat/v7',
        auth: { token: 't' },
        timeoutMs: 500,
        tls: { rejectUnauthorized: true },
      },
    });
    assert.ok(client instanceof RegistryCache, `expected the cached client, got ${client?.constructor.name ?? 'null'}`);
  });

  it('lists every bad registry field with the other boot problems', async () => {
    const options = {
      ...quiet,
      shutdownTimeout: -1,
      schemaRegistry: { url: 'ftp://registry', timeoutMs: 0, auth: { user: 'x' }, tls: { cafile: 'x' }, retries: 3 },
    } as unknown as KafkaModuleOptions;
    await assert.rejects(registryOf(options), (error: unknown) => {
      assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
      const fields = error.problems.map((p) => p.field).sort();
      assert.deepEqual(fields, [
        'schemaRegistry.auth',
        'schemaRegistry.retries',
        'schemaRegistry.timeoutMs',
        'schemaRegistry.tls.cafile',
        'shutdownTimeout',
      ]);
      return true;
    });
    // A URL the client refuses is named as the module option.
    await assert.rejects(registryOf({ ...quiet, schemaRegistry: { url: 'ftp://registry' } }), /schemaRegistry\.url.*http or https/s);
  });

  it('entries: opt out with false, choices only with the module registry, problems named per entry', async () => {
    const registry = new InMemorySchemaRegistry();
    const withRegistry = { ...quiet, schemaRegistry: registry };
    // Fine: the module's registry by default, an opt-out, and choices.
    assert.equal(
      await registryOf({
        ...withRegistry,
        producers: {
          a: { topic: 'a' },
          b: { topic: 'b', schemaRegistry: false },
          c: { topic: 'c', schemaRegistry: { autoRegister: true } },
        },
        consumerGroups: {
          g: { topic: 'a', groupName: 'g', schemaRegistry: { decodeKeys: true } },
          h: { topic: 'b', groupName: 'h', schemaRegistry: false },
        },
      }),
      registry,
    );
    const bad = {
      ...quiet,
      producers: { orders: { topic: 'orders', schemaRegistry: { autoRegister: true } } },
      consumerGroups: { billing: { topic: 'orders', groupName: 'billing', schemaRegistry: { decodeKeys: true } } },
    } as KafkaModuleOptions;
    await assert.rejects(registryOf(bad), (error: unknown) => {
      assert.ok(error instanceof KafkaConfigError);
      assert.deepEqual(error.problems.map((p) => p.field).sort(), [
        'consumerGroups.billing.schemaRegistry',
        'producers.orders.schemaRegistry',
      ]);
      assert.match(error.message, /needs the module's schemaRegistry option/);
      return true;
    });
    const wrongChoices = {
      ...withRegistry,
      producers: { orders: { topic: 'orders', schemaRegistry: { autoRegister: 'yes' } } },
      consumerGroups: { billing: { topic: 'orders', groupName: 'billing', schemaRegistry: { registry } } },
    } as unknown as KafkaModuleOptions;
    await assert.rejects(registryOf(wrongChoices), (error: unknown) => {
      assert.ok(error instanceof KafkaConfigError);
      assert.deepEqual(error.problems.map((p) => p.field).sort(), [
        'consumerGroups.billing.schemaRegistry.registry',
        'producers.orders.schemaRegistry.autoRegister',
      ]);
      return true;
    });
  });
});
