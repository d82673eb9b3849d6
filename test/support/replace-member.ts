import { ConsumerState } from '../../lib/core/consumer/state.js';
import type { KafkaConsumerGroup } from '../../lib/core/consumer/kafka-consumer-group.js';
import { eventually } from './eventually.js';

/**
 * A graceful member restart, as a rolling deploy does it: stops `current` (`stopAndWait()`, then
 * `close()`), starts the group built by `create` and waits until it consumes. Returns the new member.
 */
export async function replaceMember(
  current: KafkaConsumerGroup,
  create: () => KafkaConsumerGroup,
  label: string,
): Promise<KafkaConsumerGroup> {
  await current.stopAndWait();
  await current.close({ timeout: 15_000 });
  const next = create();
  await next.start();
  await eventually(`${label} consuming`, () => next.state === ConsumerState.Consuming, 30_000);
  return next;
}
