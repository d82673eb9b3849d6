import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sharedBrokers } from '../../support/env.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'check-nest11.js');

// The package's peer range accepts Nest 11 and 12; the repo builds against 12. This runs a
// CommonJS Nest 11 app (installed from the npm registry into a temp folder) against the broker.
test('the Nest layer boots and delivers on NestJS 11 (CommonJS, require(esm))', { timeout: 170_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [script], {
    env: { ...process.env, KAFKA_ADDR: sharedBrokers().join(',') },
    timeout: 160_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.match(stdout, /nest 11 check passed with @nestjs\/core 11\./);
});
