/** Which table a case belongs to. */
export type CaseGroup = 'produce' | 'consume' | 'memory';

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
}

/** Partitions of every case's fresh topic. */
export const PARTITIONS = 8;
/** Records per call of this module's batch handler in the batch case. */
export const BENCH_BATCH_SIZE = 500;
/** Workers of the memory case. */
export const MEMORY_WORKERS = 8;
/** Per-record handler time of the memory case. */
export const MEMORY_HANDLER_MS = 5;

const node = (script: string) => ({ kind: 'node', script }) as const;

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
    description: 'kafkajs sendBatch(), ~1 MiB per call',
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
    name: 'ours-send-ff',
    group: 'produce',
    description: 'KafkaProducer.sendBytes(), fire-and-forget',
    runner: node('ours-send-ff'),
    baseline: 'raw-send-batch',
    ours: true,
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
    name: 'nest-event-pattern',
    group: 'consume',
    description: '@nestjs/microservices Kafka transport, @EventPattern',
    runner: node('nest-event-pattern'),
    baseline: 'raw-each-message',
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
];

/** The Kafka tool case of each table, that every figure is also divided by. */
export const TOOL_CASE: Readonly<Record<CaseGroup, string | undefined>> = {
  produce: 'tool-produce',
  consume: 'tool-consume',
  memory: undefined,
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

/** The goals of issues 4, 5 and 10, plus one like-for-like comparison that explains the producer's. */
export const GOALS: readonly Goal[] = [
  { text: 'per-message send() >= 3x raw kafkajs send()', subject: 'ours-send', reference: 'raw-send', atLeast: 3 },
  { text: 'per-message send() >= 0.9x raw kafkajs sendBatch', subject: 'ours-send', reference: 'raw-send-batch', atLeast: 0.9 },
  {
    text: 'like-for-like (not an issue goal): per-message send() >= 0.9x raw sendBatch whose records carry the same request-id header',
    subject: 'ours-send',
    reference: 'raw-send-batch-hdr',
    atLeast: 0.9,
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
  { text: 'single handler (1 worker) >= 2x Nest transport', subject: 'ours-handler-1w', reference: 'nest-event-pattern', atLeast: 2 },
  { text: 'batch handler >= 2x Nest transport', subject: 'ours-batch', reference: 'nest-event-pattern', atLeast: 2 },
  { text: 'slow handler on a large backlog: RSS growth < 64 MiB', subject: 'ours-memory', growthBelowMiB: 64 },
];
