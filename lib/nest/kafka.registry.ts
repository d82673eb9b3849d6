import type { KafkaConsumerGroup } from '../core/consumer/kafka-consumer-group.js';
import { KafkaConfigError, KafkaError, describeCause, type ConfigProblem } from '../core/errors.js';
import { CONNECTION_OPTION_NAMES, type ConnectionConfig } from '../core/config/connection.js';
import { CONSUMER_GROUP_ONLY_OPTION_NAMES } from '../core/config/consumer.js';
import { PRODUCER_ONLY_OPTION_NAMES } from '../core/config/producer.js';
import { ConfigChecker, optionNames } from '../core/config/validate.js';
import { TELEMETRY_OPTION_NAMES, checkTelemetryOptions } from '../core/telemetry/telemetry-options.js';
import type { KafkaProducer } from '../core/producer/kafka-producer.js';
import { kafkajsClientFactory, type KafkaClientFactory } from './kafka-client.factory.js';
import { DEFAULT_NEST_LOG_LEVEL, DEFAULT_SHUTDOWN_TIMEOUT } from './kafka.constants.js';
import { KafkaModuleError } from './kafka-module.error.js';
import type { KafkaConsumerGroupOptions, KafkaDeclaredNames, KafkaModuleOptions } from './kafka-module.options.js';
import { NestKafkaLogger } from './nest-kafka-logger.js';
import type { KafkaGroupHealthSubscription } from './health/kafka-health-subscription.js';
import { BackgroundStartHold } from '../core/background-start.js';
import type { SchemaRegistry } from '../core/registry/schema-registry.js';
import { entrySchemaRegistry, moduleSchemaRegistry } from './kafka-schema-registry.js';
import type { ConsumerSchemaRegistryOptions } from '../core/registry/registry-options.js';
import type { AvroRegistrySerializerOptions } from '../core/registry/writer-schemas.js';

/** Every top-level option name of {@link KafkaModuleOptions}. */
export const MODULE_OPTION_NAMES = [
  ...CONNECTION_OPTION_NAMES,
  ...optionNames<Omit<KafkaModuleOptions, keyof ConnectionConfig>>({
    producers: true,
    consumerGroups: true,
    logLevel: true,
    shutdownTimeout: true,
    schemaRegistry: true,
    ...TELEMETRY_OPTION_NAMES,
  }),
];
/** Every option name of a `consumerGroups` entry. */
export const GROUP_ENTRY_OPTION_NAMES = [
  ...CONSUMER_GROUP_ONLY_OPTION_NAMES,
  ...optionNames<Pick<KafkaConsumerGroupOptions, 'autoStart' | 'healthSubscription'>>({ autoStart: true, healthSubscription: true }),
];
/** The option names of a group entry's `healthSubscription`. */
export const HEALTH_SUBSCRIPTION_ENTRY_NAMES = optionNames<KafkaGroupHealthSubscription>({
  source: true,
  interval: true,
  upAfter: true,
  downAfter: true,
  evaluationTimeout: true,
  onUnhealthy: true,
});

/** A consumer group built by the module, with the Nest-only settings kept beside it. */
export interface RegisteredGroup {
  readonly name: string;
  readonly group: KafkaConsumerGroup;
  readonly autoStart: boolean;
  /** When set, the group follows this health source instead of starting at bootstrap. */
  readonly healthSubscription?: KafkaGroupHealthSubscription;
}

/**
 * The producers and consumer groups of one {@link KafkaModule}, built from its options. Building
 * never touches the network: the clients start initialising in the background on `startClients()`. The registry owns
 * the clients: the lifecycle provider closes them through it.
 */
export class KafkaClientRegistry {
  private constructor(
    private readonly producerMap: ReadonlyMap<string, KafkaProducer>,
    private readonly groupMap: ReadonlyMap<string, RegisteredGroup>,
    /** Bound of each shutdown phase, ms. */
    readonly shutdownTimeout: number,
    private readonly starts: BackgroundStartHold,
    private readonly registryClient: SchemaRegistry | null,
  ) {}

