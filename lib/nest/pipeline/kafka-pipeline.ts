import type { CanActivate, NestInterceptor, PipeTransform, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import type { AvroSchema } from '../../core/avro.js';
import { NonRetryableError, describeCause } from '../../core/errors.js';
import { hasRegistryDecoding, type KafkaMessage } from '../../core/message.js';
import { KAFKA_CONTEXT_TYPE, KafkaBatchContext, KafkaContext } from './kafka-context.js';
import { recordGuardSkip, type KafkaHandlerStats } from './kafka-handler-stats.js';
import { KafkaParamType, type KafkaParamMetadata } from './kafka-param.decorators.js';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  ExecutionContextHost,
  GuardsConsumer,
  InterceptorsConsumer,
  PARAMTYPES_METADATA,
  PipesConsumer,
  ROUTE_ARGS_METADATA,
  selectFilter,
  type NestEnhancerSource,
  type ResolvedFilter,
} from './nest-internals.js';

/** One decorated handler method, as the explorer found it. */
export interface PipelineTarget {
  readonly instance: object;
  readonly methodName: string;
  /** `Class.method`, for messages. */
  readonly label: string;
  /** Key of the Nest module that holds the provider (where its enhancers are instantiated). */
  readonly moduleKey: string;
  /** Consumer group name. */
  readonly group: string;
  readonly schema?: AvroSchema;
}

/** Runs one record through a handler's pipeline; resolves when it may be committed. */
export type MessageInvoker = (message: KafkaMessage, workerId: number) => Promise<void>;
/** Runs one batch through a batch handler's pipeline. */
export type BatchInvoker = (messages: KafkaMessage[]) => Promise<void>;

type Callback = (...args: unknown[]) => unknown;

/** What one call hands to guards, interceptors, filters (`getArgs()`) and to the parameter extractors. */
interface Call {
  readonly data: KafkaMessage | KafkaMessage[];
  readonly context: KafkaContext | KafkaBatchContext;
}

/** Reads one parameter's value; `context` is created on demand when not given. */
type Extract = (data: KafkaMessage | KafkaMessage[], workerId: number, context: Call['context'] | undefined, args: unknown[]) => unknown;

interface Param {
  readonly index: number;
  readonly extract: Extract;
  /** A custom (`createParamDecorator`) parameter: needs the execution context. */
  readonly custom: boolean;
  /** Global, class, method and parameter pipes; empty when none. */
  readonly pipes: PipeTransform[];
  readonly type: number;
  readonly data: string | undefined;
  readonly metatype: unknown;
}

interface CustomParamMetadata {
  readonly index: number;
  readonly data: unknown;
  readonly pipes?: ReadonlyArray<PipeTransform | Type<PipeTransform>>;
  readonly factory: (data: unknown, context: ExecutionContextHost) => unknown;
}

const guardsConsumer = new GuardsConsumer();
const interceptorsConsumer = new InterceptorsConsumer();
const pipesConsumer = new PipesConsumer();

/**
 * Builds, once per handler at boot, the function that runs a record (or batch) through Nest's
 * pipeline: guards, interceptors, pipes on the parameters, the method, exception filters, all
 * with context type `'kafka'`. Semantics (README, "Nest pipeline"): a guard returning false skips
 * the record (it is committed and counted); a pipe failure becomes a {@link NonRetryableError}; a
 * filter that returns handles the error (commit), one that throws passes it on to the group's
 * error path. With no enhancer at all the method is called directly, so the pipeline costs
 * nothing when unused.
 */
export class KafkaPipelineFactory {
  private readonly logger = new Logger('KafkaHandler');

  constructor(
    private readonly enhancers: NestEnhancerSource,
    private readonly stats: KafkaHandlerStats,
  ) {}

