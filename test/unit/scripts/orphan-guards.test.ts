/**
 * The two guards that stop start-sample.ts's processes from outliving their parent, with real
 * processes (no broker): parent-watch.ts (re-parented after the parent died) and
 * exit-with-parent.ts (the app's IPC channel closed).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../../scripts/kafka/paths.js';
import { eventually } from '../../support/eventually.js';
import { descendants, isRunning } from '../../support/processes.js';

const scripts = join(projectRoot, 'dist', 'scripts');

/** Runs `parentCode` in a node parent (own process group); resolves with its pid and output. */
function startParent(parentCode: string): { pid: number; output: () => string; exited: Promise<void> } {
  const parent = spawn(process.execPath, ['--input-type=module', '-e', parentCode], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { pid: parent.pid!, output: () => output, exited: new Promise((resolve) => parent.once('exit', () => resolve())) };
}

test('onParentExit fires once the parent is SIGKILLed and the child is re-parented', async () => {
  // The child inherits the parent's stdout pipe, so what it prints after the parent died still arrives.
  const child = `import { onParentExit } from ${JSON.stringify(pathToFileURL(join(scripts, 'parent-watch.js')).href)};
    onParentExit(() => { console.log('parent gone'); process.exit(0); }, 50);
    console.log('watching'); setInterval(() => {}, 1000);`;
  const parent = startParent(`import { spawn } from 'node:child_process';
    spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(child)}], { stdio: 'inherit' });
    setInterval(() => {}, 1000);`);
  let childPid: number | undefined;
  try {
    await eventually('the child to start watching', () => parent.output().includes('watching'), 10_000);
    childPid = descendants(parent.pid)[0]?.pid;
    assert.ok(childPid, 'the child runs under the parent');
    assert.doesNotMatch(parent.output(), /parent gone/, 'nothing fires while the parent lives');
    process.kill(parent.pid, 'SIGKILL');
    await eventually(
      () => `the child to notice; output: ${parent.output()}`,
      () => parent.output().includes('parent gone'),
      10_000,
    );
    await eventually('the child to exit', () => !isRunning(childPid!), 10_000);
  } finally {
    for (const pid of [parent.pid, childPid]) if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

test('exit-with-parent.js turns the IPC channel closing (parent SIGKILLed) into a SIGTERM, and does not keep the app alive', async () => {
  const app = `process.on('SIGTERM', () => { console.log('SIGTERM received'); process.exit(0); });
    console.log('app up'); setInterval(() => {}, 1000);`;
  const parent = startParent(`import { spawn } from 'node:child_process';
    spawn(process.execPath, ['--import', ${JSON.stringify(pathToFileURL(join(scripts, 'exit-with-parent.js')).href)}, '--input-type=module', '-e', ${JSON.stringify(app)}],
      { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    setInterval(() => {}, 1000);`);
  let appPid: number | undefined;
  try {
    await eventually('the app to start', () => parent.output().includes('app up'), 10_000);
    appPid = descendants(parent.pid)[0]?.pid;
    assert.ok(appPid, 'the app runs under the parent');
    process.kill(parent.pid, 'SIGKILL');
    await eventually(
      () => `the app to get SIGTERM; output: ${parent.output()}`,
      () => parent.output().includes('SIGTERM received'),
      10_000,
    );
    await eventually('the app to exit', () => !isRunning(appPid!), 10_000);
  } finally {
    for (const pid of [parent.pid, appPid]) if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
  }

  // With the parent alive, an app that has nothing left to do exits: the channel holds no reference.
  const quiet = startParent(`import { spawn } from 'node:child_process';
    const app = spawn(process.execPath, ['--import', ${JSON.stringify(pathToFileURL(join(scripts, 'exit-with-parent.js')).href)}, '-e', 'setTimeout(() => {}, 10)'],
      { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
    app.once('exit', (code) => { console.log('app exited ' + code); process.exit(0); });
    setTimeout(() => { console.log('app still running'); process.exit(1); }, 20000);`);
  await quiet.exited;
  assert.match(quiet.output(), /app exited 0/);
});
