import { startSingleNode } from '../scripts/kafka/single.js';

/** The broker a bench run talks to. */
export interface BenchBroker {
  readonly brokers: readonly string[];
  /** How the broker was obtained, for the results file. */
  readonly source: string;
  /** Stops the broker when the bench started it; a no-op for `KAFKA_ADDR`. */
  close(): Promise<void>;
}

/**
 * Uses `KAFKA_ADDR` (comma-separated host:port) when set; otherwise starts the project's embedded
 * single-node broker (scripts/kafka) for the duration of the run.
 */
export async function openBenchBroker(env: Readonly<Record<string, string | undefined>> = process.env): Promise<BenchBroker> {
  const addr = env.KAFKA_ADDR?.trim();
  if (addr) {
    const brokers = addr
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return { brokers, source: `KAFKA_ADDR=${addr}`, close: async () => {} };
  }
  process.stderr.write('bench: KAFKA_ADDR not set, starting the embedded single-node broker...\n');
  const kafka = await startSingleNode();
  return {
    brokers: kafka.brokers,
    source: `embedded single node, Kafka ${kafka.version.text}`,
    close: () => kafka.close(),
  };
}
