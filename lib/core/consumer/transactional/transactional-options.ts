import { ConfigChecker, optionNames } from '../../config/validate.js';
import type { KafkaMessage } from '../../message.js';
import type { ProducerTransaction } from '../../producer/producer-transaction.js';
import { checkOnHandlerError, resolveFailurePolicy, type ResolvedFailurePolicy } from '../failure/failure-config.js';
import type { OnHandlerError } from '../failure/failure-policy.js';
import type { TransactionalOutputConfig } from './partition-output.js';

/**
 * A consume-transform-produce handler: handles one input record and sends its output with `tx`.
 * What it sends and the group offset after its record commit in one transaction.
 */
export type TransactionalHandler = (message: KafkaMessage, tx: ProducerTransaction) => Promise<void>;

/** Default of {@link TransactionalHandlerOptions.maxRecords}. */
export const DEFAULT_TRANSACTION_MAX_RECORDS = 500;
/** Default of {@link TransactionalHandlerOptions.maxMs}. */
export const DEFAULT_TRANSACTION_MAX_MS = 100;
/** Default of {@link TransactionalHandlerOptions.transactionalIdPrefix}. */
export const DEFAULT_TRANSACTIONAL_ID_PREFIX = 'ctp';

/** Options of `registerTransactionalHandler` (docs/exactly-once.md). */
export interface TransactionalHandlerOptions {
  /**
   * The output producer's settings (`brokers`, `topic`, ...), without `transactionalId`: one
   * producer is made per assigned input partition, with the id
   * `<transactionalIdPrefix>-<groupName>-<topic>-<partition>`.
   */
  output: TransactionalOutputConfig;
  /** First part of the transactional ids. Default `ctp`. */
  transactionalIdPrefix?: string;
  /** Most input records in one transaction. Default 500. */
  maxRecords?: number;
  /** No record is added to a transaction open this long, ms. Default 100. */
  maxMs?: number;
  /**
   * What happens when the handler fails (its transaction is aborted first): `retry` runs the
   * record again in new transactions, then `then` applies: `commit` (default) commits its offset
   * alone, `stop` stops the group. `deadLetter` and `retryTopics` are refused in this version.
   * Default: the group's `onError`.
   */
  onError?: OnHandlerError;
}

/** {@link TransactionalHandlerOptions} with defaults applied. */
export interface ResolvedTransactionalOptions {
  readonly output: TransactionalOutputConfig;
  readonly transactionalIdPrefix: string;
  readonly maxRecords: number;
  readonly maxMs: number;
  readonly policy: ResolvedFailurePolicy;
}

/** The option names of {@link TransactionalHandlerOptions}. */
export const TRANSACTIONAL_HANDLER_OPTION_NAMES = optionNames<TransactionalHandlerOptions>({
  output: true,
  transactionalIdPrefix: true,
  maxRecords: true,
  maxMs: true,
  onError: true,
});

/**
 * Validates `options` and applies the defaults; `groupPolicy` is the group's `onError`.
 *
 * @throws KafkaConfigError naming every bad field
 */
export function resolveTransactionalOptions(options: unknown, groupPolicy: ResolvedFailurePolicy): ResolvedTransactionalOptions {
  const checker = new ConfigChecker();
  if (!checker.require(typeof options === 'object' && options !== null && !Array.isArray(options), 'options', 'must be an object')) {
    checker.throwIfAny('transactional handler options');
  }
  const o = options as Partial<Record<keyof TransactionalHandlerOptions, unknown>>;
  checker.knownKeys(o, TRANSACTIONAL_HANDLER_OPTION_NAMES);
  checker.require(
    typeof o.output === 'object' && o.output !== null,
    'output',
    'must be the output producer config ({ brokers, topic, ... })',
  );
  if (typeof o.output === 'object' && o.output !== null) {
    checker.require(!('transactionalId' in o.output), 'output.transactionalId', 'is made per input partition; use transactionalIdPrefix');
  }
  if (o.transactionalIdPrefix !== undefined) checker.nonEmptyString(o.transactionalIdPrefix, 'transactionalIdPrefix');
  checker.positive(o.maxRecords, 'maxRecords', { integer: true });
  checker.positive(o.maxMs, 'maxMs');
  checkOnHandlerError(checker, o.onError);
  checker.throwIfAny('transactional handler options');
  const valid = o as TransactionalHandlerOptions;
  return {
    output: valid.output,
    transactionalIdPrefix: valid.transactionalIdPrefix ?? DEFAULT_TRANSACTIONAL_ID_PREFIX,
    maxRecords: valid.maxRecords ?? DEFAULT_TRANSACTION_MAX_RECORDS,
    maxMs: valid.maxMs ?? DEFAULT_TRANSACTION_MAX_MS,
    policy: valid.onError !== undefined ? resolveFailurePolicy(valid.onError) : groupPolicy,
  };
}