  /**
   * Validates `options` against the statically declared names and builds every client. Throws
   * {@link KafkaModuleError} when the names differ, or one {@link KafkaConfigError} naming every
   * bad field of every entry (e.g. `producers.events.topic`). Nothing is left running on failure.
   * `factory` builds the clients (the test kit passes an in-memory one).
   */
  static async create(
    options: KafkaModuleOptions,
    declared: KafkaDeclaredNames,
    factory: KafkaClientFactory = kafkajsClientFactory,
  ): Promise<KafkaClientRegistry> {
    checkDeclaredNames(options, declared);
    // Every problem of the module options and of every entry goes into one KafkaConfigError.
    const problems: ConfigProblem[] = [...moduleFieldProblems(options)];
    const schemaRegistry = moduleSchemaRegistry(options.schemaRegistry, problems);
    const { producers = {}, consumerGroups = {}, logLevel, logger, shutdownTimeout, tracing, metrics } = options;
    // Module-wide OpenTelemetry switches; an entry's own setting wins.
    const telemetry = { ...(typeof tracing === 'boolean' && { tracing }), ...(typeof metrics === 'boolean' && { metrics }) };
    // Only known keys reach the core clients: an unknown one is reported once, here, not again by each client.
    const { logger: _logger, ...shared } = pickKnown<ConnectionConfig>(options, CONNECTION_OPTION_NAMES);
    // One Nest logger context per client, e.g. `Kafka:producer:events`, so logs say which one.
    const connection = (context: string): ConnectionConfig => ({
      ...shared,
      logger: logger ?? new NestKafkaLogger(`Kafka:${context}`, logLevel ?? DEFAULT_NEST_LOG_LEVEL),
    });

    const built: Array<KafkaProducer | KafkaConsumerGroup> = [];
    // The clients connect only once the app is constructed (startClients, from the lifecycle's
    // onModuleInit): a dependency-injection failure after this point leaves nothing connected.
    const starts = new BackgroundStartHold();
    const producerMap = new Map<string, KafkaProducer>();
    const groupMap = new Map<string, RegisteredGroup>();
    for (const [name, entry] of Object.entries(producers)) {
      // Connection settings are module-wide: in an entry they are unknown keys (the core would accept them).
      problems.push(...entryKeyProblems(entry, PRODUCER_ONLY_OPTION_NAMES, `producers.${name}.`, CONNECTION_OPTION_NAMES));
      const { schemaRegistry: registryChoices, ...known } = pickKnown(entry, PRODUCER_ONLY_OPTION_NAMES);
      const producerRegistry = entrySchemaRegistry<AvroRegistrySerializerOptions>(
        registryChoices,
        schemaRegistry,
        `producers.${name}.schemaRegistry`,
        problems,
      );
      const producer = build(`producers.${name}`, problems, () =>
        starts.collect(() =>
          factory.createProducer({
            ...connection(`producer:${name}`),
            ...telemetry,
            ...known,
            ...(producerRegistry && { schemaRegistry: producerRegistry }),
          }),
        ),
      );
      if (!producer) continue;
      built.push(producer);
      producerMap.set(name, producer);
    }
    for (const [name, entry] of Object.entries(consumerGroups)) {
      problems.push(...entryKeyProblems(entry, GROUP_ENTRY_OPTION_NAMES, `consumerGroups.${name}.`, CONNECTION_OPTION_NAMES));
      const {
        autoStart = true,
        healthSubscription,
        schemaRegistry: registryChoices,
        ...groupConfig
      } = pickKnown(entry, GROUP_ENTRY_OPTION_NAMES);
      const groupRegistry = entrySchemaRegistry<ConsumerSchemaRegistryOptions>(
        registryChoices,
        schemaRegistry,
        `consumerGroups.${name}.schemaRegistry`,
        problems,
      );
      problems.push(
        ...entryKeyProblems(healthSubscription, HEALTH_SUBSCRIPTION_ENTRY_NAMES, `consumerGroups.${name}.healthSubscription.`, []),
      );
      const group = build(`consumerGroups.${name}`, problems, () =>
        starts.collect(() =>
          factory.createConsumerGroup({
            ...connection(`group:${name}`),
            ...telemetry,
            ...groupConfig,
            ...(groupRegistry && { schemaRegistry: groupRegistry }),
          }),
        ),
      );
      if (!group) continue;
      built.push(group);
      groupMap.set(name, { name, group, autoStart, ...(healthSubscription ? { healthSubscription } : {}) });
    }
    if (problems.length > 0) {
      await Promise.allSettled(built.map((client) => client.close({ timeout: 1_000 })));
      throw new KafkaConfigError('KafkaModule', problems);
    }
    return new KafkaClientRegistry(producerMap, groupMap, shutdownTimeout ?? DEFAULT_SHUTDOWN_TIMEOUT, starts, schemaRegistry);
  }

  /** Lets the clients start connecting (once): called when the app's construction succeeded. */
  startClients(): void {
    this.starts.release();
  }

  /** The named producer; throws {@link KafkaModuleError} naming the declared ones if unknown. */
  producer(name: string): KafkaProducer {
    const producer = this.producerMap.get(name);
    if (!producer) throw new KafkaModuleError([`no producer named "${name}" (declared: ${list(this.producerMap.keys())})`]);
    return producer;
  }

