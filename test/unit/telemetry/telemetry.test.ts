import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Logger, type LoggerService } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { resolveConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import { resolveProducerConfig } from '../../../lib/core/config/producer.js';
import type { ConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import type { ProducerConfig } from '../../../lib/core/config/producer.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { KafkaMessage } from '../../../lib/core/message.js';
import { runWithRequestId } from '../../../lib/core/request-context.js';
import { errorTypeOf } from '../../../lib/core/telemetry/error-type.js';
import { traceIdOfHeader } from '../../../lib/core/telemetry/trace-id.js';
import { KafkaClientRegistry } from '../../../lib/nest/kafka.registry.js';
import { NestKafkaLogger } from '../../../lib/nest/nest-kafka-logger.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { spansNamed, startTestOtel, type TestOtel } from '../../support/otel.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

let otel: TestOtel;
before(() => {
  otel = startTestOtel();
});
after(() => otel.shutdown());

function problemsOf(resolve: () => unknown): string[] {
  try {
    resolve();
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError);
    return error.problems.map((p) => `${p.field}: ${p.problem}`);
  }
  assert.fail('expected a KafkaConfigError');
}

describe('telemetry options', () => {
  it('default to on and take booleans only, on producers and groups (strict config)', () => {
    const producer = resolveProducerConfig({ brokers: ['b:9092'], topic: 't' });
    assert.equal(producer.tracing, true);
    assert.equal(producer.metrics, true);
    const group = resolveConsumerGroupConfig({ brokers: ['b:9092'], topic: 't', groupName: 'g', tracing: false });
    assert.equal(group.tracing, false);
    assert.equal(group.metrics, true);
    assert.deepEqual(
      problemsOf(() => resolveProducerConfig({ brokers: ['b:9092'], topic: 't', tracing: 'yes' } as unknown as ProducerConfig)),
      ['tracing: must be a boolean'],
    );
    assert.deepEqual(
      problemsOf(() =>
        resolveConsumerGroupConfig({
          brokers: ['b:9092'],
          topic: 't',
          groupName: 'g',
          metrics: 1,
          tracng: true,
        } as unknown as ConsumerGroupConfig),
      ),
      ['tracng: is not a known option (did you mean tracing?)', 'metrics: must be a boolean'],
    );
  });

  it('the Nest module switches apply to every entry, an entry setting wins, bad values are named', async () => {
    const seen: Array<{ tracing?: boolean; metrics?: boolean }> = [];
    class Recording extends InMemoryKafka {
      override createProducer(config: ProducerConfig) {
        seen.push({ tracing: config.tracing, metrics: config.metrics });
        return super.createProducer(config);
      }
      override createConsumerGroup(config: ConsumerGroupConfig) {
        seen.push({ tracing: config.tracing, metrics: config.metrics });
        return super.createConsumerGroup(config);
      }
    }
    const factory = new Recording();
    const registry = await KafkaClientRegistry.create(
      {
        brokers: ['b:9092'],
        tracing: false,
        producers: { a: { topic: 'a' }, b: { topic: 'b', tracing: true } },
        consumerGroups: { g: { topic: 'a', groupName: 'g', metrics: false } },
      },
      { producers: ['a', 'b'], consumerGroups: ['g'] },
      factory,
    );
    assert.deepEqual(seen, [
      { tracing: false, metrics: undefined },
      { tracing: true, metrics: undefined },
      { tracing: false, metrics: false },
    ]);
    await Promise.all([...registry.producers().map((p) => p.producer.close()), ...registry.groups().map((g) => g.group.close())]);
    await assert.rejects(
      KafkaClientRegistry.create({ brokers: ['b:9092'], metrics: 'off' } as never, { producers: [], consumerGroups: [] }, factory),
      (error: unknown) => error instanceof KafkaConfigError && error.problems.some((p) => p.field === 'metrics'),
    );
  });
});

describe('trace ids in logs', () => {
  afterEach(() => {
    Logger.overrideLogger(true);
  });

  it('reads the trace id of a W3C traceparent, refusing malformed and all-zero ids', () => {
    assert.equal(traceIdOfHeader(TRACEPARENT), TRACE_ID);
    assert.equal(traceIdOfHeader(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`), undefined);
    assert.equal(traceIdOfHeader('garbage'), undefined);
    assert.equal(traceIdOfHeader(undefined), undefined);
  });

  it("a record's log data names its request id and trace id", () => {
    const message = new KafkaMessage({
      topic: 't',
      partition: 1,
      offset: '7',
      value: null,
      headers: { 'request-id': Buffer.from('req-9'), traceparent: Buffer.from(TRACEPARENT) },
    });
    assert.deepEqual(message.logData(), { topic: 't', partition: 1, offset: '7', requestId: 'req-9', traceId: TRACE_ID });
    assert.deepEqual(new KafkaMessage({ topic: 't', partition: 0, offset: '1', value: null }).logData(), {
      topic: 't',
      partition: 0,
      offset: '1',
    });
  });

  it('the Nest logger bridge adds the active trace id and request id to each line', () => {
    const lines: string[] = [];
    const sink: LoggerService = {
      log: (m: string) => lines.push(m),
      error: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
    };
    Logger.overrideLogger(sink);
    const logger = new NestKafkaLogger('Kafka:test');
    logger.info('outside');
    let traceId = '';
    trace.getTracer('test').startActiveSpan('handler', (span) => {
      traceId = span.spanContext().traceId;
      runWithRequestId('req-1', () => logger.warn('inside', { topic: 't' }));
      span.end();
    });
    logger.error('given', { requestId: 'mine', traceId: 'theirs' });
    assert.deepEqual(lines, [
      'outside',
      `inside {"topic":"t","requestId":"req-1","traceId":"${traceId}"}`,
      'given {"requestId":"mine","traceId":"theirs"}',
    ]);
  });

  it('error.type is the class name, _OTHER for non-errors', () => {
    class Declined extends Error {}
    assert.equal(errorTypeOf(new Declined('x')), 'Declined');
    assert.equal(errorTypeOf(new TypeError('x')), 'TypeError');
    assert.equal(errorTypeOf('text'), '_OTHER');
  });
});

describe('telemetry over the test kit', () => {
  it('an in-memory producer and group trace like the real ones (one trace, process child of send)', async () => {
    const kafka = new InMemoryKafka();
    const producer = kafka.createProducer({ brokers: ['memory:9092'], topic: 'kit-otel' });
    const group = kafka.createConsumerGroup({ brokers: ['memory:9092'], topic: 'kit-otel', groupName: 'kit-g' });
    group.registerHandler(async () => {});
    await producer.waitUntilInitialised();
    await group.start();
    await producer.sendBytes('x', { key: 'k' });
    await kafka.waitForIdle();
    const send = spansNamed(otel.spans, 'send kit-otel')[0];
    const process = spansNamed(otel.spans, 'process kit-otel')[0];
    assert.ok(send && process);
    assert.equal(process.parentSpanContext?.spanId, send.spanContext().spanId);
    assert.equal(process.attributes['messaging.consumer.group.name'], 'kit-g');
    await Promise.all([producer.close(), group.close()]);
  });
});
