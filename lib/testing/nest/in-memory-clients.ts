import type { INestApplicationContext } from '@nestjs/common';
import { NotInMemoryClientError } from '../../core/errors.js';
import { getConsumerGroupToken, getProducerToken } from '../../nest/kafka.tokens.js';
import { InMemoryConsumerGroup } from '../in-memory-consumer-group.js';
import { InMemoryProducer } from '../in-memory-producer.js';

/** Something Nest providers can be read from: a TestingModule or an app. */
export type ProviderSource = Pick<INestApplicationContext, 'get'>;

/**
 * The in-memory producer registered under `name` (as `@InjectProducer(name)` gets it).
 *
 * @throws NotInMemoryClientError when it is a real `KafkaProducer` (the module was not swapped for the test kit)
 */
export function getInMemoryProducer(source: ProviderSource, name?: string): InMemoryProducer {
  const producer: unknown = source.get(getProducerToken(name), { strict: false });
  if (!(producer instanceof InMemoryProducer)) throw notInMemory('producer', getProducerToken(name));
  return producer;
}

/**
 * The in-memory consumer group registered under `name`.
 *
 * @throws NotInMemoryClientError when it is a real `KafkaConsumerGroup` (the module was not swapped for the test kit)
 */
export function getInMemoryConsumerGroup(source: ProviderSource, name?: string): InMemoryConsumerGroup {
  const group: unknown = source.get(getConsumerGroupToken(name), { strict: false });
  if (!(group instanceof InMemoryConsumerGroup)) throw notInMemory('consumer group', getConsumerGroupToken(name));
  return group;
}

function notInMemory(what: string, token: string): NotInMemoryClientError {
  return new NotInMemoryClientError(
    `${token} is not an in-memory ${what}: import KafkaTestingModule, or override KAFKA_CLIENT_FACTORY with an InMemoryKafka`,
    { token },
  );
}
