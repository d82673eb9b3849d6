import { AsyncLocalStorage } from 'node:async_hooks';
import { NoHandlerTransactionError } from '../../errors.js';
import type { ProducerTransaction } from '../../producer/producer-transaction.js';

const current = new AsyncLocalStorage<ProducerTransaction>();

/** Runs `work` with `tx` as the {@link currentTransaction} (the transactional dispatcher does, around each handler call). */
export function runInTransaction<T>(tx: ProducerTransaction, work: () => T): T {
  return current.run(tx, work);
}

/**
 * The transaction of the consume-transform-produce handler call running now: what a handler
 * that is not given `tx` as an argument (a Nest `@KafkaHandler` with `transaction`) sends with.
 *
 * @throws NoHandlerTransactionError outside such a call
 */
export function currentTransaction(): ProducerTransaction {
  const tx = current.getStore();
  if (!tx) throw new NoHandlerTransactionError();
  return tx;
}