  /** Boot problems of a handler's parameters (e.g. `@Header()` on a batch handler). */
  problems(target: PipelineTarget, batch: boolean): string[] {
    if (!batch) return [];
    const metadata = routeArgs(target);
    const perMessage = Object.keys(metadata).filter((key) =>
      ([KafkaParamType.HEADER, KafkaParamType.HEADERS, KafkaParamType.WORKER_ID] as number[]).includes(Number(key.split(':')[0])),
    );
    return perMessage.length > 0
      ? [
          `${target.label} is a @KafkaBatchHandler: @Header(), @Headers() and @WorkerId() are per message; read them from @Message() (the KafkaMessage[])`,
        ]
      : [];
  }

  forMessages(target: PipelineTarget): MessageInvoker {
    const { group, schema, instance } = target;
    const plan = this.build(target, false);
    const callback = methodOf(target);
    switch (plan.kind) {
      case 'positional':
        return async (message, workerId) => {
          const payload = schema === undefined ? message : message.decode(schema);
          await callback.call(instance, payload, workerId, message);
        };
      case 'direct':
        return async (message, workerId) => {
          await settle(callback.apply(instance, plan.argsOf(message, workerId)));
        };
      case 'pipeline':
        return (message, workerId) => plan.run({ data: message, context: new KafkaContext(message, workerId, group) });
    }
  }

  forBatches(target: PipelineTarget): BatchInvoker {
    const { group, instance } = target;
    const plan = this.build(target, true);
    const callback = methodOf(target);
    switch (plan.kind) {
      case 'positional':
        return async (messages) => {
          await callback.call(instance, messages);
        };
      case 'direct':
        return async (messages) => {
          await settle(callback.apply(instance, plan.argsOf(messages, 0)));
        };
      case 'pipeline':
        return (messages) => plan.run({ data: messages, context: new KafkaBatchContext(messages, group) });
    }
  }

  private build(target: PipelineTarget, batch: boolean): Plan {
    const { instance, moduleKey } = target;
    const callback = methodOf(target);
    const guards = this.enhancers.guards.create(instance, callback, moduleKey);
    const interceptors = this.enhancers.interceptors.create(instance, callback, moduleKey);
    const methodPipes = this.enhancers.pipes.create(instance, callback, moduleKey);
    const filters = this.enhancers.filtersOf(instance, callback, moduleKey);
    const params = this.params(target, batch, methodPipes);
    const noEnhancers = guards.length === 0 && interceptors.length === 0 && filters.length === 0;
    if (params === 'positional' && noEnhancers) return { kind: 'positional' };
    if (params !== 'positional' && noEnhancers && params.every((p) => p.pipes.length === 0 && !p.custom)) {
      // Decorated parameters, nothing around them: read the values and call (no context unless asked for).
      return { kind: 'direct', argsOf: directArgs(params) };
    }
    // A positional method has no pipes: its decode error stays what it is without enhancers.
    const piped = params !== 'positional';
    const argsOf = piped ? pipedArgs(params) : positionalArgs(target, batch);
    return { kind: 'pipeline', run: (call) => this.run(target, callback, { guards, interceptors, filters, piped }, argsOf, call) };
  }

  private async run(
    target: PipelineTarget,
    callback: Callback,
    enhancers: { guards: CanActivate[]; interceptors: NestInterceptor[]; filters: ResolvedFilter[]; piped: boolean },
    argsOf: (call: Call, args: unknown[]) => Promise<unknown[]>,
    call: Call,
  ): Promise<void> {
    const { instance } = target;
    const args: unknown[] = [call.data, call.context];
    let pipeFailure: unknown;
    const handle = async (): Promise<unknown> => {
      let callArgs: unknown[];
      try {
        callArgs = await argsOf(call, args);
      } catch (error) {
        if (enhancers.piped) pipeFailure = error;
        throw error;
      }
      return callback.apply(instance, callArgs);
    };
    try {
      if (
        enhancers.guards.length > 0 &&
        !(await guardsConsumer.tryActivate(enhancers.guards, args, instance, callback, KAFKA_CONTEXT_TYPE))
      ) {
        this.skip(target, call);
        return;
      }
      if (enhancers.interceptors.length === 0) await settle(handle());
      else await settle(interceptorsConsumer.intercept(enhancers.interceptors, args, instance, callback, handle, KAFKA_CONTEXT_TYPE));
    } catch (error) {
      const filter = selectFilter(enhancers.filters, error);
      if (!filter) throw outcome(error, pipeFailure, target, call);
      const host = new ExecutionContextHost(args, instance.constructor as Type<unknown>, callback);
      host.setType(KAFKA_CONTEXT_TYPE);
      try {
        await settle(filter.func(error, host));
      } catch (passedOn) {
        throw outcome(passedOn, pipeFailure, target, call);
      }
    }
  }

