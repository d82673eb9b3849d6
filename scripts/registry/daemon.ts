/**
 * The background owner of the `registry:up` registry. `cli.ts up` spawns it detached; it starts
 * the registry and records the state file, its life otherwise being the Kafka harness's
 * `runDaemon`.
 *
 * Arguments: [port]
 */
import { runDaemon } from '../kafka/background-daemon.js';
import { APICURIO_VERSION } from './apicurio.js';
import { clearRegistryState, writeRegistryState } from './background-state.js';
import { registryLogFile } from './paths.js';
import { startSchemaRegistry } from './schema-registry.js';

/** Messages sent to the parent `up` command. */
export type RegistryDaemonMessage = { type: 'ready'; url: string; startMs: number } | { type: 'failed'; message: string };

const port = process.argv[2] ? Number(process.argv[2]) : undefined;

runDaemon({
  start: () => startSchemaRegistry({ port, logFile: registryLogFile }),
  announce: async (registry): Promise<RegistryDaemonMessage> => {
    await writeRegistryState({ pid: process.pid, url: registry.url, version: APICURIO_VERSION, startedAt: new Date().toISOString() });
    process.stdout.write(`[registry-daemon] schema registry ready at ${registry.url} in ${registry.startMs} ms (pid ${process.pid})\n`);
    return { type: 'ready', url: registry.url, startMs: registry.startMs };
  },
  running: (registry) => registry.jvm.running,
  exitedLine: '[registry-daemon] the registry JVM exited; cleaning up',
  clearState: clearRegistryState,
});
