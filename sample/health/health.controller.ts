import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '../../lib/nest/health/index.js';

/**
 * `GET /health`: 200 while every producer and group is OK or WARNING, 503 when one is CRITICAL
 * (e.g. its brokers are down). The body lists each client's state under `details.kafka`.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

  /** Runs the Kafka indicator (add your database and other indicators to the list). */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.kafka.isHealthy('kafka')]);
  }
}