  private skip(target: PipelineTarget, call: Call): void {
    const count = Array.isArray(call.data) ? call.data.length : 1;
    recordGuardSkip(this.stats, target.group, count);
    const where = Array.isArray(call.data) ? `a batch of ${count}` : `${call.data.topic}[${call.data.partition}]@${call.data.offset}`;
    this.logger.debug(`${target.label} skipped ${where}: a guard returned false (committed)`);
  }

  private params(target: PipelineTarget, batch: boolean, methodPipes: PipeTransform[]): 'positional' | Param[] {
    const metadata = routeArgs(target);
    const keys = Object.keys(metadata);
    if (keys.length === 0) return 'positional';
    const paramtypes = (Reflect.getMetadata(PARAMTYPES_METADATA, Object.getPrototypeOf(target.instance) as object, target.methodName) ??
      []) as unknown[];
    return keys.map((key) => {
      const entry = metadata[key]!;
      const metatype = paramtypes[entry.index];
      if (key.includes(CUSTOM_ROUTE_ARGS_METADATA)) {
        const custom = entry as unknown as CustomParamMetadata;
        const pipes = [...methodPipes, ...this.enhancers.paramPipes(target.moduleKey, custom.pipes ?? [])];
        const extract: Extract = (_data, _workerId, _context, args) => {
          const host = new ExecutionContextHost(args, target.instance.constructor as Type<unknown>, methodOf(target));
          host.setType(KAFKA_CONTEXT_TYPE);
          return custom.factory(custom.data, host);
        };
        return { index: entry.index, extract, custom: true, pipes, type: -1, data: undefined, metatype };
      }
      const type = Number(key.split(':')[0]);
      const pipes = [...methodPipes, ...this.enhancers.paramPipes(target.moduleKey, entry.pipes ?? [])];
      return {
        index: entry.index,
        extract: extractor(type, entry.data, target, batch),
        custom: false,
        pipes,
        type,
        data: entry.data,
        metatype,
      };
    });
  }
}

type Plan =
  | { readonly kind: 'positional' }
  | { readonly kind: 'direct'; readonly argsOf: (data: KafkaMessage | KafkaMessage[], workerId: number) => unknown[] }
  | { readonly kind: 'pipeline'; readonly run: (call: Call) => Promise<void> };

// Today's positional call, for a method without parameter decorators that has enhancers.
function positionalArgs(target: PipelineTarget, batch: boolean): (call: Call, args: unknown[]) => Promise<unknown[]> {
  return async (call) => {
    if (batch) return [call.data];
    const message = call.data as KafkaMessage;
    const payload = target.schema === undefined ? message : message.decode(target.schema);
    return [payload, (call.context as KafkaContext).workerId, message];
  };
}

function directArgs(params: readonly Param[]): (data: KafkaMessage | KafkaMessage[], workerId: number) => unknown[] {
  const length = Math.max(...params.map((p) => p.index)) + 1;
  const noArgs: unknown[] = [];
  return (data, workerId) => {
    const out = new Array<unknown>(length);
    for (const p of params) out[p.index] = p.extract(data, workerId, undefined, noArgs);
    return out;
  };
}

