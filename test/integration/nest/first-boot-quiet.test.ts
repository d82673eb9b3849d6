import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaHandler, KafkaModule } from '../../../lib/nest/index.js';
import { sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from './nest-fixtures.js';

/**
 * Issue 27, "a quiet first boot": an app whose topics do not exist yet (the broker auto-creates
 * them on first use) logs nothing at warn or error level in its first 10 s, through the Nest
 * logger, which is where the registry routes the core's and kafkajs' lines. Default log levels,
 * as a new user has them.
 */

const QUIET_PERIOD_MS = 10_000;
const topic = uniqueName('first-boot-orders');
const groupName = uniqueName('first-boot-store');

/** Every line Nest's Logger wrote, with its level and when. */
class RecordingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; at: number }> = [];
  log(message: unknown): void {
    this.add('log', message);
  }
  warn(message: unknown): void {
    this.add('warn', message);
  }
  error(message: unknown): void {
    this.add('error', message);
  }
  debug(message: unknown): void {
    this.add('debug', message);
  }
  verbose(message: unknown): void {
    this.add('verbose', message);
  }
  private add(level: string, message: unknown): void {
    this.lines.push({ level, message: String(message), at: Date.now() });
  }
}

@Injectable()
class OrdersHandler {
  readonly received: string[] = [];

  @KafkaHandler({ group: 'orders' })
  async onOrder(message: KafkaMessage): Promise<void> {
    this.received.push(message.value?.toString() ?? '');
  }
}

@Injectable()
class Sender {
  constructor(@InjectProducer('orders') readonly producer: KafkaProducer) {}
}

describe('a Nest app booting against topics its first start creates', () => {
  let app: INestApplicationContext;
  const logger = new RecordingLogger();
  let bootedAt = 0;

  before(async () => {
    bootedAt = Date.now();
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          brokers: sharedBrokers(),
          producers: { orders: { topic } },
          consumerGroups: { orders: { topic, groupName } },
        }),
      ],
      providers: [OrdersHandler, Sender],
    })
      .setLogger(logger)
      .compile();
    app = await moduleRef.init();
  });

  after(async () => {
    await app?.close();
  });

  it('logs nothing at warn or error level in its first 10 s, and consumes what it sends', async () => {
    const { producer } = app.get(Sender);
    const handler = app.get(OrdersHandler);
    await producer.waitUntilInitialised();
    await producer.sendJSON({ id: 'first' });
    await eventually('the first order handled', () => handler.received.length > 0, 60_000);
    const quietUntil = bootedAt + QUIET_PERIOD_MS;
    await eventually('the quiet period over', () => Date.now() > quietUntil, QUIET_PERIOD_MS + 5_000);

    const loud = logger.lines.filter((l) => (l.level === 'warn' || l.level === 'error') && l.at <= quietUntil);
    assert.deepEqual(
      loud.map((l) => `${l.level}: ${l.message}`),
      [],
      `warn/error lines in the first ${QUIET_PERIOD_MS} ms after boot`,
    );
    assert.deepEqual(handler.received, ['{"id":"first"}']);
  });
});
