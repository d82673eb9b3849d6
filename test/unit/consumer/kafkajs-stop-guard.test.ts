import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const scenario = fileURLToPath(new URL('./fixtures/stop-spin-scenario.js', import.meta.url));

interface ChildOutcome {
  /** Exit code, or undefined when the watchdog had to kill the child. */
  readonly code: number | undefined;
  readonly lines: readonly string[];
}

/** Runs the race in a child; a child whose event loop is blocked cannot end itself, so kill it. */
function runScenario(guard: boolean, watchdogMs: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [scenario], {
      env: { ...process.env, STOP_SPIN_SCENARIO: '1', GUARD: guard ? '1' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let killed = false;
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, watchdogMs);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      resolve({ code: killed ? undefined : (code ?? undefined), lines: stdout.split('\n').filter(Boolean) });
    });
  });
}

test('with the guard, stop() during a fetcher rebuild resolves and the guard installs once', async () => {
  const outcome = await runScenario(true, 10_000);
  assert.equal(outcome.code, 0, `child did not finish: ${outcome.lines.join(' | ')}`);
  assert.deepEqual(JSON.parse(outcome.lines[0] ?? '{}'), { guard: ['installed', 'already-installed'] });
  const result = JSON.parse(outcome.lines[1] ?? '{}') as { stopMs?: number; fetches?: number };
  assert.equal(typeof result.stopMs, 'number');
  assert.ok((result.fetches ?? 0) > 0, 'the scenario fetched');
});

test('without the guard the same scenario never lets stop() resolve (the scenario reproduces the bug)', async () => {
  const outcome = await runScenario(false, 2_500);
  assert.equal(outcome.code, undefined, 'the unguarded child was expected to hang until killed');
  assert.equal(outcome.lines.length, 0);
});
