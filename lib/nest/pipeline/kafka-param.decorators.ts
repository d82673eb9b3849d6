import type { PipeTransform, Type } from '@nestjs/common';
import { KafkaModuleError } from '../kafka-module.error.js';
import { ROUTE_ARGS_METADATA } from './nest-internals.js';

/**
 * Parameter kinds, stored in Nest's route-argument metadata. `PAYLOAD` (3) and `CONTEXT` (6) are
 * the numbers `@nestjs/microservices` uses for `@Payload()` / `@Ctx()`, so those decorators keep
 * working on a Kafka handler; 3 is also what pipes see as `'body'`, so `ValidationPipe` checks it.
 */
export const KafkaParamType = {
  PAYLOAD: 3,
  CONTEXT: 6,
  MESSAGE: 40,
  HEADER: 41,
  HEADERS: 42,
  WORKER_ID: 43,
} as const;

/** One of {@link KafkaParamType}'s values. */
export type KafkaParamKind = (typeof KafkaParamType)[keyof typeof KafkaParamType];

/** What one parameter decorator recorded. */
export interface KafkaParamMetadata {
  readonly index: number;
  readonly data: string | undefined;
  readonly pipes: ReadonlyArray<PipeTransform | Type<PipeTransform>>;
}

function kafkaParam(type: KafkaParamKind, data: string | undefined, pipes: Array<PipeTransform | Type<PipeTransform>>): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new KafkaModuleError(['Kafka parameter decorators go on handler method parameters, not constructor ones']);
    const ctor = target.constructor;
    const existing = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctor, key) ?? {}) as Record<string, KafkaParamMetadata>;
    const entry: KafkaParamMetadata = { index, data, pipes };
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, { ...existing, [`${type}:${index}`]: entry }, ctor, key);
  };
}

function splitPipes(
  propertyOrPipe: string | PipeTransform | Type<PipeTransform> | undefined,
  pipes: Array<PipeTransform | Type<PipeTransform>>,
): [string | undefined, Array<PipeTransform | Type<PipeTransform>>] {
  if (propertyOrPipe === undefined || typeof propertyOrPipe === 'string') return [propertyOrPipe, pipes];
  return [undefined, [propertyOrPipe, ...pipes]];
}

/**
 * The decoded payload: Avro-decoded with the handler's `schema` (through the schema registry in a
 * group that has one, where without `schema` it is the writer's event), else the value parsed as
 * JSON (an array of them in a batch handler). With `property`, that property of it. Pipes (global,
 * class, method and these) apply, and see it as `'body'`, so `ValidationPipe` validates a DTO
 * class. A payload that cannot be decoded or fails a pipe is a `NonRetryableError`.
 *
 * @example
 * ```ts
 * @KafkaHandler({ group: 'orders' })
 * async handle(@Payload() order: OrderDto, @Header('tenant') tenant?: string) {}
 * ```
 */
export function Payload(property?: string, ...pipes: Array<PipeTransform | Type<PipeTransform>>): ParameterDecorator;
/** The decoded payload passed through `pipes`. */
export function Payload(...pipes: Array<PipeTransform | Type<PipeTransform>>): ParameterDecorator;
export function Payload(
  propertyOrPipe?: string | PipeTransform | Type<PipeTransform>,
  ...pipes: Array<PipeTransform | Type<PipeTransform>>
): ParameterDecorator {
  const [property, all] = splitPipes(propertyOrPipe, pipes);
  return kafkaParam(KafkaParamType.PAYLOAD, property, all);
}

/** The `KafkaContext` (topic, partition, offset, key, headers, worker id, group); a `KafkaBatchContext` in a batch handler. */
export function KafkaCtx(): ParameterDecorator {
  return kafkaParam(KafkaParamType.CONTEXT, undefined, []);
}

/** The `KafkaMessage` (the `KafkaMessage[]` in a batch handler). */
export function Message(): ParameterDecorator {
  return kafkaParam(KafkaParamType.MESSAGE, undefined, []);
}

/** Text of the header `name` (first value if repeated), or `undefined`. Pipes apply. Not in batch handlers. */
export function Header(name: string, ...pipes: Array<PipeTransform | Type<PipeTransform>>): ParameterDecorator {
  if (typeof name !== 'string' || name === '') throw new KafkaModuleError(['@Header(name) needs a non-empty header name']);
  return kafkaParam(KafkaParamType.HEADER, name, pipes);
}

/** Every header (a repeated header keeps its first value). Not in batch handlers. */
export function Headers(): ParameterDecorator {
  return kafkaParam(KafkaParamType.HEADERS, undefined, []);
}

/** Id (1..numWorkers) of the worker running the call. Not in batch handlers. */
export function WorkerId(): ParameterDecorator {
  return kafkaParam(KafkaParamType.WORKER_ID, undefined, []);
}
