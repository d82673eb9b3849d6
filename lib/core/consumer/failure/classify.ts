import { AvroCodecError, HandlerTimeoutError, MessageDecodeError, SchemaRegistryUnavailableError } from '../../errors.js';
import type { ResolvedFailurePolicy } from './failure-config.js';

const MAX_CAUSE_DEPTH = 16;

/** Why a failure skips the retries, or `undefined` when it may be retried. */
export type NotRetryableReason = 'decode' | 'non-retryable' | 'predicate';

/**
 * Whether retrying can help. Not retried (they go straight to the last step): a payload that
 * cannot be decoded (`AvroCodecError`, `MessageDecodeError` from `message.json()`, a `SyntaxError`
 * from a hand-written `JSON.parse`), an error marked `retryable: false` (`NonRetryableError`)
 * anywhere in the `cause` chain, and any error the policy's `isRetryable` answers `false` for.
 * A handler time-out and `SchemaRegistryUnavailableError` are retryable. A predicate that throws counts as "retryable".
 */
export function notRetryableReason(error: unknown, policy: Pick<ResolvedFailurePolicy, 'isRetryable'>): NotRetryableReason | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    // Retryable whatever their causes say: a registry that answers again fixes the record.
    if (current instanceof HandlerTimeoutError || current instanceof SchemaRegistryUnavailableError) break;
    if (current instanceof AvroCodecError || current instanceof MessageDecodeError || current instanceof SyntaxError) return 'decode';
    if ((current as { retryable?: unknown }).retryable === false) return 'non-retryable';
    current = (current as { cause?: unknown }).cause;
  }
  if (policy.isRetryable) {
    try {
      if (policy.isRetryable(error) === false) return 'predicate';
    } catch {
      return undefined;
    }
  }
  return undefined;
}
