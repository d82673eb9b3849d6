import type { LatencySummary } from './stats.js';

/** Prefix of the one stdout line a case process writes its result on. */
export const RESULT_MARKER = '@@bench-result ';

/** What the runner hands a case process (as JSON in argv[2]). */
export interface CaseParams {
  /** Case name, as in the catalogue. */
  readonly name: string;
  /** Throughput (drain a backlog, then a paced live phase) or memory (slow handler, RSS over time). */
  readonly mode: 'throughput' | 'memory';
  readonly brokers: readonly string[];
  /** A fresh topic for this case (pre-filled for consume cases). */
  readonly topic: string;
  /** A fresh consumer group for this case. */
  readonly groupId: string;
  /** Records to send, or backlog records to consume. */
  readonly messages: number;
  readonly recordBytes: number;
  /** Raw produce cases: add a `request-id` header (a UUID string) to every record. */
  readonly requestIdHeader: boolean;
  /** Concurrent callers of a per-message send. */
  readonly sendConcurrency: number;
  /** Consumer workers (or kafkajs `partitionsConsumedConcurrently`). */
  readonly workers: number;
  /** Records per batch for batch handlers. */
  readonly batchSize: number;
  /** Our single handler's ordering (`maxConcurrency` = `workers` when not `'partition'`). */
  readonly ordering: 'partition' | 'key';
  /** Throughput cases: per-record handler time, ms (0 = none; then there is no live phase). */
  readonly handlerMs: number;
  /** Paced live phase after the backlog, for end-to-end latency of consume cases. */
  readonly live: { readonly ratePerSecond: number; readonly seconds: number };
  /** Memory case: run time and per-message handler delay. */
  readonly memory: { readonly seconds: number; readonly handlerMs: number };
  /** Give up when no record is handled for this long. */
  readonly stallSeconds: number;
  /** Our cases: OpenTelemetry set-up (see `BenchTelemetry` in catalogue.ts). */
  readonly telemetry: 'off' | 'api' | 'sdk';
  /** Our produce cases: leave Produce request encoding to kafkajs (the module's encoder not installed). */
  readonly kafkajsEncoding: boolean;
  /**
   * Record batch compression of the case's producer and of the consume cases' backlog. Compressed
   * cases send varied JSON-like payloads instead of the one repeated filler record (see payload.ts).
   */
  readonly compression: BenchCompression;
}

/** Compression of a bench case: Kafka's codec names. */
export type BenchCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** One RSS sample of a case process. */
export interface RssSample {
  /** Seconds since the case started measuring. */
  readonly t: number;
  readonly rssMiB: number;
}

/** What a case (process or Kafka tool) reports. */
export interface CaseResult {
  readonly name: string;
  /** Records sent (acked) or handled during the measured interval. */
  readonly messages: number;
  /** Length of the measured interval. */
  readonly seconds: number;
  readonly msgPerSec: number;
  readonly mbPerSec: number;
  /**
   * CPU time (user + system) of the case process per record over the measured interval, in
   * microseconds: steadier than wall-clock rates on a shared machine. Not known for Kafka's tools.
   */
  readonly cpuUsPerMsg?: number;
  /** End-to-end latency, when the case measures it. */
  readonly latencyMs?: LatencySummary;
  /** Peak resident set size of the process. */
  readonly peakRssMiB: number;
  /** RSS over time (memory case). */
  readonly rss?: readonly RssSample[];
  /** RSS growth from the first handled record to the peak (memory case). */
  readonly rssGrowthMiB?: number;
  /** Anything a reader needs to read the figures right. */
  readonly notes?: readonly string[];
}

/** Parses the case parameters of the current process. */
export function readCaseParams(argv: readonly string[] = process.argv): CaseParams {
  const text = argv[2];
  if (!text) throw new Error('a bench case needs its parameters as JSON in argv[2]; run it through `npm run bench`');
  return JSON.parse(text) as CaseParams;
}

/** Writes the result line the runner looks for. */
export function emitCaseResult(result: CaseResult): void {
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Finds the result line in a case process's stdout. */
export function parseCaseOutput(stdout: string): CaseResult | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as CaseResult);
}
