import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KafkaHealthIndicator } from './kafka.health-indicator.js';

/**
 * Provides {@link KafkaHealthIndicator} (and re-exports Terminus, so a health controller can also
 * inject `HealthCheckService`). Needs a `KafkaModule` registered with `isGlobal: true`, or
 * imported in the same module, for the clients to check.
 */
@Module({
  imports: [TerminusModule],
  providers: [KafkaHealthIndicator],
  exports: [KafkaHealthIndicator, TerminusModule],
})
export class KafkaHealthModule {}
