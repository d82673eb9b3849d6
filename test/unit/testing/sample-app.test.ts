// The sample app (sample/) tested with the test kit only: no broker. This is the README example.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { KAFKA_CLIENT_FACTORY } from '../../../lib/index.js';
import { getInMemoryConsumerGroup, getInMemoryProducer, InMemoryKafka } from '../../../lib/testing/index.js';
import { AppModule } from '../../../sample/app.module.js';
import { SAMPLE_EVENT_SCHEMA, type SampleEvent } from '../../../sample/events/event.schema.js';
import { SampleConfig } from '../../../sample/sample.config.js';

describe('sample app on the test kit', () => {
  const kafka = new InMemoryKafka({ defaultPartitions: 3 });
  let app: INestApplication;
  let base: string;

  before(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(KAFKA_CLIENT_FACTORY)
      .useValue(kafka)
      .overrideProvider(SampleConfig)
      .useValue(new SampleConfig({ KAFKA_ADDR: 'in-memory:9092' }))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    await getInMemoryProducer(app, 'events').waitUntilInitialised();
  });

  after(async () => {
    await app?.close();
  });

  it('publishes a POSTed event, consumes it, and audits it in a batch', async () => {
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello' }),
    });
    assert.equal(response.status, 202);
    const { id } = (await response.json()) as { id: string };

    // What the controller sent, decoded with the schema the handler uses.
    const sent = await getInMemoryProducer(app, 'events').waitForMessageSent<SampleEvent>(SAMPLE_EVENT_SCHEMA);
    assert.equal(sent.id, id);
    assert.equal(sent.message, 'hello');

    // The events handler ran, sent its audit record, and the audit batch handler took it.
    await kafka.waitForIdle();
    const audit = await getInMemoryProducer(app, 'audit').waitForJSONMessageSent<{ eventId: string }>();
    assert.equal(audit.eventId, id);
    const snapshot = (await (await fetch(`${base}/events`)).json()) as {
      consumed: number;
      last: Array<{ id: string; workerId: number }>;
      audit: { records: number };
    };
    assert.equal(snapshot.consumed, 1);
    assert.equal(snapshot.last[0]!.id, id);
    assert.ok([1, 2].includes(snapshot.last[0]!.workerId));
    assert.equal(snapshot.audit.records, 1);

    // Both groups committed what they handled.
    const events = getInMemoryConsumerGroup(app, 'events');
    const committed = [0, 1, 2].map((p) => Number(events.committedOffset(p) ?? 0));
    assert.equal(
      committed.reduce((a, b) => a + b, 0),
      1,
    );
  });

  it('answers 400 and sends nothing for a bad body', async () => {
    const producer = getInMemoryProducer(app, 'events');
    const before = producer.sent.length;
    const response = await fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 400);
    await producer.waitNoMessageSent(50);
    assert.equal(producer.sent.length, before);
  });

  it('answers 500 when Kafka refuses the record', async () => {
    const producer = getInMemoryProducer(app, 'events');
    producer.failNextSends(1, new Error('not enough replicas'));
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'lost' }),
    });
    assert.equal(response.status, 500);
    await kafka.waitForIdle();
    const snapshot = (await (await fetch(`${base}/events`)).json()) as { consumed: number };
    assert.equal(snapshot.consumed, 1, 'nothing was consumed for the refused record');
  });
});
