import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { sharedBrokers, uniqueName } from '../../support/env.js';
import { committedOffsets, eventually } from './nest-fixtures.js';

const SAMPLE_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'sample', 'main.js');

describe('sample app process', () => {
  it('exits cleanly on SIGTERM, with the consumed event committed', async () => {
    const prefix = uniqueName('sigterm');
    const eventsTopic = uniqueName('sigterm-events');
    const child = spawn(process.execPath, [SAMPLE_MAIN], {
      env: {
        ...process.env,
        KAFKA_ADDR: sharedBrokers().join(','),
        PORT: '0',
        NO_COLOR: '1',
        SAMPLE_EVENTS_TOPIC: eventsTopic,
        SAMPLE_AUDIT_TOPIC: uniqueName('sigterm-audit'),
        SAMPLE_GROUP_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      await eventually('the sample to listen', () => /listening on (http:\/\/\S+)/.test(output), 30_000);
      const base = /listening on (http:\/\/\S+)/.exec(output)![1]!.replace('[::1]', '127.0.0.1');
      await eventually('POST accepted', async () => {
        const response = await fetch(`${base}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"message":"bye"}',
        });
        return response.status === 202;
      });
      await eventually(
        'event consumed',
        async () => ((await (await fetch(`${base}/events`)).json()) as { consumed: number }).consumed === 1,
      );
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}\n${output}`);
    assert.doesNotMatch(output, /UnhandledPromiseRejection|ERROR/, output);
    const committed = await committedOffsets(`${prefix}-events`, eventsTopic);
    assert.equal(
      [...committed.values()].reduce((sum, o) => sum + Math.max(0, Number(o)), 0),
      1,
      'the consumed event was not committed',
    );
  });
});
