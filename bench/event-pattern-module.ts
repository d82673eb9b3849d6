import { Controller, Module, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { OnHandled } from './consume-driver.js';

/**
 * A Nest module with one controller whose `@EventPattern` handler listens on `topic`: the same
 * controller for the built-in transport's case and the transport strategy's.
 */
export function eventPatternModule(topic: string, onHandled: OnHandled): Type<unknown> {
  @Controller()
  class BenchEventController {
    @EventPattern(topic)
    async handle(@Payload() data: unknown): Promise<void> {
      const pending = onHandled(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
      if (pending) await pending;
    }
  }
  @Module({ controllers: [BenchEventController] })
  class BenchEventModule {}
  return BenchEventModule;
}
