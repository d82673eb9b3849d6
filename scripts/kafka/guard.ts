/**
 * Guard process: every broker JVM is launched through this tiny Node script so that no JVM can
 * outlive the process that started it. The parent holds our stdin pipe:
 *   - a line `term` asks for a graceful stop (SIGTERM to the JVM, which runs Kafka's shutdown hook);
 *   - a line `kill` kills the JVM at once;
 *   - end of stdin means the parent is gone (even after SIGKILL, the kernel closes the pipe):
 *     kill the JVM and delete the node's data folder, since nobody else will.
 * We exit when the JVM exits, with its exit code (128 + signal number when a signal ended it).
 *
 * Usage: node guard.js <cleanup-dir> <java> <java args...>
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const [cleanupDir, command, ...args] = process.argv.slice(2);
if (!cleanupDir || !command) {
  process.stderr.write('usage: guard.js <cleanup-dir> <command> [args...]\n');
  process.exit(2);
}

const jvm = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let parentGone = false;

function signalJvm(signal: NodeJS.Signals): void {
  if (jvm.exitCode === null && jvm.signalCode === null) {
    try {
      jvm.kill(signal);
    } catch {
      // Already gone: nothing to stop.
    }
  }
}

jvm.once('error', (err) => {
  process.stderr.write(`[guard] could not start ${command}: ${err.message}\n`);
  process.exit(127);
});

jvm.once('exit', (code, signal) => {
  if (parentGone) rmSync(cleanupDir, { recursive: true, force: true });
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
});

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  pending += chunk;
  let newline: number;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const command = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (command === 'term') signalJvm('SIGTERM');
    else if (command === 'kill') signalJvm('SIGKILL');
  }
});
process.stdin.on('end', () => {
  parentGone = true;
  signalJvm('SIGKILL');
});
// Signals aimed at the guard (e.g. kill <pid>) become a graceful stop of the JVM.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => signalJvm('SIGTERM'));
