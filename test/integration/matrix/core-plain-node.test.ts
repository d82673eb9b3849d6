import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrokers } from '../../support/env.js';
import { appEnv, run, withPackedApp } from '../../support/matrix.js';
import { CORE_APP } from '../../support/matrix/apps.js';

test(
  'plain Node, ESM and CommonJS: ./core works with no @nestjs/* installed; the root names what to install',
  { timeout: 175_000 },
  async () => {
    await withPackedApp(CORE_APP, async (app) => {
      const env = appEnv(sharedBrokers());
      const [esm, cjs] = await Promise.all([
        run(process.execPath, ['esm.mjs'], app.dir, env),
        run(process.execPath, ['cjs.cjs'], app.dir, env),
      ]);
      assert.match(esm, /core ok: o-core/);
      assert.match(cjs, /core ok: o-core/);
      // The root entry needs Nest: loading it (either way) fails with the packages to install.
      for (const args of [
        ['--input-type=module', '-e', "import 'nestjs-kafka-channels';"],
        ['-e', "require('nestjs-kafka-channels');"],
      ]) {
        await assert.rejects(run(process.execPath, args, app.dir, env), (error: Error) => {
          assert.match(
            error.message,
            /MissingPeerDependencyError: nestjs-kafka-channels needs @nestjs\/common, @nestjs\/core, reflect-metadata, rxjs/,
          );
          assert.match(error.message, /npm install @nestjs\/common @nestjs\/core reflect-metadata rxjs/);
          return true;
        });
      }
      // ./microservices also names its optional peer.
      await assert.rejects(
        run(process.execPath, ['-e', "require('nestjs-kafka-channels/microservices');"], app.dir, env),
        /MissingPeerDependencyError: nestjs-kafka-channels\/microservices needs @nestjs\/common, @nestjs\/core, reflect-metadata, rxjs, @nestjs\/microservices/,
      );
    });
  },
);