// Each parameter's value through its pipes (global, class, method, parameter), in parallel as Nest does.
function pipedArgs(params: readonly Param[]): (call: Call, args: unknown[]) => Promise<unknown[]> {
  const length = Math.max(...params.map((p) => p.index)) + 1;
  return async (call, args) => {
    const out = new Array<unknown>(length).fill(undefined);
    const workerId = call.context instanceof KafkaContext ? call.context.workerId : 0;
    await Promise.all(
      params.map(async (p) => {
        const value = p.extract(call.data, workerId, call.context, args);
        out[p.index] =
          p.pipes.length === 0
            ? await value
            : await pipesConsumer.apply(value, { type: p.type as never, data: p.data, metatype: p.metatype as never }, p.pipes);
      }),
    );
    return out;
  };
}

function methodOf(target: PipelineTarget): Callback {
  return (target.instance as Record<string, unknown>)[target.methodName] as Callback;
}

function routeArgs(target: PipelineTarget): Record<string, KafkaParamMetadata> {
  return (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.instance.constructor, target.methodName) ?? {}) as Record<
    string,
    KafkaParamMetadata
  >;
}

function extractor(type: number, data: string | undefined, target: PipelineTarget, batch: boolean): Extract {
  const { group } = target;
  switch (type) {
    case KafkaParamType.PAYLOAD:
      return batch
        ? (messages) => (messages as KafkaMessage[]).map((m) => payloadOf(m, target, data))
        : (message) => payloadOf(message as KafkaMessage, target, data);
    case KafkaParamType.CONTEXT:
      return batch
        ? (messages, _w, context) => context ?? new KafkaBatchContext(messages as KafkaMessage[], group)
        : (message, workerId, context) => context ?? new KafkaContext(message as KafkaMessage, workerId, group);
    case KafkaParamType.MESSAGE:
      return (messageOrMessages) => messageOrMessages;
    case KafkaParamType.HEADER:
      return (message) => (message as KafkaMessage).getHeader(data!);
    case KafkaParamType.HEADERS:
      return (message) => (message as KafkaMessage).headers;
    case KafkaParamType.WORKER_ID:
      return (_message, workerId) => workerId;
    default:
      // Another library's parameter decorator: nothing of ours to give it.
      return () => undefined;
  }
}

// Avro with the handler's schema; else a registry record in its writer's schema, else JSON. Bad
// bytes can never become good: not retryable.
function payloadOf(message: KafkaMessage, target: PipelineTarget, property: string | undefined): unknown {
  let payload: unknown;
  try {
    payload =
      target.schema !== undefined ? message.decode(target.schema) : hasRegistryDecoding(message) ? message.decode() : message.json();
  } catch (error) {
    throw new NonRetryableError(`payload of ${target.label} could not be decoded: ${describeCause(error)}`, message.logData(), {
      cause: error,
    });
  }
  if (property === undefined) return payload;
  return payload !== null && typeof payload === 'object' ? (payload as Record<string, unknown>)[property] : undefined;
}

// What leaves the pipeline: a pipe's own failure is not retryable (the same bytes fail the same way).
function outcome(error: unknown, pipeFailure: unknown, target: PipelineTarget, call: Call): unknown {
  if (error !== pipeFailure || error instanceof NonRetryableError) return error;
  const logData = Array.isArray(call.data) ? { group: target.group, messages: call.data.length } : call.data.logData();
  return new NonRetryableError(`a pipe rejected the payload of ${target.label}: ${pipeErrorText(error)}`, logData, { cause: error });
}

// ValidationPipe puts the constraint messages in the exception's response, not its message.
function pipeErrorText(error: unknown): string {
  const response: unknown =
    typeof (error as { getResponse?: unknown })?.getResponse === 'function'
      ? (error as { getResponse(): unknown }).getResponse()
      : undefined;
  const details: unknown = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : undefined;
  return Array.isArray(details) ? `${describeCause(error)} (${details.map(String).join('; ')})` : describeCause(error);
}

// Awaits a promise, the last value of an Observable, or a plain value.
async function settle(value: unknown): Promise<void> {
  const resolved: unknown = await value;
  if (isObservable(resolved)) await lastValueFrom(resolved, { defaultValue: undefined });
}
