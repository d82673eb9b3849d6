import type { BenchCompression } from './protocol.js';
/** Which table a case belongs to. */
export type CaseGroup = 'produce' | 'consume' | 'memory' | 'request-reply';

/** One benchmark case. */
export interface CaseSpec {
  /** Name used with `--cases` and in the results. */
  readonly name: string;
  readonly group: CaseGroup;
  /** What it measures, for the table and BENCHMARKS.md. */
  readonly description: string;
  /** A Node case process (`dist/bench/cases/<script>.js`) or one of Kafka's Java perf tools. */
  readonly runner:
    { readonly kind: 'node'; readonly script: string } | { readonly kind: 'tool'; readonly tool: 'producer-perf' | 'consumer-perf' };
  /** The raw kafkajs case its figures are divided by. */
  readonly baseline?: string;
  /** Consumer workers (kafkajs `partitionsConsumedConcurrently` for raw cases). */
  readonly workers?: number;
  /** Records per batch for batch handlers. */
  readonly batchSize?: number;
  /** True for this module's own cases. */
  readonly ours?: boolean;
  /** Raw cases: give every record a `request-id` header, as this module's producer does. */
  readonly requestIdHeader?: boolean;
  /** Our produce cases: kafkajs encodes the Produce requests (this module's encoder left out). */
  readonly kafkajsEncoding?: boolean;
  /** Partitions of the case's topic. Default {@link PARTITIONS}. */
  readonly partitions?: number;
  /** Backlog records, instead of `--messages` / `--memory-backlog` (cases with a slow handler). */
  readonly messages?: number;
  /** Records get keys `0..keys-1` in turn (default: no key). */
  readonly keys?: number;
  /** Our single handler: `ordering` with `maxConcurrency` = `workers` when not `'partition'`. */
  readonly ordering?: 'partition' | 'key';
  /** Throughput cases: each record's handler waits this long (an I/O-bound handler). */
  readonly handlerMs?: number;
  /**
   * Our cases: OpenTelemetry set-up (default `api`: `@opentelemetry/api` installed, no SDK, as
   * for any user with the API in their tree). See {@link BenchTelemetry}.
   */
  readonly telemetry?: BenchTelemetry;
  /** Request-reply cases: concurrent callers, each waiting for its reply before the next request. */
  readonly callers?: number;
  /** Producer compression, and the codec of a consume case's backlog. Default `'none'`. */
  readonly compression?: Exclude<BenchCompression, 'none'>;
}

/**
 * `off`: `tracing: false, metrics: false` (what a user without the API gets: no per-record
 * work); `api`: the API loaded, no SDK registered; `sdk`: an SDK registered with a batch span
 * processor (spans discarded by the exporter) and a meter provider whose reader aggregates.
 */
export type BenchTelemetry = 'off' | 'api' | 'sdk';

/** Partitions of every case's fresh topic. */
export const PARTITIONS = 8;
/** Records per call of this module's batch handler in the batch case. */
export const BENCH_BATCH_SIZE = 500;
/** Workers of the memory case. */
export const MEMORY_WORKERS = 8;
/** Per-record handler time of the memory case. */
export const MEMORY_HANDLER_MS = 5;
/** Per-record handler time of the per-key parallelism cases (an I/O-bound handler). */
export const KEY_HANDLER_MS = 5;
/** Concurrency of the per-key parallelism cases. */
export const KEY_CONCURRENCY = 16;
/** Backlog of the per-key throughput cases: ~25 s one at a time at 5 ms per record. */
export const KEY_BACKLOG = 4_000;
/** Distinct keys in the per-key cases' records. */
export const KEY_COUNT = 1_000;

const node = (script: string) => ({ kind: 'node', script }) as const;

/** Concurrent callers of the request-reply cases (one at a time, and many). */
export const REQUEST_CALLERS = [1, 16] as const;
/** Round trips measured per request-reply case, by callers. */
const REQUEST_ROUND_TRIPS: Readonly<Record<(typeof REQUEST_CALLERS)[number], number>> = { 1: 1_000, 16: 5_000 };

/**
 * Request-reply (issue 30): a `@MessagePattern` echo handler and a client, each on this module
 * (`KafkaChannelsServer` / `KafkaChannelsClient`) or on the built-in transport (`ServerKafka` /
 * `ClientKafka`), every pair at each number of callers. Named `rr-<client>-<server>-c<callers>`;
 * each pair is divided by built-in → built-in at the same callers.
 */
