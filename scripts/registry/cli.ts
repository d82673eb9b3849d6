/**
 * `npm run registry:fetch | registry:up | registry:down` (and `status`):
 *   fetch   download and unpack Apicurio Registry (once; cached under .kafka/registry/)
 *   up      start it in the background; prints SCHEMA_REGISTRY_URL=http://127.0.0.1:<port>.
 *           A second `up` reuses the running registry; with SCHEMA_REGISTRY_URL set, starts nothing.
 *   down    stop it (graceful, SIGKILL after a grace period)
 *   status  print the background registry's URL, if one runs
 */
import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
  await mkdir(dirname(registryLogFile), { recursive: true });
  const log = await open(registryLogFile, 'w');
  const daemon = spawn(process.execPath, [registryDaemonScript], { detached: true, stdio: ['ignore', log.fd, log.fd, 'ipc'] });
  await log.close();
  const message = await new Promise<RegistryDaemonMessage>((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'failed', message: `no readiness report within ${UP_TIMEOUT_MS} ms` }), UP_TIMEOUT_MS);
    daemon.once('message', (m: RegistryDaemonMessage) => {
      clearTimeout(timer);
      resolve(m);
    });
    daemon.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ type: 'failed', message: `the background process exited with code ${code}` });
    });
  });
  if (message.type === 'failed') {
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
    throw new RegistryStartError(`the background registry failed: ${message.message}`, `(see ${registryLogFile})`);
  }
  daemon.unref();
  if (daemon.connected) daemon.disconnect();
  process.stderr.write(
    `Apicurio Registry ${APICURIO_VERSION} runs in the background (pid ${daemon.pid}, ready in ${(message.startMs / 1000).toFixed(1)} s); stop it with \`npm run registry:down\`.\n`,
  );
  process.stdout.write(`SCHEMA_REGISTRY_URL=${message.url}\n`);
}

async function downCommand(): Promise<void> {
  const state = await readRegistryState();
  if (!state || !processAlive(state.pid)) {
    await clearRegistryState();
    process.stdout.write('No background schema registry is running.\n');
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + DOWN_TIMEOUT_MS;
  while (processAlive(state.pid) && Date.now() < deadline) await sleep(200);
  if (processAlive(state.pid)) {
    // The daemon's guard kills the JVM once its stdin pipe closes.
    process.kill(state.pid, 'SIGKILL');
    await clearRegistryState();
  }
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
