import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAdminConfig } from '../../../lib/core/admin/admin-config.js';
import { CONNECTION_DEFAULTS } from '../../../lib/core/config/connection.js';
import { resolveConsumerGroupConfig, type ConsumerGroupConfig } from '../../../lib/core/config/consumer.js';
import { closestName, editDistance } from '../../../lib/core/config/did-you-mean.js';
import { resolveProducerConfig, type ProducerConfig } from '../../../lib/core/config/producer.js';
import { brokerAddressProblem } from '../../../lib/core/config/validate.js';
import { ErrorHub } from '../../../lib/core/error-stream.js';
import { KafkaConfigError } from '../../../lib/core/errors.js';
import { KafkaHealthChecker, type HealthCheckOptions } from '../../../lib/core/health/health-checker.js';
import { subscribeToHealth, type HealthSubscriber, type HealthSubscriptionOptions } from '../../../lib/core/health/subscription.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaConsumerGroup } from '../../../lib/core/consumer/kafka-consumer-group.js';
import { KafkaProducer } from '../../../lib/core/producer/kafka-producer.js';

const base = { brokers: ['127.0.0.1:9'], logger: silentLogger };

/** The "field problem" lines of the KafkaConfigError `run` throws. */
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KafkaConfigError, `expected KafkaConfigError, got ${String(error)}`);
    return error.problems.map((p) => `${p.field} ${p.problem}`);
  }
  assert.fail('expected a KafkaConfigError');
}

