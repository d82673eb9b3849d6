import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, Scope, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import {
  InjectProducer,
  KafkaBatchHandler,
  KafkaHandler,
  KafkaModule,
  KafkaModuleError,
  type KafkaModuleOptions,
} from '../../../lib/nest/index.js';

// Construction never touches the network, so these boot errors need no broker; port 9 refuses.
const quiet: KafkaModuleOptions = { brokers: ['127.0.0.1:9'], logLevel: 'nothing', kafkaJsLogLevel: 'nothing' };
const group = (name: string) => ({ topic: `${name}-topic`, groupName: `${name}-group` });

@Injectable()
class OrdersHandler {
  @KafkaHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable()
class SecondOrdersHandler {
  @KafkaBatchHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable()
class UndeclaredGroupHandler {
  @KafkaHandler({ group: 'ghost' })
  async handle(): Promise<void> {}
}

@Injectable()
class BothDecorators {
  @KafkaHandler({ group: 'orders' })
  @KafkaBatchHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedHandler {
  @KafkaHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable()
class NeedsUnknownProducer {
  constructor(@InjectProducer('nope') readonly producer: KafkaProducer) {}
}

async function boot(options: KafkaModuleOptions, providers: Provider[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({ imports: [KafkaModule.forRoot(options)], providers }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

/** Accepts a KafkaConfigError whose problems read `<field> <problem>` exactly as `expected`, in order. */
function configProblems(expected: readonly string[]) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    assert.deepEqual(
      error.problems.map((p) => `${p.field} ${p.problem}`),
      expected,
    );
    return true;
  };
}

function moduleError(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof KafkaModuleError, `expected KafkaModuleError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('KafkaModule boot errors', () => {
  it('names a handler whose group is not declared', async () => {
    await assert.rejects(
      boot({ ...quiet, consumerGroups: { orders: group('orders') } }, [OrdersHandler, UndeclaredGroupHandler]),
      moduleError(
        /@KafkaHandler on UndeclaredGroupHandler\.handle names consumer group "ghost", which is not declared in consumerGroups \(declared: "orders"\)/,
      ),
    );
  });

  it('names both handlers of a group that has two', async () => {
    await assert.rejects(
      boot({ ...quiet, consumerGroups: { orders: group('orders') } }, [OrdersHandler, SecondOrdersHandler]),
      moduleError(/consumer group "orders" has 2 handlers \(OrdersHandler\.handle, SecondOrdersHandler\.handle\)/),
    );
  });

  it('names a group without a handler', async () => {
    await assert.rejects(
      boot({ ...quiet, consumerGroups: { orders: group('orders'), idle: group('idle') } }, [OrdersHandler]),
      moduleError(/consumer group "idle" has no handler/),
    );
  });

  it('rejects both decorators on one method', async () => {
    await assert.rejects(
      boot({ ...quiet, consumerGroups: { orders: group('orders') } }, [BothDecorators]),
      moduleError(/BothDecorators\.handle has both @KafkaHandler and @KafkaBatchHandler/),
    );
  });

  it('refuses a handler on a request-scoped provider at boot (it used to be skipped with a warning)', async () => {
    await assert.rejects(
      boot({ ...quiet, consumerGroups: { orders: group('orders') } }, [RequestScopedHandler]),
      moduleError(/RequestScopedHandler\.handle is a Kafka handler on a request-scoped, durable or transient provider/),
    );
  });

  it('names an unknown producer in @InjectProducer', async () => {
    await assert.rejects(boot({ ...quiet }, [NeedsUnknownProducer]), (error: unknown) => {
      assert.match(String((error as Error).message), /KafkaProducer:nope/);
      return true;
    });
  });

  it('lists every bad field of every entry in one KafkaConfigError', async () => {
    await assert.rejects(
      boot(
        {
          ...quiet,
          shutdownTimeout: -1,
          producers: { events: { topic: '' } },
          consumerGroups: { orders: { topic: 'ok', groupName: '' } },
        },
        [OrdersHandler],
      ),
      (error: unknown) => {
        assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
        assert.deepEqual(
          error.problems.map((p) => p.field),
          ['shutdownTimeout', 'producers.events.topic', 'consumerGroups.orders.groupName'],
        );
        return true;
      },
    );
  });

  it('checks the transaction options: isolation of a group entry, transactionalId rules of a producer entry', async () => {
    const options = {
      ...quiet,
      producers: { events: { topic: 'events', transactionalId: 'events-tx', acks: 1 } },
      consumerGroups: { orders: { ...group('orders'), isolation: 'committed' } },
    };
    await assert.rejects(
      boot(options as KafkaModuleOptions, [OrdersHandler]),
      configProblems([
        "producers.events.acks must be 'all' when transactionalId is set",
        'consumerGroups.orders.isolation must be one of read_committed, read_uncommitted',
      ]),
    );
  });

  it('names every unknown option, at every level, once, with a hint', async () => {
    const options = {
      ...quiet,
      shutdownTimout: 1_000,
      producers: { events: { topic: 'events', lingerMS: 5, brokers: ['127.0.0.1:9'] } },
      consumerGroups: {
        orders: { ...group('orders'), numWorker: 4, bogusOption: 1, healthSubscription: { source: 'self' as const, intervall: 10 } },
      },
      security: { tls: false, sasl: { mechanism: 'plain' as const, username: 'u', password: 'p', user: 'x' } },
    };
    await assert.rejects(
      boot(options as KafkaModuleOptions, [OrdersHandler]),
      configProblems([
        'shutdownTimout is not a known option (did you mean shutdownTimeout?)',
        'producers.events.brokers is a connection setting: set it once at the top level of the KafkaModule options',
        'producers.events.lingerMS is not a known option (did you mean lingerMs?)',
        // security is a top-level setting every client shares: named there, once.
        'security.sasl.user is not a known option',
        'consumerGroups.orders.numWorker is not a known option (did you mean numWorkers?)',
        'consumerGroups.orders.bogusOption is not a known option',
        'consumerGroups.orders.healthSubscription.intervall is not a known option (did you mean interval?)',
      ]),
    );
  });

  it('names a malformed top-level broker address once, at the top level, however many clients share it', async () => {
    await assert.rejects(
      boot(
        {
          ...quiet,
          brokers: ['localhost:99999'],
          producers: { events: { topic: 'events' }, audit: { topic: 'audit', lingerMs: -1 } },
          consumerGroups: { orders: group('orders') },
        },
        [OrdersHandler],
      ),
      (error: unknown) => {
        assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
        assert.deepEqual(
          error.problems.map((p) => `${p.field} ${p.problem}`),
          ['brokers[0] "localhost:99999" has port 99999, outside 1-65535', 'producers.audit.lingerMs must be a number >= 0'],
        );
        return true;
      },
    );
  });

  it('rejects an async factory whose names differ from the declared ones', async () => {
    const moduleRef = Test.createTestingModule({
      imports: [
        KafkaModule.forRootAsync({
          producers: ['events'],
          consumerGroups: ['orders'],
          useFactory: () => ({ ...quiet, producers: { audit: { topic: 'a' } }, consumerGroups: { orders: group('orders') } }),
        }),
      ],
      providers: [OrdersHandler],
    });
    await assert.rejects(
      moduleRef.compile(),
      moduleError(
        /no producers entry for "events", declared in forRootAsync.*returned producers "audit", which forRootAsync\(\{ producers \}\) does not declare/,
      ),
    );
  });
});
