/**
 * `npm run registry:fetch | registry:up | registry:down` (and `status`):
 *   fetch   download and unpack Apicurio Registry (once; cached under .kafka/registry/)
 *   up      start it in the background; prints SCHEMA_REGISTRY_URL=http://127.0.0.1:<port>.
 *           A second `up` reuses the running registry; with SCHEMA_REGISTRY_URL set, starts nothing.
 *   down    stop it (graceful, SIGKILL after a grace period)
 *   status  print the background registry's URL, if one runs
 */
import { launchDaemon, stopDaemon } from '../kafka/background-daemon.js';
import { processAlive } from '../kafka/background-state.js';
import { APICURIO_VERSION } from './apicurio.js';
import { clearRegistryState, readRegistryState, type RegistryState } from './background-state.js';
import type { RegistryDaemonMessage } from './daemon.js';
import { RegistryStartError } from './errors.js';
import { ensureRegistry } from './fetch.js';
import { registryDaemonScript, registryLogFile } from './paths.js';
import { registryProblem } from './readiness.js';

/** How long `down` waits for the daemon to stop the registry before SIGKILLing it. */
const DOWN_TIMEOUT_MS = 20_000;
/** How long `up` waits for the daemon's readiness report. */
const UP_TIMEOUT_MS = 150_000;

async function fetchCommand(): Promise<void> {
  const dist = await ensureRegistry();
  const how = dist.cached ? 'already cached' : 'downloaded';
  process.stdout.write(`Apicurio Registry ${APICURIO_VERSION} ${how}: ${dist.runnerJar} (${(dist.elapsedMs / 1000).toFixed(1)} s)\n`);
}

/** The recorded registry if its daemon lives and its API answers; clears stale state. */
async function runningRegistry(): Promise<RegistryState | undefined> {
  const state = await readRegistryState();
  if (!state) return undefined;
  if (processAlive(state.pid) && (await registryProblem(state.url)) === undefined) return state;
  await clearRegistryState();
  return undefined;
}

async function upCommand(): Promise<void> {
  const external = process.env.SCHEMA_REGISTRY_URL?.trim();
  if (external) {
    process.stderr.write('SCHEMA_REGISTRY_URL is set: using that registry, starting nothing.\n');
    process.stdout.write(`SCHEMA_REGISTRY_URL=${external}\n`);
    return;
  }
  const existing = await runningRegistry();
  if (existing) {
    process.stderr.write(`Reusing the running schema registry (pid ${existing.pid}).\n`);
    process.stdout.write(`SCHEMA_REGISTRY_URL=${existing.url}\n`);
    return;
  }
  await ensureRegistry(); // in the foreground, so a first download shows its progress
  const { report, pid } = await launchDaemon<RegistryDaemonMessage>({
    script: registryDaemonScript,
    logFile: registryLogFile,
    timeoutMs: UP_TIMEOUT_MS,
  });
  if (report.type === 'failed')
    throw new RegistryStartError(`the background registry failed: ${report.message}`, `(see ${registryLogFile})`);
  process.stderr.write(
    `Apicurio Registry ${APICURIO_VERSION} runs in the background (pid ${pid}, ready in ${(report.startMs / 1000).toFixed(1)} s); stop it with \`npm run registry:down\`.\n`,
  );
  process.stdout.write(`SCHEMA_REGISTRY_URL=${report.url}\n`);
}

async function downCommand(): Promise<void> {
  const state = await readRegistryState();
  if (!state || !processAlive(state.pid)) {
    await clearRegistryState();
    process.stdout.write('No background schema registry is running.\n');
    return;
  }
  await stopDaemon(state.pid, DOWN_TIMEOUT_MS, clearRegistryState);
  process.stdout.write(`Stopped the schema registry at ${state.url}.\n`);
}

async function statusCommand(): Promise<void> {
  const state = await runningRegistry();
  if (!state) {
    process.stdout.write('No background schema registry is running.\n');
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`SCHEMA_REGISTRY_URL=${state.url}\n`);
}

const COMMANDS: Record<string, () => Promise<void>> = {
  fetch: fetchCommand,
  up: upCommand,
  down: downCommand,
  status: statusCommand,
};

const [name = ''] = process.argv.slice(2);
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`usage: node dist/scripts/registry/cli.js <${Object.keys(COMMANDS).join('|')}>\n`);
  process.exitCode = 2;
} else {
  command().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
