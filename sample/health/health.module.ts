import { Module } from '@nestjs/common';
import { KafkaHealthModule } from '../../lib/nest/health/index.js';
import { HealthController } from './health.controller.js';

/** The sample's health endpoint, on top of the library's {@link KafkaHealthModule}. */
@Module({
  imports: [KafkaHealthModule],
  controllers: [HealthController],
})
export class HealthModule {}
