/**
 * Noticing that the process that started us is gone. npm runs a script through a shell
 * (`sh -c …`); a SIGTERM to npm is forwarded to that shell only, which dies without passing it on,
 * and our process is re-parented while it keeps running. Node has no parent-death signal, so we
 * poll our parent id: it changes when we are re-parented.
 */

/** How often {@link onParentExit} checks. */
export const PARENT_POLL_MS = 250;

/**
 * Calls `onGone` once when this process's parent has exited. The timer does not keep the process
 * alive. Returns a function that stops watching.
 */
export function onParentExit(onGone: () => void, intervalMs = PARENT_POLL_MS): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
