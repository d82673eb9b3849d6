/** KRaft storage formatting with Kafka's own `kafka.tools.StorageTool`. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { StorageFormatError } from './errors.js';
import { runCommand, tail } from './tools.js';

/** A SCRAM credential created at format time (`--add-scram`). */
export interface ScramCredential {
  readonly mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

/** A fresh cluster id: 16 random bytes, base64url, never starting with `-` (it would parse as a flag). */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats one node's log dirs. Throws {@link StorageFormatError} with the tool's output. */
export async function formatStorage(options: {
  libsDir: string;
  loggingOption: string;
  propertiesFile: string;
  clusterId: string;
  nodeId: number;
  scram?: readonly ScramCredential[];
}): Promise<void> {
  const scramArgs = (options.scram ?? []).flatMap((c) => ['--add-scram', `${c.mechanism}=[name=${c.username},password=${c.password}]`]);
  const { code, output } = await runCommand('java', [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    options.loggingOption,
    '-cp',
    join(options.libsDir, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    options.clusterId,
    '-c',
    options.propertiesFile,
    ...scramArgs,
  ]);
  if (code !== 0) throw new StorageFormatError(options.nodeId, tail(output, 30));
}
