import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { ErrorStream } from '../../../lib/core/error-stream.js';
import { KafkaAuthorizationError, KafkaOperationError, ProducerClosedError, ProducerSendError } from '../../../lib/core/errors.js';
import { silentLogger } from '../../../lib/core/logger.js';
import {
  asAuthorizationError,
  AuthorizationStatus,
  findAuthFailure,
  isAuthorizationError,
  toKafkaError,
} from '../../../lib/core/security.js';

// kafkajs' error classes are only reachable through its CommonJS default export under ESM.
const {
  KafkaJSProtocolError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSSASLAuthenticationError,
  KafkaJSConnectionError,
  KafkaJSAggregateError,
  KafkaJSNonRetriableError,
} = kafkajs;

// Some kafkajs constructors are typed narrower than they are; build them with their real arguments.
const saslError = (message: string) => Reflect.construct(KafkaJSSASLAuthenticationError, [message]) as Error;
const nonRetriable = (message: string, cause: unknown) => Reflect.construct(KafkaJSNonRetriableError, [message, { cause }]) as Error;

const protocolError = (type: string, code: number) =>
  new KafkaJSProtocolError({ type, code, retriable: false, message: `broker says ${type}` } as unknown as Error);

describe('authorization failures from kafkajs errors', () => {
  it('recognises topic, group and cluster ACL refusals', () => {
    assert.equal(findAuthFailure(protocolError('TOPIC_AUTHORIZATION_FAILED', 29))?.reason, 'topic');
    assert.equal(findAuthFailure(protocolError('GROUP_AUTHORIZATION_FAILED', 30))?.reason, 'group');
    assert.equal(findAuthFailure(protocolError('CLUSTER_AUTHORIZATION_FAILED', 31))?.reason, 'cluster');
    assert.equal(findAuthFailure(protocolError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53))?.reason, 'transactional-id');
  });

  it('recognises SASL authentication failures', () => {
    const error = saslError('SASL SCRAM SHA512 authentication failed: Authentication failed');
    assert.deepEqual(findAuthFailure(error), {
      reason: 'sasl-authentication',
      type: 'SASL_AUTHENTICATION_FAILED',
      message: 'SASL SCRAM SHA512 authentication failed: Authentication failed',
    });
    assert.equal(findAuthFailure(protocolError('SASL_AUTHENTICATION_FAILED', 58))?.reason, 'sasl-authentication');
  });

  it('recognises a TLS handshake refused over certificates, by code or by text', () => {
    const byCode = new KafkaJSConnectionError('Connection error: tlsv1 alert unknown ca', {
      broker: 'b:1',
      code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
    } as never);
    assert.equal(findAuthFailure(byCode)?.reason, 'tls-handshake');
    assert.equal(findAuthFailure(byCode)?.type, 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    const byText = new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain');
    assert.equal(findAuthFailure(byText)?.reason, 'tls-handshake');
    const openssl = new KafkaJSConnectionError(
      'Connection error: 800C8FC3EA7F0000:error:0A000416:SSL routines:ssl3_read_bytes:sslv3 alert certificate unknown:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 46\n',
    );
    assert.deepEqual(findAuthFailure(openssl), {
      reason: 'tls-handshake',
      type: 'TLS_ALERT_CERTIFICATE_UNKNOWN',
      message: 'TLS alert certificate unknown',
    });
  });

  it('looks through retry, non-retriable and aggregate wrappers', () => {
    const inner = protocolError('TOPIC_AUTHORIZATION_FAILED', 29);
    assert.equal(findAuthFailure(new KafkaJSNumberOfRetriesExceeded(inner, { retryCount: 5, retryTime: 100 }))?.reason, 'topic');
    assert.equal(findAuthFailure(nonRetriable('wrapped', inner))?.reason, 'topic');
    assert.equal(findAuthFailure(new KafkaJSAggregateError('several', [new Error('x'), inner]))?.reason, 'topic');
  });

  it('ignores ordinary and retriable failures, and odd values', () => {
    for (const value of [
      new Error('boom'),
      protocolError('LEADER_NOT_AVAILABLE', 5),
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' } as never),
      undefined,
      null,
      'a string',
      42,
    ]) {
      assert.equal(findAuthFailure(value), undefined);
      assert.equal(isAuthorizationError(value), false);
    }
  });

  it('survives a cause cycle', () => {
    const a: { message: string; cause?: unknown } = { message: 'a' };
    a.cause = { message: 'b', cause: a };
    assert.equal(findAuthFailure(a), undefined);
  });
});

describe('toKafkaError', () => {
  it('maps an ACL refusal to KafkaAuthorizationError with the context and reason', () => {
    const cause = new KafkaJSNumberOfRetriesExceeded(protocolError('TOPIC_AUTHORIZATION_FAILED', 29), { retryCount: 3, retryTime: 10 });
    const error = toKafkaError(cause, 'failed to send to topic orders', { topic: 'orders' });
    assert.ok(error instanceof KafkaAuthorizationError);
    assert.match(error.message, /^failed to send to topic orders: not authorized on the topic \(TOPIC_AUTHORIZATION_FAILED: /);
    assert.deepEqual(error.logData, { topic: 'orders', authFailure: 'topic', kafkaErrorType: 'TOPIC_AUTHORIZATION_FAILED' });
    assert.equal(error.cause, cause);
    assert.equal(isAuthorizationError(error), true);
  });

  it('maps a SASL failure to KafkaAuthorizationError', () => {
    const error = toKafkaError(saslError('SASL PLAIN: Invalid username or password'), 'failed to connect');
    assert.ok(error instanceof KafkaAuthorizationError);
    assert.equal(error.logData.authFailure, 'sasl-authentication');
  });

  it('maps anything else to KafkaOperationError and keeps typed errors as they are', () => {
    const other = toKafkaError(new Error('socket hang up'), 'failed to fetch', { group: 'g' });
    assert.ok(other instanceof KafkaOperationError);
    assert.equal(other.message, 'failed to fetch: socket hang up');
    const typed = new ProducerClosedError('t');
    assert.equal(toKafkaError(typed, 'ignored'), typed);
  });
});

describe('asAuthorizationError and AuthorizationStatus', () => {
  const refused = () => protocolError('TOPIC_AUTHORIZATION_FAILED', 29);

  it('wraps a typed error that carries an authorization failure, keeping its log data', () => {
    const sendError = new ProducerSendError('orders', refused());
    const error = asAuthorizationError(sendError, sendError.message);
    assert.ok(error instanceof KafkaAuthorizationError);
    assert.equal(error.cause, sendError);
    assert.deepEqual(error.logData, { topic: 'orders', authFailure: 'topic', kafkaErrorType: 'TOPIC_AUTHORIZATION_FAILED' });
    assert.equal(asAuthorizationError(new ProducerSendError('orders', new Error('timeout')), 'x'), undefined);
  });

  it('remembers the latest authorization failure from an error stream until cleared', () => {
    const errors = new ErrorStream(silentLogger);
    const status = new AuthorizationStatus(errors);
    const failure = (): unknown => status.failure;
    errors.emit(new KafkaOperationError('flaky', {}));
    assert.equal(failure(), undefined);
    errors.emit(new ProducerSendError('orders', refused()));
    assert.ok(failure() instanceof KafkaAuthorizationError);
    errors.emit(new KafkaOperationError('other failure', {}));
    assert.ok(failure(), 'an unrelated error does not hide the authorization failure');
    status.clear();
    assert.equal(failure(), undefined);
    status.dispose();
    errors.emit(new ProducerSendError('orders', refused()));
    assert.equal(failure(), undefined, 'no longer listening after dispose');
  });
});
