import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';
import { SampleConfig } from './sample.config.js';

const config = new SampleConfig();
const app = await createSampleApp();
await app.listen(config.port);
new Logger('Sample').log(`listening on http://localhost:${config.port} (POST /events, GET /events)`);
