import { Inject } from '@nestjs/common';
import { getProducerToken } from '../kafka.tokens.js';

/** Injects the core `KafkaProducer` declared under `name` in the module's `producers`. */
export function InjectProducer(name?: string): PropertyDecorator & ParameterDecorator {
  return Inject(getProducerToken(name));
}
