/**
 * One broker JVM, launched through the guard process (see guard.ts) in its own process group so a
 * Ctrl-C in the terminal reaches the runner, which then stops brokers in order, and never the JVM
 * directly (see guarded-jvm.ts). Knows how to wait for the "Kafka Server started" line.
 */
import { join } from 'node:path';
import { BrokerExitedError, BrokerStartTimeoutError, PortTakenError } from './errors.js';
import { describeExit, GuardedJvm, type JvmExit } from './guarded-jvm.js';

export { DEFAULT_STOP_GRACE_MS } from './guarded-jvm.js';

/** JVM options for test brokers: small heap, fast start, cheap GC. */
export const DEFAULT_JVM_OPTIONS: readonly string[] = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];
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
export type BrokerExit = JvmExit;

/** A running (or finished) broker JVM. */
export class BrokerProcess extends GuardedJvm {
  private constructor(readonly launch: BrokerLaunch) {
    super({
      javaArgs: [
        ...(launch.jvmOptions ?? DEFAULT_JVM_OPTIONS),
        launch.loggingOption,
        '-cp',
        join(launch.libsDir, '*'),
        'kafka.Kafka',
        launch.propertiesFile,
      ],
      cleanupDir: launch.cleanupDir,
      logFile: launch.logFile,
    });
  }

  /** Starts the JVM. Call {@link waitUntilStarted} next. */
  static launch(launch: BrokerLaunch): BrokerProcess {
    return new BrokerProcess(launch);
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
}
