/**
 * Proves the Nest layer works on NestJS 11 (CommonJS) as well as on the 12 this repo builds with.
 *
 * Installs `@nestjs/common` / `@nestjs/core` 11 and the runtime dependencies into a temporary
 * folder, copies the built package (`dist/lib` + package.json) into its node_modules, and runs
 * a small CommonJS app there: it `require()`s this ESM package (Node >= 20.19), boots
 * `KafkaModule.forRoot` with a producer and a `@KafkaHandler`, and checks that a message sent
 * through the injected producer reaches the handler on a real broker.
 *
 * Usage (CI): `npm run build && KAFKA_ADDR=host:port node dist/scripts/check-nest11.js [--keep]`.
 * Needs the npm registry. Exit code 0 means Nest 11 works.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the temporary app installs: Nest 11 and the package's own runtime dependencies. */
const NEST11_PACKAGES = ['@nestjs/common@^11', '@nestjs/core@^11', 'reflect-metadata@^0.2', 'rxjs@^7.8', 'kafkajs@2.2.4', 'avsc@5.7.9'];

/** The CommonJS app, written the way a Nest 11 user without decorators-in-JS would. */
const CHECK_APP = String.raw`
'use strict';
require('reflect-metadata');
const assert = require('node:assert/strict');
const { Injectable, Inject, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Kafka, logLevel } = require('kafkajs');
const lib = require('nestjs-kafka-channels');

const nestVersion = require('@nestjs/core/package.json').version;
assert.equal(nestVersion.split('.')[0], '11', 'expected @nestjs/core 11, got ' + nestVersion);
// The package must resolve the app's Nest, not a second copy.
assert.equal(require.resolve('@nestjs/common'), require.resolve('@nestjs/common', { paths: [require.resolve('nestjs-kafka-channels')] }));

const brokers = process.env.KAFKA_ADDR.split(',');
const suffix = Date.now().toString(36);
const topic = 'nest11-check-' + suffix;

class Handler {
  constructor() { this.values = []; }
  async onMessage(message, workerId) { this.values.push({ value: message.value.toString(), workerId, self: this }); }
}
Injectable()(Handler);
lib.KafkaHandler({ group: 'check' })(Handler.prototype, 'onMessage', Object.getOwnPropertyDescriptor(Handler.prototype, 'onMessage'));

class Publisher { constructor(producer) { this.producer = producer; } }
Inject(lib.getProducerToken('check'))(Publisher, undefined, 0);
Injectable()(Publisher);

class AppModule {}
Module({
  imports: [lib.KafkaModule.forRoot({
    brokers, logLevel: 'warn', kafkaJsLogLevel: 'nothing', shutdownTimeout: 10000,
    producers: { check: { topic } },
    consumerGroups: { check: { topic, groupName: 'nest11-check-' + suffix } },
  })],
  providers: [Handler, Publisher],
})(AppModule);

async function main() {
  const admin = new Kafka({ clientId: 'nest11-check', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const producer = app.get(Publisher).producer;
    assert.ok(producer instanceof lib.KafkaProducer, 'injected producer is not a KafkaProducer');
    await producer.waitUntilInitialised();
    await producer.sendBytes('hello from nest 11');
    const handler = app.get(Handler);
    const deadline = Date.now() + 30000;
    while (handler.values.length === 0) {
      if (Date.now() > deadline) throw new Error('the handler received nothing within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(handler.values[0].value, 'hello from nest 11');
    assert.equal(handler.values[0].self, handler);
    console.log('nest 11 check passed with @nestjs/core ' + nestVersion);
  } finally {
    await app.close();
  }
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`;

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: 'inherit', env: process.env });
}

function main(): number {
  if (!process.env.KAFKA_ADDR) {
    console.error('check-nest11: set KAFKA_ADDR to a running broker (e.g. the one `npm test` starts)');
    return 2;
  }
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(tmpdir(), 'nest11-check-'));
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nest11-check', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...NEST11_PACKAGES], dir);
    const target = join(dir, 'node_modules', 'nestjs-kafka-channels');
    mkdirSync(join(target, 'dist'), { recursive: true });
    cpSync(join(projectRoot, 'package.json'), join(target, 'package.json'));
    cpSync(join(projectRoot, 'dist', 'lib'), join(target, 'dist', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'check.cjs'), CHECK_APP);
    run(process.execPath, ['check.cjs'], dir);
    return 0;
  } catch (error) {
    console.error(`check-nest11 failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