const REQUEST_REPLY_CASES: readonly CaseSpec[] = REQUEST_CALLERS.flatMap((callers) =>
  (
    [
      ['builtin', 'builtin'],
      ['ours', 'ours'],
      ['builtin', 'ours'],
      ['ours', 'builtin'],
    ] as const
  ).map(([client, server]): CaseSpec => ({
    name: `rr-${client}-${server}-c${callers}`,
    group: 'request-reply',
    description: `${client === 'ours' ? 'KafkaChannelsClient' : 'ClientKafka'}.send() → ${server === 'ours' ? 'KafkaChannelsServer' : 'ServerKafka'} @MessagePattern echo, ${callers} caller${callers > 1 ? 's' : ''}`,
    runner: node('request-reply'),
    baseline: `rr-builtin-builtin-c${callers}`,
    workers: 1,
    callers,
    messages: REQUEST_ROUND_TRIPS[callers],
    ...(client === 'ours' || server === 'ours' ? { ours: true } : {}),
  })),
);

/** Workers of the request-reply case whose server (ours) handles partitions in parallel. */
export const REQUEST_SERVER_WORKERS = 8;

/**
 * Ours → ours at 16 callers with a server of {@link REQUEST_SERVER_WORKERS} workers: the module
 * commits a request after its reply is acknowledged, so one worker waits for that ack before the
 * next request; the built-in server does not wait for it.
 */
const REQUEST_REPLY_PARALLEL_CASE: CaseSpec = {
  name: `rr-ours-ours-c16-${REQUEST_SERVER_WORKERS}w`,
  group: 'request-reply',
  description: `KafkaChannelsClient.send() → KafkaChannelsServer @MessagePattern echo, 16 callers, server numWorkers ${REQUEST_SERVER_WORKERS}`,
  runner: node('request-reply'),
  baseline: 'rr-builtin-builtin-c16',
  workers: REQUEST_SERVER_WORKERS,
  callers: 16,
  messages: REQUEST_ROUND_TRIPS[16],
  ours: true,
};

/** Codecs of the compression cases (issue 25), fastest first as measured. */
const BENCH_CODECS = ['lz4', 'zstd', 'snappy', 'gzip'] as const;

/**
 * Per codec: raw kafkajs `sendBatch` and `eachMessage` with the module's codecs registered, and
 * the module's fire-and-forget send and single handler against them (select them by name with
 * `--cases`).
 */
const COMPRESSION_CASES: readonly CaseSpec[] = BENCH_CODECS.flatMap((codec): CaseSpec[] => [
  {
    name: `raw-send-batch-${codec}`,
    group: 'produce',
    description: `kafkajs sendBatch(), ${codec}, 64 KiB per call, 4 calls in flight`,
    runner: node('raw-send-batch'),
    baseline: `raw-send-batch-${codec}`,
    compression: codec,
  },
  {
    name: `ours-send-ff-${codec}`,
    group: 'produce',
    description: `KafkaProducer.sendBytes(), fire-and-forget, ${codec}`,
    runner: node('ours-send-ff'),
    baseline: `raw-send-batch-${codec}`,
    ours: true,
    compression: codec,
  },
  {
    name: `raw-each-message-${codec}`,
    group: 'consume',
    description: `kafkajs eachMessage, auto-commit, ${codec} backlog`,
    runner: node('raw-each-message'),
    baseline: `raw-each-message-${codec}`,
    compression: codec,
  },
  {
    name: `ours-handler-1w-${codec}`,
    group: 'consume',
    description: `KafkaConsumerGroup single handler, 1 worker, ${codec} backlog`,
    runner: node('ours-handler'),
    baseline: `raw-each-message-${codec}`,
    workers: 1,
    ours: true,
    compression: codec,
  },
]);

