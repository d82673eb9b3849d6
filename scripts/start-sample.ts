/**
 * `npm start`: runs the sample Nest app (dist/sample/main.js).
 *
 * Without `KAFKA_ADDR`, starts the embedded single node first and passes its address to the app
 * as `KAFKA_ADDR`; with it, uses that cluster and starts nothing. The app runs in its own process
 * group, so a Ctrl-C reaches it exactly once: from here, forwarded before anything else. When the
 * app exits, the broker is stopped and this process exits with the app's code. A second Ctrl-C
 * kills an app that does not shut down.
 *
 * npm forwards a SIGINT / SIGTERM it receives to its child, which is us (package.json `exec`s
 * node in place of npm's shell). A Ctrl-C therefore arrives twice within milliseconds (from the
 * terminal and from npm): a repeat within {@link REPEAT_WINDOW_MS} is the same request. Should a
 * shell stand between npm and us after all, we notice our parent is gone (parent-watch.ts) and stop
 * as on a SIGTERM. If this process is SIGKILLed, the broker's guard kills the JVM and the app
 * stops itself when its IPC channel to us closes (exit-with-parent.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmbeddedKafka } from './kafka/embedded-kafka.js';
import { projectRoot } from './kafka/paths.js';
import { startSingleNode } from './kafka/single.js';
import { onParentExit } from './parent-watch.js';

const SAMPLE_ENTRY = join(projectRoot, 'dist', 'sample', 'main.js');
const EXIT_WITH_PARENT = join(projectRoot, 'dist', 'scripts', 'exit-with-parent.js');
/** Signals closer together than this are one request delivered twice, not a second Ctrl-C. */
const REPEAT_WINDOW_MS = 500;

function log(line: string): void {
  process.stderr.write(`[start] ${line}\n`);
}

async function main(): Promise<number> {
  if (!existsSync(SAMPLE_ENTRY)) {
    log(`${SAMPLE_ENTRY} is missing: run \`npm run build\` (npm start does) and check the build errors`);
    return 1;
  }
  let kafka: EmbeddedKafka | undefined;
  let app: ChildProcess | undefined;
  let interrupted: NodeJS.Signals | undefined;
  let forwardedAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
    if (!app || app.exitCode !== null || app.signalCode !== null) return;
    if (forwardedAt === undefined) {
      forwardedAt = Date.now();
      app.kill(signal);
      log(`${signal}: stopping the app (press Ctrl-C again to kill it)`);
    } else if (Date.now() - forwardedAt >= REPEAT_WINDOW_MS) {
      app.kill('SIGKILL');
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // Our parent gone is a stop request, never the "second Ctrl-C" that kills the app.
  onParentExit(() => {
    if (interrupted) return;
    log('the process that started us exited: stopping');
    onSignal('SIGTERM');
  });

  try {
    const env = { ...process.env };
    if (env.KAFKA_ADDR) {
      log(`using the cluster in KAFKA_ADDR=${env.KAFKA_ADDR}`);
    } else {
      log('KAFKA_ADDR is not set: starting the embedded Kafka broker');
      kafka = await startSingleNode();
      env.KAFKA_ADDR = kafka.brokers.join(',');
      log(`embedded Kafka ${kafka.version.text} ready at ${env.KAFKA_ADDR} in ${(kafka.startupMs / 1000).toFixed(1)} s`);
    }
    if (interrupted) return 128 + constants.signals[interrupted];

    const started = (app = spawn(process.execPath, ['--import', pathToFileURL(EXIT_WITH_PARENT).href, SAMPLE_ENTRY], {
      cwd: projectRoot,
      env,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
    }));
    return await new Promise<number>((resolve) => {
      started.once('error', (err) => {
        log(`could not start the sample: ${err.message}`);
        resolve(1);
      });
      started.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    if (kafka) {
      log('stopping the embedded Kafka broker');
      await kafka.close().catch((err: unknown) => log(`stopping the broker failed: ${String(err)}`));
    }
  }
}

process.exitCode = await main();
