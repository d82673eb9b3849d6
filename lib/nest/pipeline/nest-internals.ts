// Every use of Nest internals by the Kafka pipeline is in this file, so a Nest upgrade that moves
// them breaks here, and test/unit/nest/nest-internals.test.ts says so. @nestjs/microservices
// builds its RPC pipeline from the same classes (guards, interceptors, pipes, filter contexts).
import type { ExceptionFilter, PipeTransform, Type } from '@nestjs/common';
import type { ModuleRef, NestContainer } from '@nestjs/core';
import { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import { GuardsConsumer, GuardsContextCreator } from '@nestjs/core/guards/index.js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { InterceptorsConsumer, InterceptorsContextCreator } from '@nestjs/core/interceptors/index.js';
import { PipesConsumer, PipesContextCreator } from '@nestjs/core/pipes/index.js';

export { ExecutionContextHost, GuardsConsumer, InterceptorsConsumer, PipesConsumer };

/** Nest's metadata keys (values of `@nestjs/common/constants`, stable since Nest 6). */
export const ROUTE_ARGS_METADATA = '__routeArguments__';
export const CUSTOM_ROUTE_ARGS_METADATA = '__customRouteArgs__';
export const PARAMTYPES_METADATA = 'design:paramtypes';
const EXCEPTION_FILTERS_METADATA = '__exceptionFilters__';

/** One exception filter as Nest's filter contexts resolve it. */
export interface ResolvedFilter {
  readonly func: ExceptionFilter['catch'];
  readonly exceptionMetatypes: Array<Type<unknown>>;
}

/** The application's container: `ModuleRef` keeps it in a protected field, the only way to it from a provider. */
export function containerOf(moduleRef: ModuleRef): NestContainer {
  const container = (moduleRef as unknown as { container?: NestContainer }).container;
  if (!container || typeof container.getModules !== 'function') {
    throw new Error('cannot reach the Nest container through ModuleRef: this @nestjs/core version is not supported by the Kafka pipeline');
  }
  return container;
}

/** Exception filters of a handler (method first, then class, then global), as Nest's external contexts see them. */
class KafkaFilterContext extends ExternalExceptionFilterContext {
  filtersOf(instance: object, callback: (...args: unknown[]) => unknown, moduleKey: string): ResolvedFilter[] {
    this.moduleContext = moduleKey;
    const filters = this.createContext<unknown[], ResolvedFilter[]>(instance, callback, EXCEPTION_FILTERS_METADATA);
    return [...filters].reverse();
  }
}

/** The context creators of one application, built once. */
export class NestEnhancerSource {
  readonly guards: GuardsContextCreator;
  readonly interceptors: InterceptorsContextCreator;
  readonly pipes: PipesContextCreator;
  private readonly filters: KafkaFilterContext;

  constructor(container: NestContainer) {
    const config = container.applicationConfig;
    this.guards = new GuardsContextCreator(container, config);
    this.interceptors = new InterceptorsContextCreator(container, config);
    this.pipes = new PipesContextCreator(container, config);
    this.filters = new KafkaFilterContext(container, config);
  }

  filtersOf(instance: object, callback: (...args: unknown[]) => unknown, moduleKey: string): ResolvedFilter[] {
    return this.filters.filtersOf(instance, callback, moduleKey);
  }

  /** Pipes given to one parameter decorator, resolved in the handler's module. */
  paramPipes(moduleKey: string, pipes: ReadonlyArray<PipeTransform | Type<PipeTransform>>): PipeTransform[] {
    if (pipes.length === 0) return [];
    this.pipes.setModuleContext(moduleKey);
    return this.pipes.createConcreteContext<Array<PipeTransform | Type<PipeTransform>>, PipeTransform[]>([...pipes]);
  }
}

/** Nest's rule: the first filter whose `@Catch()` list is empty or names a class the exception is an instance of. */
export function selectFilter(filters: readonly ResolvedFilter[], exception: unknown): ResolvedFilter | undefined {
  return filters.find(
    ({ exceptionMetatypes }) => exceptionMetatypes.length === 0 || exceptionMetatypes.some((type) => exception instanceof type),
  );
}
