/**
 * `npm run chaos`: every scenario (or `--quick`: the quick set, one run each; `--only=C2,C3`;
 * `--runs=N`) in its own process, each on its own 3-node cluster, killed if it passes its time
 * limit. Prints the table and the details, and writes chaos/results/<date>[-quick].json. Exits 1
 * when a goal was missed or a scenario broke.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../scripts/kafka/paths.js';
import { machineInfo } from '../scripts/machine-info.js';
import { fileURLToPath } from 'node:url';
import { runsFor, SCENARIOS } from './catalogue.js';
import { parseChaosOptions } from './options.js';
import { formatDetails, formatResults } from './report.js';
import { parseScenarioOutput } from './scenario-main.js';
import { blankRunResult, type ChaosMode, type RunResult, type Scenario } from './types.js';

const scenarioScript = fileURLToPath(new URL('./scenario-main.js', import.meta.url));
/** Time limit of one run of one variant; a scenario process gets this times its runs. */
const RUN_LIMIT_MS = 10 * 60_000;

function errorRow(scenario: Scenario, message: string): RunResult {
  return { ...blankRunResult(scenario.id), error: message };
}

/** Runs one scenario process; a crash or time-out becomes an error row. */
function runScenarioProcess(scenario: Scenario, mode: ChaosMode, runs: number): Promise<RunResult[]> {
  const variants = mode === 'full' ? (scenario.variants ?? 1) : 1;
  const limitMs = RUN_LIMIT_MS * variants * runs;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [scenarioScript, JSON.stringify({ id: scenario.id, mode, runs })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    const stopChild = (): void => void child.kill('SIGTERM');
    process.once('exit', stopChild);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', stopChild);
      const results = parseScenarioOutput(stdout);
      if (results) resolve(results);
      else
        resolve([
          errorRow(
            scenario,
            timedOut
              ? `killed at its time limit (${limitMs / 60_000} min)`
              : `scenario process ended with ${signal ?? `exit code ${code}`}`,
          ),
        ]);
    });
  });
}

async function main(): Promise<number> {
  const options = parseChaosOptions(
    process.argv.slice(2),
    SCENARIOS.map((s) => s.id),
  );
  const selected = SCENARIOS.filter((s) => (options.only.length > 0 ? options.only.includes(s.id) : options.mode === 'full' || s.quick));
  const command = `npm run chaos${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const started = Date.now();
  const results: RunResult[] = [];
  const dir = join(projectRoot, 'chaos', 'results');
  mkdirSync(dir, { recursive: true });
  // A quick or partial run never overwrites the results of a full run.
  const suffix = `${options.only.length > 0 ? `-${options.only.join('+')}` : ''}${options.mode === 'quick' ? '-quick' : ''}`;
  const file = join(dir, `${new Date().toISOString().slice(0, 10)}${suffix}.json`);
  const write = (table: string, complete: boolean): void => {
    const json = {
      date: new Date().toISOString(),
      command,
      complete,
      machine: machineInfo(),
      options,
      minutes: Math.round((Date.now() - started) / 600) / 100,
      scenarios: selected.map((s) => ({ id: s.id, title: s.title, goals: s.goals })),
      results,
      table,
    };
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  };
  for (const scenario of selected) {
    const runs = runsFor(scenario, options.mode, options.runs);
    process.stderr.write(`chaos: ${scenario.id} (${options.mode}, ${runs} run${runs > 1 ? 's' : ''}): ${scenario.title}\n`);
    const t0 = Date.now();
    const rows = await runScenarioProcess(scenario, options.mode, runs);
    results.push(...rows);
    const missed = rows.filter((r) => r.error !== undefined || r.goals.some((g) => !g.met)).length;
    process.stderr.write(
      `chaos: ${scenario.id} done in ${Math.round((Date.now() - t0) / 1000)} s, ${missed === 0 ? 'every goal met' : `${missed} of ${rows.length} runs missed a goal`}\n`,
    );
    // Written after every scenario, so an interrupted suite still leaves what it measured.
    write(formatResults(results), false);
  }
  const table = formatResults(results);
  const details = formatDetails(results);
  process.stdout.write(`\n${table}\n\n${details}\n`);
  write(table, true);
  process.stderr.write(`chaos: results written to ${file} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  return results.some((r) => r.error !== undefined || r.goals.some((g) => !g.met)) ? 1 : 0;
}

// Ctrl-C: the scenario processes get SIGINT from the terminal too and clean up their brokers.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`chaos failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
