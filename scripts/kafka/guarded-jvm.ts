/**
 * A JVM launched through the guard process (see guard.ts), in its own process group so a Ctrl-C in
 * the terminal reaches the runner, which then stops JVMs in order, and never the JVM directly.
 * Shared by the Kafka brokers and the schema registry: output capture, exit tracking, graceful
 * stop and the synchronous kill used from exit handlers.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { LogTail } from './log-tail.js';
import { guardScript } from './paths.js';
import { forget, track, type KillableProcess } from './registry.js';

/** How long a graceful stop may take before SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** Time to wait for the process group after SIGKILL. */
const KILL_WAIT_MS = 5_000;

/** How a JVM ended. */
export interface JvmExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to launch. */
export interface GuardedJvmLaunch {
  /** Arguments of `java` (options, class path or `-jar`, main arguments). */
  readonly javaArgs: readonly string[];
  /** Deleted by the guard if this process dies without stopping the JVM. */
  readonly cleanupDir: string;
  /** Also append the JVM's output to this file. */
  readonly logFile?: string;
}

/** A running (or finished) JVM behind a guard process. */
export class GuardedJvm implements KillableProcess {
  /** Last lines of the JVM's output. */
  readonly log = new LogTail();
  /** Settles when the guard (and so the JVM) has exited. */
  readonly exited: Promise<JvmExit>;
  private readonly child: ChildProcessWithoutNullStreams;
  private exit: JvmExit | undefined;

  constructor(jvm: GuardedJvmLaunch) {
    this.child = spawn(process.execPath, [guardScript, jvm.cleanupDir, 'java', ...jvm.javaArgs], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.log.push(text);
      if (jvm.logFile) appendFileSync(jvm.logFile, text);
    };
    this.child.stdout.on('data', onOutput);
    this.child.stderr.on('data', onOutput);
    // The guard may already be gone when we write to it; that is what `exited` reports.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.log.push(`[harness] could not start the guard process: ${err.message}\n`);
        this.exit = { code: 127, signal: null };
        forget(this);
        resolve(this.exit);
      });
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        forget(this);
        resolve(this.exit);
      });
    });
    track(this);
  }

  /** Guard process id (also the JVM's process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the JVM has exited. */
  get running(): boolean {
    return this.exit === undefined;
  }

  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. Resolves when the JVM is gone. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<JvmExit> {
    if (this.exit) return this.exit;
    this.send('term');
    const exit = await within(this.exited, graceMs);
    return exit ?? this.kill();
  }

  /** Immediate SIGKILL (a crash, as far as its clients can tell). Resolves when the JVM is gone. */
  async kill(): Promise<JvmExit> {
    if (this.exit) return this.exit;
    this.send('kill');
    const exit = await within(this.exited, KILL_WAIT_MS);
    if (exit) return exit;
    this.killNow();
    return this.exited;
  }

  /** SIGKILLs the guard's whole process group synchronously (used from exit handlers). */
  killNow(): void {
    if (this.exit || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  }

  private send(command: 'term' | 'kill'): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${command}\n`);
  }
}

/** `signal SIGTERM` or `exit code 1`, for messages. */
export function describeExit(exit: JvmExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** Resolves with the promise's value, or undefined after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
