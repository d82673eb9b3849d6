/**
 * Last line of defence against orphaned JVMs inside this process: every running broker is
 * registered here, and when the process exits (or is interrupted, if asked) all of them are
 * SIGKILLed synchronously. The guard process covers the cases where no handler can run at all.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

/** What the registry needs from a running broker. */
export interface KillableProcess {
  /** Kills the process (and its process group) right now, synchronously. */
  killNow(): void;
}

const live = new Set<KillableProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;
let signalHooksInstalled = false;

function killAll(): void {
  for (const p of live) p.killNow();
  live.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Tracks a running broker until {@link forget} is called. */
export function track(process_: KillableProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killAll);
  }
  live.add(process_);
}

/** Stops tracking a broker that has exited. */
export function forget(process_: KillableProcess): void {
  live.delete(process_);
}

/** Deletes `dir` at exit unless {@link releaseDir} was called first. */
export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** The topology deleted `dir` itself. */
export function releaseDir(dir: string): void {
  dirs.delete(dir);
}

/**
 * On SIGINT / SIGTERM / SIGHUP: kill every tracked broker, then exit with 128 + signal number.
 * For processes that do not handle signals themselves (test files); the runner scripts stop their
 * brokers gracefully from their own handlers instead.
 */
export function killBrokersOnSignals(): void {
  if (signalHooksInstalled) return;
  signalHooksInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
