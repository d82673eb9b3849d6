/**
 * `npm test`: runs every unit and integration test against a real broker.
 *
 * Without `KAFKA_ADDR`, fetches the jars if needed, starts the embedded single node and exports
 * its address as `KAFKA_ADDR`; with it, uses that cluster and starts nothing. When only unit tests
 * are selected, no broker is started. Then runs one
 * `node --test` over the compiled test files (so Node's summary lines — tests, pass, fail — close
 * the output), stops the broker whatever happens (Ctrl-C included) and exits with the tests' code.
 *
 * Test files are passed to `node --test` one by one (Node 22+ reads a folder argument as a glob
 * pattern and finds nothing in it).
 *
 * When a selected test file uses the test registry (`test/support/registry.ts`), one Apicurio
 * registry is started for the whole run and exported as `SCHEMA_REGISTRY_URL` (unless that is set
 * already: then it is used and nothing is started), and stopped at the end like the broker.
 *
 * Environment knobs:
 *   KAFKA_ADDR            use this cluster instead of starting one
 *   SCHEMA_REGISTRY_URL   use this schema registry instead of starting one
 *   KAFKA_VERSION         Kafka release of the embedded broker (default: DEFAULT_KAFKA_VERSION in kafka/versions.ts)
 *   TEST_AREAS            comma-separated areas to run: unit, integration (default both; `npm run test:unit` = unit)
 *   TEST_CONCURRENCY      test files run at once (default 2)
 *   TEST_TIMEOUT_MS       `--test-timeout`: on Node 20 it limits each test FILE's whole run, so a hung
 *                         test fails its file instead of hanging CI (default 180000; files aim for < 60 s)
 *   TEST_RUN_TIMEOUT_MS   limit for the whole `node --test` run (default 35 minutes)
 *   TEST_ONLY             comma-separated path fragments: run only matching test files
 *   Extra arguments are passed to `node --test` (e.g. `npm test -- --test-name-pattern=producer`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { constants } from 'node:os';
import type { EmbeddedKafka } from './kafka/embedded-kafka.js';
import { projectRoot } from './kafka/paths.js';
import { startSingleNode } from './kafka/single.js';
import type { RunningSchemaRegistry } from './registry/schema-registry.js';

const DEFAULT_CONCURRENCY = 2;
const DEFAULT_TEST_TIMEOUT_MS = 180_000;
const DEFAULT_RUN_TIMEOUT_MS = 35 * 60_000;
/** Test areas, in the order they run. */
const AREAS = ['unit', 'integration'] as const;
type Area = (typeof AREAS)[number];

/** The areas named in `TEST_AREAS` (all when unset); an unknown name is reported and skipped. */
function selectedAreas(raw = process.env.TEST_AREAS): readonly Area[] {
  const names = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return AREAS;
  for (const name of names) {
    if (!(AREAS as readonly string[]).includes(name))
      process.stderr.write(`TEST_AREAS: unknown area "${name}" (use ${AREAS.join(', ')})\n`);
  }
  return AREAS.filter((area) => names.includes(area));
}

/** Compiled test files whose TypeScript source still exists (dist/ can hold stale output). */
function findTestFiles(root = projectRoot, only = process.env.TEST_ONLY): string[] {
  const filters = (only ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.js')) {
        const source = join(root, relative(join(root, 'dist'), path)).replace(/\.js$/, '.ts');
        if (existsSync(source)) files.push(path);
      }
    }
  };
  for (const area of selectedAreas()) walk(join(root, 'dist', 'test', area));
  return filters.length ? files.filter((f) => filters.some((frag) => f.includes(frag))) : files;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`${name}=${raw} is not a positive integer; using ${fallback}\n`);
    return fallback;
  }
  return value;
}

