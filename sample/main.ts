import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';
import { SampleConfig } from './sample.config.js';

const app = await createSampleApp();
await app.listen(new SampleConfig().port);
new Logger('Sample').log(`listening on ${await app.getUrl()} (POST /events, GET /events)`);
