import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { EmbeddedKafka } from '../../../scripts/kafka/embedded-kafka.js';
import {
  BrokerExitedError,
  BrokerStartTimeoutError,
  JarFetchError,
  MissingToolError,
  PortTakenError,
} from '../../../scripts/kafka/errors.js';
import { ensureKafkaJars } from '../../../scripts/kafka/fetch.js';
import { versionDir } from '../../../scripts/kafka/paths.js';
import { startSingleNode } from '../../../scripts/kafka/single.js';
import { checkJava, checkMaven, runCommand } from '../../../scripts/kafka/tools.js';
import { parseKafkaVersion } from '../../../scripts/kafka/versions.js';

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withPath<T>(path: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

describe('harness: bad environments give clear errors, never hangs', () => {
  it('names the missing program and how to install it (java, mvn)', async () => {
    await withPath('/nonexistent', async () => {
      await assert.rejects(
        checkJava(),
        (err: unknown) => err instanceof MissingToolError && /java/.test(err.message) && /Java 17/.test(err.message),
      );
      await assert.rejects(
        checkMaven(),
        (err: unknown) => err instanceof MissingToolError && /mvn/.test(err.message) && /Maven/.test(err.message),
      );
    });
    await assert.rejects(runCommand('kafka-harness-no-such-tool', []), MissingToolError);
  });

  it('refuses a port that is already taken', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await assert.rejects(
        startSingleNode({ port }),
        (err: unknown) => err instanceof PortTakenError && err.message.includes(String(port)),
      );
    } finally {
      server.close();
    }
  });

  it('fails fast with the JVM output when the broker exits during start-up', async () => {
    const started = Date.now();
    await assert.rejects(
      EmbeddedKafka.start({
        nodes: 1,
        listeners: [{ name: 'PLAINTEXT', protocol: 'PLAINTEXT' }],
        interBrokerListener: 'PLAINTEXT',
        // Formatting passes (it runs with its own JVM options); the broker JVM cannot even boot.
        jvmOptions: ['-XX:+UseSerialGC', '-Xmx1m'],
        startTimeoutMs: 60_000,
      }),
      (err: unknown) => err instanceof BrokerExitedError && /heap/i.test(err.message) && /exited during start-up/.test(err.message),
    );
    assert.ok(Date.now() - started < 50_000, 'did not wait for the time limit');
  });

  it('gives up at the time limit with the tail of the broker log', async () => {
    await assert.rejects(
      startSingleNode({ startTimeoutMs: 400 }),
      (err: unknown) => err instanceof BrokerStartTimeoutError && /400 ms/.test(err.message) && /last lines of its log/.test(err.message),
    );
  });

  it('reports a failed jar download with the tail of Maven output', async () => {
    const version = parseKafkaVersion('3.9.99');
    try {
      await assert.rejects(
        ensureKafkaJars(version, () => undefined),
        (err: unknown) => err instanceof JarFetchError && /3\.9\.99/.test(err.message) && /mvn output/.test(err.message),
      );
      assert.equal(existsSync(`${versionDir('3.9.99')}/complete.json`), false, 'no completion marker after a failure');
    } finally {
      await rm(versionDir('3.9.99'), { recursive: true, force: true });
    }
  });

  it('leaves no JVM and no data behind when the process that started it is SIGKILLed', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/hold-broker.js', import.meta.url));
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = await new Promise<{ pgid: number; dir: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { pgid: number; dir: string });
      });
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    assert.ok(groupAlive(info.pgid), 'the broker runs before the kill');
    assert.ok(existsSync(info.dir));
    child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while ((groupAlive(info.pgid) || existsSync(info.dir)) && Date.now() < deadline) await sleep(200);
    assert.equal(groupAlive(info.pgid), false, 'the JVM and its guard are gone');
    assert.equal(existsSync(info.dir), false, 'the data folder is deleted');
  });
});
