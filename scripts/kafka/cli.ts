/**
 * `npm run kafka:fetch | kafka:up | kafka:down` (and `status`):
 *   fetch   download and cache the jars of KAFKA_VERSION (default 4.4.0)
 *   up      start the single PLAINTEXT node in the background; prints KAFKA_ADDR=host:port.
 *           A second `up` reuses the running broker. Option: --port <n>
 *   down    stop it (graceful, SIGKILL after a grace period) and delete its data
 *   status  print the background broker's address, if one runs
 */
import { acceptsConnections, backgroundLogFile, clearState, processAlive, readState, type BackgroundState } from './background-state.js';
import { launchDaemon, stopDaemon } from './background-daemon.js';
import type { DaemonMessage } from './daemon.js';
import { HarnessUsageError, KafkaHarnessError } from './errors.js';
import { ensureKafkaJars } from './fetch.js';
import { daemonScript } from './paths.js';
import { kafkaVersionFromEnv } from './versions.js';

/** How long `down` waits for the daemon to stop the broker before SIGKILLing it. */
const DOWN_TIMEOUT_MS = 20_000;
/** How long `up` waits for the daemon's readiness report. */
const UP_TIMEOUT_MS = 150_000;

async function fetchCommand(): Promise<void> {
  const version = kafkaVersionFromEnv();
  const jars = await ensureKafkaJars(version);
  const how = jars.cached ? 'already cached' : 'downloaded';
  process.stdout.write(`Kafka ${version.text} jars ${how} in ${jars.libsDir} (${(jars.elapsedMs / 1000).toFixed(1)} s)\n`);
}

/** The recorded broker if its daemon lives and its port answers; clears stale state. */
async function runningBroker(): Promise<BackgroundState | undefined> {
  const state = await readState();
  if (!state) return undefined;
  if (processAlive(state.pid) && (await acceptsConnections(state.addr))) return state;
  await clearState();
  return undefined;
}

async function upCommand(args: string[]): Promise<void> {
  const port = parsePort(args);
  const version = kafkaVersionFromEnv();
  const existing = await runningBroker();
  if (existing) {
    if (existing.version !== version.text) {
      throw new HarnessUsageError(
        `a Kafka ${existing.version} broker already runs at ${existing.addr}; run \`npm run kafka:down\` before starting ${version.text}`,
      );
    }
    process.stderr.write(`Reusing the running Kafka ${existing.version} broker (pid ${existing.pid}).\n`);
    process.stdout.write(`KAFKA_ADDR=${existing.addr}\n`);
    return;
  }
  await ensureKafkaJars(version); // in the foreground, so a first download shows its progress
  const { report, pid } = await launchDaemon<DaemonMessage>({
    script: daemonScript,
    args: port === undefined ? [] : [String(port)],
    logFile: backgroundLogFile,
    env: { ...process.env, KAFKA_VERSION: version.text },
    timeoutMs: UP_TIMEOUT_MS,
  });
  if (report.type === 'failed') {
    throw new KafkaHarnessError(`could not start the background broker: ${report.message}\n(see ${backgroundLogFile})`);
  }
  process.stderr.write(`Kafka ${version.text} runs in the background (pid ${pid}); stop it with \`npm run kafka:down\`.\n`);
  process.stdout.write(`KAFKA_ADDR=${report.addr}\n`);
}

async function downCommand(): Promise<void> {
  const state = await readState();
  if (!state || !processAlive(state.pid)) {
    await clearState();
    process.stdout.write('No background Kafka broker is running.\n');
    return;
  }
  await stopDaemon(state.pid, DOWN_TIMEOUT_MS, clearState);
  process.stdout.write(`Stopped the Kafka broker at ${state.addr}.\n`);
}

async function statusCommand(): Promise<void> {
  const state = await runningBroker();
  if (!state) {
    process.stdout.write('No background Kafka broker is running.\n');
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`KAFKA_ADDR=${state.addr}\n`);
}

function parsePort(args: string[]): number | undefined {
  const i = args.indexOf('--port');
  if (i < 0) return undefined;
  const port = Number(args[i + 1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HarnessUsageError(`--port needs a port number, got ${args[i + 1]}`);
  return port;
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  fetch: fetchCommand,
  up: upCommand,
  down: downCommand,
  status: statusCommand,
};

const [name = '', ...rest] = process.argv.slice(2);
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(`usage: node dist/scripts/kafka/cli.js <${Object.keys(COMMANDS).join('|')}> [--port <n>]\n`);
  process.exitCode = 2;
} else {
  command(rest).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
