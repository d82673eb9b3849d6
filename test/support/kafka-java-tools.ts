/**
 * Kafka's own Java tools for interop tests: the console producer and consumer, and
 * `DumpLogSegments` to read the codec of each batch on disk. They run from the harness's jars of
 * the broker's release (`KAFKA_VERSION`), and their main classes moved between releases
 * (3.9: `kafka.tools.ConsoleProducer` / `kafka.tools.DumpLogSegments`; 4.x:
 * `org.apache.kafka.tools.…`), so each tool lists its class names and the first one the jars
 * hold is used.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { versionDir } from '../../scripts/kafka/paths.js';
import { runCommand } from '../../scripts/kafka/tools.js';
import { kafkaVersionFromEnv } from '../../scripts/kafka/versions.js';
import { sharedBrokers } from './env.js';

/** Kafka's codec names as the tools print and take them. */
export type KafkaCodecName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

interface ToolRun {
  readonly code: number | null;
  readonly stdout: string;
  /** stdout and stderr interleaved. */
  readonly output: string;
}

const CONSOLE_PRODUCER = ['org.apache.kafka.tools.ConsoleProducer', 'kafka.tools.ConsoleProducer'];
const CONSOLE_CONSUMER = ['org.apache.kafka.tools.consumer.ConsoleConsumer', 'kafka.tools.ConsoleConsumer'];
const DUMP_LOG_SEGMENTS = ['org.apache.kafka.tools.DumpLogSegments', 'kafka.tools.DumpLogSegments'];

/** The jars of the broker's release, as `npm run kafka:fetch` left them. */
function libsDir(): string {
  const dir = join(versionDir(kafkaVersionFromEnv().text), 'libs');
  if (!existsSync(dir)) throw new Error(`no Kafka jars in ${dir}: run npm run kafka:fetch (KAFKA_HARNESS_HOME, KAFKA_VERSION)`);
  return dir;
}

/** Runs the first of `mainClasses` the jars hold; fails with the tool's output on a non-zero exit. */
async function runTool(mainClasses: readonly string[], args: readonly string[], input?: string): Promise<ToolRun> {
  for (const mainClass of mainClasses) {
    const run = await runJava(mainClass, args, input);
    if (/Could not find or load main class/.test(run.output)) continue;
    if (run.code !== 0) throw new Error(`${mainClass} exited ${run.code}:\n${run.output.slice(-2000)}`);
    return run;
  }
  throw new Error(`none of ${mainClasses.join(', ')} is in ${libsDir()}`);
}

/** One JVM run of a tool class with the broker release's jars (the tools bound their own run time). */
async function runJava(mainClass: string, args: readonly string[], input?: string): Promise<ToolRun> {
  const { code, output, stdout } = await runCommand('java', ['-Xmx256M', '-cp', `${libsDir()}/*`, mainClass, ...args], {
    input: input ?? '',
  });
  return { code, stdout, output };
}

/** Writes one record per line of `lines` with Kafka's console producer, batches compressed with `codec`. */
export async function javaConsoleProduce(topic: string, lines: readonly string[], codec: KafkaCodecName): Promise<void> {
  await runTool(
    CONSOLE_PRODUCER,
    ['--bootstrap-server', sharedBrokers().join(','), '--topic', topic, '--compression-codec', codec, '--request-required-acks', '1'],
    `${lines.join('\n')}\n`,
  );
}

/** Reads `count` record values of `topic` from the beginning with Kafka's console consumer. */
export async function javaConsoleConsume(topic: string, count: number): Promise<string[]> {
  const run = await runTool(CONSOLE_CONSUMER, [
    '--bootstrap-server',
    sharedBrokers().join(','),
    '--topic',
    topic,
    '--from-beginning',
    '--max-messages',
    String(count),
    '--timeout-ms',
    '30000',
  ]);
  return run.stdout.split('\n').filter((line) => line !== '');
}

/**
 * The codec of every batch of `topic`'s partition on disk, in log order, from `DumpLogSegments`'
 * `compresscodec:` (e.g. `['lz4', 'lz4']`). Needs the harness's local broker: its log dirs are
 * `<tmp>/kafka-harness-*` (or the folders in `KAFKA_DATA_DIRS`).
 */
export async function codecsOnDisk(topic: string, partition = 0): Promise<KafkaCodecName[]> {
  const dir = partitionDir(`${topic}-${partition}`);
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));
  const run = await runTool(DUMP_LOG_SEGMENTS, ['--files', segments.join(',')]);
  return [...run.stdout.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]!.toLowerCase() as KafkaCodecName);
}

function partitionDir(name: string): string {
  const roots =
    process.env.KAFKA_DATA_DIRS?.split(',').filter(Boolean) ??
    readdirSync(tmpdir())
      .filter((d) => d.startsWith('kafka-harness-'))
      .flatMap((d) => listOrNothing(join(tmpdir(), d)).map((node) => join(tmpdir(), d, node, 'data')));
  const found = roots.map((root) => join(root, name)).find((dir) => existsSync(dir));
  if (!found)
    throw new Error(`no log dir ${name} under ${roots.length} harness data dirs: the on-disk check needs the harness's local broker`);
  return found;
}

/** Entries of `dir`, or none when it went away meanwhile (other test runs' brokers stop too). */
function listOrNothing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
