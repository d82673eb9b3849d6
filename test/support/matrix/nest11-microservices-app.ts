/**
 * A Nest 11 app on `@nestjs/microservices` 11 (CommonJS, no compiler: decorators are applied by
 * hand) that checks wire compatibility both ways against this package loaded from its tarball:
 * the built-in ClientKafka 11 against KafkaChannelsServer (running on Nest 11), and
 * KafkaChannelsClient against the built-in ServerKafka 11; requests, RpcException and plain
 * errors, events. It prints one `RESULT <json>` line for the test to compare.
 */
import { packageDependencies, type MatrixApp } from '../matrix.js';

const SCRIPT = String.raw`'use strict';
require('reflect-metadata');
const { Controller, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ClientKafka, EventPattern, MessagePattern, Payload, RpcException, Transport } = require('@nestjs/microservices');
const { Kafka, logLevel } = require('kafkajs');
const { firstValueFrom } = require('rxjs');
const { KafkaChannelsClient, KafkaChannelsServer } = require('nestjs-kafka-channels/microservices');

const brokers = process.env.KAFKA_ADDR.split(',');
const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function topicsFor(side) {
  const base = 'ms11-' + side + '-' + run;
  return { sum: base + '-sum', rpcError: base + '-rpcerr', plainError: base + '-err', event: base + '-event' };
}

function moduleFor(topics, seen) {
  class InteropController {
    sum(data) { return data.numbers.reduce((a, b) => a + b, 0); }
    refuse() { throw new RpcException({ status: 'refused', reason: 'not today' }); }
    fail() { throw new Error('something broke'); }
    record(data) { seen.push(data); }
  }
  const decorate = (name, decorator) =>
    decorator(InteropController.prototype, name, Object.getOwnPropertyDescriptor(InteropController.prototype, name));
  decorate('sum', MessagePattern(topics.sum));
  Payload()(InteropController.prototype, 'sum', 0);
  decorate('refuse', MessagePattern(topics.rpcError));
  decorate('fail', MessagePattern(topics.plainError));
  decorate('record', EventPattern(topics.event));
  Payload()(InteropController.prototype, 'record', 0);
  Controller()(InteropController);
  class InteropModule {}
  Module({ controllers: [InteropController] })(InteropModule);
  return InteropModule;
}

async function createTopics(all) {
  const admin = new Kafka({ clientId: 'ms11', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = [];
  for (const t of all) {
    topics.push({ topic: t.event, numPartitions: 2 });
    for (const request of [t.sum, t.rpcError, t.plainError]) {
      topics.push({ topic: request, numPartitions: 2 }, { topic: request + '.reply', numPartitions: 2 });
    }
  }
  await admin.createTopics({ topics, waitForLeaders: true });
  await admin.disconnect();
}

async function outcomes(client, topics) {
  const settle = (pattern, data) =>
    firstValueFrom(client.send(pattern, data)).then((value) => ({ value }), (error) => ({ error: error instanceof Error ? { name: error.name, message: error.message } : error }));
  return {
    sum: await settle(topics.sum, { numbers: [1, 2, 3] }),
    rpcError: await settle(topics.rpcError, { any: 1 }),
    plainError: await settle(topics.plainError, { any: 1 }),
  };
}

async function main() {
  const ours = topicsFor('ours');
  const builtIn = topicsFor('builtin');
  await createTopics([ours, builtIn]);
  const oursSeen = [];
  const builtInSeen = [];
  const oursServer = await NestFactory.createMicroservice(moduleFor(ours, oursSeen), {
    strategy: new KafkaChannelsServer({ brokers, kafkaJsLogLevel: 'nothing', group: { groupName: 'ms11-ours-' + run } }),
    logger: false,
  });
  await oursServer.listen();
  const builtInServer = await NestFactory.createMicroservice(moduleFor(builtIn, builtInSeen), {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'ms11-builtin-' + run, brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId: 'ms11-builtin-' + run },
      subscribe: { fromBeginning: true },
      postfixId: '',
    },
    logger: false,
  });
  await builtInServer.listen();
  const patterns = [ours.sum, ours.rpcError, ours.plainError, builtIn.sum, builtIn.rpcError, builtIn.plainError];
  const nestClient = new ClientKafka({
    client: { clientId: 'ms11-client-' + run, brokers, logLevel: logLevel.NOTHING },
    consumer: { groupId: 'ms11-client-' + run },
    postfixId: '',
  });
  for (const p of patterns) nestClient.subscribeToResponseOf(p);
  await nestClient.connect();
  const deadline = Date.now() + 60000;
  while (!patterns.every((p) => nestClient.getConsumerAssignments()[p + '.reply'] !== undefined)) {
    if (Date.now() > deadline) throw new Error('the built-in client got no reply partitions');
    await sleep(50);
  }
  const ourClient = new KafkaChannelsClient({ brokers, kafkaJsLogLevel: 'nothing', replyGroupName: 'ms11-ours-client-' + run });
  for (const p of patterns) ourClient.subscribeToResponseOf(p);
  await ourClient.connect();
  try {
    const result = {
      builtInClientToOurs: await outcomes(nestClient, ours),
      builtInClientToBuiltIn: await outcomes(nestClient, builtIn),
      ourClientToBuiltIn: await outcomes(ourClient, builtIn),
    };
    await firstValueFrom(nestClient.emit(ours.event, { id: 'to-ours' }));
    await firstValueFrom(ourClient.emit(builtIn.event, { id: 'to-builtin' }));
    const eventsBy = Date.now() + 60000;
    while (oursSeen.length === 0 || builtInSeen.length === 0) {
      if (Date.now() > eventsBy) break;
      await sleep(50);
    }
    result.events = { ours: oursSeen, builtIn: builtInSeen };
    console.log('RESULT ' + JSON.stringify(result));
  } finally {
    await Promise.allSettled([nestClient.close(), ourClient.close()]);
    await Promise.allSettled([oursServer.close(), builtInServer.close()]);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
`;

export const NEST11_MICROSERVICES_APP: MatrixApp = {
  name: 'nest11-microservices-cjs',
  manifest: {},
  dependencies: {
    '@nestjs/common': '11.2.10',
    '@nestjs/core': '11.2.10',
    '@nestjs/microservices': '11.2.6',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
    ...packageDependencies(),
  },
  files: { 'interop.cjs': SCRIPT },
};
