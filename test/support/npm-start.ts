/**
 * `npm start` as a user or a process supervisor stops it: the signal, to the npm process alone or
 * to its process group, must stop the sample app and the broker it started, and leave no process
 * of the run (JVM included). Used by test/integration/scripts/npm-start-*.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../scripts/kafka/paths.js';
import { eventually } from './eventually.js';
import { descendants, freePort, isRunning, portOpen, type ProcessInfo } from './processes.js';

/** Starts `npm start` (its own broker, a free PORT), waits for HTTP, signals, asserts all is gone. */
export async function npmStartStopsCleanly(signal: NodeJS.Signals, to: 'npm' | 'group'): Promise<void> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), NO_BUILD: '1', SAMPLE_GROUP_PREFIX: `npm-start-${port}` };
  delete env.KAFKA_ADDR; // npm start then starts (and must stop) its own broker
  const npm = spawn('npm', ['start'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
  let tree: ProcessInfo[] = [];
  try {
    await eventually(
      () => `the sample to answer on :${port}; output:\n${output.slice(-3000)}`,
      async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined)) !== undefined,
      90_000,
      250,
    );
    tree = descendants(npm.pid!);
    const jvm = tree.find((p) => p.commandLine.includes('kafka.Kafka'));
    assert.ok(jvm, `a broker JVM under npm start; processes:\n${tree.map((p) => p.commandLine).join('\n')}`);
    assert.ok(
      tree.some((p) => p.commandLine.includes('dist/sample/main.js')),
      'the sample app runs under npm start',
    );

    process.kill(to === 'npm' ? npm.pid! : -npm.pid!, signal); // detached: npm leads its own group

    await eventually(`port ${port} to close`, async () => !(await portOpen(port)), 30_000, 100);
    await eventually(
      () =>
        `every process of the run to exit; still running:\n${tree
          .filter((p) => isRunning(p.pid))
          .map((p) => `${p.pid} ${p.commandLine.slice(0, 120)}`)
          .join('\n')}`,
      () => tree.every((p) => !isRunning(p.pid)),
      30_000,
      100,
    );
    assert.equal(isRunning(jvm.pid), false, 'the broker JVM is gone');
    await npmExited;
    assert.match(output, /kafka producer closed/, 'the app shut down gracefully (not SIGKILLed by a double signal)');
    assert.match(output, /stopping the embedded Kafka broker/, 'the broker was stopped, not just killed');
  } finally {
    for (const p of [...tree, { pid: npm.pid! }]) {
      try {
        if (isRunning(p.pid)) process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
