import { httpInstrumentation, otel } from './fixtures/nest-otel-setup.js';
import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Injectable, Post, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { KafkaMessage } from '../../../lib/core/message.js';
import type { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { InjectProducer, KafkaHandler, KafkaModule, getProducerToken } from '../../../lib/nest/index.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';
import { counterSum } from '../../support/otel.js';

const topic = uniqueName('nest-otel');
const groupName = uniqueName('nest-otel-group');

/** Error lines Nest's Logger wrote (the module's logger bridge writes a handler failure there). */
class RecordingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown): void {
    this.errors.push(String(message));
  }
}

@Controller('orders')
class OrdersController {
  constructor(@InjectProducer('orders') private readonly producer: KafkaProducer) {}

  @Post()
  async create(@Body() order: { id: string }): Promise<{ queued: string }> {
    await this.producer.sendJSON(order, { key: order.id });
    return { queued: order.id };
  }
}

@Injectable()
class OrdersHandler {
  readonly received: KafkaMessage[] = [];

  @KafkaHandler({ group: 'orders' })
  async onOrder(message: KafkaMessage): Promise<void> {
    this.received.push(message);
    if (message.json<{ id: string }>().id === 'bad') throw new Error('order refused');
  }
}

describe('a Nest app with the OpenTelemetry SDK and HTTP instrumentation, no extra wiring', () => {
  let app: INestApplication;
  let url: string;
  const logger = new RecordingLogger();

  before(async () => {
    await createTopic(topic, 1);
    const moduleRef = await Test.createTestingModule({
      imports: [
        KafkaModule.forRoot({
          brokers: sharedBrokers(),
          logLevel: 'warn',
          kafkaJsLogLevel: 'nothing',
          shutdownTimeout: 15_000,
          producers: { orders: { topic } },
          consumerGroups: { orders: { topic, groupName } },
        }),
      ],
      controllers: [OrdersController],
      providers: [OrdersHandler],
    })
      .setLogger(logger)
      .compile();
    app = moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
    // Clients connect from module init on; a send before the producer is initialised fails at once.
    await app.get<KafkaProducer>(getProducerToken('orders')).waitUntilInitialised();
  });

  after(async () => {
    await app?.close();
    httpInstrumentation.disable();
    await otel.shutdown();
  });

  it('an HTTP request is the root of send → process, and the failure log line names its trace', async () => {
    const handler = app.get(OrdersHandler);
    for (const id of ['o-1', 'bad']) {
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      assert.equal(response.status, 201);
    }
    await eventually('both records handled', () => handler.received.length === 2, 30_000);
    await eventually('the failure logged', () => logger.errors.some((line) => line.includes('order refused')), 10_000);
    await eventually('both process spans ended', () => spansOf(`process ${topic}`).length === 2, 10_000);

    const servers = otel.spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    assert.equal(servers.length, 2, 'one HTTP server span per request');
    for (const [index, message] of handler.received.entries()) {
      const server = servers.find((s) => s.spanContext().traceId === message.logData().traceId);
      assert.ok(server, `record ${index} carries the trace id of its HTTP request`);
      const send = spansOf(`send ${topic}`).find((s) => s.spanContext().traceId === server.spanContext().traceId);
      const process = spansOf(`process ${topic}`).find((s) => s.spanContext().traceId === server.spanContext().traceId);
      assert.ok(send && process);
      assert.equal(descendsFrom(send, server), true, 'send under the HTTP span (through Nest’s own spans if any)');
      assert.equal(process.parentSpanContext?.spanId, send.spanContext().spanId);
      assert.equal(process.attributes['messaging.consumer.group.name'], groupName);
    }

    const bad = handler.received.find((m) => m.json<{ id: string }>().id === 'bad') as KafkaMessage;
    const line = logger.errors.find((l) => l.includes('order refused')) ?? '';
    assert.match(line, new RegExp(`"traceId":"${bad.logData().traceId as string}"`), line);
    assert.match(line, new RegExp(`"requestId":"${bad.requestId as string}"`), line);

    const all = await otel.reader.metrics();
    assert.equal(counterSum(all, 'messaging.client.sent.messages', { 'messaging.destination.name': topic }), 2);
    assert.equal(counterSum(all, 'messaging.client.consumed.messages', { 'messaging.consumer.group.name': groupName }), 2);
  });
});

function spansOf(name: string): ReadableSpan[] {
  return otel.spans.getFinishedSpans().filter((s) => s.name === name);
}

/** Whether `span` is `ancestor` or below it, following parents through the finished spans. */
function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan): boolean {
  const byId = new Map(otel.spans.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
  let current: ReadableSpan | undefined = span;
  while (current) {
    if (current.spanContext().spanId === ancestor.spanContext().spanId) return true;
    const parentId: string | undefined = current.parentSpanContext?.spanId;
    current = parentId === undefined ? undefined : byId.get(parentId);
  }
  return false;
}
