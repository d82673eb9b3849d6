/**
 * Kafka's own Java console consumer as a second client in a test (a reference implementation of
 * the group protocols, not the code under test). It runs from the harness's cached jars of
 * `KAFKA_VERSION`, under the tool class name of that release line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureKafkaJars } from '../../scripts/kafka/fetch.js';
import { kafkaVersionFromEnv, toolClassesFor } from '../../scripts/kafka/versions.js';

/** A running console consumer and the values it printed so far. */
export interface ConsoleConsumer {
  /**
   * stdout lines in arrival order: one per record value, plus the tool's own notices (4.x prints
   * option deprecations there), so callers pick the lines that are records.
   */
  readonly lines: string[];
  /** stderr so far (for failure messages). */
  stderr(): string;
  /** Whether the JVM has exited. */
  exited(): boolean;
  /** Stops the JVM (SIGTERM, SIGKILL after `graceMs`) and waits for it. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startConsoleConsumer}. */
export interface ConsoleConsumerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly group: string;
  /** Extra `--consumer-property key=value` entries, e.g. `{ 'group.protocol': 'consumer' }`. */
  readonly consumerProperties?: Readonly<Record<string, string>>;
}

/** Starts `ConsoleConsumer` reading `topic` from the earliest offset as a member of `group`. */
export async function startConsoleConsumer(options: ConsoleConsumerOptions): Promise<ConsoleConsumer> {
  const version = kafkaVersionFromEnv();
  const { libsDir } = await ensureKafkaJars(version);
  const args = [
    '-Xmx256m',
    '-cp',
    `${libsDir}/*`,
    toolClassesFor(version).consoleConsumer,
    '--bootstrap-server',
    options.brokers.join(','),
    '--topic',
    options.topic,
    '--group',
    options.group,
    '--from-beginning',
    ...Object.entries(options.consumerProperties ?? {}).flatMap(([key, value]) => ['--consumer-property', `${key}=${value}`]),
  ];
  const child: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const split = (partial + chunk).split('\n');
    partial = split.pop() ?? '';
    lines.push(...split.filter((line) => line !== ''));
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exit.then(() => (done = true));
  return {
    lines,
    stderr: () => errors,
    exited: () => done,
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
