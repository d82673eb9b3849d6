import { KafkaConfigError } from '../lib/core/errors.js';
import type { ChaosMode } from './types.js';

/** Command-line options of `npm run chaos`. */
export interface ChaosOptions {
  readonly mode: ChaosMode;
  /** Scenario ids to run (empty = the mode's set). */
  readonly only: readonly string[];
  /** Runs per scenario variant (default: 1 in quick mode, the scenario's own count in full). */
  readonly runs?: number;
}

/** Parses `--quick`, `--only=C2,C3` and `--runs=N`; anything else is a {@link KafkaConfigError}. */
export function parseChaosOptions(argv: readonly string[], known: readonly string[]): ChaosOptions {
  let mode: ChaosMode = 'full';
  let only: string[] = [];
  let runs: number | undefined;
  const problems: { field: string; problem: string }[] = [];
  for (const arg of argv) {
    const [name, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--quick' && value === undefined) mode = 'quick';
    else if (name === '--only' && value) {
      only = value
        .split(',')
        .map((v) => v.trim().toUpperCase())
        .filter(Boolean);
      for (const id of only)
        if (!known.includes(id)) problems.push({ field: `--only ${id}`, problem: `is not a scenario (${known.join(', ')})` });
    } else if (name === '--runs' && value !== undefined) {
      runs = Number(value);
      if (!Number.isInteger(runs) || runs < 1) problems.push({ field: '--runs', problem: `must be a positive integer, got ${value}` });
    } else problems.push({ field: arg, problem: 'is not an option (--quick, --only=C1,C2, --runs=N)' });
  }
  if (problems.length > 0) throw new KafkaConfigError('chaos', problems);
  return { mode, only, ...(runs === undefined ? {} : { runs }) };
}
