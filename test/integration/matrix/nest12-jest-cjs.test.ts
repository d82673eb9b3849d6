import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrokers } from '../../support/env.js';
import { appEnv, run, withPackedApp } from '../../support/matrix.js';
import { jestCanLoadEsmOnlyNest, NEST12_JEST_APP } from '../../support/matrix/apps.js';

const skip = jestCanLoadEsmOnlyNest()
  ? false
  : `Node ${process.versions.node}: Jest loads ESM-only Nest 12 through our CommonJS build only on Node 24.9+ (use Vitest or node:test below it)`;

test(
  'Nest 12, CommonJS, Jest 30 + ts-jest: test kit, injected producer, handler and Terminus on the real broker',
  { skip, timeout: 175_000 },
  async () => {
    await withPackedApp(NEST12_JEST_APP, async (app) => {
      const env = appEnv(sharedBrokers());
      const out = await run(
        process.execPath,
        // Jest's require(esm) runs ES modules through node:vm's module API, which needs this flag.
        ['--experimental-vm-modules', app.bin('jest', 'bin/jest.js'), '--ci', '--colors=false'],
        app.dir,
        env,
        120_000,
      );
      assert.match(out, /Tests:\s+2 passed, 2 total/);
    });
  },
);
