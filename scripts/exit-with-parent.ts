/**
 * Preloaded into the sample app (`node --import`) by start-sample.ts, which gives the app an IPC
 * channel. When that channel closes, the parent has exited, even by SIGKILL where it could not
 * stop us: the app sends itself SIGTERM so its shutdown hooks run, instead of serving on, orphaned.
 * The channel does not keep the app alive.
 */
if (process.channel) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  process.channel.unref();
}
export {};
