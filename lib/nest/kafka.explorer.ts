import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { describeCause } from '../core/errors.js';
import type { KafkaMessage } from '../core/message.js';
import { KafkaModuleError } from './kafka-module.error.js';
import type { HandlerOptions } from '../core/consumer/failure/failure-config.js';
import { KafkaMetadataAccessor, type KafkaHandlerMetadata } from './kafka-metadata.accessor.js';
import { KafkaClientRegistry } from './kafka.registry.js';

type Wrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** A decorated method found on a provider or controller instance. */
interface FoundHandler {
  readonly meta: KafkaHandlerMetadata;
  readonly instance: object;
  readonly methodName: string;
  /** `Class.method`, for messages. */
  readonly label: string;
}

/**
 * Finds `@KafkaHandler` / `@KafkaBatchHandler` methods with Nest's discovery and registers them,
 * with `this` bound to their provider, on the named consumer groups. All problems found are
 * thrown together as one {@link KafkaModuleError}.
 */
@Injectable()
export class KafkaExplorer {
  private readonly logger = new Logger('KafkaExplorer');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: KafkaMetadataAccessor,
    private readonly registry: KafkaClientRegistry,
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
    for (const [group, handlers] of byGroup) {
      if (handlers.length > 1) {
        problems.push(
          `consumer group "${group}" has ${handlers.length} handlers (${handlers.map((h) => h.label).join(', ')}); a group takes exactly one @KafkaHandler or @KafkaBatchHandler`,
        );
        continue;
      }
      this.register(handlers[0]!, problems);
    }
    if (problems.length > 0) throw new KafkaModuleError(problems);
  }

  private findHandlers(problems: string[]): FoundHandler[] {
    const found: FoundHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (!isStatic(wrapper)) {
        this.warnIfHandlers(wrapper);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const className = instance.constructor?.name || String(wrapper.name);
      for (const { methodName, metas } of this.decoratedMethods(Object.getPrototypeOf(instance))) {
        const label = `${className}.${methodName}`;
        if (metas.length > 1) problems.push(`${label} has both @KafkaHandler and @KafkaBatchHandler; use one`);
        else found.push({ meta: metas[0]!, instance, methodName, label });
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

  // Request-scoped and transient providers have no single instance to bind, as in @nestjs/schedule.
  private warnIfHandlers(wrapper: Wrapper): void {
    const metatype: unknown = wrapper.metatype;
    if (typeof metatype !== 'function') return;
    for (const { methodName } of this.decoratedMethods(metatype.prototype)) {
      this.logger.warn(
        `${metatype.name}.${methodName} is a Kafka handler on a request-scoped or transient provider and is skipped: handlers need a singleton provider`,
      );
    }
  }

  private register(handler: FoundHandler, problems: string[]): void {
    const group = this.registry.group(handler.meta.group);
    const method = (handler.instance as Record<string, unknown>)[handler.methodName] as (...args: unknown[]) => unknown;
    try {
      if (handler.meta.kind === 'batch') {
        group.registerBatchHandler(async (messages: KafkaMessage[]) => {
          await method.call(handler.instance, messages);
        }, handlerOptions(handler.meta));
      } else {
        const { schema } = handler.meta;
        group.registerHandler(async (message: KafkaMessage, workerId: number) => {
          const payload = schema === undefined ? message : message.decode(schema);
          await method.call(handler.instance, payload, workerId, message);
        }, handlerOptions(handler.meta));
      }
    } catch (error) {
      problems.push(`${handler.label} could not be registered on consumer group "${handler.meta.group}": ${describeCause(error)}`);
      return;
    }
    this.logger.log(
      `${handler.label} handles consumer group "${handler.meta.group}" (${group.topics.join(', ')})${handler.meta.kind === 'batch' ? ' in batches' : ''}`,
    );
  }
}

/** The decorator's `onError` / `handlerTimeoutMs` (only those set: the group's apply otherwise). */
function handlerOptions(meta: KafkaHandlerMetadata): HandlerOptions | undefined {
  return meta.failure;
}

function isStatic(wrapper: Wrapper): boolean {
  return wrapper.isDependencyTreeStatic() && !wrapper.isTransient;
}

function decoratorName(meta: KafkaHandlerMetadata): string {
  return meta.kind === 'batch' ? '@KafkaBatchHandler' : '@KafkaHandler';
}
