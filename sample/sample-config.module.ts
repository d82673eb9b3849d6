import { Module } from '@nestjs/common';
import { SampleConfig } from './sample.config.js';

/** Provides the {@link SampleConfig} read from `process.env`. */
@Module({
  providers: [{ provide: SampleConfig, useFactory: () => new SampleConfig() }],
  exports: [SampleConfig],
})
export class SampleConfigModule {}
