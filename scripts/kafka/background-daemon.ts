/**
 * Launching and stopping the detached daemons behind `kafka:up` and `registry:up`: each owns its
 * JVM, reports readiness (or failure) once over IPC, and stops gracefully on SIGTERM.
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
