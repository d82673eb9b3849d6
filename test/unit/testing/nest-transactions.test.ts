import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaHandler } from '../../../lib/nest/decorators/index.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { getInMemoryConsumerGroup, getInMemoryProducer } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

/** A pipeline written by hand with the transactional producer: orders in, invoices out. */
@Injectable()
class InvoicingService {
  readonly audited: string[] = [];

  constructor(@InjectProducer('invoices') private readonly invoices: KafkaProducer) {}

  @KafkaHandler({ group: 'orders' })
  async onOrder(message: KafkaMessage): Promise<void> {
    const { id } = message.json<{ id: string }>();
    await this.invoices.transaction(async (tx) => {
      await tx.sendJSON({ invoiceFor: id });
      if (id === 'unpriced') throw new Error(`no price for ${id}`);
    });
  }

  @KafkaHandler({ group: 'audit' })
  async onInvoice(message: KafkaMessage): Promise<void> {
    this.audited.push(message.json<{ invoiceFor: string }>().invoiceFor);
  }
}

const INVOICING = KafkaTestingModule.forRoot({
  producers: { invoices: { topic: 'invoices', transactionalId: 'invoicing-0' } },
  consumerGroups: {
    orders: { topic: 'orders', groupName: 'invoicing' },
    audit: { topic: 'invoices', groupName: 'audit', isolation: 'read_committed' },
  },
  logLevel: 'nothing',
});

let app: INestApplicationContext | undefined;
after(() => app?.close());

describe('transactions through KafkaTestingModule', () => {
  it('producer transactionalId and group isolation pass through the module; aborted output is never audited', async () => {
    const compiled = await Test.createTestingModule({ imports: [INVOICING], providers: [InvoicingService] }).compile();
    app = await compiled.init();
    await getInMemoryProducer(app, 'invoices').waitUntilInitialised();
    const orders = getInMemoryConsumerGroup(app, 'orders');
    orders.queueJSON({ id: 'o-1' });
    orders.queueJSON({ id: 'unpriced' });
    orders.queueJSON({ id: 'o-2' });
    await app.get(InMemoryKafka).waitForIdle();
    assert.deepEqual(app.get(InvoicingService).audited, ['o-1', 'o-2']);
    assert.equal(getInMemoryProducer(app, 'invoices').sent.length, 3, 'the aborted invoice was written, then aborted');
  });
});
