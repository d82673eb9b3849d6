import 'reflect-metadata';
import { Controller, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, MessagePattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { firstValueFrom, type Observable } from 'rxjs';
import { silentLogger } from '../../lib/core/logger.js';
import { KafkaChannelsClient, KafkaChannelsServer } from '../../lib/nest/microservices/index.js';
import { rawClient, runCaseProcess } from '../case-main.js';
import { emitTimedResult } from '../produce-driver.js';
import type { CaseParams } from '../protocol.js';
import { LatencyRecorder } from '../stats.js';

/** Which side runs on which transport: `ours` (this module) or `builtin` (`Transport.KAFKA`). */
type Side = 'ours' | 'builtin';

/** What the case uses of either client. */
interface RequestClient {
  send<Reply>(pattern: string, data: unknown): Observable<Reply>;
  close(): unknown;
}

/** Untimed round trips before measuring: producers, metadata and the first fetches warm up. */
const WARM_UP = 50;
/** How long a caller waits for one reply before the case fails. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A controller whose `@MessagePattern` handler echoes the request. */
function echoModule(topic: string): Type<unknown> {
  @Controller()
  class BenchEchoController {
    @MessagePattern(topic)
    echo(@Payload() data: unknown): unknown {
      return data;
    }
  }
  @Module({ controllers: [BenchEchoController] })
  class BenchEchoModule {}
  return BenchEchoModule;
}

async function startServer(side: Side, params: CaseParams): Promise<INestMicroservice> {
  const module = echoModule(params.topic);
  const app =
    side === 'ours'
      ? await NestFactory.createMicroservice(module, {
          strategy: new KafkaChannelsServer({
            brokers: [...params.brokers],
            clientId: 'bench-rr-server',
            logger: silentLogger,
            kafkaJsLogLevel: 'nothing',
            group: { groupName: `${params.groupId}-server`, numWorkers: params.workers },
          }),
          logger: false,
        })
      : await NestFactory.createMicroservice<MicroserviceOptions>(module, {
          transport: Transport.KAFKA,
          options: {
            client: { clientId: 'bench-rr-server', brokers: [...params.brokers], logLevel: logLevel.NOTHING },
            consumer: { groupId: `${params.groupId}-server` },
            subscribe: { fromBeginning: true },
            postfixId: '',
          },
          logger: false,
        });
  await app.listen();
  return app;
}

async function startClient(side: Side, params: CaseParams): Promise<RequestClient> {
  const groupId = `${params.groupId}-client`;
  if (side === 'ours') {
    const client = new KafkaChannelsClient({
      brokers: [...params.brokers],
      clientId: 'bench-rr-client',
      logger: silentLogger,
      kafkaJsLogLevel: 'nothing',
      replyGroupName: groupId,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    client.subscribeToResponseOf(params.topic);
    await client.connect();
    return client;
  }
  const client = new ClientKafka({
    client: { clientId: 'bench-rr-client', brokers: [...params.brokers], logLevel: logLevel.NOTHING },
    consumer: { groupId },
    postfixId: '',
  });
  client.subscribeToResponseOf(params.topic);
  await client.connect();
  // The built-in client learns its reply partition on the group join, after connect() resolved.
  const deadline = Date.now() + REQUEST_TIMEOUT_MS;
  while (client.getConsumerAssignments()[`${params.topic}.reply`] === undefined) {
    if (Date.now() > deadline) throw new Error('the built-in client got no reply partition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return client;
}

/** `rr-<client>-<server>-c<callers>` → the two sides. */
function sides(name: string): { client: Side; server: Side } {
  const match = /^rr-(ours|builtin)-(ours|builtin)-c\d+(?:-\d+w)?$/.exec(name);
  if (!match) throw new Error(`request-reply case name ${name} does not say rr-<client>-<server>-c<callers>[-<workers>w]`);
  return { client: match[1] as Side, server: match[2] as Side };
}

/**
 * Runs `total` round trips with `callers` callers, each sending its next request when the
 * previous reply arrived; records each round trip's time.
 */
async function roundTrips(
  client: RequestClient,
  topic: string,
  payload: string,
  total: number,
  callers: number,
  latency?: LatencyRecorder,
) {
  let started = 0;
  const caller = async (): Promise<void> => {
    while (started < total) {
      started++;
      const sentAt = performance.now();
      const reply = await firstValueFrom(client.send<string>(topic, payload));
      latency?.record(performance.now() - sentAt);
      if (reply !== payload) throw new Error(`a reply did not echo its request (${String(reply).slice(0, 40)}…)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(callers, total) }, caller));
}

// Request-reply round trips between a client and a server, each on this module or on the
// built-in transport, in one process over one broker; the reply topic has one partition.
runCaseProcess(async (params) => {
  const { client: clientSide, server: serverSide } = sides(params.name);
  const callers = params.sendConcurrency;
  const replyTopic = `${params.topic}.reply`;
  const admin = rawClient(params, 'bench-rr-admin').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: replyTopic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  let server: INestMicroservice | undefined;
  let client: RequestClient | undefined;
  try {
    server = await startServer(serverSide, params);
    client = await startClient(clientSide, params);
    const payload = 'x'.repeat(params.recordBytes);
    await roundTrips(client, params.topic, payload, WARM_UP, callers);
    const latency = new LatencyRecorder(params.messages);
    const cpuBefore = process.cpuUsage();
    const begin = performance.now();
    await roundTrips(client, params.topic, payload, params.messages, callers, latency);
    const notes = [
      `client ${clientSide}, server ${serverSide} (numWorkers ${params.workers} when ours), ${callers} callers, round trips/s; ` +
        'client and server share one process (CPU per round trip covers both)',
    ];
    emitTimedResult(params, (performance.now() - begin) / 1000, process.cpuUsage(cpuBefore), latency, notes);
  } finally {
    await client?.close();
    await server?.close();
    await admin.deleteTopics({ topics: [replyTopic], timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect();
  }
});
