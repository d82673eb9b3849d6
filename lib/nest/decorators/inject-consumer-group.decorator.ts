import { Inject } from '@nestjs/common';
import { getConsumerGroupToken } from '../kafka.tokens.js';

/** Injects the core `KafkaConsumerGroup` declared under `name` in the module's `consumerGroups`. */
export function InjectConsumerGroup(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getConsumerGroupToken(name));
}
