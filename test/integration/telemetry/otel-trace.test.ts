import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace, type Link } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import type { ConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import { silentLogger } from '../../../lib/core/logger.js';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';
import { runWithRequestId } from '../../../lib/core/request-context.js';
import { addHandlingEvent } from '../../../lib/core/telemetry/handling-spans.js';
import { eventually } from '../../support/eventually.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';
import { counterSum, histogramCount, pointsOf, spansNamed, startTestOtel, type TestOtel } from '../../support/otel.js';

// The SDK is registered before any client is built, as an application starts its SDK first.
let otel: TestOtel;
const clients: Array<KafkaProducer | KafkaConsumerGroup> = [];

before(() => {
  otel = startTestOtel();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close({ timeout: 10_000 })));
  await otel.shutdown();
});

function producer(topic: string, extra: { tracing?: boolean; metrics?: boolean } = {}): KafkaProducer {
  const p = new KafkaProducer({ brokers: sharedBrokers(), topic, logger: silentLogger, ...extra });
  clients.push(p);
  return p;
}

function group(config: Partial<ConsumerGroupConfig> & Pick<ConsumerGroupConfig, 'topic' | 'groupName'>): KafkaConsumerGroup {
  const g = new KafkaConsumerGroup({
    brokers: sharedBrokers(),
    logger: silentLogger,
    minRetryPeriod: 100,
    maxRetryPeriod: 1_000,
    ...config,
  });
  g.errors.on(() => {}); // handler failures below are expected
  clients.push(g);
  return g;
}

const tracer = trace.getTracer('test');

function only(spans: readonly ReadableSpan[], what: string): ReadableSpan {
  assert.equal(spans.length, 1, `one ${what} span, got ${spans.length}`);
  return spans[0] as ReadableSpan;
}

function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId && child.spanContext().traceId === parent.spanContext().traceId;
}

function linksTo(links: readonly Link[], span: ReadableSpan): boolean {
  return links.some((l) => l.context.spanId === span.spanContext().spanId && l.context.traceId === span.spanContext().traceId);
}

