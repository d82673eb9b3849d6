/**
 * The background owner of the `registry:up` registry. `cli.ts up` spawns it detached; it starts
 * the registry, records the state file, reports readiness over IPC, then waits. SIGTERM (what
 * `registry:down` sends), SIGINT or SIGHUP stop the registry gracefully and remove the state. If
 * this process is SIGKILLed, the guard kills the JVM.
 *
 * Arguments: [port]
 */
import { APICURIO_VERSION } from './apicurio.js';
import { clearRegistryState, writeRegistryState } from './background-state.js';
import { registryLogFile } from './paths.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from './schema-registry.js';

/** How often to check that the registry JVM is still alive. */
const WATCH_INTERVAL_MS = 2_000;

/** Messages sent to the parent `up` command. */
export type RegistryDaemonMessage = { type: 'ready'; url: string; startMs: number } | { type: 'failed'; message: string };

function tell(message: RegistryDaemonMessage): void {
  if (process.send && process.connected) process.send(message, () => process.disconnect());
}

async function main(): Promise<void> {
  const port = process.argv[2] ? Number(process.argv[2]) : undefined;
  let registry: RunningSchemaRegistry | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await registry?.close().catch(() => undefined);
    await clearRegistryState();
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(0));

  try {
    registry = await startSchemaRegistry({ port, logFile: registryLogFile });
  } catch (err) {
    tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    return;
  }
  await writeRegistryState({ pid: process.pid, url: registry.url, version: APICURIO_VERSION, startedAt: new Date().toISOString() });
  process.stdout.write(`[registry-daemon] schema registry ready at ${registry.url} in ${registry.startMs} ms (pid ${process.pid})\n`);
  tell({ type: 'ready', url: registry.url, startMs: registry.startMs });
  // The JVM dying on its own must not leave a state file that points at nothing.
  setInterval(() => {
    if (!registry?.jvm.running) {
      process.stdout.write('[registry-daemon] the registry JVM exited; cleaning up\n');
      void stop(1);
    }
  }, WATCH_INTERVAL_MS);
}

void main().catch((err: unknown) => {
  tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
});
