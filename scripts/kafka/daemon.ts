/**
 * The background owner of the `kafka:up` broker. `cli.ts up` spawns it detached; it starts the
 * single node, records the state file, reports readiness over IPC, then waits. SIGTERM (what
 * `kafka:down` sends), SIGINT or SIGHUP stop the broker gracefully and remove the state. If this
 * process is SIGKILLed, the guard kills the JVM (see guard.ts).
 *
 * Arguments: [port]
 */
import { backgroundLogFile, clearState, writeState } from './background-state.js';
import type { EmbeddedKafka } from './embedded-kafka.js';
import { startSingleNode } from './single.js';

/** How often to check that the broker JVM is still alive. */
const WATCH_INTERVAL_MS = 2_000;

/** Messages sent to the parent `up` command. */
export type DaemonMessage = { type: 'ready'; addr: string } | { type: 'failed'; message: string };

function tell(message: DaemonMessage): void {
  if (process.send && process.connected) process.send(message, () => process.disconnect());
}

async function main(): Promise<void> {
  const port = process.argv[2] ? Number(process.argv[2]) : undefined;
  let kafka: EmbeddedKafka | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await kafka?.close().catch(() => undefined);
    await clearState();
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(0));

  try {
    kafka = await startSingleNode({ port, logFile: backgroundLogFile });
  } catch (err) {
    tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    return;
  }
  const addr = kafka.brokers[0]!;
  await writeState({ pid: process.pid, addr, version: kafka.version.text, startedAt: new Date().toISOString() });
  process.stdout.write(`[kafka-daemon] broker ready at ${addr} (pid ${process.pid})\n`);
  tell({ type: 'ready', addr });
  // The broker dying on its own (OOM, crash) must not leave a state file that points at nothing.
  setInterval(() => {
    if (!kafka?.nodes[0]?.running) {
      process.stdout.write('[kafka-daemon] the broker JVM exited; cleaning up\n');
      void stop(1);
    }
  }, WATCH_INTERVAL_MS);
}

void main().catch((err: unknown) => {
  tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
});
