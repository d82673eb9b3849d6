import { describeCause, KafkaAuthorizationError, KafkaError, KafkaOperationError, type LogData } from '../errors.js';

/**
 * Why the broker refused the client: an ACL is missing for a topic, group, cluster action,
 * transactional id or delegation token; SASL authentication failed; or the TLS handshake was
 * refused (the broker does not trust the client certificate, or the client does not trust the
 * broker). None of these heals by retrying at once.
 */
export type AuthFailureReason =
  'topic' | 'group' | 'cluster' | 'transactional-id' | 'delegation-token' | 'sasl-authentication' | 'tls-handshake';

/** An authorization or authentication failure found in a (possibly wrapped) kafkajs error. */
export interface AuthFailure {
  readonly reason: AuthFailureReason;
  /** The Kafka error type (e.g. `TOPIC_AUTHORIZATION_FAILED`) or TLS error code. */
  readonly type: string;
  /** The message of the error that carried it (never contains secrets). */
  readonly message: string;
}

const PROTOCOL_TYPES: Readonly<Record<string, AuthFailureReason>> = {
  TOPIC_AUTHORIZATION_FAILED: 'topic',
  GROUP_AUTHORIZATION_FAILED: 'group',
  CLUSTER_AUTHORIZATION_FAILED: 'cluster',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'transactional-id',
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: 'delegation-token',
  SASL_AUTHENTICATION_FAILED: 'sasl-authentication',
};

/** Node / OpenSSL codes of a TLS handshake that one side refused on certificate grounds. */
const TLS_REFUSAL_CODES = new Set([
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/** kafkajs keeps only the text of some socket errors; these phrases identify a refused handshake. */
const TLS_REFUSAL_TEXT =
  /alert (unknown ca|bad certificate|certificate required|certificate unknown|access denied)|self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer certificate/i;
/** How deep to follow `cause` / `originalError` / `errors` links. */
const MAX_DEPTH = 6;

/**
 * Finds an authorization or authentication failure in `cause`, following kafkajs wrappers
 * (`KafkaJSNumberOfRetriesExceeded`, `KafkaJSNonRetriableError` causes, aggregate `errors`).
 */
export function findAuthFailure(cause: unknown): AuthFailure | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): AuthFailure | undefined => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > MAX_DEPTH) return undefined;
    seen.add(value);
    const own = classify(value as Record<string, unknown>);
    if (own) return own;
    const links = value as { cause?: unknown; originalError?: unknown; errors?: unknown };
    const nested = [links.cause, links.originalError, ...(Array.isArray(links.errors) ? (links.errors as unknown[]) : [])];
    for (const next of nested) {
      const found = visit(next, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(cause, 0);
}

/** Whether `cause` is (or wraps) a refusal the broker will repeat until ACLs or credentials change. */
export function isAuthorizationError(cause: unknown): boolean {
  return cause instanceof KafkaAuthorizationError || findAuthFailure(cause) !== undefined;
}

/**
 * Turns anything a kafkajs call threw into a typed {@link KafkaError}: a
 * {@link KafkaAuthorizationError} (log data `authFailure`, `kafkaErrorType`) for authorization,
 * SASL and TLS-certificate refusals, otherwise a {@link KafkaOperationError}. A `KafkaError` is
 * returned unchanged.
 *
 * @param cause - the thrown value
 * @param message - what was being done, e.g. `failed to send to topic orders`
 * @param logData - context for logs (topic, group…)
 */
export function toKafkaError(cause: unknown, message: string, logData: LogData = {}): KafkaError {
  if (cause instanceof KafkaError) return cause;
  return asAuthorizationError(cause, message, logData) ?? new KafkaOperationError(message, logData, cause);
}

/**
 * The {@link KafkaAuthorizationError} for `cause` when it is or wraps an authorization failure
 * (a typed error wrapping one, such as a send error, is wrapped in turn), otherwise `undefined`.
 */
export function asAuthorizationError(cause: unknown, message: string, logData: LogData = {}): KafkaAuthorizationError | undefined {
  if (cause instanceof KafkaAuthorizationError) return cause;
  const failure = findAuthFailure(cause);
  if (!failure) return undefined;
  return new KafkaAuthorizationError(
    `${message}: ${REASON_TEXT[failure.reason]} (${failure.type}: ${failure.message})`,
    { ...(cause instanceof KafkaError ? cause.logData : {}), ...logData, authFailure: failure.reason, kafkaErrorType: failure.type },
    cause,
  );
}

const REASON_TEXT: Readonly<Record<AuthFailureReason, string>> = {
  topic: 'not authorized on the topic',
  group: 'not authorized on the consumer group',
  cluster: 'not authorized on the cluster',
  'transactional-id': 'not authorized on the transactional id',
  'delegation-token': 'not authorized on the delegation token',
  'sasl-authentication': 'SASL authentication failed',
  'tls-handshake': 'TLS handshake refused',
};

function classify(error: Record<string, unknown>): AuthFailure | undefined {
  const message = typeof error.message === 'string' ? error.message : describeCause(error);
  const type = typeof error.type === 'string' ? error.type : undefined;
  if (type !== undefined && PROTOCOL_TYPES[type]) return { reason: PROTOCOL_TYPES[type], type, message };
  if (error.name === 'KafkaJSSASLAuthenticationError') {
    return { reason: 'sasl-authentication', type: 'SASL_AUTHENTICATION_FAILED', message };
  }
  const code = typeof error.code === 'string' ? error.code : undefined;
  const phrase = TLS_REFUSAL_TEXT.exec(message)?.[0];
  if (code !== undefined && TLS_REFUSAL_CODES.has(code))
    return { reason: 'tls-handshake', type: code, message: shortTlsMessage(message, phrase) };
  if (phrase !== undefined) {
    return {
      reason: 'tls-handshake',
      type: code ?? `TLS_${phrase.toUpperCase().replace(/[^A-Z]+/g, '_')}`,
      message: shortTlsMessage(message, phrase),
    };
  }
  return undefined;
}

/** OpenSSL messages carry source paths and hex ids; keep the phrase that tells what happened. */
function shortTlsMessage(message: string, phrase: string | undefined): string {
  return phrase === undefined ? message.trim() : `TLS ${phrase}`;
}
