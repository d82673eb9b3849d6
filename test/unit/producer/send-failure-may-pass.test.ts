/**
 * Which kafkajs failures make the producer send a batch again. The errors are built from kafkajs'
 * own `errors.js` and `protocol/error.js`, so a rename or a changed `retriable` flag in kafkajs
 * fails this file instead of silently turning fail-overs back into failed sends.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { PASSING_KAFKAJS_ERRORS, sendFailureMayPass } from '../../../lib/core/producer/send-failure-may-pass.js';

const require = createRequire(import.meta.url);
type ErrorClass = new (message: string | Error, options?: object) => Error;
const errors = require('kafkajs/src/errors.js') as Record<string, ErrorClass>;
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode: (code: number) => Error };

const protocolError = (code: number): Error => new errors.KafkaJSProtocolError!(createErrorFromCode(code));
const afterRetries = (cause: Error): Error => new errors.KafkaJSNumberOfRetriesExceeded!(cause, { retryCount: 3, retryTime: 800 });

describe('sendFailureMayPass', () => {
  test('connection, time-out and metadata errors pass, also wrapped by kafkajs after its retries', () => {
    assert.ok(PASSING_KAFKAJS_ERRORS.has('KafkaJSConnectionError') && PASSING_KAFKAJS_ERRORS.has('KafkaJSRequestTimeoutError'));
    for (const name of PASSING_KAFKAJS_ERRORS) {
      const ErrorClass = errors[name];
      assert.ok(ErrorClass, `kafkajs still has ${name}`);
      const error = new ErrorClass('down', {});
      assert.equal(error.name, name, `kafkajs still names it ${name}`);
      assert.equal(sendFailureMayPass(error), true, name);
      assert.equal(sendFailureMayPass(afterRetries(error)), true, `${name} after kafkajs' retries`);
    }
  });

  test("the broker's retriable protocol errors pass: not the leader, no leader, not enough replicas, unknown partition", () => {
    for (const code of [6, 5, 19, 20, 3, 7]) {
      assert.equal(sendFailureMayPass(protocolError(code)), true, `code ${code}`);
      assert.equal(sendFailureMayPass(afterRetries(protocolError(code))), true, `code ${code} after retries`);
    }
  });

  test('refusals do not pass: record too large, invalid record, authorization, invalid required acks', () => {
    for (const code of [10, 87, 29, 21]) assert.equal(sendFailureMayPass(protocolError(code)), false, `code ${code}`);
  });

  test("the producer's retrier around the cluster's connect retries: KafkaJSNonRetriableError carrying the cause", () => {
    // kafkajs' retry/index.js rejects a non-retriable error e with new KafkaJSNonRetriableError(e, { cause: e.cause || e }).
    const refused = new errors.KafkaJSConnectionError!('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const connectGaveUp = afterRetries(refused);
    const producerGaveUp = new errors.KafkaJSNonRetriableError!(connectGaveUp, { cause: connectGaveUp.cause ?? connectGaveUp });
    assert.equal(producerGaveUp.cause, refused, "kafkajs' wrapper keeps the connection error as its cause");
    assert.equal(sendFailureMayPass(producerGaveUp), true);
    const tooLarge = protocolError(10);
    assert.equal(sendFailureMayPass(new errors.KafkaJSNonRetriableError!(tooLarge, { cause: tooLarge })), false);
  });

  test("kafkajs' non-retriable errors, a disconnected producer and foreign values do not pass", () => {
    assert.equal(sendFailureMayPass(new errors.KafkaJSNonRetriableError!('Invalid topic')), false);
    assert.equal(sendFailureMayPass(new errors.KafkaJSError!('The producer is disconnected')), false);
    assert.equal(sendFailureMayPass(afterRetries(new errors.KafkaJSError!('The producer is disconnected'))), false);
    for (const value of [new Error('ECONNREFUSED'), 'KafkaJSConnectionError', undefined, null, 42]) {
      assert.equal(sendFailureMayPass(value), false, String(value));
    }
  });
});
