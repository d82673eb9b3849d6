import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, propagation, trace } from '@opentelemetry/api';
import type { KafkaMessage } from '../../../lib/core/message.js';
import { otelApi, tracerProviderRegistered } from '../../../lib/core/telemetry/otel-api.js';
import { InMemoryKafka } from '../../../lib/testing/in-memory-kafka.js';
import { spansNamed, startTestOtel } from '../../support/otel.js';

// This file starts with no SDK registered: the API is installed, as for any app that has it in
// its dependency tree without using it.
describe('@opentelemetry/api installed, no SDK registered', () => {
  it('sends records without propagation headers, then traces once an SDK is registered later', async () => {
    const api = otelApi();
    assert.ok(api, 'the API is loaded');
    assert.equal(tracerProviderRegistered(api), false);
    const kafka = new InMemoryKafka();
    const producer = kafka.createProducer({ brokers: ['memory:9092'], topic: 'late-sdk' });
    const group = kafka.createConsumerGroup({ brokers: ['memory:9092'], topic: 'late-sdk', groupName: 'late-sdk-g' });
    const received: KafkaMessage[] = [];
    group.registerHandler(async (message) => {
      received.push(message);
    });
    await producer.waitUntilInitialised();
    await group.start();
    await producer.sendBytes('before');
    await kafka.waitForIdle();
    assert.deepEqual(Object.keys(received[0]?.headers ?? {}), ['request-id']);

    // Registered after the clients were built: tracing follows (metrics bind at construction).
    const otel = startTestOtel();
    try {
      assert.equal(tracerProviderRegistered(api), true);
      await trace.getTracer('test').startActiveSpan('root', async (root) => {
        await producer.sendBytes('after');
        root.end();
      });
      await kafka.waitForIdle();
      assert.match(received[1]?.getHeader('traceparent') ?? '', /^00-[\da-f]{32}-[\da-f]{16}-01$/);
      assert.equal(spansNamed(otel.spans, 'send late-sdk').length, 1);
      assert.equal(spansNamed(otel.spans, 'process late-sdk').length, 1);
    } finally {
      await Promise.all([producer.close(), group.close()]);
      await otel.shutdown();
    }
    assert.equal(tracerProviderRegistered(api), false, 'disabled again');
    assert.deepEqual(propagation.fields(), []);
    assert.equal(trace.getSpan(context.active()), undefined);
  });
});
