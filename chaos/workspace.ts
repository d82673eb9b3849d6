/** Per-run scratch folder (member files, logs) and a file logger for the code under test. */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaLogger, LogData } from '../lib/index.js';
import type { RunResult } from './types.js';

/** A fresh folder for one run; kept when the run misses a goal (its path goes in the notes). */
export function newWorkspace(label: string): string {
  return mkdtempSync(join(tmpdir(), `chaos-${label}-`));
}

/** Deletes a run's folder (unless `CHAOS_KEEP=1`). */
export function dropWorkspace(dir: string): void {
  if (process.env.CHAOS_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
}

/**
 * The end of every run: drops the run's folder when the run broke nothing and met every goal,
 * else adds where its files are kept to the notes. Returns `result`.
 */
export function finishRun(dir: string, result: RunResult & { readonly notes: string[] }): RunResult {
  if (result.error === undefined && result.goals.every((g) => g.met)) dropWorkspace(dir);
  else result.notes.push(`files kept in ${dir}`);
  return result;
}

/** A logger that appends JSON lines to `file`, and remembers error-level entries. */
export function fileLogger(file: string): KafkaLogger & { readonly errors: { message: string; data?: LogData }[] } {
  const errors: { message: string; data?: LogData }[] = [];
  const write = (level: string) => (message: string, data?: LogData) => {
    if (level === 'error') errors.push({ message, ...(data ? { data } : {}) });
    let text: string;
    try {
      text = JSON.stringify({ at: Date.now(), level, message, data }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch {
      text = JSON.stringify({ at: Date.now(), level, message });
    }
    appendFileSync(file, `${text}\n`);
  };
  return { debug: () => undefined, info: write('info'), warn: write('warn'), error: write('error'), errors };
}
