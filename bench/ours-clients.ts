// This module's clients, imported from the framework-free core (what the Nest layer wraps), so
// the figures are not inflated by loading Nest; see BENCHMARKS.md.
import { createRequire } from 'node:module';
import type { ConsumerGroupConfig } from '../lib/core/config/consumer.js';
import type { ProducerConfig } from '../lib/core/config/producer.js';
import { KafkaConsumerGroup } from '../lib/core/consumer/index.js';
import { ENCODER } from '../lib/core/producer/kafkajs-produce-encoder.js';
import { silentLogger } from '../lib/core/logger.js';
import { ProducerCore } from '../lib/core/producer/kafka-producer.js';
import type { ConsumerAdapter } from './consume-driver.js';
import type { CaseParams } from './protocol.js';
import { benchTelemetry } from './telemetry.js';

/**
 * Extra settings from a JSON environment variable, for experiments while profiling (e.g.
 * `BENCH_PRODUCER_CONFIG='{"maxInFlightBatches":4}'`); the published figures use the defaults.
 */
function overrides<T>(variable: string): Partial<T> {
  const text = process.env[variable];
  return text ? (JSON.parse(text) as Partial<T>) : {};
}

/**
 * Leaves Produce request encoding to kafkajs in this process: marks kafkajs' Produce definition
 * as already patched (the marker `installKafkaJsProduceEncoder` checks), so the module's encoder is
 * never installed. Only for the bench's before/after comparison of issue 20.
 */
function keepKafkaJsEncoding(): void {
  const definition = createRequire(import.meta.url)('kafkajs/src/protocol/requests/produce/index.js') as Record<symbol, unknown>;
  definition[ENCODER] = true;
}

/** A `KafkaProducer` with its defaults (linger, batch cap, acks 1), connected (the internal class: the cases print its resolved config). */
export async function openOurProducer(params: CaseParams, settings: Partial<ProducerConfig> = {}): Promise<ProducerCore> {
  if (params.kafkajsEncoding) keepKafkaJsEncoding();
  const producer = new ProducerCore({
    brokers: [...params.brokers],
    topic: params.topic,
    clientId: `bench-${params.name}`,
    logger: silentLogger,
    ...benchTelemetry(params),
    compression: params.compression,
    ...settings,
    ...overrides<ProducerConfig>('BENCH_PRODUCER_CONFIG'),
  });
  await producer.waitUntilInitialised();
  return producer;
}

/** A `KafkaConsumerGroup` as a bench consumer: single handler, or batch handler when `batch`. */
export function ourConsumerAdapter(params: CaseParams, batch: boolean, settings: Partial<ConsumerGroupConfig> = {}): ConsumerAdapter {
  let group: KafkaConsumerGroup | undefined;
  return {
    async start(onHandled) {
      group = new KafkaConsumerGroup({
        brokers: [...params.brokers],
        topic: params.topic,
        groupName: params.groupId,
        clientId: `bench-${params.name}`,
        numWorkers: params.workers,
        batchSize: params.batchSize,
        ...(params.ordering === 'partition' ? {} : { ordering: params.ordering, maxConcurrency: params.workers }),
        logger: silentLogger,
        ...benchTelemetry(params),
        ...settings,
        ...overrides<ConsumerGroupConfig>('BENCH_CONSUMER_CONFIG'),
      });
      if (batch) {
        group.registerBatchHandler(async (messages) => {
          for (const m of messages) {
            const pending = onHandled(m.value);
            if (pending) await pending;
          }
        });
      } else {
        group.registerHandler(async (message) => {
          const pending = onHandled(message.value);
          if (pending) await pending;
        });
      }
      await group.start();
    },
    close: async () => group?.close(),
  };
}