/** Whether a compiled test file uses the shared test registry (imports `test/support/registry`). */
function usesTestRegistry(file: string): boolean {
  return readFileSync(file, 'utf8').includes('/support/registry.js');
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

async function main(): Promise<number> {
  const files = findTestFiles();
  if (files.length === 0) {
    process.stderr.write('No compiled test files found under dist/test (did the build run?)\n');
    return 1;
  }
  let kafka: EmbeddedKafka | undefined;
  let registry: RunningSchemaRegistry | undefined;
  let interrupted: NodeJS.Signals | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  // The test processes run in their own process group: a signal to this runner (Ctrl-C, or a CI
  // job's SIGTERM) is passed to every one of them once, then we wait for them and clean up.
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    if (child?.pid !== undefined && child.exitCode === null) signalGroup(child.pid, signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  // The compatibility-matrix apps install their npm dependencies once (cached outside the repo);
  // done here, while the broker starts, so a cold install does not eat a test file's time limit.
  const matrixReady = files.some((f) => f.includes(`${sep}matrix${sep}`)) ? installMatrix() : Promise.resolve();

  // One schema registry for the run, started while the broker starts.
  const registryReady = startRunRegistry(files).then((started) => (registry = started));
  registryReady.catch(() => undefined); // awaited below, after the broker; not an unhandled rejection meanwhile

  try {
    const needsBroker = files.some((f) => f.includes(`${sep}integration${sep}`));
    if (!needsBroker) {
      process.stderr.write('[run-tests] unit tests only: no broker\n');
    } else if (process.env.KAFKA_ADDR) {
      process.stderr.write(`[run-tests] using the cluster in KAFKA_ADDR=${process.env.KAFKA_ADDR}\n`);
    } else {
      kafka = await startSingleNode();
      process.env.KAFKA_ADDR = kafka.brokers.join(',');
      process.stderr.write(
        `[run-tests] embedded Kafka ${kafka.version.text} ready at ${process.env.KAFKA_ADDR} in ${(kafka.startupMs / 1000).toFixed(1)} s\n`,
      );
    }
    await registryReady;
    await matrixReady;
    if (interrupted) return 128 + constants.signals[interrupted];

    const args = [
      '--test',
      `--test-concurrency=${positiveInt('TEST_CONCURRENCY', DEFAULT_CONCURRENCY)}`,
      `--test-timeout=${positiveInt('TEST_TIMEOUT_MS', DEFAULT_TEST_TIMEOUT_MS)}`,
      ...process.argv.slice(2),
      ...files.map((f) => relative(projectRoot, f)),
    ];
    process.stderr.write(`[run-tests] ${files.length} test files\n`);
    const runTimeoutMs = positiveInt('TEST_RUN_TIMEOUT_MS', DEFAULT_RUN_TIMEOUT_MS);
    const started = (child = spawn(process.execPath, args, { cwd: projectRoot, stdio: 'inherit', env: process.env, detached: true }));
    const watchdog = setTimeout(() => {
      process.stderr.write(`[run-tests] the test run exceeded ${runTimeoutMs} ms; stopping it\n`);
      if (started.pid !== undefined) signalGroup(started.pid, 'SIGTERM');
      setTimeout(() => started.pid !== undefined && signalGroup(started.pid, 'SIGKILL'), 10_000).unref();
    }, runTimeoutMs);
    const code = await new Promise<number>((resolve) => {
      started.once('error', (err) => {
        process.stderr.write(`[run-tests] could not start node --test: ${err.message}\n`);
        resolve(1);
      });
      started.once('exit', (exitCode, signal) => resolve(exitCode ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
    clearTimeout(watchdog);
    // Anything a test leaked into the group (a forgotten child process) must not outlive the run.
    if (started.pid !== undefined) signalGroup(started.pid, 'SIGKILL');
    // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- set by a signal handler; TS narrows it to never here
    return interrupted ? 128 + constants.signals[interrupted] : code;
  } catch (err) {
    process.stderr.write(`[run-tests] ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await registryReady.catch(() => undefined);
    if (registry) {
      await registry
        .close()
        .catch((err: unknown) => process.stderr.write(`[run-tests] stopping the schema registry failed: ${String(err)}\n`));
    }
    if (kafka) {
      await kafka.close().catch((err: unknown) => process.stderr.write(`[run-tests] stopping the broker failed: ${String(err)}\n`));
    }
  }
}

/**
 * Starts the run's schema registry and exports its URL as `SCHEMA_REGISTRY_URL`, when a selected
 * file uses the test registry and the variable is not set already (an external registry wins).
 */
async function startRunRegistry(files: readonly string[]): Promise<RunningSchemaRegistry | undefined> {
  if (process.env.SCHEMA_REGISTRY_URL) {
    process.stderr.write(`[run-tests] using the schema registry in SCHEMA_REGISTRY_URL=${process.env.SCHEMA_REGISTRY_URL}\n`);
    return undefined;
  }
  if (!files.some(usesTestRegistry)) return undefined;
  const { startSchemaRegistry } = await import('./registry/schema-registry.js');
  const registry = await startSchemaRegistry();
  process.env.SCHEMA_REGISTRY_URL = registry.url;
  process.stderr.write(`[run-tests] schema registry ready at ${registry.url} in ${(registry.startMs / 1000).toFixed(1)} s\n`);
  return registry;
}

/** Installs the matrix apps' dependencies; a failure is reported and left to the matrix tests. */
async function installMatrix(): Promise<void> {
  const started = Date.now();
  try {
    const { installMatrixApps } = await import('../test/support/matrix/apps.js');
    await installMatrixApps();
    process.stderr.write(`[run-tests] matrix app dependencies ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    process.stderr.write(
      `[run-tests] installing the matrix apps' dependencies failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`,
    );
  }
}

const runStarted = Date.now();
process.exitCode = await main();
process.stderr.write(`[run-tests] finished in ${Math.round((Date.now() - runStarted) / 1000)} s, exit code ${process.exitCode}\n`);
