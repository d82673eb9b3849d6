import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ConsumerState } from '../../../lib/core/consumer/state.js';
import { checkHealthOf, closeHealthCheckerOf } from '../../../lib/core/health/checker-of.js';
import { KafkaHealthIndicator } from '../../../lib/nest/health/index.js';
import { KafkaModuleError } from '../../../lib/nest/kafka-module.error.js';
import { KafkaClientRegistry } from '../../../lib/nest/kafka.registry.js';
import { InMemorySchemaRegistry } from '../../../lib/testing/index.js';

// Clients that never reach a broker: one still initialising (WARNING), one "initialised" against
// a port nobody listens on (CRITICAL: connection refused at once). Their `checker()` is the real
// clients' one (the shared checker of `checkHealthOf`), which the indicator calls.
const idleProducer = withChecker({ topic: 't', config: { brokers: ['127.0.0.1:1'], minBrokersHealthy: 1 }, isInitialised: () => false });
const brokenProducer = withChecker({ topic: 't', config: { brokers: ['127.0.0.1:1'], minBrokersHealthy: 1 }, isInitialised: () => true });
const idleGroup = withChecker({
  topics: ['t'],
  groupName: 'g',
  config: { brokers: ['127.0.0.1:1'], minBrokersHealthy: 1 },
  state: ConsumerState.Initialising,
  isInitialised: () => false,
  onStateChange: () => () => {},
});

function withChecker<T extends Parameters<typeof checkHealthOf>[0]>(client: T): T & { checker: () => ReturnType<typeof checkHealthOf> } {
  return Object.assign(client, { checker: () => checkHealthOf(client) });
}

function fakeRegistry(
  producers: Record<string, object>,
  groups: Record<string, object>,
  schemaRegistry: object | null = null,
): Partial<KafkaClientRegistry> {
  return {
    schemaRegistry: () => schemaRegistry as never,
    producers: () => Object.entries(producers).map(([name, producer]) => ({ name, producer })) as never,
    groups: () => Object.entries(groups).map(([name, group]) => ({ name, group, autoStart: true })) as never,
    producer: (name: string) => {
      if (!producers[name]) throw new KafkaModuleError([`no producer named "${name}"`]);
      return producers[name] as never;
    },
    group: (name: string) => {
      if (!groups[name]) throw new KafkaModuleError([`no consumer group named "${name}"`]);
      return groups[name] as never;
    },
  };
}

async function indicatorWith(
  producers: Record<string, object>,
  groups: Record<string, object> = {},
  schemaRegistry: object | null = null,
): Promise<KafkaHealthIndicator> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      KafkaHealthIndicator,
      HealthIndicatorService,
      { provide: KafkaClientRegistry, useValue: fakeRegistry(producers, groups, schemaRegistry) },
    ],
  }).compile();
  return moduleRef.get(KafkaHealthIndicator);
}

describe('KafkaHealthIndicator', () => {
  after(async () => {
    await Promise.all([idleProducer, brokenProducer, idleGroup].map((c) => closeHealthCheckerOf(c)));
  });

  it('WARNING (not initialised) is up, with the warning in the details', async () => {
    const indicator = await indicatorWith({ events: idleProducer }, { orders: idleGroup });
    const result = await indicator.isHealthy('kafka');
    assert.equal(result.kafka.status, 'up');
    assert.equal(result.kafka.health, 'WARNING');
    assert.deepEqual(result.kafka.producers, { events: { health: 'WARNING', message: 'kafka producer is not initialised' } });
    assert.deepEqual(result.kafka.consumerGroups, {
      orders: { health: 'WARNING', message: 'kafka consumer-group is not initialised', state: 'Initialising' },
    });
  });

  it('CRITICAL is down and names the unreachable broker', async () => {
    const indicator = await indicatorWith({ events: idleProducer, audit: brokenProducer });
    const result = await indicator.isHealthy('kafka');
    assert.equal(result.kafka.status, 'down');
    assert.equal(result.kafka.health, 'CRITICAL');
    const audit = (result.kafka.producers as Record<string, { health: string; message: string; unreachableBrokers: string[] }>).audit!;
    assert.equal(audit.health, 'CRITICAL');
    assert.equal(audit.message, 'broker(s) not reachable at: [127.0.0.1:1]');
    assert.deepEqual(audit.unreachableBrokers, ['127.0.0.1:1']);
  });

  it('checks only the named target', async () => {
    const indicator = await indicatorWith({ events: idleProducer, audit: brokenProducer });
    const result = await indicator.isHealthy('events', { producer: 'events' });
    assert.equal(result.events.status, 'up');
    assert.deepEqual(Object.keys(result.events.producers as object), ['events']);
  });

  it('never throws: an unknown name is down with the reason', async () => {
    const indicator = await indicatorWith({ events: idleProducer });
    const result = await indicator.isHealthy('kafka', { group: 'nope' });
    assert.equal(result.kafka.status, 'down');
    assert.match(String(result.kafka.message), /no consumer group named "nope"/);
  });

  it("reports the module's schema registry: OK when it answers, WARNING (still up) when it does not", async () => {
    const healthy = await (await indicatorWith({}, {}, new InMemorySchemaRegistry())).isHealthy('kafka');
    assert.equal(healthy.kafka.status, 'up');
    assert.equal(healthy.kafka.health, 'OK');
    assert.deepEqual(healthy.kafka.schemaRegistry, { health: 'OK', message: 'schema registry is reachable', url: 'in-memory' });

    const down = new InMemorySchemaRegistry();
    down.setUnavailable(true);
    const result = await (await indicatorWith({}, {}, down)).isHealthy('kafka');
    assert.equal(result.kafka.status, 'up', 'an unreachable registry never takes the service down');
    assert.equal(result.kafka.health, 'WARNING');
    const entry = result.kafka.schemaRegistry as { health: string; message: string; failingSince: string };
    assert.equal(entry.health, 'WARNING');
    assert.match(entry.message, /schema registry in-memory is not reachable/);
    assert.ok(!Number.isNaN(Date.parse(entry.failingSince)));
  });

  it('leaves the registry out of a check of one named client, and out when the module has none or it cannot be checked', async () => {
    const registry = new InMemorySchemaRegistry();
    const one = await (await indicatorWith({ events: idleProducer }, {}, registry)).isHealthy('events', { producer: 'events' });
    assert.equal(one.events.schemaRegistry, undefined);
    const none = await (await indicatorWith({ events: idleProducer })).isHealthy('kafka');
    assert.equal(none.kafka.schemaRegistry, undefined);
    const uncheckable = {
      register: () => Promise.resolve(1),
      schemaById: () => Promise.resolve(''),
      latestVersion: () => Promise.reject(new Error('x')),
    };
    const own = await (await indicatorWith({ events: idleProducer }, {}, uncheckable)).isHealthy('kafka');
    assert.equal(own.kafka.schemaRegistry, undefined);
  });
});
