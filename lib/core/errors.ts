/**
 * Typed errors. Every error the library raises or emits is a {@link KafkaError}: it carries
 * `logData` (topic, group, cause…) so a logger can print structured context, and it never
 * includes key, password or certificate material.
 */

/** Structured context attached to an error for logging. */
export type LogData = Record<string, unknown>;

/** Base class of every error raised or emitted by this library. */
export class KafkaError extends Error {
  /** Structured context for logs (topic, group name, partition, …). */
  readonly logData: LogData;

  constructor(message: string, logData: LogData = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.logData = logData;
  }
}

/** One invalid configuration field and why it is invalid. */
export interface ConfigProblem {
  /** Dotted path of the field, e.g. `brokers` or `security.clientKey`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly problem: string;
}

/** A configuration was rejected. `problems` names every bad field, not just the first. */
export class KafkaConfigError extends KafkaError {
  /** Every bad field with what is wrong with it, in the order found. */
  readonly problems: readonly ConfigProblem[];

  constructor(subject: string, problems: readonly ConfigProblem[]) {
    super(`invalid ${subject} config: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, {
      fields: problems.map((p) => p.field),
    });
    this.problems = problems;
  }
}

/** A send was attempted before the producer reached the broker. */
export class ProducerNotInitialisedError extends KafkaError {
  constructor(topic: string) {
    super(`kafka producer for topic ${topic} is not initialised`, { topic });
  }
}

/** A send was attempted after `close()` began. */
export class ProducerClosedError extends KafkaError {
  constructor(topic: string) {
    super(`kafka producer for topic ${topic} is closed`, { topic });
  }
}

/** A record is larger than `maxMessageBytes`; rejected before any network call. */
export class MessageTooLargeError extends KafkaError {
  constructor(topic: string, size: number, maxMessageBytes: number) {
    super(`record of ${size} bytes exceeds maxMessageBytes ${maxMessageBytes} for topic ${topic}`, {
      topic,
      size,
      maxMessageBytes,
    });
  }
}

/**
 * A send would push the bytes queued or awaiting acks past `maxQueuedBytes`; rejected at once,
 * nothing queued. Sends are accepted again as acks drain the queue.
 */
export class ProducerQueueFullError extends KafkaError {
  constructor(topic: string, queuedBytes: number, maxQueuedBytes: number, size: number) {
    super(
      `kafka producer for topic ${topic} has ${queuedBytes} bytes queued or awaiting acks: a record of ${size} bytes would exceed maxQueuedBytes ${maxQueuedBytes}`,
      { topic, queuedBytes, maxQueuedBytes, size },
    );
  }
}

/** An event could not be encoded (or a payload decoded) with the given Avro schema. */
export class AvroCodecError extends KafkaError {
  constructor(message: string, logData: LogData, cause?: unknown) {
    super(message, logData, { cause });
  }
}

/** A record could not be built: a value that cannot be serialised, or a bad key, header or partition. */
export class InvalidMessageError extends KafkaError {
  constructor(topic: string, problem: string, cause?: unknown) {
    super(`invalid record for topic ${topic}: ${problem}`, { topic, problem }, { cause });
  }
}

/** A send reached the broker but finally failed (after the client's retries). */
export class ProducerSendError extends KafkaError {
  /**
   * @param problem - what went wrong, when it is not simply the cause's message
   * @param logData - context beyond the topic
   */
  constructor(topic: string, cause: unknown, problem: string = describeCause(cause), logData: LogData = {}) {
    super(`failed to send to topic ${topic}: ${problem}`, { ...logData, topic }, cause === undefined ? undefined : { cause });
  }
}

/**
 * Records went out in requests that succeeded, yet no answer acknowledged their partition, not
 * even after `resends` resends with the producer's retry settings. They may or may not have been
 * written. kafkajs 2.2.4 can drop a partition whose leader moved during a request's retries
 * (kafkajs#1303); the producer resends such records, and this is what remains when that fails too.
 */
export class PartitionNotAcknowledgedError extends ProducerSendError {
  /** The partition whose acknowledgement never came. */
  readonly partition: number;

  constructor(topic: string, partition: number, records: number, resends: number) {
    super(topic, undefined, `partition ${partition} never acknowledged ${records} record(s), also after ${resends} resend(s)`, {
      partition,
      records,
      resends,
    });
    this.partition = partition;
  }
}

/**
 * A send on a transactional producer (one with `transactionalId`) outside a transaction, or
 * through a transaction's `tx` after that transaction ended. Send inside
 * `producer.transaction(async (tx) => ...)` with `tx.send*()`.
 */
export class TransactionRequiredError extends KafkaError {
  constructor(topic: string, transactionalId: string, problem: string) {
    super(`transactional producer ${transactionalId} for topic ${topic}: ${problem}`, { topic, transactionalId });
  }
}

/** `currentTransaction()` was called outside a consume-transform-produce handler call. */
export class NoHandlerTransactionError extends KafkaError {
  constructor() {
    super(
      'currentTransaction() was called outside a consume-transform-produce handler (registerTransactionalHandler or @KafkaHandler with transaction)',
      {},
    );
  }
}

/** `transaction()` was called on a producer configured without `transactionalId`. */
export class NotTransactionalError extends KafkaError {
  constructor(topic: string) {
    super(`kafka producer for topic ${topic} has no transactionalId: transactions need one`, { topic });
  }
}

/**
 * Another producer with the same `transactionalId` started (the broker answered
 * INVALID_PRODUCER_EPOCH or PRODUCER_FENCED): this one's transaction was aborted and the producer
 * is fenced for good. Every later `transaction()` rejects with this error; close the producer.
 * Only the newest producer of an id may write, which is how a restarted or re-assigned pipeline
 * stops a zombie from committing.
 */
export class ProducerFencedError extends KafkaError {
  constructor(topic: string, transactionalId: string, cause?: unknown) {
    super(
      `transactional producer ${transactionalId} for topic ${topic} was fenced by a newer producer with the same transactionalId`,
      { topic, transactionalId },
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * A transaction stayed open longer than `transactionTimeoutMs`: the broker aborts such a
 * transaction, so it was aborted (its records are never visible to `read_committed` readers,
 * its offsets never committed). The producer stays usable; the next transaction starts afresh.
 */
export class TransactionTimeoutError extends KafkaError {
  constructor(topic: string, transactionalId: string, elapsedMs: number, transactionTimeoutMs: number, cause?: unknown) {
    super(
      `transaction of producer ${transactionalId} for topic ${topic} was open ${elapsedMs} ms, beyond transactionTimeoutMs ${transactionTimeoutMs}: aborted`,
      { topic, transactionalId, elapsedMs, transactionTimeoutMs },
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * Committing a transaction failed. Its outcome was settled before this error was thrown (the
 * producer re-initialised its transactional id, which completes or aborts what the broker holds),
 * but which of the two is not known: a consumer of the output may or may not see its records.
 * Consume-transform-produce code runs the input again from the group's committed offsets, which
 * moved only if the transaction committed. The producer stays usable.
 */
export class TransactionCommitError extends KafkaError {
  constructor(topic: string, transactionalId: string, cause: unknown) {
    super(
      `failed to commit the transaction of producer ${transactionalId} for topic ${topic}: ${describeCause(cause)}`,
      { topic, transactionalId },
      { cause },
    );
  }
}

/**
 * Aborting a transaction failed (after the callback threw, or after a send failed). The producer
 * re-initialised its transactional id, which makes the broker abort what is still open, so the
 * records stay invisible to `read_committed` readers. `reason` is what made the transaction abort
 * (the callback's error); `cause` is the abort's own failure. The producer stays usable.
 */
export class TransactionAbortError extends KafkaError {
  /** Why the transaction was being aborted: the callback's error or the failed send. */
  readonly reason: unknown;

  constructor(topic: string, transactionalId: string, reason: unknown, cause: unknown) {
    super(
      `failed to abort the transaction of producer ${transactionalId} for topic ${topic}: ${describeCause(cause)} (aborting because: ${describeCause(reason)})`,
      { topic, transactionalId },
      { cause },
    );
    this.reason = reason;
  }
}

/** An operation is not allowed in the consumer group's current state. */
export class ConsumerStateError extends KafkaError {}

/** `pause`, `resume` or `seek` named a topic the consumer group does not consume. */
export class UnknownTopicError extends KafkaError {}

/** `pause`, `resume` or `seek` was given a partition that is not an integer >= 0 (or a malformed list). */
export class InvalidPartitionError extends KafkaError {}

/** A seek position is invalid: a negative or non-integer offset, a bad timestamp, an unknown `to`, or not exactly one of them. */
export class InvalidSeekError extends KafkaError {}

/** A seek at run time named a partition that is not assigned to this member now. */
export class PartitionNotAssignedError extends KafkaError {}

/** A second handler was registered, or a handler conflicts with another consumption mode. */
export class HandlerRegistrationError extends KafkaError {}

/** A message handler threw or rejected. `commit` tells whether its offset was still committed. */
export class MessageHandlerError extends KafkaError {
  constructor(message: string, logData: LogData, cause: unknown) {
    super(`${message}: ${describeCause(cause)}`, logData, { cause });
  }
}

/**
 * Throw (or reject with) this from a handler when trying the record again cannot succeed: a payload
 * that fails validation, a business rule that will never pass. The group's retries are skipped and
 * the record goes straight to the last step of its failure policy. It counts anywhere in an
 * error's `cause` chain, so a wrapped one is honoured too.
 */
export class NonRetryableError extends KafkaError {
  /** Always `false`: what the failure classification reads. */
  readonly retryable = false;

  constructor(message = 'handler failed in a way a retry cannot fix', logData: LogData = {}, options?: { cause?: unknown }) {
    super(message, logData, options);
  }
}

/**
 * A handler did not settle within its `handlerTimeoutMs`. The group treats it as a retryable
 * failure of that record; the handler's late result, if it ever comes, is ignored (logged once).
 */
export class HandlerTimeoutError extends KafkaError {
  /** The time limit that ran out, ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, logData: LogData = {}) {
    super(`handler did not settle within ${timeoutMs} ms`, { ...logData, timeoutMs });
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A failed record could not be forwarded to its retry or dead-letter topic (broker down, no ACL,
 * topic missing). Its offset is not committed; the send is retried while the group runs.
 */
export class FailureForwardError extends KafkaError {
  /** The topic the record was being sent to. */
  readonly targetTopic: string;

  constructor(targetTopic: string, logData: LogData, cause: unknown) {
    super(`failed to forward a failed record to ${targetTopic}: ${describeCause(cause)}`, { ...logData, targetTopic }, { cause });
    this.targetTopic = targetTopic;
  }
}

/** A background operation (initialise, consume, commit) failed; it will be retried or redelivered. */
export class KafkaOperationError extends KafkaError {
  constructor(message: string, logData: LogData, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${describeCause(cause)}`, logData, { cause });
  }
}

/**
 * Topics a consumer group's failure policy writes to or reads (retry topics, dead-letter topics)
 * do not exist and could not be created. The group does not consume until they exist (it retries
 * with back-off), so no failed record is sent where it cannot land.
 */
export class FailureTopicsMissingError extends KafkaError {
  /** The missing topics. */
  readonly topics: readonly string[];

