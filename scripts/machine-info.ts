/** What a measurement ran on, written next to `npm run bench` and `npm run chaos` results. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './kafka/paths.js';

/** CPU model and count, memory, Node and kafkajs versions of this machine. */
export function machineInfo(): Record<string, unknown> {
  const kafkajs = JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'kafkajs', 'package.json'), 'utf8')) as { version: string };
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kafkajs: kafkajs.version,
  };
}
