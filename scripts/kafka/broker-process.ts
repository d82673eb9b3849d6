/**
 * One broker JVM, launched through the guard process (see guard.ts) in its own process group so a
 * Ctrl-C in the terminal reaches the runner, which then stops brokers in order, and never the JVM
 * directly. Knows how to wait for the "Kafka Server started" line and how to stop.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerExitedError, BrokerStartTimeoutError, PortTakenError } from './errors.js';
import { LogTail } from './log-tail.js';
import { guardScript } from './paths.js';
import { forget, track, type KillableProcess } from './registry.js';

/** JVM options for test brokers: small heap, fast start, cheap GC. */
export const DEFAULT_JVM_OPTIONS: readonly string[] = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];
/** How long a graceful stop may take before SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** Time to wait for the process group after SIGKILL. */
const KILL_WAIT_MS = 5_000;
/** The log line Kafka prints once the broker is unfenced and its acceptors run. */
const STARTED_LINE = /Kafka Server started/;
/** What Kafka logs when a listener cannot bind; group 1 is the port. */
const BIND_FAILURE = /(?:failed to bind to|bind to) [^\s:]*:(\d+)|Address already in use/i;

/** How to launch one node. */
export interface BrokerLaunch {
  /** The node's `node.id`, for messages. */
  readonly nodeId: number;
  /** Folder with Kafka's jars. */
  readonly libsDir: string;
  /** The node's server.properties. */
  readonly propertiesFile: string;
  /** `-D` option pointing the logging backend at its config. */
  readonly loggingOption: string;
  /** Deleted by the guard if this process dies without stopping the broker. */
  readonly cleanupDir: string;
  /** Replaces {@link DEFAULT_JVM_OPTIONS}. */
  readonly jvmOptions?: readonly string[];
  /** Also append the JVM's output to this file. */
  readonly logFile?: string;
}

/** How a broker process ended. */
export interface BrokerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running (or finished) broker JVM. */
export class BrokerProcess implements KillableProcess {
  /** Last lines of the JVM's output. */
  readonly log = new LogTail();
  /** Settles when the guard (and so the JVM) has exited. */
  readonly exited: Promise<BrokerExit>;
  private readonly child: ChildProcessWithoutNullStreams;
  private exit: BrokerExit | undefined;

  private constructor(readonly launch: BrokerLaunch) {
    const java = [
      ...(launch.jvmOptions ?? DEFAULT_JVM_OPTIONS),
      launch.loggingOption,
      '-cp',
      join(launch.libsDir, '*'),
      'kafka.Kafka',
      launch.propertiesFile,
    ];
    this.child = spawn(process.execPath, [guardScript, launch.cleanupDir, 'java', ...java], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const onOutput = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      this.log.push(text);
      if (launch.logFile) appendFileSync(launch.logFile, text);
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

  /** Starts the JVM. Call {@link waitUntilStarted} next. */
  static launch(launch: BrokerLaunch): BrokerProcess {
    return new BrokerProcess(launch);
  }

  /** Guard process id (also the JVM's process group id). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the JVM has exited. */
  get running(): boolean {
    return this.exit === undefined;
  }

  /**
   * Resolves on the "Kafka Server started" line. Rejects with {@link BrokerExitedError} (or
   * {@link PortTakenError} when a listener could not bind) if the JVM exits first, and with
   * {@link BrokerStartTimeoutError} at `deadline` (epoch ms; `timeoutMs` is only for the message).
   */
  waitUntilStarted(deadline: number, timeoutMs: number): Promise<void> {
    const { nodeId } = this.launch;
    return new Promise((resolve, reject) => {
      if (this.log.includes(STARTED_LINE)) return resolve();
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch();
        if (err) reject(err);
        else resolve();
      };
      const unwatch = this.log.watch((line) => {
        if (STARTED_LINE.test(line)) finish();
      });
      const timer = setTimeout(
        () => finish(new BrokerStartTimeoutError(nodeId, timeoutMs, 'the "Kafka Server started" log line', this.log.text())),
        Math.max(0, deadline - Date.now()),
      );
      void this.exited.then((exit) => finish(this.startFailure(exit)));
    });
  }

  /** The error for a JVM that exited during start-up. */
  startFailure(exit: BrokerExit): Error {
    const text = this.log.text();
    const bind = BIND_FAILURE.exec(text);
    if (bind)
      return new PortTakenError(
        bind[1] ? Number(bind[1]) : undefined,
        `already in use (kafka node ${this.launch.nodeId} could not bind it)`,
      );
    return new BrokerExitedError(this.launch.nodeId, describeExit(exit), text);
  }

  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs`. Resolves when the JVM is gone. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<BrokerExit> {
    if (this.exit) return this.exit;
    this.send('term');
    const exit = await within(this.exited, graceMs);
    return exit ?? this.kill();
  }

  /** Immediate SIGKILL (a crash, as far as the cluster can tell). Resolves when the JVM is gone. */
  async kill(): Promise<BrokerExit> {
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

function describeExit(exit: BrokerExit): string {
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
