import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import { KafkaAuthorizationError, KafkaOperationError, type KafkaError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import { KafkaProducer, type ProducerSink } from '../../../lib/core/producer/kafka-producer.js';

/** What kafkajs throws when the topic's ACL refuses a produce request. */
const topicRefusal = Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), {
  name: 'KafkaJSProtocolError',
  type: 'TOPIC_AUTHORIZATION_FAILED',
});

class RefusingSink implements ProducerSink {
  refuse = true;
  connectError: unknown;
  async connect(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the fake throws whatever the test gave it
    if (this.connectError !== undefined) throw this.connectError;
  }
  async disconnect(): Promise<void> {}
  async sendBatch(_batch: ProducerBatch): Promise<RecordMetadata[]> {
    if (this.refuse) throw topicRefusal;
    return [{ topicName: 't', partition: 0, errorCode: 0 }];
  }
}

const config = { brokers: ['127.0.0.1:9'], topic: 't', logger: silentLogger, minRetryPeriod: 10, maxRetryPeriod: 40 };

test('a refused send is a KafkaAuthorizationError, health is CRITICAL until a send succeeds', async () => {
  const sink = new RefusingSink();
  const producer = new KafkaProducer(config, sink);
  const errors: KafkaError[] = [];
  producer.errors.on((e) => errors.push(e));
  await producer.waitUntilInitialised();

  const failure = await producer.sendJSON({ n: 1 }).then(
    () => assert.fail('refused send succeeded'),
    (e: unknown) => e,
  );
  assert.ok(failure instanceof KafkaAuthorizationError, String(failure));
  assert.equal(failure.logData.authFailure, 'topic');
  assert.equal(failure.logData.topic, 't');
  assert.match(failure.message, /^failed to send to topic t: not authorized on the topic \(TOPIC_AUTHORIZATION_FAILED/);
  assert.deepEqual(errors, [failure], 'emitted once, on the error stream');
  assert.equal(producer.authorizationFailure(), failure);
  const refused = await producer.checker();
  assert.equal(refused.status, 'CRITICAL');
  assert.equal(refused.message, failure.message);

  sink.refuse = false;
  await producer.sendJSON({ n: 2 });
  assert.equal(producer.authorizationFailure(), undefined, 'a successful send clears the refusal');
  await producer.close();
});

test('an initialisation refused by the broker rejects with KafkaAuthorizationError and makes health CRITICAL', async () => {
  const sink = new RefusingSink();
  sink.connectError = Object.assign(new Error('SASL SCRAM SHA256 authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
  const producer = new KafkaProducer(config, sink);
  const failure = await producer.initialise().then(
    () => assert.fail('refused connect succeeded'),
    (e: unknown) => e,
  );
  assert.ok(failure instanceof KafkaAuthorizationError, String(failure));
  assert.equal(failure.logData.authFailure, 'sasl-authentication');
  assert.match(failure.message, /^failed to initialise kafka producer: SASL authentication failed/);
  assert.equal((await producer.checker()).status, 'CRITICAL');

  sink.connectError = new Error('broker down');
  await assert.rejects(producer.initialise(), KafkaOperationError, 'other failures stay KafkaOperationError');
  sink.connectError = undefined;
  await producer.waitUntilInitialised();
  assert.equal(producer.authorizationFailure(), undefined, 'connecting clears the refusal');
  await producer.close();
});
