import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { createTopic, uniqueName } from '../../support/env.js';

const run = promisify(execFile);

// Makes `@opentelemetry/api` unresolvable for every CommonJS `require` of the child (lib/ is
// CommonJS), as in an application that did not install the optional peer dependency.
const HIDE_OTEL_API = `
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@opentelemetry/api' || request.startsWith('@opentelemetry/api/')) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
`;

describe('without @opentelemetry/api installed', () => {
  it('the library loads, sends and consumes on the broker with no telemetry and no error', async () => {
    const topic = uniqueName('otel-absent');
    await createTopic(topic);
    const dir = await mkdtemp(join(tmpdir(), 'no-otel-'));
    try {
      const hook = join(dir, 'hide-otel-api.cjs');
      await writeFile(hook, HIDE_OTEL_API);
      const child = fileURLToPath(new URL('./fixtures/without-otel-child.js', import.meta.url));
      const { stdout, stderr } = await run(process.execPath, ['--require', hook, child, topic, uniqueName('otel-absent-g')], {
        timeout: 60_000,
        env: process.env,
      });
      const seen = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      assert.deepEqual(seen, {
        apiResolvable: false,
        apiLoaded: false,
        traceId: null,
        received: 2,
        requestIds: ['req-no-otel', 'req-no-otel'],
        headerNames: ['request-id'],
      });
      assert.equal(stderr, '');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
