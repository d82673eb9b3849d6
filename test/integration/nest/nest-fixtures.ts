import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import type { KafkaModuleOptions } from '../../../lib/nest/index.js';
import { sharedBrokers, uniqueName } from '../../support/env.js';
import { eventually } from '../../support/eventually.js';

/** Module options for tests: the shared broker, quiet logs, short shutdown. */
export function testConnection(): Pick<KafkaModuleOptions, 'brokers' | 'logLevel' | 'kafkaJsLogLevel' | 'shutdownTimeout'> {
  return { brokers: sharedBrokers(), logLevel: 'warn', kafkaJsLogLevel: 'nothing', shutdownTimeout: 15_000 };
}

export { eventually };

export { committedOffsets } from '../../support/env.js';

/**
 * Starts the sample app over HTTP on a free port, on topics and groups of its own (set through
 * its environment variables, with `env` added first). Returns the app and its base URL.
 */
export async function startSampleOverHttp(env: Record<string, string> = {}): Promise<{ app: INestApplication; base: string }> {
  // A registry only when the test asks for one (a shared test registry may be in the environment).
  delete process.env.SCHEMA_REGISTRY_URL;
  delete process.env.SCHEMA_REGISTRY_API_URL;
  Object.assign(process.env, env);
  process.env.SAMPLE_EVENTS_TOPIC ??= uniqueName('sample-events');
  process.env.SAMPLE_AUDIT_TOPIC = uniqueName('sample-audit');
  process.env.SAMPLE_GROUP_PREFIX = uniqueName('sample');
  const { createSampleApp } = await import('../../../sample/app.js');
  const app = await createSampleApp();
  app.useLogger(['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  return { app, base: `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}` };
}

/** POSTs `{ message }` to the sample until it is accepted (503 while its producer connects); resolves the event id. */
export async function postSampleEvent(base: string, message: string): Promise<string> {
  let id = '';
  await eventually('POST accepted', async () => {
    const response = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    });
    if (response.status === 503) return sleep(200).then(() => false);
    assert.equal(response.status, 202);
    id = ((await response.json()) as { id: string }).id;
    return true;
  });
  return id;
}
