/**
 * One scenario in its own process (the CLI runs each this way, as `npm run bench` runs each case):
 * argv[2] is `{ id, mode, runs }`; progress goes to stderr, the results to one stdout line.
 */
import { scenarioById } from './catalogue.js';
import type { ChaosMode, RunResult } from './types.js';

/** Prefix of the stdout line carrying the results. */
export const RESULT_MARKER = '@@chaos-result ';

/** Finds the results line in a scenario process's stdout. */
export function parseScenarioOutput(stdout: string): RunResult[] | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as RunResult[]);
}

async function main(): Promise<void> {
  const { id, mode, runs } = JSON.parse(process.argv[2] ?? '{}') as { id: string; mode: ChaosMode; runs: number };
  const scenario = scenarioById(id);
  if (!scenario) throw new Error(`no chaos scenario ${id}`);
  const results = await scenario.run({ mode, runs, log: (line) => process.stderr.write(`  ${line}\n`) });
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(results)}\n`);
}

if (process.argv[1]?.endsWith('scenario-main.js')) {
  main().then(
    // kafkajs leaves timers behind after disconnect; the results are out, so leave now.
    () => setTimeout(() => process.exit(0), 200).unref(),
    (err: unknown) => {
      process.stderr.write(`scenario failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