  constructor(message: string, topics: readonly string[], logData: LogData, cause?: unknown) {
    super(`${message}: ${topics.join(', ')}`, { ...logData, missingTopics: topics }, { cause });
    this.topics = topics;
  }
}

/** The broker refused an operation for lack of an ACL. */
export class KafkaAuthorizationError extends KafkaError {
  constructor(message: string, logData: LogData, cause?: unknown) {
    super(message, logData, { cause });
  }
}

/** A timed wait (close, drain, health probe) ran out. */
export class KafkaTimeoutError extends KafkaError {
  constructor(message: string, logData: LogData = {}) {
    super(message, logData);
  }
}

/** A consumed message's payload could not be parsed (bad JSON). */
export class MessageDecodeError extends KafkaError {
  constructor(message: string, logData: LogData, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${describeCause(cause)}`, logData, { cause });
  }
}

/** Creating one ACL failed; ACLs after it in the same apply were not attempted. */
export class AclCreationError extends KafkaError {
  constructor(message: string, logData: LogData, cause: unknown) {
    super(`${message}: ${describeCause(cause)}`, logData, { cause });
  }
}

/**
 * A compressed record batch could not be decompressed: its bytes are not valid data of the codec
 * its attributes name (corrupt, truncated, or written by a client that frames the codec differently).
 */
export class CompressedDataError extends KafkaError {
  constructor(codec: string, problem: string, cause?: unknown) {
    super(`${codec} batch: ${problem}${cause === undefined ? '' : `: ${describeCause(cause)}`}`, { codec }, { cause });
  }
}

/**
 * The package behind a compression codec could not be loaded, typically a platform without a
 * prebuilt binary among its npm optional dependencies (or an install run with `--omit=optional`).
 */
export class CompressionCodecUnavailableError extends KafkaError {
  constructor(codec: string, packageName: string, cause: unknown) {
    super(
      `${codec} compression needs the package ${packageName}, which failed to load on ${process.platform}-${process.arch}: ${describeCause(cause)}`,
      { codec, package: packageName, platform: `${process.platform}-${process.arch}` },
      { cause },
    );
  }
}

/**
 * A record that should carry the schema registry framing (magic byte `0`, a 4-byte schema id, then
 * the body) does not: no magic byte, or too short. Retrying cannot fix the bytes, so the failure
 * policy skips the retries (it is a {@link MessageDecodeError}).
 */
export class RegistryFramingError extends MessageDecodeError {
  constructor(problem: string, logData: LogData = {}) {
    super(`not a schema registry record: ${problem}`, logData);
  }
}

/**
 * The schema registry could not be reached or answered that it cannot serve now (network error,
 * time-out, 5xx, 408, 429). Cached schemas keep working; a record whose schema is not cached fails
 * with this error, which the failure policy retries.
 */
export class SchemaRegistryUnavailableError extends KafkaError {
  /** Always `true`: trying again later can succeed. */
  readonly retryable = true;

  constructor(url: string, problem: string, cause?: unknown) {
    super(`schema registry ${url} is unavailable: ${problem}`, { registry: url }, cause === undefined ? undefined : { cause });
  }
}

/** The registry refused a schema: incompatible with the subject's versions (409) or invalid (422). */
export class SchemaRegistrationError extends KafkaError {
  /** Always `false`: the same schema is refused again. */
  readonly retryable = false;
  /** The subject the schema was registered under. */
  readonly subject: string;
  /** The HTTP status (409 incompatible, 422 invalid). */
  readonly status: number;
  /** The registry's own explanation. */
  readonly registryMessage: string;

  constructor(subject: string, status: number, registryMessage: string) {
    const what = status === 409 ? 'incompatible with the versions' : 'refused';
    super(`schema ${what} of subject ${subject} (HTTP ${status}): ${registryMessage}`, { subject, status, registryMessage });
    this.subject = subject;
    this.status = status;
    this.registryMessage = registryMessage;
  }
}

/**
 * The registry answered a request with a client error other than a refused registration: an
 * unknown schema id or subject (404), no access (401, 403), or an answer this client cannot read.
 */
export class SchemaRegistryRequestError extends KafkaError {
  /** Always `false`: the same request gets the same answer. */
  readonly retryable = false;
  /** The HTTP status, or `undefined` when the answer itself was unreadable. */
  readonly status: number | undefined;

  constructor(request: string, status: number | undefined, problem: string) {
    super(`schema registry request ${request} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${problem}`, { request, status });
    this.status = status;
  }
}

/**
 * The TLS handshake with the schema registry failed: its certificate is not trusted (wrong or
 * missing `tls.ca`), names another host, or the registry refused the client certificate. A kind
 * of {@link SchemaRegistryUnavailableError}, so records are retried (not dead-lettered) while the
 * settings are fixed; `tlsCode` is Node's code (e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`).
 */
export class SchemaRegistryTlsError extends SchemaRegistryUnavailableError {
  /** Node's error code of the failure. */
  readonly tlsCode: string;

