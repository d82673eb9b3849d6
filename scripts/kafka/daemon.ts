/**
 * The background owner of the `kafka:up` broker. `cli.ts up` spawns it detached; it starts the
 * single node and records the state file, its life otherwise being {@link runDaemon}'s.
 *
 * Arguments: [port]
 */
import { runDaemon } from './background-daemon.js';
import { backgroundLogFile, clearState, writeState } from './background-state.js';
import { startSingleNode } from './single.js';

/** Messages sent to the parent `up` command. */
export type DaemonMessage = { type: 'ready'; addr: string } | { type: 'failed'; message: string };

const port = process.argv[2] ? Number(process.argv[2]) : undefined;

runDaemon({
  start: () => startSingleNode({ port, logFile: backgroundLogFile }),
  announce: async (kafka): Promise<DaemonMessage> => {
    const addr = kafka.brokers[0]!;
    await writeState({ pid: process.pid, addr, version: kafka.version.text, startedAt: new Date().toISOString() });
    process.stdout.write(`[kafka-daemon] broker ready at ${addr} (pid ${process.pid})\n`);
    return { type: 'ready', addr };
  },
  running: (kafka) => kafka.nodes[0]?.running === true,
  exitedLine: '[kafka-daemon] the broker JVM exited; cleaning up',
  clearState,
});
