import { ConfigChecker } from '../lib/core/config/validate.js';

/** Records per case when neither `--messages` nor `BENCH_MESSAGES` is given. */
export const DEFAULT_MESSAGES = 200_000;
/** Record sizes of a default run: the main 100-byte run, then a 1 KiB run. */
export const DEFAULT_RECORD_SIZES: readonly number[] = [100, 1024];
/** Records per case in `--quick` mode (a smoke check, not a measurement). */
export const QUICK_MESSAGES = 20_000;
/** Backlog of the memory case. */
export const DEFAULT_MEMORY_BACKLOG = 1_000_000;
/** How long the memory case runs before it reports growth (it never drains the backlog). */
export const DEFAULT_MEMORY_SECONDS = 60;
/** Memory-case figures in `--quick` mode. */
export const QUICK_MEMORY_BACKLOG = 100_000;
export const QUICK_MEMORY_SECONDS = 10;
/** Concurrent callers of a per-message `send()` (the same for raw kafkajs and this module). */
export const DEFAULT_SEND_CONCURRENCY = 1_000;
/** Smallest record: the payload starts with a 17-character send timestamp and a separator. */
export const MIN_RECORD_BYTES = 18;
/** Largest record the bench accepts (the broker's default message.max.bytes is about 1 MiB). */
export const MAX_RECORD_BYTES = 512 * 1024;

/** What one `npm run bench` does. */
export interface BenchOptions {
  /** Records per throughput case. */
  readonly messages: number;
  /** Record sizes to run, one full pass (and one results file) per size. */
  readonly recordSizes: readonly number[];
  /** Case names to run; empty = all. */
  readonly cases: readonly string[];
  /** Smoke-check mode: small counts, one size. */
  readonly quick: boolean;
  /** Backlog of the memory case. */
  readonly memoryBacklog: number;
  /** Run time of the memory case. */
  readonly memorySeconds: number;
  /** Concurrent callers for per-message send cases. */
  readonly sendConcurrency: number;
  /** Runs of every case (interleaved); the table shows each case's median run by msg/s. */
  readonly repeat: number;
  /** Write `--cpu-prof` profiles of the Node cases into this directory. */
  readonly cpuProfDir?: string;
}

/**
 * Reads bench options from command-line arguments and the environment (`BENCH_MESSAGES`,
 * `BENCH_RECORD_BYTES`, `BENCH_CASES`, `BENCH_REPEAT`); flags win over the environment. Throws one
 * `KafkaConfigError` naming every bad option.
 */
export function parseBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchOptions {
  const flags = new Map<string, string>();
  const checker = new ConfigChecker();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!checker.require(match !== null, arg, 'is not an option (expected --name or --name=value)')) continue;
    flags.set(match![1]!, match![2] ?? 'true');
  }
  const known = ['messages', 'record-bytes', 'cases', 'quick', 'memory-backlog', 'memory-seconds', 'concurrency', 'repeat', 'cpu-prof'];
  for (const name of flags.keys())
    checker.require(known.includes(name), `--${name}`, `is not a known option (${known.map((k) => `--${k}`).join(', ')})`);

  const quick = flags.get('quick') === 'true';
  const messages = readInt(checker, flags.get('messages') ?? env.BENCH_MESSAGES, '--messages', quick ? QUICK_MESSAGES : DEFAULT_MESSAGES);
  const sizesText = flags.get('record-bytes') ?? env.BENCH_RECORD_BYTES;
  const recordSizes =
    sizesText === undefined
      ? quick
        ? [DEFAULT_RECORD_SIZES[0]!]
        : [...DEFAULT_RECORD_SIZES]
      : sizesText.split(',').map((s, i) => readInt(checker, s, `--record-bytes[${i}]`, 0));
  recordSizes.forEach((size, i) =>
    checker.require(
      size >= MIN_RECORD_BYTES && size <= MAX_RECORD_BYTES,
      `--record-bytes[${i}]`,
      `must be between ${MIN_RECORD_BYTES} and ${MAX_RECORD_BYTES}`,
    ),
  );
  const casesText = flags.get('cases') ?? env.BENCH_CASES;
  const cases =
    casesText === undefined
      ? []
      : casesText
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  const memoryBacklog = readInt(
    checker,
    flags.get('memory-backlog'),
    '--memory-backlog',
    quick ? QUICK_MEMORY_BACKLOG : DEFAULT_MEMORY_BACKLOG,
  );
  const memorySeconds = readInt(
    checker,
    flags.get('memory-seconds'),
    '--memory-seconds',
    quick ? QUICK_MEMORY_SECONDS : DEFAULT_MEMORY_SECONDS,
  );
  const sendConcurrency = readInt(checker, flags.get('concurrency'), '--concurrency', DEFAULT_SEND_CONCURRENCY);
  const repeat = readInt(checker, flags.get('repeat') ?? env.BENCH_REPEAT, '--repeat', 1);
  const cpuProf = flags.get('cpu-prof');
  checker.throwIfAny('bench');
  return {
    messages,
    recordSizes,
    cases,
    quick,
    memoryBacklog,
    memorySeconds,
    sendConcurrency,
    repeat,
    ...(cpuProf === undefined ? {} : { cpuProfDir: cpuProf === 'true' ? 'bench/results/profiles' : cpuProf }),
  };
}

/** A positive integer option, or `fallback` when absent. */
function readInt(checker: ConfigChecker, text: string | undefined, field: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  checker.require(Number.isInteger(value) && value > 0, field, `must be a positive integer (got "${text}")`);
  return value;
}
