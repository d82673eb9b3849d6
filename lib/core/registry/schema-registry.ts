/**
 * The written contract between the serdes and a schema registry. Two implementations: the HTTP
 * client of a Confluent-compatible registry ({@link createSchemaRegistryClient}, cached) and the
 * test kit's in-memory registry. Schemas travel as their JSON text, as the registry's REST API
 * carries them.
 *
 * Errors every implementation raises:
 * - `SchemaRegistryUnavailableError` (retryable) when the registry cannot answer now;
 * - `SchemaRegistrationError` when `register` is refused (incompatible or invalid schema);
 * - `SchemaRegistryRequestError` (not retryable) for an unknown id or subject and other refusals.
 */
export interface SchemaRegistry {
  /**
   * Registers `schema` under `subject` (a new version, unless the subject already holds it) and
   * resolves its id. The same schema text resolves the same id every time.
   */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text of an id. */
  schemaById(id: number): Promise<string>;
  /** The newest version of a subject. */
  latestVersion(subject: string): Promise<RegisteredSchema>;
}

/** One version of a subject, as the registry holds it. */
export interface RegisteredSchema {
  /** The subject. */
  readonly subject: string;
  /** The schema's global id (what records carry). */
  readonly id: number;
  /** The version within the subject, from 1. */
  readonly version: number;
  /** The schema's JSON text. */
  readonly schema: string;
}

/**
 * A registry client that can also say whether the registry answers (what
 * `createSchemaRegistryClient` returns; the health check uses it).
 */
export interface SchemaRegistryClient extends SchemaRegistry {
  /** The registry's base URL, as configured (no trailing slash). */
  readonly url: string;
  /**
   * One uncached request to the registry (`GET /config`, the global compatibility level, a few
   * bytes on every Confluent-compatible registry). Resolves when it answers 2xx; rejects with
   * `SchemaRegistryUnavailableError` (or its `SchemaRegistryTlsError`) when it cannot be reached,
   * `SchemaRegistryRequestError` when it refuses (401, 403, or 404 for a URL that is not the API).
   */
  checkReachable(): Promise<void>;
}