  /** The named consumer group; throws {@link KafkaModuleError} naming the declared ones if unknown. */
  group(name: string): KafkaConsumerGroup {
    const entry = this.groupMap.get(name);
    if (!entry) throw new KafkaModuleError([`no consumer group named "${name}" (declared: ${list(this.groupMap.keys())})`]);
    return entry.group;
  }

  /** The module's schema registry client (`schemaRegistry` option), or `null` without one. */
  schemaRegistry(): SchemaRegistry | null {
    return this.registryClient;
  }

  /** Whether a consumer group of that name is declared. */
  hasGroup(name: string): boolean {
    return this.groupMap.has(name);
  }

  /** Every consumer group with its Nest-only settings. */
  groups(): RegisteredGroup[] {
    return [...this.groupMap.values()];
  }

  /** Every producer with its name. */
  producers(): Array<{ name: string; producer: KafkaProducer }> {
    return [...this.producerMap].map(([name, producer]) => ({ name, producer }));
  }

  /** Comma-separated names of the declared groups, for error messages. */
  groupNames(): string {
    return list(this.groupMap.keys());
  }
}

function build<T>(field: string, problems: ConfigProblem[], create: () => T): T | undefined {
  try {
    return create();
  } catch (error) {
    if (error instanceof KafkaConfigError) {
      for (const p of error.problems) {
        // A connection setting comes from the module's top level (entries cannot set one), so its
        // problem is named there, once, however many clients share it.
        const shared = CONNECTION_OPTION_NAMES.includes(p.field.split(/[.[]/, 1)[0]);
        const named = shared ? p : { field: `${field}.${p.field}`, problem: p.problem };
        if (!problems.some((q) => q.field === named.field && q.problem === named.problem)) problems.push(named);
      }
    } else {
      problems.push({ field, problem: `could not be created: ${error instanceof KafkaError ? error.message : describeCause(error)}` });
    }
    return undefined;
  }
}

function moduleFieldProblems(options: KafkaModuleOptions): readonly ConfigProblem[] {
  const checker = new ConfigChecker();
  checker.knownKeys(options, MODULE_OPTION_NAMES);
  checker.positive(options.shutdownTimeout, 'shutdownTimeout');
  checker.oneOf(options.logLevel, ['debug', 'info', 'warn', 'error', 'nothing'], 'logLevel');
  checkTelemetryOptions(checker, options);
  for (const field of ['producers', 'consumerGroups'] as const) {
    const value: unknown = options[field];
    checker.require(
      value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)),
      field,
      'must be an object keyed by name',
    );
  }
  return checker.recorded;
}

/**
 * Unknown keys of one producer, group or health-subscription entry. A connection setting there
 * gets its own hint, since it is a real option in the wrong place.
 */
function entryKeyProblems(
  entry: unknown,
  known: readonly string[],
  prefix: string,
  moduleWide: readonly string[],
): readonly ConfigProblem[] {
  if (typeof entry !== 'object' || entry === null) return [];
  const checker = new ConfigChecker();
  const misplaced = Object.keys(entry).filter((key) => moduleWide.includes(key));
  for (const key of misplaced)
    checker.require(false, `${prefix}${key}`, 'is a connection setting: set it once at the top level of the KafkaModule options');
  const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !moduleWide.includes(key)));
  checker.knownKeys(rest, known, prefix);
  return checker.recorded;
}

/** The keys of `options` that are in `known`; the others were reported and must not be reported again by the core. */
function pickKnown<T extends object>(options: T, known: readonly string[]): T {
  if (typeof options !== 'object' || options === null) return options;
  return Object.fromEntries(Object.entries(options).filter(([key]) => known.includes(key))) as T;
}

function checkDeclaredNames(options: KafkaModuleOptions, declared: KafkaDeclaredNames): void {
  const problems = [
    ...compareNames('producers', Object.keys(options.producers ?? {}), declared.producers),
    ...compareNames('consumerGroups', Object.keys(options.consumerGroups ?? {}), declared.consumerGroups),
  ];
  if (problems.length > 0) throw new KafkaModuleError(problems);
}

function compareNames(field: string, actual: readonly string[], declared: readonly string[]): string[] {
  const missing = declared.filter((n) => !actual.includes(n));
  const extra = actual.filter((n) => !declared.includes(n));
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(`the options factory returned no ${field} entry for ${quote(missing)}, declared in forRootAsync({ ${field} })`);
  if (extra.length > 0)
    problems.push(`the options factory returned ${field} ${quote(extra)}, which forRootAsync({ ${field} }) does not declare`);
  return problems;
}

function quote(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

function list(names: Iterable<string>): string {
  const all = [...names];
  return all.length > 0 ? quote(all) : 'none';
}
