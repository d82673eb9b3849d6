import { AsyncLocalStorage } from 'node:async_hooks';

/** Header that carries the request id across services, as dp-kafka names it. */
export const REQUEST_ID_HEADER = 'request-id';

const storage = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with `requestId` as the current request id. Records produced inside it (also in
 * awaited callbacks) carry this id in their `request-id` header instead of the producer's own.
 * Message handlers run inside the request id of the message they handle.
 */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run(requestId, fn);
}

/** The request id of the current async context, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore();
}
