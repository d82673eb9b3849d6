import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrokerProbe, topicHealth, type MetadataSource } from '../../../lib/core/health/broker-probe.js';
import { loadKafkaJsInternals, type RawMetadata } from '../../../lib/core/health/single-broker-connection.js';

const metadata = (...topics: Array<[string, number, number]>): RawMetadata => ({
  brokers: [],
  topicMetadata: topics.map(([topic, code, partitions]) => ({
    topic,
    topicErrorCode: code,
    partitionMetadata: Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i })),
  })),
});

/** A scripted metadata source: each call takes the next step. */
class ScriptedSource implements MetadataSource {
  closes = 0;
  calls = 0;
  constructor(private readonly steps: Array<() => Promise<RawMetadata>>) {}
  fetchMetadata(): Promise<RawMetadata> {
    const step = this.steps[Math.min(this.calls++, this.steps.length - 1)]!;
    return step();
  }
  async close(): Promise<void> {
    this.closes++;
  }
}

const probeWith = (source: MetadataSource, timeoutMs = 500) =>
  new BrokerProbe({ address: 'b1:9092', clientId: 't', security: {}, timeoutMs }, source);

describe('topicHealth', () => {
  it('a topic listed without error and with partitions is present', () => {
    const h = topicHealth('a:1', ['t'], metadata(['t', 0, 3]));
    assert.deepEqual(h, { address: 'a:1', reachable: true, hasTopic: true, missingTopics: [] });
  });

  it('a topic error code means missing, named in the reason', () => {
    const h = topicHealth('a:1', ['t'], metadata(['t', 3, 0]));
    assert.equal(h.hasTopic, false);
    assert.deepEqual(h.missingTopics, ['t']);
    assert.match(h.reason ?? '', /UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it('an absent topic or one without partitions is missing', () => {
    const h = topicHealth('a:1', ['t', 'u', 'v'], metadata(['t', 0, 1], ['u', 0, 0]));
    assert.deepEqual(h.missingTopics, ['u', 'v']);
    assert.equal(h.reachable, true);
  });
});

describe('BrokerProbe', () => {
  it('retries once after reopening the connection', async () => {
    const source = new ScriptedSource([() => Promise.reject(new Error('socket closed')), async () => metadata(['t', 0, 1])]);
    const h = await probeWith(source).probe(['t']);
    assert.equal(h.reachable, true);
    assert.equal(h.hasTopic, true);
    assert.equal(source.calls, 2);
    assert.equal(source.closes, 1);
  });

  it('reports unreachable with the last reason after two failures', async () => {
    const source = new ScriptedSource([() => Promise.reject(new Error('ECONNREFUSED'))]);
    const h = await probeWith(source).probe(['t']);
    assert.deepEqual(h, { address: 'b1:9092', reachable: false, hasTopic: false, missingTopics: [], reason: 'ECONNREFUSED' });
  });

  it('never hangs: a broker that does not answer is unreachable after the timeout', async () => {
    const source = new ScriptedSource([() => new Promise<RawMetadata>(() => {})]);
    const h = await probeWith(source, 100).probe(['t']);
    assert.equal(h.reachable, false);
    assert.match(h.reason ?? '', /no answer from b1:9092 within 100 ms/);
  });
});

describe('kafkajs internals used by the probe', () => {
  it('are present in the installed kafkajs', () => {
    const k = loadKafkaJsInternals();
    assert.equal(k.metadataApiKey, 3);
    assert.ok(k.errorCodes.some((e) => e.type === 'UNKNOWN_TOPIC_OR_PARTITION' && e.code === 3));
  });
});
