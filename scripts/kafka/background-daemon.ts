/**
 * The detached daemons behind `kafka:up` and `registry:up`: launching and stopping one (the `up`
 * and `down` commands), and a daemon's own life ({@link runDaemon}): each owns its JVM, reports
 * readiness (or failure) once over IPC, and stops gracefully on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive } from './background-state.js';

/** What every daemon reports when it could not start. */
export interface DaemonFailure {
  readonly type: 'failed';
  readonly message: string;
}

/** A launched daemon's first report and its pid. */
export interface DaemonLaunch<M> {
  readonly report: M | DaemonFailure;
  readonly pid: number | undefined;
}

/**
 * Spawns `script` detached, its output in `logFile`, and waits for its first IPC message. On
 * success the daemon is left running on its own; on failure (its report, its exit, or no report
 * within `timeoutMs`) it is asked to stop.
 */
export async function launchDaemon<M extends { readonly type: string }>(options: {
  script: string;
  args?: readonly string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}): Promise<DaemonLaunch<M>> {
  await mkdir(dirname(options.logFile), { recursive: true });
  const log = await open(options.logFile, 'w');
  const daemon = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd, 'ipc'],
    env: options.env ?? process.env,
  });
  await log.close();
  const report = await new Promise<M | DaemonFailure>((resolve) => {
    const failed = (message: string): DaemonFailure => ({ type: 'failed', message });
    const timer = setTimeout(() => resolve(failed(`no readiness report within ${options.timeoutMs} ms`)), options.timeoutMs);
    daemon.once('message', (m: M | DaemonFailure) => {
      clearTimeout(timer);
      resolve(m);
    });
    daemon.once('exit', (code) => {
      clearTimeout(timer);
      resolve(failed(`the background process exited with code ${code}`));
    });
  });
  if (report.type === 'failed') {
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
  } else {
    daemon.unref();
    if (daemon.connected) daemon.disconnect();
  }
  return { report, pid: daemon.pid };
}

/**
 * Asks the daemon `pid` to stop (SIGTERM) and waits up to `timeoutMs`; then SIGKILLs it (its
 * guard kills the JVM once its stdin pipe closes) and calls `clearState`, which the dead daemon
 * could not do.
 */
export async function stopDaemon(pid: number, timeoutMs: number, clearState: () => Promise<void>): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(200);
  if (processAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    await clearState();
  }
}

/** How often a daemon checks that its JVM is still alive. */
const WATCH_INTERVAL_MS = 2_000;

/** What a daemon runs: a service it starts, watches and closes. */
export interface DaemonService<S extends { close(): Promise<void> }, M extends { readonly type: string }> {
  /** Starts the service; a rejection is reported to the parent as a {@link DaemonFailure}. */
  readonly start: () => Promise<S>;
  /** Records the state file and logs readiness; returns the report for the parent. */
  readonly announce: (service: S) => Promise<M>;
  /** Whether the service's JVM still runs. */
  readonly running: (service: S) => boolean;
  /** Logged when the JVM exited on its own. */
  readonly exitedLine: string;
  /** Removes the state file. */
  readonly clearState: () => Promise<void>;
}

/**
 * A daemon's life: starts the service and reports readiness (or failure) to the parent `up`
 * command, then waits. SIGTERM (what `down` sends), SIGINT or SIGHUP close the service and remove
 * the state; so does the JVM dying on its own (OOM, crash), so no state file points at nothing.
 * If the daemon is SIGKILLed, the guard kills the JVM (see guard.ts).
 */
export function runDaemon<S extends { close(): Promise<void> }, M extends { readonly type: string }>(daemon: DaemonService<S, M>): void {
  const tell = (message: M | DaemonFailure): void => {
    if (process.send && process.connected) process.send(message, () => process.disconnect());
  };
  const failed = (err: unknown): void => {
    tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
  };
  const main = async (): Promise<void> => {
    let service: S | undefined;
    let stopping = false;
    const stop = async (code: number): Promise<void> => {
      if (stopping) return;
      stopping = true;
      await service?.close().catch(() => undefined);
      await daemon.clearState();
      process.exit(code);
    };
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
    try {
      service = await daemon.start();
    } catch (err) {
      failed(err);
      return;
    }
    const started = service;
    tell(await daemon.announce(started));
    setInterval(() => {
      if (!daemon.running(started)) {
        process.stdout.write(`${daemon.exitedLine}\n`);
        void stop(1);
      }
    }, WATCH_INTERVAL_MS);
  };
  void main().catch(failed);
}