describe('did you mean', () => {
  it('measures edit distance', () => {
    assert.equal(editDistance('numWorker', 'numWorkers'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  it('suggests a close name only', () => {
    assert.equal(closestName('numWorker', ['numWorkers', 'batchSize']), 'numWorkers');
    assert.equal(closestName('BATCHSIZE', ['numWorkers', 'batchSize']), 'batchSize');
    assert.equal(closestName('bogusOption', ['numWorkers', 'batchSize']), undefined);
  });
});

describe("other clients' option names", () => {
  it('groupId (kafkajs, Java) gets "did you mean groupName", though the edit distance is too far', () => {
    const config = { ...base, topic: 't', groupId: 'g' } as unknown as ConsumerGroupConfig;
    assert.deepEqual(
      problems(() => new KafkaConsumerGroup(config)),
      ['groupId is not a known option (did you mean groupName?)', 'groupName is required (non-empty string)'],
    );
  });

  it('an alias is suggested only where its target is an option', () => {
    assert.equal(closestName('groupId', ['topic', 'maxMessageBytes']), undefined);
    assert.equal(closestName('fromBeginning', ['offset', 'groupName']), 'offset');
  });
});

describe('unknown option keys are KafkaConfigErrors at construction', () => {
  it('consumer group: a typo gets a hint, a made-up key is named', () => {
    const config = { ...base, topic: 't', groupName: 'g', numWorker: 4, bogusOption: 1 } as ConsumerGroupConfig;
    assert.deepEqual(
      problems(() => new KafkaConsumerGroup(config)),
      ['numWorker is not a known option (did you mean numWorkers?)', 'bogusOption is not a known option'],
    );
    assert.match(
      (() => {
        try {
          resolveConsumerGroupConfig(config);
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      })(),
      /^invalid consumer group config: numWorker is not a known option \(did you mean numWorkers\?\); bogusOption/,
    );
  });

  it('producer, with the other problems in the same error', () => {
    const config = { ...base, topic: '', lingerMS: 5 } as ProducerConfig;
    assert.deepEqual(
      problems(() => new KafkaProducer(config)),
      ['lingerMS is not a known option (did you mean lingerMs?)', 'topic is required (non-empty string)'],
    );
  });

  it('nested security, TLS and SASL settings', () => {
    const config = {
      ...base,
      topic: 't',
      security: { tls: false, insecureSkipVerfy: true, sasl: { mechanism: 'plain', username: 'u', password: 'p', passwrd: 'x' } },
    } as unknown as ProducerConfig;
    assert.deepEqual(
      problems(() => resolveProducerConfig(config)),
      [
        'security.insecureSkipVerfy is not a known option (did you mean insecureSkipVerify?)',
        'security.sasl.passwrd is not a known option (did you mean password?)',
      ],
    );
  });

  it('a key set to undefined is still a typo', () => {
    const config = { ...base, topic: 't', groupName: 'g', numWorker: undefined } as ConsumerGroupConfig;
    assert.deepEqual(
      problems(() => resolveConsumerGroupConfig(config)),
      ['numWorker is not a known option (did you mean numWorkers?)'],
    );
  });

  it('admin config', () => {
    assert.deepEqual(
      problems(() => resolveAdminConfig({ ...base, retryMaxx: 2 } as never)),
      ['retryMaxx is not a known option (did you mean retryMax?)'],
    );
  });

  it('health check options', () => {
    const target = { subject: 'producer' as const, connection: base, topics: ['t'], minBrokersHealthy: 1, isInitialised: () => false };
    assert.deepEqual(
      problems(() => new KafkaHealthChecker(target, { cacheTTLms: 5 } as HealthCheckOptions)),
      ['health.cacheTTLms is not a known option (did you mean cacheTtlMs?)'],
    );
  });

  it('error iteration and output stream options', () => {
    const stream = new ErrorHub(silentLogger);
    assert.deepEqual(
      problems(() => stream.iterate({ bufferSise: 5 } as never)),
      ['bufferSise is not a known option (did you mean bufferSize?)'],
    );
  });

  it('health subscription options', () => {
    const group = { groupName: 'g', state: 0, onStateChange: () => () => undefined } as unknown as HealthSubscriber;
    assert.deepEqual(
      problems(() => subscribeToHealth(group, async () => 'OK', { intervall: 10 } as HealthSubscriptionOptions)),
      ['intervall is not a known option (did you mean interval?)'],
    );
  });
});

describe('broker addresses', () => {
  it('accepts host:port with a port in 1..65535', () => {
    for (const address of ['localhost:9092', '10.0.0.1:1', 'kafka-2.example.com:65535', ' padded:9092 ']) {
      assert.equal(brokerAddressProblem(address), undefined, address);
    }
  });

  it('names the address and what is wrong with it', () => {
    assert.equal(brokerAddressProblem('localhost'), '"localhost" has no port (expected host:port)');
    assert.equal(brokerAddressProblem('localhost:'), '"localhost:" has no port (expected host:port)');
    assert.equal(brokerAddressProblem(':9092'), '":9092" has an empty host (expected host:port)');
    assert.equal(brokerAddressProblem('localhost:abc'), '"localhost:abc" has a port that is not a number ("abc")');
    assert.equal(brokerAddressProblem('localhost:0'), '"localhost:0" has port 0, outside 1-65535');
    assert.equal(brokerAddressProblem('localhost:99999'), '"localhost:99999" has port 99999, outside 1-65535');
    assert.equal(brokerAddressProblem('::1:9092'), '"::1:9092" has an empty host (expected host:port)');
    assert.equal(brokerAddressProblem('a b:9092'), '"a b:9092" has an invalid host "a b"');
    assert.equal(brokerAddressProblem(9092), 'must be a host:port string');
  });

  it('a string instead of an array says it must be an array, not that it is missing', () => {
    const config = { ...base, brokers: 'kafka-1:9092', topic: 't', groupName: 'g' } as unknown as ConsumerGroupConfig;
    assert.deepEqual(
      problems(() => new KafkaConsumerGroup(config)),
      ['brokers must be an array of host:port strings, not a string (write ["kafka-1:9092"])'],
    );
    const missing = { logger: silentLogger, topic: 't', groupName: 'g' } as unknown as ConsumerGroupConfig;
    assert.deepEqual(
      problems(() => new KafkaConsumerGroup(missing)),
      ['brokers is required (a non-empty array of host:port)'],
    );
  });

  it('is a KafkaConfigError at construction, naming the address', () => {
    const config = { ...base, brokers: ['ok:9092', 'localhost:99999'], topic: 't', groupName: 'g' };
    assert.deepEqual(
      problems(() => new KafkaConsumerGroup(config)),
      ['brokers[1] "localhost:99999" has port 99999, outside 1-65535'],
    );
  });
});

describe('connection defaults are applied once, by the config resolution', () => {
  it('the resolved configs carry every connection default', () => {
    const group = resolveConsumerGroupConfig({ brokers: [' b:1 '], topic: 't', groupName: 'g', logger: silentLogger });
    const producer = resolveProducerConfig({ brokers: ['b:1'], topic: 't', logger: silentLogger });
    for (const resolved of [group, producer]) {
      assert.equal(resolved.clientId, CONNECTION_DEFAULTS.clientId);
      assert.equal(resolved.connectionTimeout, CONNECTION_DEFAULTS.connectionTimeout);
      assert.equal(resolved.kafkaJsLogLevel, CONNECTION_DEFAULTS.kafkaJsLogLevel);
      assert.equal(resolved.minRetryPeriod, CONNECTION_DEFAULTS.minRetryPeriod);
      assert.equal(resolved.maxRetryPeriod, CONNECTION_DEFAULTS.maxRetryPeriod);
      assert.deepEqual(resolved.brokers, ['b:1']);
    }
  });
});
