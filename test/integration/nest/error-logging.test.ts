import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaHandler, KafkaModule } from '../../../lib/nest/index.js';
import { createTopic, uniqueName } from '../../support/env.js';
import { eventually, testConnection } from './nest-fixtures.js';

const SCHEMA = { type: 'record' as const, name: 'Payment', fields: [{ name: 'id', type: 'string' }] };
const topic = uniqueName('nest-poison');
const groupName = uniqueName('nest-poison-group');

/** What Nest's Logger wrote, as `useLogger` / `setLogger` would route it in an app. */
class RecordingLogger implements LoggerService {
  readonly errors: Array<{ message: string; context: string }> = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    this.errors.push({ message: String(message), context: typeof context === 'string' ? context : JSON.stringify(context) });
  }
}

@Injectable()
class PaymentsHandler {
  readonly received: string[] = [];

  @KafkaHandler({ group: 'payments', schema: SCHEMA })
  async onPayment(payment: { id: string }): Promise<void> {
    this.received.push(payment.id);
  }
}

@Injectable()
class Sender {
  constructor(@InjectProducer('payments') readonly producer: KafkaProducer) {}
}

describe('a Nest app that subscribes to no error stream', () => {
  let app: INestApplicationContext;
  const logger = new RecordingLogger();

  before(async () => {
    await createTopic(topic, 1);
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          ...testConnection(),
          producers: { payments: { topic } },
          consumerGroups: { payments: { topic, groupName } },
        }),
      ],
      providers: [PaymentsHandler, Sender],
    })
      .setLogger(logger)
      .compile();
    app = await moduleRef.init();
  });

  after(async () => {
    await app?.close();
  });

  it('logs a poison (invalid Avro) record once through the Nest logger, and the partition keeps flowing', async () => {
    const { producer } = app.get(Sender);
    const handler = app.get(PaymentsHandler);
    await producer.waitUntilInitialised();
    await producer.send(SCHEMA, { id: 'before' });
    // A string length of -1 then nothing: not a Payment in Avro's binary encoding.
    await producer.sendBytes(Buffer.from([0x01, 0xff, 0xff]));
    await producer.send(SCHEMA, { id: 'after' });

    await eventually('the record after the poison handled', () => handler.received.includes('after'), 45_000);
    assert.deepEqual(handler.received, ['before', 'after']);
    const lines = logger.errors.filter((e) => e.context === 'Kafka:group:payments');
    assert.equal(lines.length, 1, JSON.stringify(logger.errors));
    assert.match(lines[0]!.message, /failed to handle message/);
    assert.match(lines[0]!.message, /"error":"MessageHandlerError"/);
    assert.match(lines[0]!.message, new RegExp(`"topic":"${topic}"`));
    assert.match(lines[0]!.message, /"state":"Consuming"/);
  });
});