/** Every case, in the order they run and are printed (baselines first). */
export const CASES: readonly CaseSpec[] = [
  {
    name: 'raw-send',
    group: 'produce',
    description: 'kafkajs send(), one record per call',
    runner: node('raw-send'),
    baseline: 'raw-send',
  },
  {
    name: 'raw-send-batch',
    group: 'produce',
    description: 'kafkajs sendBatch(), 64 KiB per call, 4 calls in flight',
    runner: node('raw-send-batch'),
    baseline: 'raw-send-batch',
  },
  {
    name: 'raw-send-batch-hdr',
    group: 'produce',
    description: 'kafkajs sendBatch(), each record with a request-id header',
    runner: node('raw-send-batch'),
    baseline: 'raw-send-batch',
    requestIdHeader: true,
  },
  {
    name: 'ours-send',
    group: 'produce',
    description: 'KafkaProducer.sendBytes(), awaited (auto-batched)',
    runner: node('ours-send'),
    baseline: 'raw-send',
    ours: true,
  },
  {
    name: 'ours-send-kafkajs-encoding',
    group: 'produce',
    description: "KafkaProducer.sendBytes(), awaited, with kafkajs' own request encoding (issue 20's encoder left out)",
    runner: node('ours-send'),
    baseline: 'raw-send-batch',
    ours: true,
    kafkajsEncoding: true,
  },
  {
    name: 'ours-send-ff',
    group: 'produce',
    description: 'KafkaProducer.sendBytes(), fire-and-forget',
    runner: node('ours-send-ff'),
    baseline: 'raw-send-batch',
    ours: true,
  },
  {
    name: 'ours-send-ff-otel-off',
    group: 'produce',
    description: 'KafkaProducer.sendBytes(), fire-and-forget, tracing and metrics off',
    runner: node('ours-send-ff'),
    baseline: 'raw-send-batch',
    ours: true,
    telemetry: 'off',
  },
  {
    name: 'ours-send-ff-otel-sdk',
    group: 'produce',
    description: 'KafkaProducer.sendBytes(), fire-and-forget, OpenTelemetry SDK (batch span processor, metrics)',
    runner: node('ours-send-ff'),
    baseline: 'raw-send-batch',
    ours: true,
    telemetry: 'sdk',
  },
  {
    name: 'tool-produce',
    group: 'produce',
    description: 'kafka-producer-perf-test (Java)',
    runner: { kind: 'tool', tool: 'producer-perf' },
    baseline: 'raw-send-batch',
  },

  {
    name: 'raw-each-message',
    group: 'consume',
    description: 'kafkajs eachMessage, auto-commit',
    runner: node('raw-each-message'),
    baseline: 'raw-each-message',
    workers: 1,
  },
  {
    name: 'raw-each-message-8',
    group: 'consume',
    description: 'kafkajs eachMessage, 8 partitions concurrently',
    runner: node('raw-each-message'),
    baseline: 'raw-each-message-8',
    workers: 8,
  },
  {
    name: 'raw-each-batch',
    group: 'consume',
    description: 'kafkajs eachBatch, auto-commit',
    runner: node('raw-each-batch'),
    baseline: 'raw-each-batch',
  },
  {
    name: 'ours-handler-1w',
    group: 'consume',
    description: 'KafkaConsumerGroup single handler, 1 worker',
    runner: node('ours-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
  },
  {
    name: 'ours-handler-8w',
    group: 'consume',
    description: 'KafkaConsumerGroup single handler, 8 workers',
    runner: node('ours-handler'),
    baseline: 'raw-each-message-8',
    workers: 8,
    ours: true,
  },
  {
    name: 'ours-handler-1w-otel-off',
    group: 'consume',
    description: 'KafkaConsumerGroup single handler, 1 worker, tracing and metrics off',
    runner: node('ours-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
    telemetry: 'off',
  },
  {
    name: 'ours-handler-1w-otel-sdk',
    group: 'consume',
    description: 'KafkaConsumerGroup single handler, 1 worker, OpenTelemetry SDK (batch span processor, metrics)',
    runner: node('ours-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
    telemetry: 'sdk',
  },
  {
    name: 'ours-handler-policy-1w',
    group: 'consume',
    description: 'KafkaConsumerGroup single handler, 1 worker, onError retry 3 then dead-letter (no failures)',
    runner: node('ours-handler-policy'),
    baseline: 'ours-handler-1w',
    workers: 1,
    ours: true,
  },
  {
    name: 'ours-batch',
    group: 'consume',
    description: `KafkaConsumerGroup batch handler, batchSize ${BENCH_BATCH_SIZE}`,
    runner: node('ours-batch'),
    baseline: 'raw-each-batch',
    batchSize: BENCH_BATCH_SIZE,
    ours: true,
  },
  {
    name: 'nest-handler-1w',
    group: 'consume',
    description: 'KafkaModule @KafkaHandler with a parameter decorator, no enhancer, 1 worker',
    runner: node('nest-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
  },
  {
    name: 'nest-handler-positional-1w',
    group: 'consume',
    description: 'KafkaModule @KafkaHandler without parameter decorators (positional), no enhancer, 1 worker',
    runner: node('nest-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
  },
  {
    name: 'nest-handler-pipeline-1w',
    group: 'consume',
    description: 'KafkaModule @KafkaHandler with an interceptor and ValidationPipe on a DTO, 1 worker',
    runner: node('nest-handler'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
  },
  {
    name: 'nest-event-pattern',
    group: 'consume',
    description: '@nestjs/microservices Kafka transport, @EventPattern',
    runner: node('nest-event-pattern'),
    baseline: 'raw-each-message',
  },
  {
    name: 'strategy-event-pattern-1w',
    group: 'consume',
    description: 'KafkaChannelsServer (this module as a @nestjs/microservices strategy), @EventPattern, 1 worker',
    runner: node('strategy-event-pattern'),
    baseline: 'raw-each-message',
    workers: 1,
    ours: true,
  },
  {
    name: 'ours-partition-5ms',
    group: 'consume',
    description: `1 partition, ${KEY_HANDLER_MS} ms handler, ordering 'partition' (one record at a time)`,
    runner: node('ours-handler'),
    baseline: 'ours-partition-5ms',
    workers: KEY_CONCURRENCY,
    partitions: 1,
    messages: KEY_BACKLOG,
    keys: KEY_COUNT,
    ordering: 'partition',
    handlerMs: KEY_HANDLER_MS,
    ours: true,
  },
  {
    name: 'ours-key-16',
    group: 'consume',
    description: `1 partition, ${KEY_HANDLER_MS} ms handler, ordering 'key', maxConcurrency ${KEY_CONCURRENCY}, ${KEY_COUNT} keys`,
    runner: node('ours-handler'),
    baseline: 'ours-partition-5ms',
    workers: KEY_CONCURRENCY,
    partitions: 1,
    messages: KEY_BACKLOG,
    keys: KEY_COUNT,
    ordering: 'key',
    handlerMs: KEY_HANDLER_MS,
    ours: true,
  },
  {
    name: 'tool-consume',
    group: 'consume',
    description: 'kafka-consumer-perf-test (Java)',
    runner: { kind: 'tool', tool: 'consumer-perf' },
    baseline: 'raw-each-batch',
  },

  {
    name: 'raw-memory',
    group: 'memory',
    description: `kafkajs eachMessage, ${MEMORY_HANDLER_MS} ms handler, 8 partitions concurrently`,
    runner: node('raw-each-message'),
    workers: MEMORY_WORKERS,
  },
  {
    name: 'ours-memory',
    group: 'memory',
    description: `KafkaConsumerGroup single handler, ${MEMORY_HANDLER_MS} ms handler, ${MEMORY_WORKERS} workers`,
    runner: node('ours-handler'),
    workers: MEMORY_WORKERS,
    ours: true,
  },
  {
    name: 'ours-key-memory',
    group: 'memory',
    description: `KafkaConsumerGroup single handler, ${MEMORY_HANDLER_MS} ms handler, ordering 'key', maxConcurrency ${KEY_CONCURRENCY}, ${KEY_COUNT} keys`,
    runner: node('ours-handler'),
    workers: KEY_CONCURRENCY,
    keys: KEY_COUNT,
    ordering: 'key',
    ours: true,
  },
  ...COMPRESSION_CASES,
  ...REQUEST_REPLY_CASES,
  REQUEST_REPLY_PARALLEL_CASE,
];

/** The Kafka tool case of each table, that every figure is also divided by. */
export const TOOL_CASE: Readonly<Record<CaseGroup, string | undefined>> = {
  produce: 'tool-produce',
  consume: 'tool-consume',
  memory: undefined,
  'request-reply': undefined,
};

/** A measured goal from the issue: `subject` / `reference` must reach `atLeast` (or growth stay under `below`). */
export interface Goal {
  readonly text: string;
  readonly subject: string;
  readonly reference?: string;
  readonly atLeast?: number;
  /** For the memory goal: RSS growth of `subject` in MiB must stay below this. */
  readonly growthBelowMiB?: number;
}

/** The goals of issues 4, 5, 10 and 16-20, and figures reported beside them. */
export const GOALS: readonly Goal[] = [
  { text: 'per-message send() >= 3x raw kafkajs send()', subject: 'ours-send', reference: 'raw-send', atLeast: 3 },
  { text: 'per-message send() >= 0.9x raw kafkajs sendBatch', subject: 'ours-send', reference: 'raw-send-batch', atLeast: 0.9 },
  {
    text: 'per-message send() >= 1.0x raw sendBatch whose records carry the same request-id header (issue 20)',
    subject: 'ours-send',
    reference: 'raw-send-batch-hdr',
    atLeast: 1,
  },
  { text: 'fire-and-forget send() >= awaited send() (issue 20)', subject: 'ours-send-ff', reference: 'ours-send', atLeast: 1 },
  {
    text: 'reported, no goal: per-message send() vs kafka-producer-perf-test',
    subject: 'ours-send',
    reference: 'tool-produce',
    atLeast: 0,
  },
  {
    text: "reported, no goal: per-message send() with this module's request encoding vs kafkajs' own",
    subject: 'ours-send',
    reference: 'ours-send-kafkajs-encoding',
    atLeast: 0,
  },
  { text: 'single handler (1 worker) >= 0.95x raw eachMessage', subject: 'ours-handler-1w', reference: 'raw-each-message', atLeast: 0.95 },
  {
    text: 'single handler with a retry + dead-letter policy and no failures >= 0.95x the same group without one (issue 16)',
    subject: 'ours-handler-policy-1w',
    reference: 'ours-handler-1w',
    atLeast: 0.95,
  },
  {
    text: 'single handler (8 workers) >= 0.95x raw eachMessage x8',
    subject: 'ours-handler-8w',
    reference: 'raw-each-message-8',
    atLeast: 0.95,
  },
  { text: 'batch handler >= 0.95x raw eachBatch', subject: 'ours-batch', reference: 'raw-each-batch', atLeast: 0.95 },
  {
    text: 'Nest @KafkaHandler, no enhancer (1 worker) >= 0.95x core handler (1 worker)',
    subject: 'nest-handler-1w',
    reference: 'ours-handler-1w',
    atLeast: 0.95,
  },
  {
    text: 'KafkaChannelsServer @EventPattern (1 worker) >= 0.95x Nest @KafkaHandler (1 worker) (issue 30)',
    subject: 'strategy-event-pattern-1w',
    reference: 'nest-handler-1w',
    atLeast: 0.95,
  },
  {
    text: 'reported, no goal: KafkaChannelsServer @EventPattern vs the built-in ServerKafka (issue 30)',
    subject: 'strategy-event-pattern-1w',
    reference: 'nest-event-pattern',
    atLeast: 0,
  },
  ...REQUEST_CALLERS.map((callers) => ({
    text: `reported, no goal: request-reply round trips/s, ours → ours vs built-in → built-in, ${callers} caller(s) (issue 30)`,
    subject: `rr-ours-ours-c${callers}`,
    reference: `rr-builtin-builtin-c${callers}`,
    atLeast: 0,
  })),
  { text: 'single handler (1 worker) >= 2x Nest transport', subject: 'ours-handler-1w', reference: 'nest-event-pattern', atLeast: 2 },
  { text: 'batch handler >= 2x Nest transport', subject: 'ours-batch', reference: 'nest-event-pattern', atLeast: 2 },
  { text: 'slow handler on a large backlog: RSS growth < 64 MiB', subject: 'ours-memory', growthBelowMiB: 64 },
  {
    text: `1 partition, ${KEY_HANDLER_MS} ms handler: ordering 'key' (${KEY_CONCURRENCY}-way) >= 10x ordering 'partition'`,
    subject: 'ours-key-16',
    reference: 'ours-partition-5ms',
    atLeast: 10,
  },
  { text: "ordering 'key', slow handler on a large backlog: RSS growth < 64 MiB", subject: 'ours-key-memory', growthBelowMiB: 64 },
  {
    text: 'OpenTelemetry API present, no SDK: send() throughput >= 0.97x telemetry off',
    subject: 'ours-send-ff',
    reference: 'ours-send-ff-otel-off',
    atLeast: 0.97,
  },
  {
    text: 'OpenTelemetry API present, no SDK: handler throughput >= 0.97x telemetry off',
    subject: 'ours-handler-1w',
    reference: 'ours-handler-1w-otel-off',
    atLeast: 0.97,
  },
  {
    text: 'reported, no goal: OpenTelemetry SDK send() vs telemetry off',
    subject: 'ours-send-ff-otel-sdk',
    reference: 'ours-send-ff-otel-off',
    atLeast: 0,
  },
  {
    text: 'reported, no goal: OpenTelemetry SDK handler vs telemetry off',
    subject: 'ours-handler-1w-otel-sdk',
    reference: 'ours-handler-1w-otel-off',
    atLeast: 0,
  },
  ...BENCH_CODECS.flatMap((codec) => [
    {
      text: `${codec}: fire-and-forget send() >= 1.0x raw kafkajs sendBatch with the same codec (issue 25)`,
      subject: `ours-send-ff-${codec}`,
      reference: `raw-send-batch-${codec}`,
      atLeast: 1,
    },
    {
      text: `${codec}: single handler (1 worker) >= 0.95x raw eachMessage on the same backlog (issue 25)`,
      subject: `ours-handler-1w-${codec}`,
      reference: `raw-each-message-${codec}`,
      atLeast: 0.95,
    },
  ]),
];
