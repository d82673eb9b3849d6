import { optionNames, type ConfigChecker } from '../config/validate.js';
import type { SchemaRegistry } from './schema-registry.js';
import type { AvroRegistrySerializerOptions } from './writer-schemas.js';

/** The schema registry of a consumer group: records are decoded by the schema id they carry. */
export interface ConsumerSchemaRegistryOptions {
  /** The registry (a client from `createSchemaRegistryClient`, or the test kit's in-memory one). */
  readonly registry: SchemaRegistry;
  /**
   * `true`: record keys are framed too, and their writer schemas are fetched before the handler
   * runs (`message.decodeKey()`); a key without the framing fails the record with
   * `RegistryFramingError`. Default `false` (keys are plain bytes, e.g. strings).
   */
  readonly decodeKeys?: boolean;
}

/** The option names of a producer's `schemaRegistry` (the serializer's options). */
export const PRODUCER_SCHEMA_REGISTRY_OPTION_NAMES = optionNames<AvroRegistrySerializerOptions>({
  registry: true,
  subjectNameStrategy: true,
  autoRegister: true,
  latestVersionTtlMs: true,
});

/** The option names of a consumer group's `schemaRegistry`. */
export const CONSUMER_SCHEMA_REGISTRY_OPTION_NAMES = optionNames<ConsumerSchemaRegistryOptions>({ registry: true, decodeKeys: true });

/** Checks a producer's `schemaRegistry` option (when present), naming fields `schemaRegistry.<name>`. */
export function checkProducerSchemaRegistry(checker: ConfigChecker, value: unknown): void {
  if (value === undefined) return;
  if (!checkRegistryObject(checker, value, PRODUCER_SCHEMA_REGISTRY_OPTION_NAMES)) return;
  const options = value as Partial<AvroRegistrySerializerOptions>;
  const strategy = options.subjectNameStrategy;
  checker.require(strategy === undefined || typeof strategy === 'function', 'schemaRegistry.subjectNameStrategy', 'must be a function');
  checker.require(
    options.autoRegister === undefined || typeof options.autoRegister === 'boolean',
    'schemaRegistry.autoRegister',
    'must be a boolean',
  );
  const ttl = options.latestVersionTtlMs;
  checker.require(
    ttl === undefined || (typeof ttl === 'number' && ttl > 0),
    'schemaRegistry.latestVersionTtlMs',
    'must be a number > 0 (ms; Infinity: never ask again)',
  );
}

/** Checks a consumer group's `schemaRegistry` option (when present), naming fields `schemaRegistry.<name>`. */
export function checkConsumerSchemaRegistry(checker: ConfigChecker, value: unknown): void {
  if (value === undefined) return;
  if (!checkRegistryObject(checker, value, CONSUMER_SCHEMA_REGISTRY_OPTION_NAMES)) return;
  const { decodeKeys } = value as Partial<ConsumerSchemaRegistryOptions>;
  checker.require(decodeKeys === undefined || typeof decodeKeys === 'boolean', 'schemaRegistry.decodeKeys', 'must be a boolean');
}

function checkRegistryObject(checker: ConfigChecker, value: unknown, known: readonly string[]): boolean {
  if (!checker.require(typeof value === 'object' && value !== null && !Array.isArray(value), 'schemaRegistry', 'must be an object')) {
    return false;
  }
  checker.knownKeys(value, known, 'schemaRegistry.');
  const registry = (value as { registry?: Partial<Record<keyof SchemaRegistry, unknown>> }).registry;
  checker.require(
    typeof registry === 'object' &&
      registry !== null &&
      typeof registry.register === 'function' &&
      typeof registry.schemaById === 'function' &&
      typeof registry.latestVersion === 'function',
    'schemaRegistry.registry',
    'is required: a SchemaRegistry (createSchemaRegistryClient(...) or the test kit InMemorySchemaRegistry)',
  );
  return true;
}
