// The app's end-to-end test, written against the built-in client as the user's own test would be.
// `start` is the only thing that differs between transports.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { INestMicroservice } from '@nestjs/common';
import type { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { eventually } from '../../../support/eventually.js';
import { uniqueName } from '../../../support/env.js';
import { builtInClient } from '../interop-fixtures.js';
import { CREATED_TOPIC, OrdersStore, TOTAL_TOPIC } from './orders.controller.js';

const withKey = (value: unknown) => ({ value, headers: { 'x-api-key': 'secret' } });

async function failure(request: Promise<unknown>): Promise<unknown> {
  try {
    await request;
  } catch (error) {
    return error;
  }
  throw new Error('the request succeeded');
}

/** The orders app's e2e test on the transport `start` runs it on. */
export function ordersE2e(label: string, start: () => Promise<INestMicroservice>): void {
  describe(`orders app on ${label}`, { timeout: 180_000 }, () => {
    let app: INestMicroservice;
    let client: ClientKafka;

    before(async () => {
      app = await start();
      client = await builtInClient([TOTAL_TOPIC]);
    });
    after(async () => {
      await client?.close();
      await app?.close();
    });

    test('a valid request is answered through the interceptor, with the context of its record', async () => {
      const request = {
        orderId: 'o-1',
        lines: [
          { sku: 'a', quantity: 2, unitPrice: 150 },
          { sku: 'b', quantity: 1, unitPrice: 99 },
        ],
      };
      const reply = (await firstValueFrom(client.send(TOTAL_TOPIC, withKey(request)))) as Record<string, unknown>;
      assert.equal(reply.orderId, 'o-1');
      assert.equal(reply.total, 399);
      assert.equal(reply.answeredOn, TOTAL_TOPIC);
      assert.ok(reply.partition === 0 || reply.partition === 1);
    });

    test('the pipe refuses an invalid request with the fields it names', async () => {
      const error = await failure(firstValueFrom(client.send(TOTAL_TOPIC, withKey({ orderId: 7, lines: 'none' }))));
      assert.deepEqual(error, { status: 'invalid', fields: ['orderId', 'lines'] });
    });

    test('the guard refuses a request without the API key', async () => {
      const error = await failure(firstValueFrom(client.send(TOTAL_TOPIC, { orderId: 'o-2', lines: [] })));
      assert.deepEqual(error, { status: 'error', message: 'Forbidden resource' });
    });

    test('the exception filter turns a domain error into its reply', async () => {
      const request = { orderId: 'o-3', lines: [{ sku: 'gone-42', quantity: 1, unitPrice: 1 }] };
      const error = await failure(firstValueFrom(client.send(TOTAL_TOPIC, withKey(request))));
      assert.deepEqual(error, { status: 'out-of-stock', sku: 'gone-42' });
    });

    test('an event reaches the @EventPattern handler with its key and headers', async () => {
      const id = uniqueName('order');
      await firstValueFrom(client.emit(CREATED_TOPIC, { key: `k-${id}`, value: { id }, headers: { source: 'web' } }));
      const store = app.get(OrdersStore);
      await eventually(`order ${id} recorded`, () => store.created.some((o) => o.id === id));
      assert.deepEqual(
        store.created.find((o) => o.id === id),
        { id, key: `k-${id}`, source: 'web' },
      );
    });
  });
}