  constructor(url: string, tlsCode: string, problem: string, cause?: unknown) {
    super(url, problem, cause);
    this.tlsCode = tlsCode;
    Object.assign(this.logData, { tlsCode });
  }
}

/**
 * A schema id names a schema this module cannot read: the registry says its `schemaType` is
 * `JSON` or `PROTOBUF`, and only Avro is supported. Not retryable (a
 * {@link MessageDecodeError}): the record needs another consumer.
 */
export class UnsupportedSchemaTypeError extends MessageDecodeError {
  /** The type the registry gave, e.g. `PROTOBUF`. */
  readonly schemaType: string;

  constructor(what: string, schemaType: string) {
    super(`${what} is a ${schemaType} schema; only AVRO schemas are supported`, { schemaType });
    this.schemaType = schemaType;
  }
}

/** A test kit wait saw a record sent although none was expected. */
export class UnexpectedMessageError extends KafkaError {}

/** A test kit helper was given a real client where it needs an in-memory one. */
export class NotInMemoryClientError extends KafkaError {}

/** The short text of any thrown value. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** What a log line of `error` carries: its log data, its class name and its cause's message, if any. */
export function errorLogData(error: KafkaError): LogData {
  return {
    ...error.logData,
    error: error.name,
    ...(error.cause === undefined ? {} : { cause: describeCause(error.cause) }),
  };
}
