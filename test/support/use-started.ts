import { after, before } from 'node:test';

/**
 * Starts something before the calling file's (or describe's) tests and closes it after them
 * (node:test hooks); the returned function gives it inside a test.
 */
export function useStarted<T extends { close(): Promise<void> }>(what: string, start: () => Promise<T>): () => T {
  let started: T | undefined;
  before(async () => {
    started = await start();
  });
  after(async () => {
    await started?.close();
  });
  return () => {
    if (!started) throw new Error(`${what} is not started: call its use…() at the top of a test file or describe`);
    return started;
  };
}
