import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrokers } from '../../support/env.js';
import { appEnv, run, withPackedApp } from '../../support/matrix.js';
import { NEST11_APP } from '../../support/matrix/apps.js';

test(
  'Nest 11, CommonJS, Jest + ts-jest: test kit, injected producer, handler and Terminus on the real broker',
  { timeout: 175_000 },
  async () => {
    await withPackedApp(NEST11_APP, async (app) => {
      const env = appEnv(sharedBrokers());
      // ts-jest type-checks the spec with the app's tsconfig (moduleResolution node): a type that
      // does not resolve (TS2307, as before typesVersions) fails the suite.
      const out = await run(process.execPath, [app.bin('jest', 'bin/jest.js'), '--ci', '--colors=false'], app.dir, env, 120_000);
      assert.match(out, /Tests:\s+2 passed, 2 total/);
    });
  },
);
