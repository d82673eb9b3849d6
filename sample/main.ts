import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';
import { SampleConfig } from './sample.config.js';

const app = await createSampleApp();
const config = new SampleConfig();
await app.listen(config.port);
new Logger('Sample').log(`listening on ${await app.getUrl()} (POST /events, GET /events)`);
if (config.schemaRegistryUrl) new Logger('Sample').log(`events go through the schema registry at ${config.schemaRegistryUrl}`);
