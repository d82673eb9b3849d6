import 'reflect-metadata';
import { Controller, Injectable, Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  EventPattern,
  MessagePattern,
  Payload,
  RpcException,
  Transport,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { KafkaChannelsClient, KafkaChannelsServer, type KafkaChannelsClientOptions } from '../../../lib/nest/microservices/index.js';
import { createTopic, sharedBrokers, uniqueName } from '../../support/env.js';

/** Topics of one interop run: a request topic per behaviour, their reply topics, an event topic. */
export interface InteropTopics {
  readonly sum: string;
  readonly rpcError: string;
  readonly plainError: string;
  readonly event: string;
}

/** Fresh topics (request topics with their `.reply` topics of 2 partitions). */
export async function interopTopics(prefix: string): Promise<InteropTopics> {
  const topics: InteropTopics = {
    sum: uniqueName(`${prefix}-sum`),
    rpcError: uniqueName(`${prefix}-rpcerr`),
    plainError: uniqueName(`${prefix}-err`),
    event: uniqueName(`${prefix}-event`),
  };
  await Promise.all([
    ...[topics.sum, topics.rpcError, topics.plainError].flatMap((t) => [createTopic(t, 2), createTopic(`${t}.reply`, 2)]),
    createTopic(topics.event, 2),
  ]);
  return topics;
}

/** What the event handler saw. */
@Injectable()
export class SeenEvents {
  readonly events: unknown[] = [];
}

/** A controller on `topics`, as a user would write it for `Transport.KAFKA`. */
export function interopModule(topics: InteropTopics, seen: SeenEvents): Type<unknown> {
  @Controller()
  class InteropController {
    @MessagePattern(topics.sum)
    sum(@Payload() data: { numbers: number[] }): number {
      return data.numbers.reduce((a, b) => a + b, 0);
    }

    @MessagePattern(topics.rpcError)
    refuse(): never {
      throw new RpcException({ status: 'refused', reason: 'not today' });
    }

    @MessagePattern(topics.plainError)
    fail(): never {
      throw new Error('something broke');
    }

    @EventPattern(topics.event)
    record(@Payload() data: unknown): void {
      seen.events.push(data);
    }
  }
  @Module({ controllers: [InteropController], providers: [{ provide: SeenEvents, useValue: seen }] })
  class InteropModule {}
  return InteropModule;
}

/** Starts the controller on this module's transport strategy. */
export async function startOurs(module: Type<unknown>, groupName: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, {
    strategy: new KafkaChannelsServer({ brokers: sharedBrokers(), kafkaJsLogLevel: 'nothing', group: { groupName } }),
    logger: false,
  });
  await app.listen();
  return app;
}

/** Starts the controller on the built-in `Transport.KAFKA` server. */
export async function startBuiltIn(module: Type<unknown>, groupId: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: groupId, brokers: sharedBrokers(), logLevel: logLevel.NOTHING },
      consumer: { groupId },
      subscribe: { fromBeginning: true },
      postfixId: '',
    },
    logger: false,
  });
  await app.listen();
  return app;
}

/** This module's client, subscribed to the replies of `patterns`. */
export async function ourClient(
  patterns: readonly string[],
  options: Partial<KafkaChannelsClientOptions> = {},
): Promise<KafkaChannelsClient> {
  const client = new KafkaChannelsClient({
    brokers: sharedBrokers(),
    kafkaJsLogLevel: 'nothing',
    replyGroupName: uniqueName('ours-client'),
    requestTimeoutMs: 30_000,
    ...options,
  });
  for (const pattern of patterns) client.subscribeToResponseOf(pattern);
  await client.connect();
  return client;
}

/** The built-in client, subscribed to the replies of `patterns`, once it holds a partition of each reply topic. */
export async function builtInClient(patterns: readonly string[]): Promise<ClientKafka> {
  const groupId = uniqueName('builtin-client');
  const client = new ClientKafka({
    client: { clientId: groupId, brokers: sharedBrokers(), logLevel: logLevel.NOTHING },
    consumer: { groupId },
    postfixId: '',
  });
  for (const pattern of patterns) client.subscribeToResponseOf(pattern);
  await client.connect();
  const deadline = Date.now() + 30_000;
  // The built-in client learns its reply partitions on the group join, after connect() resolved.
  while (!patterns.every((p) => client.getConsumerAssignments()[`${p}.reply`] !== undefined)) {
    if (Date.now() > deadline) throw new Error('the built-in client got no reply partition within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return client;
}