describe('OpenTelemetry (real broker, SDK with in-memory exporter and reader)', () => {
  it('HTTP-like root → send → process → nested span and send → process is one connected trace', async () => {
    const first = uniqueName('otel-a');
    const second = uniqueName('otel-b');
    await Promise.all([createTopic(first), createTopic(second)]);
    const toFirst = producer(first);
    const toSecond = producer(second);
    const firstGroup = group({ topic: first, groupName: uniqueName('otel-ga') });
    const secondGroup = group({ topic: second, groupName: uniqueName('otel-gb') });
    firstGroup.registerHandler(async (message) => {
      await tracer.startActiveSpan('inner work', async (span) => span.end());
      addHandlingEvent(message, 'test.event', { attempt: 1 });
      await toSecond.sendJSON({ from: message.offset }, { key: 'k2' });
    });
    const received: KafkaMessage[] = [];
    secondGroup.registerHandler(async (message) => {
      received.push(message);
    });
    await Promise.all([toFirst.waitUntilInitialised(), toSecond.waitUntilInitialised()]);
    await Promise.all([firstGroup.start(), secondGroup.start()]);

    // The root stands for an HTTP server span; the request id for the one the request carried.
    await tracer.startActiveSpan('GET /orders', async (root) => {
      await runWithRequestId('req-otel-1', () => toFirst.sendJSON({ id: 1 }, { key: 'k1' }));
      root.end();
    });
    await eventually('the second handler ran', () => received.length === 1, 30_000);
    await eventually('every span ended', () => spansNamed(otel.spans, `process ${second}`).length === 1, 10_000);

    const root = only(spansNamed(otel.spans, 'GET /orders'), 'root');
    const sendFirst = only(spansNamed(otel.spans, `send ${first}`), 'first send');
    const processFirst = only(spansNamed(otel.spans, `process ${first}`), 'first process');
    const inner = only(spansNamed(otel.spans, 'inner work'), 'inner');
    const sendSecond = only(spansNamed(otel.spans, `send ${second}`), 'second send');
    const processSecond = only(spansNamed(otel.spans, `process ${second}`), 'second process');

    assert.ok(isChildOf(sendFirst, root), 'send is a child of the request span');
    assert.ok(isChildOf(processFirst, sendFirst), 'process is a child of the producer span');
    assert.ok(linksTo(processFirst.links, sendFirst), 'process links to the producer span');
    assert.ok(isChildOf(inner, processFirst), 'a span created in the handler nests under process');
    assert.ok(isChildOf(sendSecond, processFirst), 'a send in the handler is a child of process');
    assert.ok(isChildOf(processSecond, sendSecond), 'the second process is a child of the second send');

    assert.equal(sendFirst.kind, SpanKind.PRODUCER);
    assert.equal(processFirst.kind, SpanKind.CONSUMER);
    assert.deepEqual(
      { ...sendFirst.attributes },
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': first,
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.kafka.message.key': 'k1',
      },
    );
    assert.deepEqual(
      { ...processFirst.attributes },
      {
        'messaging.system': 'kafka',
        'messaging.consumer.group.name': firstGroup.groupName,
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': first,
        'messaging.destination.partition.id': '0',
        'messaging.kafka.offset': 0,
        'messaging.kafka.message.key': 'k1',
      },
    );
    assert.deepEqual(
      processFirst.events.filter((e) => e.name === 'test.event').map((e) => e.attributes),
      [{ attempt: 1 }],
      'the handling-event hook adds to the record span',
    );

    // Propagation sits next to request-id, which keeps its behaviour end to end.
    const last = received[0] as KafkaMessage;
    assert.equal(last.requestId, 'req-otel-1');
    assert.match(
      last.getHeader('traceparent') ?? '',
      new RegExp(`^00-${root.spanContext().traceId}-${sendSecond.spanContext().spanId}-01$`),
    );
    assert.equal(last.logData().traceId, root.spanContext().traceId);
    assert.equal(last.logData().requestId, 'req-otel-1');

    // Metrics of this exchange.
    await eventually(
      'lag of the first group read back as 0',
      async () => {
        const all = await otel.reader.metrics();
        const lag = pointsOf<number>(all, 'kafka_channels.consumer.lag', { 'messaging.consumer.group.name': firstGroup.groupName });
        return lag.length === 1 && lag[0]?.value === 0;
      },
      20_000,
    );
    const all = await otel.reader.metrics();
    assert.equal(counterSum(all, 'messaging.client.sent.messages', { 'messaging.destination.name': first }), 1);
    assert.equal(histogramCount(all, 'messaging.client.operation.duration', { 'messaging.destination.name': second }), 1);
    assert.equal(counterSum(all, 'messaging.client.consumed.messages', { 'messaging.consumer.group.name': firstGroup.groupName }), 1);
    assert.equal(histogramCount(all, 'messaging.process.duration', { 'messaging.consumer.group.name': secondGroup.groupName }), 1);
    assert.equal(counterSum(all, 'kafka_channels.consumer.rebalances', { 'messaging.consumer.group.name': firstGroup.groupName }), 1);
    const state = pointsOf<number>(all, 'kafka_channels.consumer.group.state', { 'messaging.consumer.group.name': firstGroup.groupName });
    assert.deepEqual(
      state.filter((p) => p.value === 1).map((p) => p.attributes['kafka_channels.consumer.group.state']),
      ['Consuming'],
    );
    assert.equal(state.length, 6, 'one point per state');
  });

  it('a failing handler ends its span with an error status and error.type, counted in the metrics', async () => {
    const topic = uniqueName('otel-fail');
    await createTopic(topic);
    const send = producer(topic);
    const failing = group({ topic, groupName: uniqueName('otel-gf') });
    class PaymentDeclined extends Error {}
    let calls = 0;
    failing.registerHandler(async () => {
      calls++;
      throw new PaymentDeclined('declined');
    });
    await send.waitUntilInitialised();
    await failing.start();
    await send.sendBytes('x');
    await eventually('the handler failed once', () => calls === 1, 30_000);
    await eventually('the span ended', () => spansNamed(otel.spans, `process ${topic}`).length === 1, 10_000);
    const span = only(spansNamed(otel.spans, `process ${topic}`), 'failed process');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.attributes['error.type'], 'PaymentDeclined');
    assert.ok(span.events.some((e) => e.name === 'exception'));
    const all = await otel.reader.metrics();
    const match = { 'messaging.consumer.group.name': failing.groupName, 'error.type': 'PaymentDeclined' };
    assert.equal(histogramCount(all, 'messaging.process.duration', match), 1);
    assert.equal(
      counterSum(all, 'kafka_channels.errors', { 'messaging.consumer.group.name': failing.groupName, 'error.type': 'MessageHandlerError' }),
      1,
    );
  });

  it('retries and dead-lettering show in the trace of the record: retry and dead_letter spans beside its process spans', async () => {
    const topic = uniqueName('otel-dlt');
    await createTopic(topic);
    await createTopic(`${topic}.DLT`);
    const send = producer(topic);
    const failing = group({
      topic,
      groupName: uniqueName('otel-gdlt'),
      onError: { retry: { attempts: 1, initialMs: 10 }, then: 'deadLetter' },
    });
    class StockMissing extends Error {}
    let calls = 0;
    failing.registerHandler(async () => {
      calls++;
      throw new StockMissing('no stock');
    });
    await send.waitUntilInitialised();
    await failing.start();
    const root = tracer.startSpan('checkout');
    await context.with(trace.setSpan(context.active(), root), () => send.sendBytes('x'));
    root.end();
    await eventually('the record was dead-lettered', () => failing.failureStats().deadLettered === 1, 30_000);
    assert.equal(calls, 2, 'the first call and one retry');
    const traceId = root.spanContext().traceId;
    const inTrace = (name: string) => spansNamed(otel.spans, name).filter((s) => s.spanContext().traceId === traceId);
    await eventually('both process spans ended', () => inTrace(`process ${topic}`).length === 2, 10_000);
    const retry = only(inTrace(`retry ${topic}`), 'retry');
    assert.equal(retry.kind, SpanKind.INTERNAL);
    assert.equal(retry.attributes['error.type'], 'StockMissing');
    assert.equal(retry.attributes['kafka_channels.retry.attempt'], 2);
    const deadLetter = only(inTrace(`dead_letter ${topic}`), 'dead_letter');
    assert.equal(deadLetter.attributes['kafka_channels.failure.target'], `${topic}.DLT`);
    assert.equal(deadLetter.attributes['messaging.consumer.group.name'], failing.groupName);
  });

  it('a batch handler gets one span linked to every record context', async () => {
    const topic = uniqueName('otel-batch');
    await createTopic(topic);
    const send = producer(topic);
    const batchGroup = group({ topic, groupName: uniqueName('otel-gbatch'), batchSize: 3, batchWaitTime: 60_000 });
    const batches: number[] = [];
    batchGroup.registerBatchHandler(async (messages) => {
      batches.push(messages.length);
    });
    await send.waitUntilInitialised();
    await batchGroup.start();
    await Promise.all([1, 2, 3].map((n) => send.sendJSON({ n })));
    await eventually('one batch of 3', () => batches.length === 1, 30_000);
    await eventually('the batch span ended', () => spansNamed(otel.spans, `process ${topic}`).length === 1, 10_000);
    const batchSpan = only(spansNamed(otel.spans, `process ${topic}`), 'batch');
    const sends = spansNamed(otel.spans, `send ${topic}`);
    assert.equal(sends.length, 3);
    assert.equal(batchSpan.links.length, 3);
    for (const sendSpan of sends) assert.ok(linksTo(batchSpan.links, sendSpan), 'linked to each record send span');
    assert.equal(batchSpan.attributes['messaging.batch.message_count'], 3);
    assert.equal(batchSpan.kind, SpanKind.CONSUMER);
    const all = await otel.reader.metrics();
    assert.equal(counterSum(all, 'messaging.client.consumed.messages', { 'messaging.consumer.group.name': batchGroup.groupName }), 3);
    assert.equal(histogramCount(all, 'messaging.process.duration', { 'messaging.consumer.group.name': batchGroup.groupName }), 1);
  });

  it('counts a rebalance when a second member joins (each join of each member)', async () => {
    const topic = uniqueName('otel-rebalance');
    await createTopic(topic, 2);
    const groupName = uniqueName('otel-grebalance');
    const first = group({ topic, groupName });
    const second = group({ topic, groupName });
    for (const member of [first, second]) member.registerHandler(async () => {});
    const joins = async () =>
      counterSum(await otel.reader.metrics(), 'kafka_channels.consumer.rebalances', { 'messaging.consumer.group.name': groupName });
    await first.start();
    await eventually('the first member joined', async () => (await joins()) === 1, 30_000);
    await second.start();
    // The second member joins, and the first rejoins in the rebalance that makes room for it.
    await eventually('both members joined after the rebalance', async () => (await joins()) >= 3, 45_000);
  });

  it('tracing: false and metrics: false turn each off; records still flow', async () => {
    const topic = uniqueName('otel-off');
    await createTopic(topic);
    const send = producer(topic, { tracing: false, metrics: false });
    const quiet = group({ topic, groupName: uniqueName('otel-goff'), tracing: false, metrics: false });
    const got: KafkaMessage[] = [];
    quiet.registerHandler(async (m) => {
      got.push(m);
    });
    await send.waitUntilInitialised();
    await quiet.start();
    await tracer.startActiveSpan('parent', async (span) => {
      await send.sendBytes('quiet');
      span.end();
    });
    await eventually('handled', () => got.length === 1, 30_000);
    assert.equal(got[0]?.getHeader('traceparent'), undefined, 'no propagation headers');
    assert.ok(got[0]?.requestId, 'request-id still set');
    assert.deepEqual(spansNamed(otel.spans, `send ${topic}`), []);
    assert.deepEqual(spansNamed(otel.spans, `process ${topic}`), []);
    const all = await otel.reader.metrics();
    assert.equal(counterSum(all, 'messaging.client.sent.messages', { 'messaging.destination.name': topic }), 0);
    assert.equal(counterSum(all, 'messaging.client.consumed.messages', { 'messaging.consumer.group.name': quiet.groupName }), 0);
  });
});
