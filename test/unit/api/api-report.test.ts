import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../scripts/kafka/paths.js';

// `npm run api:check` inside `npm test` (and so in CI): the public surface of every entry point
// must match the checked-in api/*.api.md; `npm run api:update` rewrites them after a deliberate change.
test('the public API of every entry point matches api/*.api.md', { timeout: 170_000 }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(projectRoot, 'dist', 'scripts', 'api-report.js')], {
    cwd: projectRoot,
    timeout: 160_000,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
  });
  for (const entry of ['root', 'core', 'testing', 'health', 'microservices']) assert.match(stdout, new RegExp(`api ${entry}: unchanged`));
});
