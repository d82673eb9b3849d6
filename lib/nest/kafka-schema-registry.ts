import { optionNames, ConfigChecker } from '../core/config/validate.js';
import { KafkaConfigError, type ConfigProblem } from '../core/errors.js';
import { createSchemaRegistryClient } from '../core/registry/registry-cache.js';
import type { SchemaRegistryTlsOptions } from '../core/registry/registry-tls.js';
import type { SchemaRegistry } from '../core/registry/schema-registry.js';
import type { KafkaSchemaRegistryOptions } from './kafka-module.options.js';

/** Every option name of the module's `schemaRegistry` (when given as options, not as an instance). */
export const SCHEMA_REGISTRY_OPTION_NAMES = optionNames<KafkaSchemaRegistryOptions>({ url: true, auth: true, timeoutMs: true, tls: true });
/** The option names of `schemaRegistry.tls`. */
export const SCHEMA_REGISTRY_TLS_OPTION_NAMES = optionNames<SchemaRegistryTlsOptions>({
  ca: true,
  cert: true,
  key: true,
  rejectUnauthorized: true,
});

/** Whether the option is a ready `SchemaRegistry` (the test kit's, or one the app built) rather than options. */
export function isSchemaRegistryInstance(value: unknown): value is SchemaRegistry {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof SchemaRegistry, unknown>>;
  return (
    typeof candidate.register === 'function' && typeof candidate.schemaById === 'function' && typeof candidate.latestVersion === 'function'
  );
}

/**
 * The module's registry client from its `schemaRegistry` option: the instance itself, a cached
 * HTTP client built from the options, or `null` without the option. Problems are added to
 * `problems` (named `schemaRegistry.<field>`), so a boot error lists them with every other one.
 */
export function moduleSchemaRegistry(option: unknown, problems: ConfigProblem[]): SchemaRegistry | null {
  if (option === undefined || option === null) return null;
  if (isSchemaRegistryInstance(option)) return option;
  const checker = new ConfigChecker();
  if (
    !checker.require(
      typeof option === 'object' && !Array.isArray(option),
      'schemaRegistry',
      'must be { url, … } or a SchemaRegistry instance',
    )
  ) {
    problems.push(...checker.recorded);
    return null;
  }
  const options = option as KafkaSchemaRegistryOptions;
  checker.knownKeys(options, SCHEMA_REGISTRY_OPTION_NAMES, 'schemaRegistry.');
  checker.nonEmptyString(options.url, 'schemaRegistry.url');
  checker.positive(options.timeoutMs, 'schemaRegistry.timeoutMs', { integer: true });
  checkAuth(checker, options.auth);
  if (options.tls !== undefined) {
    if (checker.require(typeof options.tls === 'object' && options.tls !== null, 'schemaRegistry.tls', 'must be an object'))
      checker.knownKeys(options.tls, SCHEMA_REGISTRY_TLS_OPTION_NAMES, 'schemaRegistry.tls.');
  }
  if (checker.recorded.length > 0) {
    problems.push(...checker.recorded);
    return null;
  }
  try {
    return createSchemaRegistryClient({
      url: options.url,
      ...(options.auth && { auth: options.auth }),
      ...(options.timeoutMs !== undefined && { requestTimeoutMs: options.timeoutMs }),
      ...(options.tls && { tls: options.tls }),
    });
  } catch (error) {
    if (!(error instanceof KafkaConfigError)) throw error;
    // The client names its own fields (url, requestTimeoutMs): name them as the module option does.
    for (const p of error.problems)
      problems.push({ field: `schemaRegistry.${p.field === 'requestTimeoutMs' ? 'timeoutMs' : p.field}`, problem: p.problem });
    return null;
  }
}

function checkAuth(checker: ConfigChecker, auth: unknown): void {
  if (auth === undefined) return;
  const record = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : undefined;
  const basic = record !== undefined && typeof record.username === 'string' && typeof record.password === 'string';
  const bearer = record !== undefined && typeof record.token === 'string' && record.token.length > 0;
  checker.require(basic || bearer, 'schemaRegistry.auth', 'must be { username, password } (basic) or { token } (bearer)');
}

/**
 * The core `schemaRegistry` option of one producer or group entry: the module's registry with the
 * entry's choices, `undefined` when the entry opts out (`false`) or the module has none. Problems
 * (an entry that asks for a registry the module lacks, or names its own) go to `problems`.
 */
export function entrySchemaRegistry<T extends object>(
  entry: unknown,
  registry: SchemaRegistry | null,
  field: string,
  problems: ConfigProblem[],
): (T & { registry: SchemaRegistry }) | undefined {
  if (entry === false) return undefined;
  if (entry === undefined) return registry ? ({ registry } as T & { registry: SchemaRegistry }) : undefined;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push({ field, problem: 'must be false or an object of registry choices' });
    return undefined;
  }
  if (Object.hasOwn(entry, 'registry')) {
    problems.push({ field: `${field}.registry`, problem: "is not an entry option: the registry is the module's schemaRegistry" });
    return undefined;
  }
  if (!registry) {
    problems.push({ field, problem: "needs the module's schemaRegistry option (or remove it)" });
    return undefined;
  }
  return { ...(entry as T), registry };
}
