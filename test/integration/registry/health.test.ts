/**
 * The registry health check against a real Apicurio that is stopped and started again on the
 * same port: OK, then WARNING (never CRITICAL) while it is down, with cached schemas still
 * decoding and a new id failing retryably, then OK again; the Nest Terminus indicator of a module
 * with the `schemaRegistry` option follows (up throughout). The file starts a registry of its
 * own: the run's shared registry must not be stopped.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AvroRegistryDeserializer,
  AvroRegistrySerializer,
  createSchemaRegistryClient,
  createSchemaRegistryHealthChecker,
  SchemaRegistryUnavailableError,
  type SchemaRegistryHealthReport,
} from '../../../lib/core/index.js';
import { killBrokersOnSignals } from '../../../scripts/kafka/registry.js';
import { CCOMPAT_PATH } from '../../../scripts/registry/apicurio.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../../scripts/registry/schema-registry.js';
import { KafkaHealthIndicator, KafkaHealthModule } from '../../../lib/nest/health/index.js';
import { KafkaModule } from '../../../lib/nest/index.js';
import { sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';

const EVENT = { type: 'record', name: 'Ping', namespace: 'it.health', fields: [{ name: 'n', type: 'int' }] } as const;

describe('schema registry health on a real registry that goes away and comes back', () => {
  let registry: RunningSchemaRegistry | undefined;
  let app: TestingModule | undefined;
  after(async () => {
    await app?.close();
    await registry?.close();
  });

  /** The indicator's registry entry and the indicator's own status. */
  async function indicated(indicator: KafkaHealthIndicator): Promise<{ status: string; registry: { health: string; message: string } }> {
    const result = await indicator.isHealthy('kafka');
    return { status: result.kafka.status, registry: result.kafka.schemaRegistry as { health: string; message: string } };
  }

  it('OK, WARNING while stopped (cached schemas still decode), OK after the restart', async () => {
    killBrokersOnSignals();
    registry = await startSchemaRegistry();
    const port = Number(new URL(registry.url).port);
    const client = createSchemaRegistryClient({ url: `${registry.url}${CCOMPAT_PATH}`, requestTimeoutMs: 2_000 });
    const health = createSchemaRegistryHealthChecker(client, { cacheTtlMs: 0, timeoutMs: 2_000 });
    const seen: SchemaRegistryHealthReport[] = [];
    const check = async (): Promise<SchemaRegistryHealthReport> => {
      const report = await health.check();
      seen.push(report);
      return report;
    };

    assert.equal((await check()).status, 'OK');
    app = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          brokers: sharedBrokers(),
          logLevel: 'warn',
          kafkaJsLogLevel: 'nothing',
          isGlobal: true,
          schemaRegistry: { url: client.url, timeoutMs: 2_000 },
        }),
        KafkaHealthModule,
      ],
    }).compile();
    await app.init();
    const indicator = app.get(KafkaHealthIndicator);
    assert.deepEqual(await indicated(indicator), {
      status: 'up',
      registry: { health: 'OK', message: 'schema registry is reachable', url: client.url },
    });
    const record = await new AvroRegistrySerializer({ registry: client, autoRegister: true }).serialize(uniqueName('health'), EVENT, {
      n: 1,
    });
    const reader = new AvroRegistryDeserializer(client);
    assert.deepEqual({ ...(await reader.deserialize<object>(record)) }, { n: 1 }, 'id now cached');

    await registry.close();
    registry = undefined;
    const down = await check();
    assert.equal(down.status, 'WARNING');
    assert.equal(down.reachable, false);
    assert.match(down.message, /not reachable/);
    assert.deepEqual({ ...(await reader.deserialize<object>(record)) }, { n: 1 }, 'a cached schema decodes with the registry down');
    const unknownId = Buffer.from([0, 0x7f, 0, 0, 1, 2]);
    await assert.rejects(
      reader.deserialize(unknownId),
      (error: unknown) => error instanceof SchemaRegistryUnavailableError && error.retryable,
    );
    await eventually(
      'the indicator reports the registry as WARNING',
      async () => (await indicated(indicator)).registry.health === 'WARNING',
    );
    assert.equal((await indicated(indicator)).status, 'up', 'an unreachable registry does not take the service down');

    registry = await startSchemaRegistry({ port });
    await eventually('the registry health is OK again', async () => (await check()).status === 'OK');
    await eventually('the indicator reports the registry as OK again', async () => (await indicated(indicator)).registry.health === 'OK');
    assert.ok(
      seen.every((r) => r.status !== ('CRITICAL' as string)),
      'never CRITICAL',
    );
  });
});
