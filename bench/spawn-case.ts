import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCaseOutput, type CaseParams, type CaseResult } from './protocol.js';

const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));

/** How to run one case process. */
export interface SpawnOptions {
  /** Case script name, without `.js`, in `dist/bench/cases/`. */
  readonly script: string;
  readonly params: CaseParams;
  /** Kill the process after this long. */
  readonly timeoutMs: number;
  /** Write a V8 CPU profile of the case here (`--cpu-prof`). */
  readonly cpuProfDir?: string;
  /** Label for the profile file name. */
  readonly label: string;
}

/**
 * Runs one case in its own Node process, so its peak RSS is its own and its garbage does not slow
 * the next case. Resolves with the case's result; rejects with its stderr when it fails.
 */
export function spawnCase(o: SpawnOptions): Promise<CaseResult> {
  const profArgs: string[] = [];
  if (o.cpuProfDir !== undefined) {
    mkdirSync(o.cpuProfDir, { recursive: true });
    profArgs.push('--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`, `--cpu-prof-name=${o.label}.cpuprofile`);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profArgs, join(casesDir, `${o.script}.js`), JSON.stringify(o.params)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${Math.round(o.timeoutMs / 1000)} s`;
      child.kill('SIGKILL');
    }, o.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = parseCaseOutput(stdout);
      if (result && code === 0) resolve(result);
      else reject(new Error(`exit ${code}: ${(stderr.trim() || stdout.trim()).slice(-800)}`));
    });
  });
}
