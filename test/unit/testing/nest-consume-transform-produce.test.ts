import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Injectable, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { currentTransaction } from '../../../lib/core/consumer/transactional/transaction-context.js';
import { NoHandlerTransactionError } from '../../../lib/core/errors.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaHandler } from '../../../lib/nest/decorators/index.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { getInMemoryConsumerGroup } from '../../../lib/testing/nest/in-memory-clients.js';
import { KafkaTestingModule } from '../../../lib/testing/nest/kafka-testing.module.js';

/** Orders in, invoices out, as a consume-transform-produce handler. */
@Injectable()
class InvoicingService {
  readonly audited: string[] = [];
  private failedOnce = false;

  @KafkaHandler({
    group: 'orders',
    transaction: { output: { topic: 'invoices' }, maxRecords: 10 },
    onError: { retry: { attempts: 2, initialMs: 1, jitter: 0 }, then: 'stop' },
  })
  async onOrder(message: KafkaMessage): Promise<void> {
    const { id } = message.json<{ id: string }>();
    await currentTransaction().sendJSON({ invoiceFor: id });
    if (id === 'flaky' && !this.failedOnce) {
      this.failedOnce = true;
      throw new Error('pricing failed once');
    }
  }

  @KafkaHandler({ group: 'audit' })
  async onInvoice(message: KafkaMessage): Promise<void> {
    this.audited.push(message.json<{ invoiceFor: string }>().invoiceFor);
  }
}

let app: INestApplicationContext | undefined;
after(() => app?.close());

describe('@KafkaHandler with transaction (test kit)', () => {
  it('each order is invoiced once in read_committed output; the aborted attempt is never audited', async () => {
    const module = KafkaTestingModule.forRoot({
      consumerGroups: {
        orders: { topic: 'orders', groupName: 'invoicing' },
        audit: { topic: 'invoices', groupName: 'audit', isolation: 'read_committed' },
      },
      logLevel: 'nothing',
    });
    const compiled = await Test.createTestingModule({ imports: [module], providers: [InvoicingService] }).compile();
    app = await compiled.init();
    const orders = getInMemoryConsumerGroup(app, 'orders');
    orders.queueJSON({ id: 'o-1' });
    orders.queueJSON({ id: 'flaky' });
    orders.queueJSON({ id: 'o-2' });
    await app.get(InMemoryKafka).waitForIdle();
    await orders.waitForIdle();
    await getInMemoryConsumerGroup(app, 'audit').waitForIdle();
    assert.deepEqual(app.get(InvoicingService).audited, ['o-1', 'flaky', 'o-2']);
    assert.equal(orders.committedOffset(0), '3');
    assert.ok(orders.broker.messages('invoices').length > 3, 'the aborted attempt was written, then aborted');
  });

  it('currentTransaction() outside a transactional handler throws NoHandlerTransactionError', () => {
    assert.throws(() => currentTransaction(), NoHandlerTransactionError);
  });
});
