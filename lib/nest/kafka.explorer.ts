import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { describeCause } from '../core/errors.js';
import type { KafkaMessage } from '../core/message.js';
import { KafkaModuleError } from './kafka-module.error.js';
import type { HandlerOptions } from '../core/consumer/failure/failure-config.js';
import { originalTopicOf } from '../core/consumer/failure/retry-topics.js';
import { KafkaMetadataAccessor, type KafkaHandlerMetadata } from './kafka-metadata.accessor.js';
import { KafkaClientRegistry } from './kafka.registry.js';
import { KafkaHandlerStats } from './pipeline/kafka-handler-stats.js';
import { KafkaPipelineFactory, type MessageInvoker, type PipelineTarget } from './pipeline/kafka-pipeline.js';
import { NestEnhancerSource, containerOf } from './pipeline/nest-internals.js';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** A decorated method found on a provider or controller instance. */
interface FoundHandler extends PipelineTarget {
  readonly meta: KafkaHandlerMetadata;
}

/**
 * Finds `@KafkaHandler` / `@KafkaBatchHandler` methods with Nest's discovery, checks each group's
 * set of handlers (one batch handler, or message handlers routed by topic with at most one
 * catch-all), builds each method's Nest pipeline and registers ONE core handler per group. All
 * problems found are thrown together as one {@link KafkaModuleError}.
 */
@Injectable()
export class KafkaExplorer {
  private readonly logger = new Logger('KafkaExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: KafkaMetadataAccessor,
    private readonly registry: KafkaClientRegistry,
    private readonly moduleRef: ModuleRef,
    private readonly stats: KafkaHandlerStats,
  ) {}

  /** Discovers and registers every handler; throws {@link KafkaModuleError} listing every problem. */
  explore(): void {
    const problems: string[] = [];
    const byGroup = new Map<string, FoundHandler[]>();
    for (const handler of this.findHandlers(problems)) {
      if (!this.registry.hasGroup(handler.meta.group)) {
        problems.push(
          `${decoratorName(handler.meta)} on ${handler.label} names consumer group "${handler.meta.group}", which is not declared in consumerGroups (declared: ${this.registry.groupNames()})`,
        );
        continue;
      }
      byGroup.set(handler.meta.group, [...(byGroup.get(handler.meta.group) ?? []), handler]);
    }
    if (byGroup.size === 0) {
      if (problems.length > 0) throw new KafkaModuleError(problems);
      return;
    }
    const pipelines = new KafkaPipelineFactory(new NestEnhancerSource(containerOf(this.moduleRef)), this.stats);
    const registrations: Array<() => void> = [];
    for (const [group, handlers] of byGroup) {
      const groupProblems = this.routingProblems(group, handlers);
      for (const handler of handlers) groupProblems.push(...pipelines.problems(handler, handler.meta.kind === 'batch'));
      problems.push(...groupProblems);
      if (groupProblems.length === 0) registrations.push(() => this.register(group, handlers, pipelines, problems));
    }
    // Nothing is registered while any problem stands, so a failed boot leaves no half-wired group.
    if (problems.length === 0) for (const register of registrations) register();
    if (problems.length > 0) throw new KafkaModuleError(problems);
  }

