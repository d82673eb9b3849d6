import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { SampleConfig } from './sample.config.js';
import { ensureTopics } from './topics.js';

/**
 * Builds the sample app from `process.env` (see {@link SampleConfig}): topics first, then the
 * Nest app with shutdown hooks, so SIGTERM drains the consumer groups (in-flight events finish
 * and are committed) before the process exits.
 */
export async function createSampleApp(): Promise<INestApplication> {
  const config = new SampleConfig();
  await ensureTopics(config.kafka, [config.eventsTopic, config.auditTopic]);
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  return app;
}
