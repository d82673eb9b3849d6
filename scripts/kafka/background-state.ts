/** The state file of the background broker that `npm run kafka:up` starts (`.kafka/run/state.json`). */
import { connect } from 'node:net';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDir } from './paths.js';

/** What `up` records about the background broker. */
export interface BackgroundState {
  /** Process id of the daemon that owns the broker. */
  readonly pid: number;
  /** Bootstrap address, `127.0.0.1:port`. */
  readonly addr: string;
  /** Kafka release it runs. */
  readonly version: string;
  readonly startedAt: string;
}

/** State file path. */
export const stateFile = join(runDir, 'state.json');
/** Pid file of the daemon (same pid as in the state; kept for tools that expect one). */
export const pidFile = join(runDir, 'kafka.pid');
/** Where the daemon and its broker write their output. */
export const backgroundLogFile = join(runDir, 'broker.log');

/** Reads the state, or undefined when there is none or it is unreadable. */
export async function readState(): Promise<BackgroundState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stateFile, 'utf8')) as Partial<BackgroundState>;
    if (typeof parsed.pid === 'number' && typeof parsed.addr === 'string' && typeof parsed.version === 'string') {
      return { pid: parsed.pid, addr: parsed.addr, version: parsed.version, startedAt: String(parsed.startedAt) };
    }
  } catch {
    // Missing or half-written: treat as no state.
  }
  return undefined;
}

/** Records a running broker. */
export async function writeState(state: BackgroundState): Promise<void> {
  await mkdir(runDir, { recursive: true });
  await writeFile(`${stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${stateFile}.tmp`, stateFile);
  await writeFile(pidFile, `${state.pid}\n`);
}

/** Removes the state (the broker is gone). */
export async function clearState(): Promise<void> {
  await rm(stateFile, { force: true });
  await rm(pidFile, { force: true });
}

/** True when a process with this id exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when something accepts TCP connections at `host:port` within `timeoutMs`. */
export function acceptsConnections(addr: string, timeoutMs = 2_000): Promise<boolean> {
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