  /** Every problem of one group's set of handlers. */
  private routingProblems(group: string, handlers: FoundHandler[]): string[] {
    const labels = (hs: FoundHandler[]) => hs.map((h) => h.label).join(', ');
    const batch = handlers.filter((h) => h.meta.kind === 'batch');
    const catchAll = handlers.filter((h) => h.meta.kind === 'message' && h.meta.topic === undefined);
    if (batch.length > 0 && handlers.length > 1) {
      return [
        `consumer group "${group}" has ${handlers.length} handlers (${labels(handlers)}); a group with a @KafkaBatchHandler takes no other handler`,
      ];
    }
    if (catchAll.length > 1) {
      return [
        `consumer group "${group}" has ${catchAll.length} handlers (${labels(catchAll)}) without a topic; give each a topic ({ group: '${group}', topic }) or keep one catch-all`,
      ];
    }
    const problems: string[] = [];
    const topics = this.registry.group(group).topics;
    const byTopic = new Map<string, FoundHandler[]>();
    for (const handler of handlers) {
      const { topic } = handler.meta;
      if (topic === undefined) continue;
      if (!topics.includes(topic)) {
        problems.push(
          `${handler.label} handles topic "${topic}", which consumer group "${group}" does not read (its topics: ${topics.map((t) => `"${t}"`).join(', ')})`,
        );
      }
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), handler]);
    }
    for (const [topic, routed] of byTopic) {
      if (routed.length > 1)
        problems.push(`topic "${topic}" of consumer group "${group}" has ${routed.length} handlers (${labels(routed)})`);
    }
    if (byTopic.size > 0 && catchAll.length === 0) {
      const unhandled = topics.filter((t) => !byTopic.has(t));
      if (unhandled.length > 0) {
        problems.push(
          `consumer group "${group}" reads ${unhandled.map((t) => `"${t}"`).join(', ')} but no handler takes ${unhandled.length > 1 ? 'them' : 'it'}: add @KafkaHandler({ group: '${group}', topic }) or one without a topic`,
        );
      }
    }
    return problems;
  }

  private findHandlers(problems: string[]): FoundHandler[] {
    const found: FoundHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (!isStatic(wrapper)) {
        this.refuseScoped(wrapper, problems);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const className = instance.constructor?.name || String(wrapper.name);
      const moduleKey = wrapper.host?.token ?? '';
      for (const { methodName, metas } of this.decoratedMethods(Object.getPrototypeOf(instance))) {
        const label = `${className}.${methodName}`;
        const meta = metas[0]!;
        if (metas.length > 1) problems.push(`${label} has both @KafkaHandler and @KafkaBatchHandler; use one`);
        else found.push({ meta, instance, methodName, label, moduleKey, group: meta.group, schema: meta.schema });
      }
    }
    return found;
  }

  private decoratedMethods(prototype: unknown): Array<{ methodName: string; metas: KafkaHandlerMetadata[] }> {
    if (typeof prototype !== 'object' || prototype === null) return [];
    return this.scanner
      .getAllMethodNames(prototype)
      .map((methodName) => ({ methodName, metas: this.accessor.getHandlerMetadata((prototype as Record<string, unknown>)[methodName]) }))
      .filter((m) => m.metas.length > 0);
  }

  // Request-scoped, durable and transient providers have no single instance to bind. Supporting
  // them would mean a DI sub-tree per record; refused at boot so it is never silently ignored.
  private refuseScoped(wrapper: Wrapper, problems: string[]): void {
    const metatype: unknown = wrapper.metatype;
    if (typeof metatype !== 'function') return;
    for (const { methodName } of this.decoratedMethods(metatype.prototype)) {
      problems.push(
        `${metatype.name}.${methodName} is a Kafka handler on a request-scoped, durable or transient provider (or one that depends on such a provider, or has a request-scoped guard, interceptor, pipe or filter): Kafka handlers need a singleton provider; move the handler to a default-scope provider and resolve scoped services with ModuleRef.resolve()`,
      );
    }
  }

  /** The one place a group's core handler is registered. */
  private register(group: string, handlers: FoundHandler[], pipelines: KafkaPipelineFactory, problems: string[]): void {
    const consumerGroup = this.registry.group(group);
    const labels = handlers.map((h) => h.label).join(', ');
    try {
      const options = sharedHandlerOptions(group, handlers, problems);
      if (options === false) return;
      const transaction = handlers.find((h) => h.meta.transaction !== undefined)?.meta.transaction;
      if (transaction !== undefined) {
        if (handlers.length > 1) {
          problems.push(
            `consumer group "${group}" has a @KafkaHandler with transaction and other handlers (${labels}): a transactional handler must be the group's only one`,
          );
          return;
        }
        const invoke = pipelines.forMessages(handlers[0]!);
        consumerGroup.registerTransactionalHandler((message) => invoke(message, 0), {
          ...transaction,
          ...(options?.onError ? { onError: options.onError } : {}),
        });
      } else if (handlers[0]!.meta.kind === 'batch') {
        consumerGroup.registerBatchHandler(pipelines.forBatches(handlers[0]!), options);
      } else {
        consumerGroup.registerHandler(routeByTopic(handlers, pipelines), options);
      }
    } catch (error) {
      problems.push(`${labels} could not be registered on consumer group "${group}": ${describeCause(error)}`);
      return;
    }
    for (const h of handlers) {
      const what = h.meta.kind === 'batch' ? ' in batches' : h.meta.transaction ? ' in transactions' : '';
      const topics = h.meta.topic ?? consumerGroup.topics.join(', ');
      this.logger.log(`${h.label} handles consumer group "${group}" (${topics})${what}`);
    }
  }
}

// One core handler per group: a single handler is called as is, several are looked up by topic.
function routeByTopic(handlers: FoundHandler[], pipelines: KafkaPipelineFactory): MessageInvoker {
  if (handlers.length === 1) return pipelines.forMessages(handlers[0]!);
  const routes = new Map<string, MessageInvoker>();
  let catchAll: MessageInvoker | undefined;
  for (const handler of handlers) {
    const invoker = pipelines.forMessages(handler);
    if (handler.meta.topic === undefined) catchAll = invoker;
    else routes.set(handler.meta.topic, invoker);
  }
  return (message: KafkaMessage, workerId: number) => {
    // A retry-topic record goes to the handler of the topic it first failed on.
    const invoker = routes.get(originalTopicOf(message)) ?? catchAll;
    // Boot checks make every topic of the group routable; a record of another topic is a bug.
    if (!invoker) return Promise.reject(new Error(`no Kafka handler for topic "${originalTopicOf(message)}"`));
    return invoker(message, workerId);
  };
}

/**
 * The decorators' `onError` / `handlerTimeoutMs` for the group's one core handler: those of its
 * handler, or of its routed handlers when they agree (none set: the group's apply). Routed handlers
 * with different settings are a boot problem: one core handler takes one policy.
 */
function sharedHandlerOptions(group: string, handlers: FoundHandler[], problems: string[]): HandlerOptions | undefined | false {
  const distinct = new Set(
    handlers.map((h) => JSON.stringify(h.meta.failure ?? {}, (_, v: unknown) => (typeof v === 'function' ? v.toString() : v))),
  );
  if (distinct.size > 1) {
    problems.push(
      `consumer group "${group}" routes topics to handlers with different onError / handlerTimeoutMs (${handlers.map((h) => h.label).join(', ')}): set them once, on the group's entry in consumerGroups, or give every handler the same`,
    );
    return false;
  }
  return handlers[0]!.meta.failure;
}

function isStatic(wrapper: Wrapper): boolean {
  return wrapper.isDependencyTreeStatic() && !wrapper.isTransient;
}

function decoratorName(meta: KafkaHandlerMetadata): string {
  return meta.kind === 'batch' ? '@KafkaBatchHandler' : '@KafkaHandler';
}
