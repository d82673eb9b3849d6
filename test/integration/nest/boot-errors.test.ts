import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Injectable, type Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaHandler, KafkaModule, KafkaModuleError, type KafkaModuleOptions } from '../../../lib/nest/index.js';
import { uniqueName } from '../../support/env.js';
import { testConnection } from './nest-fixtures.js';

@Injectable()
class OrdersHandler {
  @KafkaHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable()
class OtherOrdersHandler {
  @KafkaHandler({ group: 'orders' })
  async handle(): Promise<void> {}
}

@Injectable()
class GhostHandler {
  @KafkaHandler({ group: 'ghost' })
  async handle(): Promise<void> {}
}

@Injectable()
class UsesMissingProducer {
  constructor(@InjectProducer('missing') readonly producer: KafkaProducer) {}
}

const groups = (...names: string[]): KafkaModuleOptions['consumerGroups'] =>
  Object.fromEntries(names.map((n) => [n, { topic: uniqueName(`boot-${n}`), groupName: uniqueName(`boot-${n}`) }]));

async function boot(options: Omit<KafkaModuleOptions, 'brokers'>, providers: Provider[]): Promise<void> {
  const moduleRef = await Test.createTestingModule({
    imports: [KafkaModule.forRoot({ ...testConnection(), ...options })],
    providers,
  }).compile();
  try {
    await moduleRef.init();
  } finally {
    await moduleRef.close();
  }
}

const bootError = (pattern: RegExp) => (error: unknown) => error instanceof KafkaModuleError && pattern.test(error.message);

describe('boot errors against the real broker', () => {
  it('a handler for an undeclared group', async () => {
    await assert.rejects(
      boot({ consumerGroups: groups('orders') }, [OrdersHandler, GhostHandler]),
      bootError(/GhostHandler\.handle names consumer group "ghost", which is not declared/),
    );
  });

  it('two handlers for one group', async () => {
    await assert.rejects(
      boot({ consumerGroups: groups('orders') }, [OrdersHandler, OtherOrdersHandler]),
      bootError(/consumer group "orders" has 2 handlers/),
    );
  });

  it('a group with no handler', async () => {
    await assert.rejects(
      boot({ consumerGroups: groups('orders', 'lonely') }, [OrdersHandler]),
      bootError(/consumer group "lonely" has no handler/),
    );
  });

  it('an unknown producer name in @InjectProducer', async () => {
    await assert.rejects(boot({}, [UsesMissingProducer]), (error: unknown) =>
      /KafkaProducer:missing/.test(String((error as Error).message)),
    );
  });
});
