/**
 * Test-side API of the embedded single node (topology 1). Most integration tests need none of
 * this: `npm test` starts one broker for the whole run and exports `KAFKA_ADDR`, which
 * `sharedBrokers()` in env.ts reads. Use {@link startSingleBroker} in a test that needs a broker
 * of its own only when `KAFKA_ADDR` is unset.
 */
import { EmbeddedKafka } from '../../scripts/kafka/embedded-kafka.js';
import { killBrokersOnSignals } from '../../scripts/kafka/registry.js';
import { startSingleNode, type SingleNodeOptions } from '../../scripts/kafka/single.js';

export { EmbeddedKafka };
export type { EmbeddedNode } from '../../scripts/kafka/embedded-kafka.js';

/** A broker a test can use, and how to release it. */
export interface TestBroker {
  /** Bootstrap addresses (`127.0.0.1:port`). */
  readonly brokers: string[];
  /** True when this call started the broker (false: it came from `KAFKA_ADDR`). */
  readonly started: boolean;
  /** The running node when {@link started}; undefined for an external cluster. */
  readonly embedded: EmbeddedKafka | undefined;
  /** Stops the broker this call started (a no-op for an external cluster). */
  close(): Promise<void>;
}

/**
 * The single PLAINTEXT node: the cluster in `KAFKA_ADDR` when set (nothing is started), otherwise
 * a fresh embedded broker. Call `close()` in an `after` hook.
 */
export async function startSingleBroker(options: SingleNodeOptions = {}): Promise<TestBroker> {
  const external =
    process.env.KAFKA_ADDR?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (external.length > 0) {
    return { brokers: external, started: false, embedded: undefined, close: async () => undefined };
  }
  killBrokersOnSignals();
  const kafka = await startSingleNode(options);
  return { brokers: kafka.brokers, started: true, embedded: kafka, close: () => kafka.close() };
}
