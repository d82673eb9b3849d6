import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const FIXTURE = fileURLToPath(new URL('./fixtures/failed-injection-app.js', import.meta.url));

describe('dependency injection failing after KafkaModule built its clients', () => {
  it('leaves nothing connected: the process exits on its own', async () => {
    const child = spawn(process.execPath, [FIXTURE], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Before the fix the producer connected in the background and kept the process alive forever.
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = await exited;
    clearTimeout(timer);
    assert.match(output, /compile failed: provider construction failed/);
    assert.equal(signal, null, 'the process had to be killed: a client stayed connected');
    assert.equal(code, 0);
  });
});
