import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrokers } from '../../support/env.js';
import { appEnv, run, withPackedApp } from '../../support/matrix.js';
import { NEST12_APP } from '../../support/matrix/apps.js';

test('Nest 12, ESM, Vitest: test kit, injected producer, handler and Terminus on the real broker', { timeout: 175_000 }, async () => {
  await withPackedApp(NEST12_APP, async (app) => {
    const env = appEnv(sharedBrokers());
    await run(process.execPath, [app.bin('typescript', 'bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], app.dir, env);
    const out = await run(process.execPath, [app.bin('vitest', 'vitest.mjs'), 'run', '--reporter=verbose'], app.dir, env, 120_000);
    assert.match(out, /Tests\s+2 passed \(2\)/);
  });
});
