/**
 * `npm run node:install -- <line|version>...` and `npm run node:with -- <line|version> <command> [args...]`:
 *   install  install the pinned Node versions (e.g. `20 24 26`) into the cache; prints each binary's path
 *   with     run a command with that Node first on PATH (so `npm`, `node` and every child process
 *            the tests start use it); exits with the command's code
 * The pins are in pins.ts; the cache is `.node/` (NODE_VERSIONS_HOME moves it).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter } from 'node:path';
import { NodeVersionError } from './errors.js';
import { ensureNode } from './install.js';
import { resolveNodeVersion } from './pins.js';

async function installCommand(specs: string[]): Promise<number> {
  if (specs.length === 0) throw new NodeVersionError('install: name at least one Node line or version, e.g. `install 20 24 26`');
  for (const spec of specs) {
    const node = await ensureNode(resolveNodeVersion(spec));
    process.stdout.write(`${node.binary}\n`);
  }
  return 0;
}

async function withCommand([spec, command, ...args]: string[]): Promise<number> {
  if (spec === undefined || command === undefined) throw new NodeVersionError('with: usage is `with <line|version> <command> [args...]`');
  const node = await ensureNode(resolveNodeVersion(spec));
  process.stderr.write(`[node-versions] running \`${[command, ...args].join(' ')}\` on Node ${node.version}\n`);
  const env = { ...process.env, PATH: `${node.binDir}${delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(command === 'node' ? node.binary : command, args, { stdio: 'inherit', env });
  // Pass Ctrl-C / a CI job's SIGTERM on; the child decides how to stop.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  return new Promise<number>((resolvePromise) => {
    child.once('error', (err) => {
      process.stderr.write(`[node-versions] could not start ${command}: ${err.message}\n`);
      resolvePromise(127);
    });
    child.once('exit', (code, signal) => resolvePromise(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'install') return installCommand(rest);
  if (command === 'with') return withCommand(rest);
  throw new NodeVersionError(`unknown command "${command ?? ''}": use install or with`);
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`[node-versions] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
